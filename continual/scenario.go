package continual

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/internal/budget"
)

// Task is one stage of a scenario: the examples a learner trains on while
// the task lasts, and the held-out examples it is scored on afterwards.
type Task struct {
	// Name says what the task is ("0–1" for the digits 0 and 1, "P2"
	// for the second permutation).
	Name string `json:"name"`
	// Classes are the classes its examples have.
	Classes []int `json:"classes"`
	// Train and Test are its examples (already normalised as the network
	// reads them).
	Train *data.Dataset `json:"-"`
	Test  *data.Dataset `json:"-"`
}

// Scenario is a sequence of tasks learnt one after another by one network
// with one output per class of the dataset.
type Scenario struct {
	// Name is "split" or "permuted".
	Name  string
	Tasks []Task
	// Classes is the number of outputs the network needs.
	Classes int
}

// Options say how a scenario is cut from a dataset.
type Options struct {
	// Tasks is the number of tasks (default 5).
	Tasks int
	// TrainExamples and TestExamples keep only the first N examples of
	// each task (0: all of them).
	TrainExamples, TestExamples int
	// Seed draws the permutations of Permuted (the first task is never
	// permuted).
	Seed uint64
	// MaxMemory is the memory the tasks' copies of the examples may take,
	// in bytes (0: half of the machine's memory).
	MaxMemory int64
}

func (o Options) withDefaults() (Options, error) {
	if o.Tasks == 0 {
		o.Tasks = 5
	}
	switch {
	case o.Tasks < 1:
		return o, fmt.Errorf("continual: %d tasks: want at least 1", o.Tasks)
	case o.TrainExamples < 0 || o.TestExamples < 0:
		return o, fmt.Errorf("continual: negative examples per task (%d training, %d test)", o.TrainExamples, o.TestExamples)
	}
	return o, nil
}

// Split cuts a classification dataset into class-incremental tasks: the
// classes in order, in o.Tasks groups as even as possible (the first
// groups one class larger when they do not divide), so that MNIST with 5
// tasks is the digits 0–1, 2–3, 4–5, 6–7 and 8–9. The network keeps one
// output per class and is never told which task an example comes from:
// after the last task it must tell all the classes apart (van de Ven &
// Tolias 2019's class-incremental split MNIST; Tadros et al. 2022's
// incremental MNIST). It returns an error for more tasks than classes.
func Split(train, test *data.Dataset, o Options) (*Scenario, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	classes := train.Classes
	if o.Tasks > classes {
		return nil, fmt.Errorf("continual: %d tasks of a dataset with %d classes: want at most one task per class", o.Tasks, classes)
	}
	if err := checkSets(train, test); err != nil {
		return nil, err
	}
	rows := min(capOr(o.TrainExamples, train.Len()), train.Len()) + min(capOr(o.TestExamples, test.Len()), test.Len())
	if err := budget.Check(fmt.Sprintf("a split scenario of %s", train.Name), 4*float64(rows)*float64(train.Features()), o.MaxMemory); err != nil {
		return nil, err
	}
	sc := &Scenario{Name: "split", Classes: classes}
	next := 0
	for k := range o.Tasks {
		size := classes / o.Tasks
		if k < classes%o.Tasks {
			size++
		}
		var cls []int
		for c := next; c < next+size; c++ {
			cls = append(cls, c)
		}
		next += size
		t := Task{Name: className(train, cls[0]), Classes: cls}
		if size > 1 {
			t.Name += "–" + className(train, cls[size-1])
		}
		t.Train = train.WithLabels(cls...).Head(o.TrainExamples)
		t.Test = test.WithLabels(cls...).Head(o.TestExamples)
		if t.Train.Len() == 0 || t.Test.Len() == 0 {
			return nil, fmt.Errorf("continual: task %s has %d training and %d test examples: want some of each", t.Name, t.Train.Len(), t.Test.Len())
		}
		t.Train.Name = fmt.Sprintf("%s, classes %s", train.Name, t.Name)
		t.Test.Name = fmt.Sprintf("%s, classes %s", test.Name, t.Name)
		sc.Tasks = append(sc.Tasks, t)
	}
	return sc, nil
}

// Permuted makes o.Tasks tasks of the whole dataset, each with its inputs
// shuffled by a fixed permutation of the features drawn from o.Seed (the
// first task keeps them in order): permuted MNIST (Goodfellow et al.
// 2013; Kirkpatrick et al. 2017). Every task has all the classes and the
// tasks share the outputs, so knowing which task an example comes from
// would change nothing at test time (van de Ven & Tolias call this
// setting domain-incremental).
func Permuted(train, test *data.Dataset, o Options) (*Scenario, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkSets(train, test); err != nil {
		return nil, err
	}
	tr, te := train.Head(o.TrainExamples), test.Head(o.TestExamples)
	rows := float64(o.Tasks) * float64(tr.Len()+te.Len())
	if err := budget.Check(fmt.Sprintf("%d permuted copies of %s", o.Tasks, train.Name), 4*rows*float64(train.Features()), o.MaxMemory); err != nil {
		return nil, err
	}
	all := make([]int, train.Classes)
	for c := range all {
		all[c] = c
	}
	sc := &Scenario{Name: "permuted", Classes: train.Classes}
	r := rand.New(rand.NewPCG(o.Seed, 0x7065726d)) // "perm"
	for k := range o.Tasks {
		var perm []int
		if k > 0 {
			perm = r.Perm(train.Features())
		}
		t := Task{Name: fmt.Sprintf("P%d", k+1), Classes: all, Train: permute(tr, perm), Test: permute(te, perm)}
		t.Train.Name = fmt.Sprintf("%s, permutation %d", train.Name, k+1)
		t.Test.Name = fmt.Sprintf("%s, permutation %d", test.Name, k+1)
		sc.Tasks = append(sc.Tasks, t)
	}
	return sc, nil
}

// permute returns a copy of d whose feature i is d's feature perm[i]
// (perm nil: a plain copy). A permuted image has no shape left.
func permute(d *data.Dataset, perm []int) *data.Dataset {
	c := d.Clone()
	if perm == nil {
		return c
	}
	c.Shape = nil
	for i := range c.Len() {
		src, dst := d.X.Row(i), c.X.Row(i)
		for j, p := range perm {
			dst[j] = src[p]
		}
	}
	return c
}

func checkSets(train, test *data.Dataset) error {
	switch {
	case train == nil || test == nil || train.Len() == 0 || test.Len() == 0:
		return fmt.Errorf("continual: want training and test examples")
	case train.Features() != test.Features():
		return fmt.Errorf("continual: %d training features, %d test features", train.Features(), test.Features())
	case train.Classes < 2:
		return fmt.Errorf("continual: %s has %d classes: want at least 2", train.Name, train.Classes)
	}
	return nil
}

// capOr returns n, or all for 0.
func capOr(n, all int) int {
	if n <= 0 {
		return all
	}
	return n
}

// className names class c as the dataset does.
func className(d *data.Dataset, c int) string {
	if c < len(d.ClassNames) {
		return d.ClassNames[c]
	}
	return fmt.Sprint(c)
}

// TrainExamples is the number of training examples of all the tasks.
func (sc *Scenario) TrainExamples() int {
	n := 0
	for _, t := range sc.Tasks {
		n += t.Train.Len()
	}
	return n
}

// Names lists the tasks' names.
func (sc *Scenario) Names() []string {
	names := make([]string, len(sc.Tasks))
	for i, t := range sc.Tasks {
		names[i] = t.Name
	}
	return names
}

// String describes the scenario: "split: 0–1, 2–3, 4–5, 6–7, 8–9".
func (sc *Scenario) String() string {
	return sc.Name + ": " + strings.Join(sc.Names(), ", ")
}
