package experiment

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neurite/neurite/data"
)

// TestLeNetSpecFileBuilds: the documented example spec is LeNet-5.
func TestLeNetSpecFileBuilds(t *testing.T) {
	spec, err := loadSpec("../ann/testdata/lenet5.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := spec.CountParams(); got != 61706 {
		t.Errorf("the example spec has %d parameters, LeNet-5 has 61706", got)
	}
	if _, err := spec.Build(1); err != nil {
		t.Fatal(err)
	}
}

// TestTrainSettingErrors: every setting the job refuses is reported as a
// *FieldError naming the Go field, before any data is loaded.
func TestTrainSettingErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		s     TrainSettings
		field string
	}{
		{"unknown model", TrainSettings{Model: "lenet9"}, "Model"},
		{"negative epochs", TrainSettings{Epochs: -1}, "Epochs"},
		{"negative batch", TrainSettings{Batch: -2}, "Batch"},
		{"validation split of 1", TrainSettings{ValSplit: 1}, "ValSplit"},
		{"patience without validation", TrainSettings{Patience: 2}, "Patience"},
		{"unknown optimizer", TrainSettings{Optimizer: "rmsprop"}, "Optimizer"},
		{"unknown schedule", TrainSettings{Schedule: "cyclic"}, "Schedule"},
		{"unknown read-out", TrainSettings{Model: "snn", Readout: "max"}, "Readout"},
		{"unknown coding", TrainSettings{Model: "snn", Coding: "phase"}, "Coding"},
		{"standardised spikes", TrainSettings{Model: "snn", Normalize: "standard"}, "Normalize"},
		{"dropout of 1", TrainSettings{Dropout: 1}, "Dropout"},
		{"negative rate", TrainSettings{LR: -0.1}, "LR"},
		{"freeze without init", TrainSettings{Freeze: 1}, "Freeze"},
		{"hidden size 0", TrainSettings{Hidden: []int{128, 0}}, "Hidden"},
		{"stdp fine-tuned", TrainSettings{Model: "stdp", Init: "x.ckpt"}, "Init"},
		{"resume and init", TrainSettings{Resume: "a.ckpt", Init: "b.ckpt"}, "Resume"},
		{"momentum of 1", TrainSettings{Data: "xor", Momentum: 1}, "Momentum"},
		{"nesterov without momentum", TrainSettings{Data: "xor", Nesterov: true}, "Nesterov"},
		{"labels outside the data", TrainSettings{Data: "xor", Labels: []int{0, 5}}, "Labels"},
		{"threads", TrainSettings{Threads: -1}, "Threads"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(context.Background(), tt.s)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Train(%+v) = %v, want a *FieldError for %s", tt.s, err, tt.field)
			}
		})
	}
}

// TestTrainDefaults: zero fields take the model's defaults, and what the
// job reports it used are those defaults.
func TestTrainDefaults(t *testing.T) {
	for _, m := range TrainModels {
		d, err := TrainDefaults(m)
		if err != nil {
			t.Fatal(err)
		}
		s, err := TrainSettings{Model: m}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		if s.Optimizer != d.Optimizer || s.LR != d.LR || s.Epochs != d.Epochs || s.Normalize != d.Normalize || s.Schedule != d.Schedule {
			t.Errorf("%s: zero settings became %+v, want the defaults %+v", m, s, d)
		}
		if err := s.validate(); err != nil {
			t.Errorf("%s: its own defaults are refused: %v", m, err)
		}
	}
	if _, err := TrainDefaults("lenet9"); err == nil {
		t.Error("TrainDefaults accepted an unknown model")
	}
	rep, err := Train(context.Background(), TrainSettings{Data: "and", Model: "perceptron"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Settings.LR != 1 || rep.Settings.Epochs != 20 || rep.TestAccuracy != 1 || len(rep.History) == 20 {
		t.Errorf("perceptron on AND with defaults: lr %v, epochs %d, accuracy %v", rep.Settings.LR, rep.Settings.Epochs, rep.TestAccuracy)
	}
}

// TestTrainInMemoryLeavesDataAlone: a caller's datasets are standardised
// on a copy, and give the same result as the same data loaded by name
// (both standardised with the statistics of all 60,000 training images).
func TestTrainInMemoryLeavesDataAlone(t *testing.T) {
	tr, te, _, err := data.Open("mnist", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(tr.X.Data)
	s := TrainSettings{Hidden: []int{16}, Epochs: 1, Seed: 3, TrainSamples: 600, TestSamples: 200}
	byName, err := Train(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	s.TrainSet, s.TestSet = tr, te
	inMemory, err := Train(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tr.X.Data, before) {
		t.Error("Train changed the caller's training set")
	}
	if byName.TestAccuracy != inMemory.TestAccuracy || byName.TestLoss != inMemory.TestLoss {
		t.Errorf("in memory: accuracy %v, loss %v; by name: %v, %v", inMemory.TestAccuracy, inMemory.TestLoss, byName.TestAccuracy, byName.TestLoss)
	}
	if inMemory.Operations == nil || inMemory.Operations.MACs != 784*16+16*10 {
		t.Errorf("operations %+v, want 784·16 + 16·10 MACs", inMemory.Operations)
	}
}

// TestTrainResume: a run saved after one epoch and resumed to two ends
// with the straight run's weights; a setting that contradicts the saved
// run is refused, naming it.
func TestTrainResume(t *testing.T) {
	dir := t.TempDir()
	s := TrainSettings{Data: "xor", Hidden: []int{4}, Activation: "tanh", Batch: 2, LR: 0.3, Optimizer: "adam", Seed: 2}
	run := func(s TrainSettings) *TrainReport {
		t.Helper()
		rep, err := Train(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	s.Epochs, s.Out = 6, filepath.Join(dir, "straight.ckpt")
	straight := run(s)
	s.Epochs, s.Out = 3, filepath.Join(dir, "half.ckpt")
	run(s)
	resumed := run(TrainSettings{Resume: s.Out, Epochs: 6, Out: filepath.Join(dir, "resumed.ckpt")})
	a, b := straight.Net.Params(), resumed.Net.Params()
	for i := range a {
		if !slices.Equal(a[i].Value.Data, b[i].Value.Data) {
			t.Fatalf("parameter %d differs after resuming", i)
		}
	}
	if resumed.Settings.Optimizer != "adam" || resumed.Settings.LR != 0.3 {
		t.Errorf("the resumed run used %s at %v, not the saved adam at 0.3", resumed.Settings.Optimizer, resumed.Settings.LR)
	}
	_, err := Train(context.Background(), TrainSettings{Resume: s.Out, LR: 0.5})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "LR" {
		t.Errorf("resuming with another LR: %v, want a *FieldError for LR", err)
	}
}
