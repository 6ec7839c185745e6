package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/train"
)

// savedSettings are the settings that define a training run, as a
// checkpoint's "neurite.training" metadata stores them (these JSON keys
// are in every checkpoint written so far: never rename one). Only what
// cannot change the result (where and how to report, threads) and the
// number of epochs may differ when the run continues.
type savedSettings struct {
	Model       string  `json:"model"`
	Data        string  `json:"data"`
	Hidden      string  `json:"hidden"`
	Activation  string  `json:"activation"`
	Optimizer   string  `json:"optimizer"`
	Schedule    string  `json:"schedule"`
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum"`
	WeightDecay float64 `json:"weight_decay"`
	Nesterov    bool    `json:"nesterov"`
	Epochs      int     `json:"epochs"`
	Batch       int     `json:"batch"`
	MaxBatches  int     `json:"max_batches"`
	Warmup      int     `json:"warmup"`
	Clip        float64 `json:"clip"`
	Dropout     float64 `json:"dropout"`
	ValSplit    float64 `json:"val_split"`
	Patience    int     `json:"patience"`
	Normalize   bool    `json:"normalize"`
	Seed        uint64  `json:"seed"`
	Init        string  `json:"init,omitempty"`
	Freeze      int     `json:"freeze,omitempty"`
	Labels      string  `json:"labels,omitempty"`
	TrainSample int     `json:"train_samples,omitempty"`
	TestSample  int     `json:"test_samples,omitempty"`
	Steps       int     `json:"steps,omitempty"`
	Coding      string  `json:"coding,omitempty"`
	Readout     string  `json:"readout,omitempty"`
	Neurons     int     `json:"neurons,omitempty"`
	AssignPass  bool    `json:"assign_pass,omitempty"`
	Adversarial string  `json:"adversarial,omitempty"`
	Eps         float64 `json:"eps,omitempty"`
	AdvSteps    int     `json:"adversarial_steps,omitempty"`
	EpsWarmup   int     `json:"eps_warmup,omitempty"`
}

// save returns the record of s (defaults filled in).
func (s TrainSettings) save() savedSettings {
	return savedSettings{Model: s.Model, Data: s.Data, Hidden: joinInts(s.Hidden), Activation: s.Activation, Optimizer: s.Optimizer,
		Schedule: s.Schedule, LR: s.LR, Momentum: s.Momentum, WeightDecay: s.WeightDecay, Nesterov: s.Nesterov,
		Epochs: s.Epochs, Batch: s.Batch, MaxBatches: s.MaxBatches, Warmup: s.Warmup, Clip: s.Clip, Dropout: s.Dropout,
		ValSplit: s.ValSplit, Patience: s.Patience, Normalize: s.Normalize == "standard", Seed: s.Seed, Init: s.Init, Freeze: s.Freeze,
		Labels: joinInts(s.Labels), TrainSample: s.TrainSamples, TestSample: s.TestSamples, Steps: s.Steps, Coding: s.Coding, Readout: s.Readout,
		Neurons: s.Neurons, AssignPass: s.AssignPass, Adversarial: s.Adversarial, Eps: s.Eps, AdvSteps: s.AdversarialSteps,
		EpsWarmup: s.EpsWarmup}
}

// settings returns the run's settings as saved, with what may change taken
// from s; a setting of s that contradicts the saved run is an error.
func (r savedSettings) settings(s TrainSettings) (TrainSettings, error) {
	hidden, err := splitInts(r.Hidden)
	if err != nil {
		return s, fmt.Errorf("hidden %q: %w", r.Hidden, err)
	}
	labels, err := splitInts(r.Labels)
	if err != nil {
		return s, fmt.Errorf("labels %q: %w", r.Labels, err)
	}
	norm := "none"
	if r.Normalize {
		norm = "standard"
	}
	// Checkpoints written before a field was saved ran with its
	// default then.
	if r.Steps == 0 {
		r.Steps, r.Coding = 25, "rate"
	}
	if r.Readout == "" {
		r.Readout = "spikes"
	}
	if r.Neurons == 0 {
		r.Neurons = 400
	}
	saved := TrainSettings{Model: r.Model, Data: r.Data, Hidden: hidden, Activation: r.Activation, Optimizer: r.Optimizer,
		Schedule: r.Schedule, LR: r.LR, Momentum: r.Momentum, WeightDecay: r.WeightDecay, Nesterov: r.Nesterov,
		Epochs: r.Epochs, Batch: r.Batch, MaxBatches: r.MaxBatches, Warmup: r.Warmup, Clip: r.Clip, Dropout: r.Dropout,
		ValSplit: r.ValSplit, Patience: r.Patience, Normalize: norm, Seed: r.Seed, Init: r.Init, Freeze: r.Freeze,
		Labels: labels, TrainSamples: r.TrainSample, TestSamples: r.TestSample, Steps: r.Steps, Coding: r.Coding, Readout: r.Readout,
		Neurons: r.Neurons, AssignPass: r.AssignPass, Adversarial: r.Adversarial, Eps: r.Eps, AdversarialSteps: r.AdvSteps,
		EpsWarmup: r.EpsWarmup, modelGiven: true}
	// Any field set in s must agree with the saved run, but for these.
	free := map[string]bool{"Epochs": true, "Out": true, "CheckpointEvery": true, "Threads": true, "Reporting": true,
		"Resume": true, "DataDir": true, "MaxMemory": true, "Init": true, "TrainSet": true, "TestSet": true, "CheckpointOnInterrupt": true, "Group": true}
	mine, theirs := reflect.ValueOf(s), reflect.ValueOf(saved)
	for i := range mine.NumField() {
		name := mine.Type().Field(i).Name
		f := mine.Field(i)
		if free[name] || !mine.Type().Field(i).IsExported() || f.IsZero() {
			continue
		}
		if !reflect.DeepEqual(f.Interface(), theirs.Field(i).Interface()) {
			return s, fieldErr(name, f.Interface(), "conflicts with the checkpoint %s, which was trained with %v: resuming continues the run as it was",
				s.Resume, theirs.Field(i).Interface())
		}
	}
	saved.Resume, saved.DataDir, saved.Threads, saved.Reporting, saved.CheckpointEvery = s.Resume, s.DataDir, s.Threads, s.Reporting, s.CheckpointEvery
	saved.MaxMemory = s.MaxMemory
	saved.CheckpointOnInterrupt = s.CheckpointOnInterrupt
	saved.Group = s.Group
	saved.Out, saved.TrainSet, saved.TestSet = s.Out, s.TrainSet, s.TestSet
	if saved.Out == "" {
		saved.Out = s.Resume // a continued run keeps its checkpoint up to date
	}
	if s.Epochs != 0 {
		saved.Epochs = s.Epochs
	}
	return saved, nil
}

func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// splitInts reads "128,64", and class ranges such as "0-4" that older
// checkpoints store.
func splitInts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, err
			}
		}
		if b < a || b-a > 1<<16 {
			return nil, fmt.Errorf("bad range %q", part)
		}
		for c := a; c <= b; c++ {
			out = append(out, c)
		}
	}
	return out, nil
}

// trainingRecord is what a checkpoint's "neurite.training" metadata holds
// (an stdp run's also STDP, see stdp.go).
type trainingRecord struct {
	Settings savedSettings `json:"settings"`
	State    train.State   `json:"state"`
	STDP     *stdpPosition `json:"stdp,omitempty"`
}

// resumePoint is a checkpoint read back to continue its run: a network of
// layers (net, meta) or an STDP network (stdp, stdpMeta).
type resumePoint struct {
	net      *ann.Sequential
	meta     modelio.Meta
	stdp     *diehlcook.Net
	stdpMeta modelio.STDPMeta
	record   trainingRecord
}

// loadResume reads a checkpoint and checks that it can continue a run.
func loadResume(path string) (*resumePoint, error) {
	f, err := modelio.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if modelio.IsSTDP(f) {
		return loadSTDPResume(path, f)
	}
	net, meta, err := modelio.FromFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if meta.Training == nil {
		return nil, fmt.Errorf("%s: a model file without training state (written by an older neurite or by export); fine-tune from it (Init) instead", path)
	}
	var rec trainingRecord
	if err := json.Unmarshal(meta.Training, &rec); err != nil {
		return nil, fmt.Errorf("%s: training state: %w", path, err)
	}
	return &resumePoint{net: net, meta: meta, record: rec}, nil
}

// settings returns the run the checkpoint continues, checked against s.
// A saved setting or position that no run could have (a batch of 0, a
// negative step) is an error about the checkpoint, not a *FieldError:
// the caller did not give it.
func (r *resumePoint) settings(s TrainSettings) (TrainSettings, error) {
	saved, err := r.record.Settings.settings(s)
	if err != nil {
		return s, err
	}
	st := r.record.State
	for _, v := range []struct {
		name string
		n    int
	}{{"epoch", st.Epoch}, {"batch", st.Batch}, {"step", st.Step}, {"seen", st.Seen}, {"correct", st.Correct}, {"since_best", st.SinceBest}} {
		if v.n < 0 {
			return s, fmt.Errorf("%s: damaged checkpoint: training state %s = %d, must not be negative", s.Resume, v.name, v.n)
		}
	}
	if err := saved.validate(); err != nil {
		return s, r.savedError(s, err)
	}
	if saved.Epochs < st.Epoch {
		return s, r.savedError(s, fieldErr("Epochs", saved.Epochs, "the checkpoint %s has already trained %d epochs (Epochs is the total)", s.Resume, st.Epoch))
	}
	return saved, nil
}

// savedError returns err, a setting refused, as it is when s gave that
// setting, and as an error about the checkpoint when the value is the
// checkpoint's own.
func (r *resumePoint) savedError(s TrainSettings, err error) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	if f := reflect.ValueOf(s).FieldByName(fe.Field); f.IsValid() && !f.IsZero() {
		return err
	}
	return fmt.Errorf("%s: damaged checkpoint: its saved setting %s %v cannot be used: %s", s.Resume, fe.Field, fe.Value, fe.Reason(nil))
}

// defaultCheckpointPath is where checkpoints go when Out is not set.
func defaultCheckpointPath(model string) string {
	name := strings.TrimSuffix(filepath.Base(model), filepath.Ext(model))
	return filepath.Join("out", name+".ckpt")
}

// saveCheckpoint writes the weights, the optimizer's state and the run's
// settings and position to path, atomically.
func saveCheckpoint(path string, net *ann.Sequential, spec ann.Spec, norm *data.Normalizer, classes int, classNames []string,
	opt optim.Optimizer, s TrainSettings, st train.State) error {
	rec, err := json.Marshal(trainingRecord{Settings: s.save(), State: st})
	if err != nil {
		return err
	}
	os := opt.State(net.Params())
	return modelio.Save(path, net, modelio.Meta{Model: s.Model, Spec: spec, Normalizer: norm, Classes: classes, ClassNames: classNames,
		Epoch: st.Epoch, Dataset: s.Data, Optimizer: &os, Training: rec})
}
