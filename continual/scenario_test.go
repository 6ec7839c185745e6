package continual

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
)

// blobs returns n examples of classes prototypes in [0, 1]^features plus
// uniform noise of ±noise, labels in turn 0, 1, 2, …, drawn from seed.
func blobs(n, classes, features int, noise float64, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	proto := rand.New(rand.NewPCG(99, 2)) // the same prototypes for every set
	centres := make([][]float64, classes)
	for c := range centres {
		centres[c] = make([]float64, features)
		for j := range centres[c] {
			centres[c][j] = proto.Float64()
		}
	}
	d := &data.Dataset{Name: "blobs", X: tensor.New(n, features), Labels: make([]int, n), Classes: classes}
	for i := range n {
		c := i % classes
		d.Labels[i] = c
		row := d.X.Row(i)
		for j := range row {
			row[j] = float32(min(1, max(0, centres[c][j]+noise*(2*r.Float64()-1))))
		}
	}
	return d
}

func TestSplitTasks(t *testing.T) {
	tr, te := blobs(200, 10, 8, 0.1, 1), blobs(100, 10, 8, 0.1, 2)
	for _, tt := range []struct {
		tasks   int
		names   []string
		classes [][]int
	}{
		{5, []string{"0–1", "2–3", "4–5", "6–7", "8–9"}, [][]int{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}}},
		{3, []string{"0–3", "4–6", "7–9"}, [][]int{{0, 1, 2, 3}, {4, 5, 6}, {7, 8, 9}}},
		{10, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, nil},
	} {
		sc, err := Split(tr, te, Options{Tasks: tt.tasks, TrainExamples: 15})
		if err != nil {
			t.Fatal(err)
		}
		if got := sc.Names(); !slices.Equal(got, tt.names) {
			t.Errorf("Split into %d: tasks %v, want %v", tt.tasks, got, tt.names)
		}
		for k, task := range sc.Tasks {
			if tt.classes != nil && !slices.Equal(task.Classes, tt.classes[k]) {
				t.Errorf("Split into %d: task %d has classes %v, want %v", tt.tasks, k, task.Classes, tt.classes[k])
			}
			if task.Train.Len() != min(15, 20*len(task.Classes)) || task.Test.Len() != 10*len(task.Classes) {
				t.Errorf("Split into %d: task %s has %d training and %d test examples", tt.tasks, task.Name, task.Train.Len(), task.Test.Len())
			}
			for _, d := range []*data.Dataset{task.Train, task.Test} {
				for _, l := range d.Labels {
					if !slices.Contains(task.Classes, l) {
						t.Errorf("task %s has an example of class %d", task.Name, l)
					}
				}
			}
		}
	}
	if _, err := Split(tr, te, Options{Tasks: 11}); err == nil {
		t.Error("Split into 11 tasks of 10 classes: no error")
	}
}

// TestPermutedTasks: the first task is the data as it is, the others the
// same examples with their features permuted, differently per task and
// the same for a seed.
func TestPermutedTasks(t *testing.T) {
	tr, te := blobs(50, 4, 16, 0.2, 1), blobs(20, 4, 16, 0.2, 2)
	tr.Shape = []int{1, 4, 4}
	sc, err := Permuted(tr, te, Options{Tasks: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sc.Tasks[0].Train.X.Data, tr.X.Data) || !slices.Equal(sc.Tasks[0].Train.Shape, tr.Shape) {
		t.Error("the first permuted task is not the data as it is")
	}
	for k := 1; k < 3; k++ {
		task := sc.Tasks[k]
		if task.Train.Shape != nil {
			t.Errorf("task %s keeps the image shape %v", task.Name, task.Train.Shape)
		}
		if slices.Equal(task.Train.X.Data, tr.X.Data) || slices.Equal(task.Train.X.Data, sc.Tasks[3-k].Train.X.Data) {
			t.Errorf("task %s is not a permutation of its own", task.Name)
		}
		for i := range tr.Len() {
			a, b := slices.Clone(tr.X.Row(i)), slices.Clone(task.Train.X.Row(i))
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) || task.Train.Labels[i] != tr.Labels[i] {
				t.Fatalf("task %s, example %d: not the same pixels and label", task.Name, i)
			}
		}
	}
	again, _ := Permuted(tr, te, Options{Tasks: 3, Seed: 7})
	other, _ := Permuted(tr, te, Options{Tasks: 3, Seed: 8})
	if !slices.Equal(again.Tasks[2].Test.X.Data, sc.Tasks[2].Test.X.Data) {
		t.Error("the same seed gave other permutations")
	}
	if slices.Equal(other.Tasks[2].Test.X.Data, sc.Tasks[2].Test.X.Data) {
		t.Error("another seed gave the same permutations")
	}
	if _, err := Permuted(tr, te, Options{Tasks: 3, MaxMemory: 1000}); err == nil {
		t.Error("Permuted over its memory limit: no error")
	}
}
