package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/train"
)

// runSettings are the flags that define a training run. A checkpoint
// stores them so that --resume continues the same run; only the settings
// that cannot change the result (where and how to report, threads) and the
// number of epochs may be given anew.
type runSettings struct {
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
}

// settingFlags maps each stored setting to its flag, for conflict messages.
var settingFlags = []string{"model", "data", "hidden", "activation", "optimizer", "schedule", "lr", "momentum",
	"weight-decay", "nesterov", "batch", "max-batches", "warmup", "clip", "dropout", "val-split", "patience",
	"normalize", "seed", "init", "freeze", "labels", "train-samples", "test-samples", "steps", "coding", "readout"}

func (o trainOptions) settings() runSettings {
	return runSettings{Model: o.model, Data: o.data, Hidden: o.hidden, Activation: o.activation, Optimizer: o.optimizer,
		Schedule: o.schedule, LR: o.lr, Momentum: o.momentum, WeightDecay: o.weightDecay, Nesterov: o.nesterov,
		Epochs: o.epochs, Batch: o.batch, MaxBatches: o.maxBatches, Warmup: o.warmup, Clip: o.clip, Dropout: o.dropout,
		ValSplit: o.valSplit, Patience: o.patience, Normalize: o.normalize, Seed: o.seed, Init: o.init, Freeze: o.freeze,
		Labels: o.labels, TrainSample: o.trainSamples, TestSample: o.testSamples, Steps: o.steps, Coding: o.coding, Readout: o.readout}
}

// withSettings returns o running s, keeping o's output options, threads
// and, when given on the command line, its epochs.
func (o trainOptions) withSettings(s runSettings, epochsGiven bool) trainOptions {
	r := o
	r.model, r.data, r.hidden, r.activation, r.optimizer = s.Model, s.Data, s.Hidden, s.Activation, s.Optimizer
	r.schedule, r.lr, r.momentum, r.weightDecay, r.nesterov = s.Schedule, s.LR, s.Momentum, s.WeightDecay, s.Nesterov
	r.batch, r.maxBatches, r.warmup, r.clip, r.dropout = s.Batch, s.MaxBatches, s.Warmup, s.Clip, s.Dropout
	r.valSplit, r.patience, r.normalize, r.seed, r.init, r.freeze = s.ValSplit, s.Patience, s.Normalize, s.Seed, s.Init, s.Freeze
	r.labels, r.trainSamples, r.testSamples = s.Labels, s.TrainSample, s.TestSample
	if s.Steps > 0 {
		r.steps, r.coding = s.Steps, s.Coding
	}
	if s.Readout != "" {
		r.readout = s.Readout
	}
	if !epochsGiven {
		r.epochs = s.Epochs
	}
	return r
}

// trainingRecord is what a checkpoint's "neurite.training" metadata holds.
type trainingRecord struct {
	Settings runSettings `json:"settings"`
	State    train.State `json:"state"`
}

// resumePoint is a checkpoint read back for --resume.
type resumePoint struct {
	net    *ann.Sequential
	meta   modelio.Meta
	record trainingRecord
}

// loadResume reads a checkpoint and checks that it can continue a run.
func loadResume(path string) (*resumePoint, error) {
	net, meta, err := modelio.Load(path)
	if err != nil {
		return nil, err
	}
	if meta.Training == nil {
		return nil, fmt.Errorf("%s: a model file without training state (written by an older neurite or by export); use --init to fine-tune from it", path)
	}
	var rec trainingRecord
	if err := json.Unmarshal(meta.Training, &rec); err != nil {
		return nil, fmt.Errorf("%s: training state: %w", path, err)
	}
	return &resumePoint{net: net, meta: meta, record: rec}, nil
}

// checkResumeFlags refuses flags that would change the resumed run.
func checkResumeFlags(changed func(string) bool, mine, saved runSettings, path string) error {
	a, _ := json.Marshal(mine)
	b, _ := json.Marshal(saved)
	var am, bm map[string]any
	_ = json.Unmarshal(a, &am)
	_ = json.Unmarshal(b, &bm)
	for _, flag := range settingFlags {
		key := strings.ReplaceAll(flag, "-", "_")
		if changed(flag) && fmt.Sprint(am[key]) != fmt.Sprint(bm[key]) {
			return usagef("--%s %v conflicts with the checkpoint %s, which was trained with %v: --resume continues the run as it was (give only --epochs, --out, --threads, --checkpoint-every)",
				flag, am[key], path, bm[key])
		}
	}
	return nil
}

// defaultCheckpointPath is where checkpoints go when --out is not given.
func defaultCheckpointPath(model string) string {
	name := strings.TrimSuffix(filepath.Base(model), filepath.Ext(model))
	return filepath.Join("out", name+".ckpt")
}

// saveCheckpoint writes the weights, the optimizer's state and the run's
// settings and position to path, atomically.
func saveCheckpoint(path string, net *ann.Sequential, spec ann.Spec, norm *data.Normalizer, classes int,
	opt optim.Optimizer, o trainOptions, st train.State) error {
	rec, err := json.Marshal(trainingRecord{Settings: o.settings(), State: st})
	if err != nil {
		return err
	}
	os := opt.State(net.Params())
	return modelio.Save(path, net, modelio.Meta{Model: o.model, Spec: spec, Normalizer: norm, Classes: classes,
		Epoch: st.Epoch, Dataset: o.data, Optimizer: &os, Training: rec})
}
