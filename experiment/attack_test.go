package experiment

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/neurite/neurite/data"
)

// attackMNIST is MNIST, loaded once for the attack tests.
var attackMNIST = sync.OnceValues(func() ([2]*data.Dataset, error) {
	tr, te, _, err := data.Open("mnist", "", 1)
	return [2]*data.Dataset{tr, te}, err
})

// trainedFor trains a model of the given settings on the first 3000
// MNIST training images and saves it in dir, for the attack tests.
func trainedFor(t *testing.T, dir, name string, s TrainSettings) string {
	t.Helper()
	sets, err := attackMNIST()
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	s.TrainSet, s.TestSet, s.Data = sets[0], sets[1], "mnist"
	if s.TrainSamples == 0 {
		s.TrainSamples = 3000
	}
	s.TestSamples, s.Seed, s.Out = 200, 1, filepath.Join(dir, name+".ckpt")
	if _, err := Train(context.Background(), s); err != nil {
		t.Fatalf("training %s: %v", name, err)
	}
	return s.Out
}

// models trains one model of each kind once for the attack tests.
var models = struct {
	once  sync.Once
	dir   string
	paths map[string]string
}{}

func attackModels(t *testing.T) map[string]string {
	t.Helper()
	if _, err := attackMNIST(); err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	models.once.Do(func() {
		dir, err := os.MkdirTemp("", "neurite-attack-test-")
		if err != nil {
			t.Fatal(err)
		}
		models.dir = dir
		models.paths = map[string]string{
			"mlp":        trainedFor(t, dir, "mlp", TrainSettings{Model: "mlp", Hidden: []int{64}, Epochs: 2}),
			"lenet5":     trainedFor(t, dir, "lenet5", TrainSettings{Model: "lenet5", Epochs: 1, LR: 0.05, Momentum: 0.9}),
			"lstm":       trainedFor(t, dir, "lstm", TrainSettings{Model: "lstm", Hidden: []int{16}, Epochs: 1, TrainSamples: 500}),
			"rnn":        trainedFor(t, dir, "rnn", TrainSettings{Model: "rnn", Hidden: []int{16}, Epochs: 1, TrainSamples: 500}),
			"snn":        trainedFor(t, dir, "snn", TrainSettings{Model: "snn", Hidden: []int{64}, Steps: 10, Epochs: 1}),
			"snn-direct": trainedFor(t, dir, "snn-direct", TrainSettings{Model: "snn", Hidden: []int{32}, Steps: 5, Coding: "direct", Epochs: 1, TrainSamples: 500}),
			"latency":    trainedFor(t, dir, "latency", TrainSettings{Model: "snn", Hidden: []int{16}, Steps: 5, Coding: "latency", Epochs: 1, TrainSamples: 300}),
			"perceptron": trainedFor(t, dir, "perceptron", TrainSettings{Model: "perceptron", Epochs: 1}),
			"stdp":       trainedFor(t, dir, "stdp", TrainSettings{Model: "stdp", Neurons: 5, TrainSamples: 20}),
		}
	})
	if models.paths == nil {
		t.Fatal("the attack tests' models were not trained")
	}
	return models.paths
}

func TestMain(m *testing.M) {
	code := m.Run()
	if models.dir != "" {
		os.RemoveAll(models.dir)
	}
	os.Exit(code)
}

// attackOn runs Attack on the first n MNIST test images.
func attackOn(t *testing.T, s AttackSettings, n int) (*AttackReport, error) {
	t.Helper()
	sets, err := attackMNIST()
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	s.TrainSet, s.TestSet, s.Samples = sets[0], sets[1], n
	if s.Convert && s.Calib == 0 {
		s.Calib = 1000
	}
	return Attack(context.Background(), s)
}

// TestAttackEveryModelKind: every kind of model train makes is attacked
// by FGSM, PGD and SPSA, or refused with the reason; the report's numbers
// are consistent.
func TestAttackEveryModelKind(t *testing.T) {
	paths := attackModels(t)
	for _, kind := range []string{"mlp", "lenet5", "lstm", "rnn", "snn", "snn-direct", "perceptron"} {
		for _, method := range []string{"fgsm", "pgd", "spsa"} {
			t.Run(kind+"/"+method, func(t *testing.T) {
				s := AttackSettings{Model: paths[kind], Method: method, Eps: 0.2, Steps: 5, Directions: 4}
				if method == "fgsm" {
					s.Steps = 0
				}
				rep, err := attackOn(t, s, 40)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Samples != 40 || rep.MeanLinf > 0.2+1e-12 || rep.MeanLinf <= 0 && kind != "perceptron" {
					t.Errorf("%d samples, mean L∞ %v; want 40 within ε = 0.2", rep.Samples, rep.MeanLinf)
				}
				if rep.AdversarialAccuracy > rep.CleanAccuracy+0.1 {
					t.Errorf("accuracy %v under attack, %v clean", rep.AdversarialAccuracy, rep.CleanAccuracy)
				}
				if rep.SuccessRate < 0 || rep.SuccessRate > 1 {
					t.Errorf("success rate %v", rep.SuccessRate)
				}
			})
		}
	}
	for _, tt := range []struct{ kind, method, want string }{
		{"latency", "pgd", "latency coding"},
		{"latency", "fgsm", "spsa"},
		{"stdp", "pgd", "stdp network"},
		{"stdp", "spsa", "cannot be attacked"},
	} {
		s := AttackSettings{Model: paths[tt.kind], Method: tt.method, Steps: 2}
		if tt.method == "fgsm" {
			s.Steps = 0
		}
		_, err := attackOn(t, s, 10)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s by %s: error %v, want one saying %q", tt.kind, tt.method, err, tt.want)
		}
	}
	// The latency-coded network is still scored and attacked by SPSA.
	if _, err := attackOn(t, AttackSettings{Model: paths["latency"], Method: "spsa", Steps: 2, Directions: 2}, 10); err != nil {
		t.Errorf("latency-coded snn by spsa: %v", err)
	}
}

// TestFGSMDefeatsAnMLP: an MLP trained normally loses most of its
// accuracy to FGSM at ε = 0.1–0.25, and PGD at the same ε does at least
// as much harm.
func TestFGSMDefeatsAnMLP(t *testing.T) {
	paths := attackModels(t)
	for _, eps := range []float64{0.1, 0.25} {
		fgsm, err := attackOn(t, AttackSettings{Model: paths["mlp"], Method: "fgsm", Eps: eps}, 300)
		if err != nil {
			t.Fatal(err)
		}
		if fgsm.CleanAccuracy < 0.85 || fgsm.AdversarialAccuracy > fgsm.CleanAccuracy/2 {
			t.Errorf("ε = %g: FGSM leaves %v of the MLP's %v accuracy; want below half", eps, fgsm.AdversarialAccuracy, fgsm.CleanAccuracy)
		}
		pgd, err := attackOn(t, AttackSettings{Model: paths["mlp"], Method: "pgd", Eps: eps, Steps: 10}, 300)
		if err != nil {
			t.Fatal(err)
		}
		if pgd.AdversarialAccuracy > fgsm.AdversarialAccuracy {
			t.Errorf("ε = %g: PGD leaves %v, FGSM %v", eps, pgd.AdversarialAccuracy, fgsm.AdversarialAccuracy)
		}
		if pgd.MeanLinf > eps || pgd.MeanLinf < 0.9*eps {
			t.Errorf("ε = %g: mean L∞ %v", eps, pgd.MeanLinf)
		}
	}
}

// TestTransferAndConversion: examples crafted on one network and scored
// on another (a transfer) or on the spiking network converted from it
// report both models' accuracies; the transferred attack hurts the
// target less than the white-box one hurts its source.
func TestTransferAndConversion(t *testing.T) {
	paths := attackModels(t)
	for _, tt := range []struct {
		name string
		s    AttackSettings
	}{
		{"mlp→lenet5", AttackSettings{Model: paths["mlp"], Target: paths["lenet5"]}},
		{"mlp→snn", AttackSettings{Model: paths["mlp"], Target: paths["snn"]}},
		{"snn→mlp", AttackSettings{Model: paths["snn"], Target: paths["mlp"]}},
		{"mlp→converted", AttackSettings{Model: paths["mlp"], Convert: true, Timesteps: 32}},
		{"lenet5→converted mlp", AttackSettings{Model: paths["lenet5"], Target: paths["mlp"], Convert: true, Timesteps: 32, Input: "poisson"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			s.Method, s.Eps, s.Steps = "pgd", 0.2, 10
			rep, err := attackOn(t, s, 100)
			if err != nil {
				t.Fatal(err)
			}
			if rep.SourceAdversarialAccuracy == nil || rep.SourceCleanAccuracy == nil {
				t.Fatal("no accuracies of the crafting model")
			}
			if rep.Transfer != (s.Target != "") {
				t.Errorf("transfer = %v", rep.Transfer)
			}
			if s.Target != "" && !(rep.AdversarialAccuracy > *rep.SourceAdversarialAccuracy) {
				t.Errorf("target %v under the transferred attack, source %v under its own", rep.AdversarialAccuracy, *rep.SourceAdversarialAccuracy)
			}
			if s.Convert && !strings.HasPrefix(rep.Scored, "converted snn") {
				t.Errorf("scored on %q", rep.Scored)
			}
		})
	}
	// A conversion needs a dense ReLU network.
	if _, err := attackOn(t, AttackSettings{Model: paths["lenet5"], Convert: true, Steps: 2}, 10); err == nil || !strings.Contains(err.Error(), "convert") {
		t.Errorf("LeNet-5 converted: error %v, want the conversion's", err)
	}
}

// TestCorruptions: pixel noise and dropout change the images; spike drop
// and jitter change only a spiking model's input spikes, and are refused
// for a model without any.
func TestCorruptions(t *testing.T) {
	paths := attackModels(t)
	for _, tt := range []struct {
		name   string
		s      AttackSettings
		pixels bool
	}{
		{"noise", AttackSettings{Model: paths["mlp"], Method: "noise", Eps: 0.3}, true},
		{"pixel-dropout", AttackSettings{Model: paths["lenet5"], Method: "pixel-dropout", Eps: 0.5}, true},
		{"spike-drop snn", AttackSettings{Model: paths["snn"], Method: "spike-drop", Eps: 0.9}, false},
		{"spike-jitter snn", AttackSettings{Model: paths["snn"], Method: "spike-jitter", Eps: 0.3}, false},
		{"spike-drop converted", AttackSettings{Model: paths["mlp"], Method: "spike-drop", Eps: 0.9, Convert: true, Input: "poisson", Timesteps: 32}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := attackOn(t, tt.s, 100)
			if err != nil {
				t.Fatal(err)
			}
			if (rep.MeanL2 > 0) != tt.pixels {
				t.Errorf("mean L2 %v: pixels changed %v, want %v", rep.MeanL2, rep.MeanL2 > 0, tt.pixels)
			}
			if rep.Norm != "none" {
				t.Errorf("norm %q for a corruption", rep.Norm)
			}
			if strings.HasPrefix(tt.name, "spike-drop") && !(rep.AdversarialAccuracy < rep.CleanAccuracy) {
				t.Errorf("90%% of the spikes dropped: accuracy %v, clean %v", rep.AdversarialAccuracy, rep.CleanAccuracy)
			}
		})
	}
	for _, s := range []AttackSettings{
		{Model: paths["mlp"], Method: "spike-drop"},
		{Model: paths["snn-direct"], Method: "spike-jitter"},
		{Model: paths["mlp"], Method: "spike-drop", Convert: true},
	} {
		_, err := attackOn(t, s, 10)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "Method" {
			t.Errorf("%s on %s (convert %v): error %v, want one about Method", s.Method, filepath.Base(s.Model), s.Convert, err)
		}
	}
}

// TestAttackIsDeterministic: the same seed gives the same examples and
// numbers on one thread and on two.
func TestAttackIsDeterministic(t *testing.T) {
	paths := attackModels(t)
	var first *AttackReport
	for _, threads := range []int{1, 2} {
		rep, err := attackOn(t, AttackSettings{Model: paths["snn"], Method: "pgd", Eps: 0.1, Steps: 4, Seed: 3, Threads: threads}, 60)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = rep
			continue
		}
		if !slices.Equal(first.Adversarial.Data, rep.Adversarial.Data) || first.AdversarialAccuracy != rep.AdversarialAccuracy {
			t.Error("the same seed gave different examples on 1 and 2 threads")
		}
	}
}

// TestAttackWritesFiles: Out holds the examples as NPY, shaped as the
// model's input, their labels, and the grid.
func TestAttackWritesFiles(t *testing.T) {
	paths := attackModels(t)
	dir := t.TempDir()
	rep, err := attackOn(t, AttackSettings{Model: paths["lenet5"], Method: "fgsm", Eps: 0.1, Out: dir, Examples: 4}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 3 {
		t.Fatalf("files %v", rep.Files)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "adversarial.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\x93NUMPY\x01\x00")) {
		t.Fatalf("adversarial.npy starts %q", raw[:8])
	}
	n := int(binary.LittleEndian.Uint16(raw[8:10]))
	header := string(raw[10 : 10+n])
	if (10+n)%64 != 0 || !strings.Contains(header, "'shape': (20, 1, 28, 28)") || !strings.Contains(header, "'<f4'") {
		t.Errorf("header %q (%d bytes)", header, 10+n)
	}
	if got, want := len(raw)-10-n, 20*784*4; got != want {
		t.Errorf("%d bytes of data, want %d", got, want)
	}
	if rep.Grid.Rows != 3 || rep.Grid.Cols != 4 {
		t.Errorf("grid %d×%d, want 3×4", rep.Grid.Rows, rep.Grid.Cols)
	}
	if st, err := os.Stat(filepath.Join(dir, "grid.png")); err != nil || st.Size() < 1000 {
		t.Errorf("grid.png: %v", err)
	}
}

// TestAttackSettingErrors: settings the job refuses are *FieldErrors
// naming the Go field, before anything is loaded.
func TestAttackSettingErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		s     AttackSettings
		field string
	}{
		{"no model", AttackSettings{}, "Model"},
		{"unknown method", AttackSettings{Model: "m", Method: "deepfool"}, "Method"},
		{"eps above 1", AttackSettings{Model: "m", Eps: 1.5}, "Eps"},
		{"negative eps", AttackSettings{Model: "m", Eps: -0.1}, "Eps"},
		{"unknown norm", AttackSettings{Model: "m", Norm: "l1"}, "Norm"},
		{"l2 spsa", AttackSettings{Model: "m", Method: "spsa", Norm: "l2"}, "Norm"},
		{"fgsm steps", AttackSettings{Model: "m", Method: "fgsm", Steps: 5}, "Steps"},
		{"noise steps", AttackSettings{Model: "m", Method: "noise", Steps: 5}, "Steps"},
		{"negative samples", AttackSettings{Model: "m", Samples: -1}, "Samples"},
		{"corruption transferred", AttackSettings{Model: "m", Method: "noise", Target: "t"}, "Target"},
		{"unknown input", AttackSettings{Model: "m", Input: "phase"}, "Input"},
		{"unknown data", AttackSettings{Model: "m", Data: "cifar"}, "Data"},
		{"threads", AttackSettings{Model: "m", Threads: -1}, "Threads"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Attack(context.Background(), tt.s)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Attack(%+v) = %v, want a *FieldError for %s", tt.s, err, tt.field)
			}
		})
	}
}

// TestAdversarialTraining: an MLP trained on PGD's examples resists PGD
// far better than one trained normally; the settings travel with the
// checkpoint; settings it cannot use are refused.
func TestAdversarialTraining(t *testing.T) {
	sets, err := attackMNIST()
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	dir := t.TempDir()
	base := TrainSettings{Model: "mlp", Hidden: []int{64}, Epochs: 2, TrainSamples: 3000, TestSamples: 200, Seed: 1,
		TrainSet: sets[0], TestSet: sets[1], Data: "mnist"}
	plain, robust := base, base
	plain.Out = filepath.Join(dir, "plain.ckpt")
	robust.Out, robust.Adversarial, robust.Eps, robust.AdversarialSteps = filepath.Join(dir, "robust.ckpt"), "pgd", 0.1, 5
	for _, s := range []TrainSettings{plain, robust} {
		if _, err := Train(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	acc := map[string]float64{}
	for _, name := range []string{"plain", "robust"} {
		rep, err := attackOn(t, AttackSettings{Model: filepath.Join(dir, name+".ckpt"), Method: "pgd", Eps: 0.1, Steps: 20}, 300)
		if err != nil {
			t.Fatal(err)
		}
		acc[name] = rep.AdversarialAccuracy
	}
	// Two epochs on 3000 images: far from Madry et al.'s robustness, but
	// already clear of the normally trained network (0.28 against 0.01
	// when written).
	if !(acc["robust"] > acc["plain"]+0.15) {
		t.Errorf("PGD accuracy at ε = 0.1: adversarially trained %v, trained normally %v; want the first 15 points higher", acc["robust"], acc["plain"])
	}
	// The run continues as it was: a different ε is refused.
	resumed := TrainSettings{Resume: robust.Out, Epochs: 3, Eps: 0.2, TrainSet: sets[0], TestSet: sets[1]}
	var fe *FieldError
	if _, err := Train(context.Background(), resumed); !errors.As(err, &fe) || fe.Field != "Eps" {
		t.Errorf("resuming with another ε: %v, want a *FieldError for Eps", err)
	}
	resumed.Eps = 0
	rep, err := Train(context.Background(), resumed)
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Settings; s.Adversarial != "pgd" || s.Eps != 0.1 || s.AdversarialSteps != 5 {
		t.Errorf("resumed with adversarial %q, ε %v, %d steps; want the checkpoint's pgd, 0.1, 5", s.Adversarial, s.Eps, s.AdversarialSteps)
	}
	for _, tt := range []struct {
		name  string
		s     TrainSettings
		field string
	}{
		{"unknown", TrainSettings{Data: "xor", Adversarial: "cw", Eps: 0.1}, "Adversarial"},
		{"no eps", TrainSettings{Data: "xor", Adversarial: "pgd"}, "Eps"},
		{"eps alone", TrainSettings{Data: "xor", Eps: 0.1}, "Eps"},
		{"fgsm steps", TrainSettings{Data: "xor", Adversarial: "fgsm", Eps: 0.1, AdversarialSteps: 3}, "AdversarialSteps"},
		{"perceptron", TrainSettings{Model: "perceptron", Data: "and", Adversarial: "pgd", Eps: 0.1}, "Adversarial"},
		{"warmup alone", TrainSettings{Data: "xor", EpsWarmup: 10}, "EpsWarmup"},
		{"latency", TrainSettings{Model: "snn", Coding: "latency", Adversarial: "pgd", Eps: 0.1, TrainSet: sets[0].Head(64), TestSet: sets[1].Head(10), Data: "mnist", Epochs: 1}, "Adversarial"},
	} {
		_, err := Train(context.Background(), tt.s)
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: Train = %v, want a *FieldError for %s", tt.name, err, tt.field)
		}
	}
}
