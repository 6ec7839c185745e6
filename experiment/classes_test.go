package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/tensor"
)

// writeBlobs writes a CSV file of n examples of two features, the first
// centred on 3·k for the k-th of labels, the label in the last column.
func writeBlobs(t *testing.T, path string, labels []string, n int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("x,y,label\n")
	for range n {
		k := r.IntN(len(labels))
		fmt.Fprintf(&b, "%.3f,%.3f,%s\n", 3*float64(k)+0.3*r.NormFloat64(), r.NormFloat64(), labels[k])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCSVClassNamesEndToEnd: a model trained on a CSV file keeps the
// labels as written, and Predict names them beside the class numbers.
func TestCSVClassNamesEndToEnd(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name   string
		labels []string // in the order of the blobs (x = 0, 3, 6…)
		names  []string // the model's classes
	}{
		{"names", []string{"dog", "cat"}, []string{"cat", "dog"}},
		{"signed integers", []string{"-1", "0", "1"}, []string{"-1", "0", "1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			csv, model := filepath.Join(dir, tt.name+".csv"), filepath.Join(dir, tt.name+".ckpt")
			writeBlobs(t, csv, tt.labels, 300, 1)
			rep, err := Train(context.Background(), TrainSettings{Data: csv, Epochs: 20, Hidden: []int{8}, Batch: 16, Out: model})
			if err != nil {
				t.Fatal(err)
			}
			if rep.TestAccuracy < 0.95 || !slices.Equal(rep.ClassNames, tt.names) {
				t.Fatalf("trained to accuracy %.3f with class names %q, want %q", rep.TestAccuracy, rep.ClassNames, tt.names)
			}
			ins, err := Inspect(model)
			if err != nil || !slices.Equal(ins.ClassNames, tt.names) {
				t.Errorf("Inspect: class names %q, %v", ins.ClassNames, err)
			}
			// One input at the centre of each blob.
			x := tensor.New(len(tt.labels), 2)
			for k := range tt.labels {
				x.Set(3*float32(k), k, 0)
			}
			pred, err := Predict(context.Background(), PredictSettings{Model: model, Inputs: x})
			if err != nil {
				t.Fatal(err)
			}
			for k, p := range pred.Predictions {
				if p.Label != tt.labels[k] || tt.names[p.Class] != p.Label {
					t.Errorf("input at the centre of %q: class %d, label %q", tt.labels[k], p.Class, p.Label)
				}
			}
			b, _ := json.Marshal(pred.Predictions[0])
			if want := fmt.Sprintf(`{"class":%d,"label":%q,"probabilities":[`, pred.Predictions[0].Class, tt.labels[0]); !strings.HasPrefix(string(b), want) {
				t.Errorf("prediction JSON %s, want it to start %s", b, want)
			}
			ev, err := Evaluate(context.Background(), EvalSettings{Model: model, Data: csv})
			if err != nil || ev.Accuracy != rep.TestAccuracy {
				t.Errorf("Evaluate on the held-out rows: accuracy %v (%v), train measured %v", ev.Accuracy, err, rep.TestAccuracy)
			}
		})
	}
}

// TestEvaluateOtherCSV: a test file whose labels number differently when
// read alone is scored by name; a label the model never saw is an error
// naming it.
func TestEvaluateOtherCSV(t *testing.T) {
	dir := t.TempDir()
	trainCSV, model := filepath.Join(dir, "pets.csv"), filepath.Join(dir, "pets.ckpt")
	writeBlobs(t, trainCSV, []string{"dog", "cat"}, 300, 1) // the model's classes: cat 0, dog 1
	if _, err := Train(context.Background(), TrainSettings{Data: trainCSV, Epochs: 20, Hidden: []int{8}, Batch: 16, Out: model}); err != nil {
		t.Fatal(err)
	}
	// Only dogs: read alone, dog is class 0, the model's cat.
	dogs := filepath.Join(dir, "dogs.csv")
	writeBlobs(t, dogs, []string{"dog"}, 100, 2)
	rep, err := Evaluate(context.Background(), EvalSettings{Model: model, Data: dogs})
	if err != nil || rep.Accuracy < 0.95 {
		t.Errorf("Evaluate on a file of dogs: %+v, %v; want accuracy near 1", rep, err)
	}
	zoo := filepath.Join(dir, "zoo.csv")
	writeBlobs(t, zoo, []string{"dog", "cat", "zebra"}, 200, 3)
	_, err = Evaluate(context.Background(), EvalSettings{Model: model, Data: zoo})
	if err == nil || !strings.Contains(err.Error(), `label "zebra", which is not a class of the model ("cat", "dog")`) {
		t.Errorf("Evaluate with a label the model never saw: %v", err)
	}
}

// TestEvaluateClassesBeyondModel: a test set of numbered classes beyond
// the model's is an error, not an index out of range.
func TestEvaluateClassesBeyondModel(t *testing.T) {
	dir := t.TempDir()
	path, _ := saveTinyMLP(t, dir) // 4 inputs, 2 classes, no names
	csv := filepath.Join(dir, "five.csv")
	os.WriteFile(csv, []byte("1,2,3,4,0\n1,2,3,4,4\n1,2,3,4,1\n1,2,3,4,2\n1,2,3,4,3\n"), 0o644)
	_, err := Evaluate(context.Background(), EvalSettings{Model: path, Data: csv, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "2 classes") {
		t.Errorf("Evaluate with labels up to 4 on a 2-class model: %v", err)
	}
}

// TestResumeDamagedCheckpoint: a checkpoint whose saved settings or
// position no run could have is an error about the checkpoint, never a
// *FieldError blaming a setting the caller did not give.
func TestResumeDamagedCheckpoint(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ckpt")
	if _, err := Train(context.Background(), TrainSettings{Data: "xor", Epochs: 2, Hidden: []int{4}, Out: good}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, old, new, want string }{
		{"batch 0", `"batch":64`, `"batch":0`, "saved setting Batch 0"},
		{"negative position", `"batch":0,"step"`, `"batch":-3,"step"`, "training state batch = -3"},
		{"epochs below the position", `"epochs":2`, `"epochs":1`, "saved setting Epochs 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := modelio.ReadFile(good)
			if err != nil {
				t.Fatal(err)
			}
			tr := f.Metadata["neurite.training"]
			if !strings.Contains(tr, tt.old) {
				t.Fatalf("the checkpoint's training record has no %s: %s", tt.old, tr)
			}
			f.Metadata["neurite.training"] = strings.Replace(tr, tt.old, tt.new, 1)
			bad := filepath.Join(dir, "bad.ckpt")
			if err := modelio.WriteFile(bad, f); err != nil {
				t.Fatal(err)
			}
			_, err = Train(context.Background(), TrainSettings{Resume: bad, Epochs: 0})
			if err == nil || IsSettingError(err) || !strings.Contains(err.Error(), "damaged checkpoint") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("resuming %s: %v (a setting error: %v); want an error about the checkpoint with %q", tt.name, err, IsSettingError(err), tt.want)
			}
		})
	}
	// A setting the caller gives is still the caller's.
	if _, err := Train(context.Background(), TrainSettings{Resume: good, Epochs: 1}); !IsSettingError(err) {
		t.Errorf("resuming a 2-epoch checkpoint for 1 epoch: %v, want a *FieldError", err)
	}
}
