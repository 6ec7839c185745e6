package experiment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/train"
)

// TrainSettings configure [Train]. A zero field takes the model's default:
// [TrainDefaults] returns them, and `neurite train --help` prints them.
type TrainSettings struct {
	// Model is a preset — perceptron, mlp, lenet5, lstm, rnn, snn (a
	// spiking network trained through a surrogate gradient) or stdp (Diehl
	// & Cook's network, learning without labels) — or the path of a model
	// spec file (JSON or YAML; anything with a slash or an extension).
	// Default "mlp".
	Model string
	// Spec, when not nil, is the architecture itself, built in Go; Model
	// then only names it in reports ("custom" when empty).
	Spec *ann.Spec

	// Data names the dataset: mnist (default), xor, and, or, or a CSV file
	// (label in the last column, 20% held out as the test set by Seed).
	Data string
	// DataDir is the folder of the MNIST files ("" for the Go module cache).
	DataDir string
	// TrainSet and TestSet, when both are set, are used instead of
	// loading Data (raw values; Data then names them and chooses their
	// normalisation, fitted on the whole TrainSet before TrainSamples
	// takes its head). Train never changes them.
	TrainSet, TestSet *data.Dataset
	// Labels keeps only examples of these classes, in both sets (nil: all).
	Labels []int
	// TrainSamples and TestSamples keep only the first N examples (0: all).
	TrainSamples, TestSamples int
	// Normalize is "standard" (standardise inputs with the training set's
	// statistics: global for images, per feature for tables) or "none"
	// (raw values; MNIST pixels in [0, 1]). Default "standard", but "none"
	// for snn and stdp, whose spike codings read intensities in [0, 1].
	Normalize string
	// ValSplit holds out this fraction of the training set, in [0, 1), for
	// validation after each epoch (default 0: none).
	ValSplit float64

	// Hidden lists the hidden layer sizes (mlp, snn) or the hidden units
	// (lstm, rnn). Default [128].
	Hidden []int
	// Activation is the MLP's hidden activation: relu (default), sigmoid,
	// tanh, leaky-relu or step.
	Activation string
	// Dropout is the dropout probability after each hidden layer of an MLP,
	// in [0, 1) (default 0).
	Dropout float64
	// Steps is the number of time steps an snn presents each input for
	// (default 25); Coding its input coding: rate (default), latency or
	// direct; Readout its output: leaky (default: a leaky integrator's mean
	// potential) or spikes (output spike counts).
	Steps           int
	Coding, Readout string
	// Neurons is the stdp network's number of excitatory neurons (default
	// 400). AssignPass assigns its labels from a learning-off pass over the
	// training set (as the authors) instead of from the last 10,000
	// responses while learning.
	Neurons    int
	AssignPass bool

	// Optimizer is sgd, adam or adamw (default sgd; adam for lstm, rnn
	// and snn), with learning rate LR (default 0.1; 1 for the perceptron,
	// 0.001 for lstm and rnn, 0.002 for snn), Momentum and Nesterov (SGD)
	// and WeightDecay.
	Optimizer                 string
	LR, Momentum, WeightDecay float64
	Nesterov                  bool
	// Schedule is the learning-rate schedule: constant (default; cosine
	// for snn), step, exponential or cosine, after Warmup linear warm-up
	// steps.
	Schedule string
	Warmup   int
	// Clip clips the gradient's norm to this value (0: off).
	Clip float64
	// Adversarial trains on adversarial examples instead of the batches
	// themselves (Madry et al. 2018): "pgd" replaces each batch by PGD's
	// examples within Eps (L∞, in pixel units: MNIST's intensities in
	// [0, 1], whatever Normalize does inside), from a random start, in
	// AdversarialSteps steps of 2.5·Eps/AdversarialSteps (default 7 —
	// Madry et al. took 40 of 0.01 at Eps 0.3); "fgsm" by one step of
	// 1.25·Eps from a random start (Wong, Rice & Kolter 2020: plain FGSM
	// training overfits to its own attack). "" (default): off. Models
	// trained by backpropagation only, on inputs in [0, 1]. EpsWarmup
	// grows ε linearly from 0 over that many first optimizer steps
	// (default 0: Eps from the start), which a small network needs to
	// learn anything at Eps 0.3.
	Adversarial      string
	Eps              float64
	AdversarialSteps int
	EpsWarmup        int
	// Epochs is the number of passes (default 5; 20 for the perceptron,
	// which stops at the first pass without a mistake; 3 for snn, 1 for
	// stdp);
	// when resuming, the total. Batch is the mini-batch size (default 64),
	// MaxBatches stops each epoch early (0: all batches), Patience stops
	// training when the validation loss has not improved for that many
	// epochs (needs ValSplit; 0: never).
	Epochs, Batch, MaxBatches, Patience int

	// Init starts from the weights of this model file (fine-tuning): a
	// neurite model, or a safetensors state_dict with PyTorch's names for
	// the architecture Model names. Freeze keeps the first N layers that
	// have weights fixed.
	Init   string
	Freeze int
	// Resume continues the run saved in this checkpoint: its settings are
	// the run's, and any setting given here must agree with them except
	// Epochs (the total), Out, CheckpointEvery, Threads and reporting. The
	// run ends bit for bit as it would have without the interruption; an
	// stdp run too, from any image, the label-assignment pass included.
	Resume string
	// Out is where the trained model and its checkpoint go (safetensors;
	// "" for none; a resumed run defaults to its checkpoint; an stdp
	// network's file is its checkpoint too, which eval reads as any).
	// CheckpointEvery writes a checkpoint every N batches as well (to Out,
	// or out/MODEL.ckpt); for stdp, whose batch is one image, every N
	// images.
	Out             string
	CheckpointEvery int
	// CheckpointOnInterrupt also writes a checkpoint when ctx is cancelled
	// mid-run (to Out, or out/MODEL.ckpt), from which Resume continues.
	// The CLI sets it, so that Ctrl-C loses nothing; a run with Out or
	// CheckpointEvery set does it anyway.
	CheckpointOnInterrupt bool

	// Continual learns a sequence of tasks one after another (package
	// continual) instead of one dataset: "split" (class-incremental: the
	// classes in Tasks groups, 0–1, 2–3, … for MNIST) or "permuted" (the
	// whole dataset, each task under its own fixed permutation of the
	// pixels). Method is how: finetune (plain sequential training, the
	// default), joint (every task so far at once: the upper bound), ewc
	// (elastic weight consolidation), replay (a small buffer of earlier
	// examples) or sleep (sleep replay consolidation, Tadros et al. 2022).
	// Tasks is the number of tasks (default 5). Such a run has its own
	// defaults ([ContinualDefaults]); TrainSamples and TestSamples then
	// count the examples of each task.
	Continual, Method string
	Tasks             int

	// Seed draws the initial weights, the order of examples, dropout and
	// spike trains: the same seed gives the same bits for any Threads.
	Seed uint64
	// Threads is the number of worker threads (0: all cores).
	Threads int
	// MaxMemory is the memory the job may use, in bytes (0: half of the
	// machine's memory): a request estimated to need more is refused with
	// a *budget.Error before anything is allocated.
	MaxMemory int64
	// Group, when it has more than one member (the CLI passes the MPI
	// world under mpirun), trains data-parallel over its processes (see
	// train.Config.Group): each runs Train with the same settings, takes
	// its share of every batch of Batch examples, and the gradients are
	// summed over the group before each step, so the run is one
	// process's with the same Batch up to rounding. Only rank 0 writes Out
	// and checkpoints, which resume in one process as over any number of
	// ranks. Models trained by backpropagation only (not perceptron, stdp
	// nor Continual).
	Group train.Group
	Reporting

	modelGiven bool // Model was set, not defaulted
}

// TrainReport is what [Train] measured; its JSON is `neurite train
// --json`'s.
type TrainReport struct {
	Model            string        `json:"model"`
	Params           int           `json:"params"`
	Epochs           int           `json:"epochs"`
	Batch            int           `json:"batch"`
	Seed             uint64        `json:"seed"`
	Threads          int           `json:"threads"`
	Data             string        `json:"data"`
	TrainSamples     int           `json:"train_samples"`
	TestSamples      int           `json:"test_samples"`
	TestSet          string        `json:"test_set"`
	Normalization    string        `json:"normalization"`
	TestAccuracy     float64       `json:"test_accuracy"`
	TestLoss         float64       `json:"test_loss"`
	EpochSeconds     []float64     `json:"epoch_seconds"`
	SamplesPerSecond float64       `json:"samples_per_second"`
	History          []train.Epoch `json:"history"`
	StoppedEarly     bool          `json:"stopped_early"`
	Out              string        `json:"out,omitempty"`
	// Ranks is the number of processes that trained the model
	// data-parallel (TrainSettings.Group; absent for one).
	Ranks int `json:"ranks,omitempty"`
	// Spiking models: spikes and synaptic events per test example.
	SpikesPerSample      *float64 `json:"spikes_per_sample,omitempty"`
	SynapticOpsPerSample *float64 `json:"synaptic_ops_per_sample,omitempty"`
	// Operations per test example, as package energy defines them.
	Operations *energy.Ops `json:"operations,omitempty"`
	// Continual learning (TrainSettings.Continual set): the accuracy on
	// every task after each, and its metrics; nil otherwise.
	*ContinualReport

	// Settings are the settings the run used, defaults filled in.
	Settings TrainSettings `json:"-"`
	// The trained model: Net with its Spec and input Normalizer (nil for
	// none), or, for stdp, the spiking network STDP. Classes is the
	// number of output classes, ClassNames their names (the training set's
	// ClassNames; nil when it names none), saved with the model.
	Net        *ann.Sequential  `json:"-"`
	Spec       ann.Spec         `json:"-"`
	Normalizer *data.Normalizer `json:"-"`
	STDP       *diehlcook.Net   `json:"-"`
	Classes    int              `json:"-"`
	ClassNames []string         `json:"-"`
}

// InterruptedError reports a training run cancelled after it wrote a
// checkpoint that can continue it (TrainSettings.Resume).
type InterruptedError struct {
	Checkpoint   string
	Epoch, Batch int // the epoch under way (from 1) and the batches it had done
	Err          error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted in epoch %d after batch %d; checkpoint written to %s", e.Epoch, e.Batch, e.Checkpoint)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// Train trains a model as s describes — preset or spec, data selection and
// normalisation, validation split and early stopping, fine-tuning with
// frozen layers, checkpoints and resumption — and evaluates it on the
// test set. Settings it cannot use give a *[FieldError]; a run cancelled
// through ctx after writing a checkpoint gives an *[InterruptedError].
func Train(ctx context.Context, s TrainSettings) (*TrainReport, error) {
	var rep *TrainReport
	err := withThreads(s.Threads, func() error {
		var err error
		rep, err = trainRun(ctx, s)
		return err
	})
	return rep, err
}

func trainRun(ctx context.Context, s TrainSettings) (*TrainReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if s.continualRun() {
		if s.Group != nil && s.Group.Size() > 1 {
			return nil, fieldErr("Continual", s.Continual, "cannot be trained over %d processes: run it in one", s.Group.Size())
		}
		return trainContinual(ctx, s)
	}
	var resume *resumePoint
	if s.Resume != "" && s.Init != "" {
		return nil, fieldNeeds("Resume", s.Resume, "%s and %s exclude each other: resuming continues a run, fine-tuning starts a new one from its weights", "Resume", "Init")
	}
	if s.Resume != "" {
		var err error
		if resume, err = loadResume(s.Resume); err != nil {
			return nil, err
		}
		if s, err = resume.settings(s); err != nil {
			return nil, err
		}
	} else {
		var err error
		if s, err = s.withDefaults(); err != nil {
			return nil, err
		}
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	if err := s.checkOutputs(); err != nil {
		return nil, err
	}
	sets, err := openSets(s)
	if err != nil {
		return nil, err
	}
	rep := &TrainReport{Model: s.Model, Epochs: s.Epochs, Batch: s.Batch, Seed: s.Seed, Threads: threadsOr(s.Threads),
		Data: s.Data, TestSet: sets.test.Name, Normalization: "none", Settings: s, Classes: max(sets.train.Classes, 2)}
	if len(sets.train.ClassNames) == rep.Classes {
		rep.ClassNames = sets.train.ClassNames
	}
	if sets.sameSet {
		rep.TestSet = "the training set (" + s.Data + " has no held-out examples)"
	}

	// A resumed or fine-tuned network sees its inputs scaled as when it
	// was first trained.
	var pre *pretrained
	switch {
	case resume != nil && resume.stdp == nil:
		pre = &pretrained{net: resume.net, meta: resume.meta, path: s.Resume}
	case s.Init != "":
		if pre, err = loadInit(s, sets.train); err != nil {
			return nil, err
		}
		s.Model, rep.Model = pre.meta.Model, pre.meta.Model
	}
	if pre != nil && pre.meta.Spec.Inputs != sets.train.Features() {
		return nil, fmt.Errorf("%s: the model takes %d inputs; %s has %d features", pre.path, pre.meta.Spec.Inputs, s.Data, sets.train.Features())
	}
	if pre != nil && sets.norm != nil && pre.meta.Normalizer != nil {
		sets.norm = pre.meta.Normalizer
	}
	if err := sets.normalise(); err != nil {
		return nil, err
	}
	rep.Normalizer = sets.norm
	if sets.norm != nil {
		rep.Normalization = describeNorm(*sets.norm)
	}
	if s.ValSplit > 0 {
		if sets.train, sets.val, err = sets.train.Split(s.ValSplit, s.Seed); err != nil {
			return nil, err
		}
	}
	rep.TrainSamples, rep.TestSamples = sets.train.Len(), sets.test.Len()
	if err := s.checkMemory(sets, pre); err != nil {
		return nil, err
	}
	s.logf("train %s on %s: %d training and %d test examples, %d features, %d classes\n",
		s.Model, s.Data, sets.train.Len(), sets.test.Len(), sets.train.Features(), sets.train.Classes)
	if b := s.batchFor(sets.train); b != s.Batch && s.Model != "stdp" && s.Model != "perceptron" {
		s.logf("batch %d is more than the %d training examples: using %d\n", s.Batch, b, b)
		rep.Batch = b
	}

	if s.Group != nil && s.Group.Size() > 1 {
		if s.Model == "stdp" || s.Model == "perceptron" {
			return nil, fieldErr("Model", s.Model, "cannot be trained over %d processes: data-parallel training is for models trained by backpropagation", s.Group.Size())
		}
		rep.Ranks = s.Group.Size()
	}
	switch s.Model {
	case "stdp":
		err = trainSTDP(ctx, s, sets, resume, rep)
	case "perceptron":
		err = trainPerceptron(ctx, s, sets, rep)
	default:
		err = trainBackprop(ctx, s, sets, pre, resume, rep)
	}
	if err != nil {
		return nil, err
	}
	rep.Settings = s
	var samples int
	var seconds float64
	for _, e := range rep.History {
		rep.EpochSeconds = append(rep.EpochSeconds, e.Seconds)
		samples += e.Samples
		seconds += e.Seconds
	}
	if seconds > 0 {
		rep.SamplesPerSecond = float64(samples) / seconds
	}
	if rep.Net != nil {
		rep.Params = rep.Net.NumParams()
		loss, err := ann.NewLoss(rep.Spec.Loss)
		if err != nil {
			return nil, err
		}
		rep.TestAccuracy, rep.TestLoss = train.Evaluate(rep.Net, loss, sets.test, 1000)
		ops, err := countOps(rep.Net, sets.test.X)
		if err != nil {
			return nil, err
		}
		rep.Operations = &ops
		if rep.Net.Spiking() {
			rep.SpikesPerSample, rep.SynapticOpsPerSample = &ops.Spikes, &ops.SynapticEvents
		}
	}
	return rep, nil
}

// trainPerceptron runs Rosenblatt's rule and saves the perceptron like
// any other model.
func trainPerceptron(ctx context.Context, s TrainSettings, sets *dataSets, rep *TrainReport) error {
	c := train.PerceptronConfig{Epochs: s.Epochs, LR: s.LR, Seed: s.Seed, Progress: func(e train.Epoch, mistakes int) {
		if s.Epochs <= 20 || mistakes == 0 || e.Epoch%(s.Epochs/20) == 0 {
			s.logf("epoch %d: %d mistakes\n", e.Epoch, mistakes)
		}
	}}
	if s.MaxBatches > 0 {
		c.Limit = s.MaxBatches * s.Batch
	}
	net, spec, hist, err := train.FitPerceptron(ctx, sets.train, c)
	if err != nil {
		return err
	}
	rep.Net, rep.Spec, rep.History = net, spec, hist
	if s.Out != "" {
		meta := modelio.Meta{Model: s.Model, Spec: spec, Normalizer: sets.norm, Classes: rep.Classes, ClassNames: rep.ClassNames,
			Epoch: len(hist), Dataset: s.Data}
		if err := modelio.Save(s.Out, net, meta); err != nil {
			return err
		}
		rep.Out = s.Out
	}
	return nil
}

// trainBackprop trains a network by backpropagation with train.Fit,
// writing checkpoints as asked.
func trainBackprop(ctx context.Context, s TrainSettings, sets *dataSets, pre *pretrained, resume *resumePoint, rep *TrainReport) error {
	var spec ann.Spec
	if pre != nil {
		spec = pre.meta.Spec
		if spec.Inputs != sets.train.Features() || spec.Outputs() < sets.train.Classes {
			return fmt.Errorf("%s: the model takes %d inputs and gives %d outputs; %s has %d features and %d classes",
				pre.path, spec.Inputs, spec.Outputs(), s.Data, sets.train.Features(), sets.train.Classes)
		}
	} else {
		var err error
		if spec, err = s.architecture(sets.train); err != nil {
			return err
		}
	}
	net, err := spec.BuildWithin(s.Seed, s.MaxMemory)
	if err != nil {
		return err
	}
	if pre != nil {
		// The seed still draws the dropout masks; the weights are the file's.
		src, dst := append(pre.net.Params(), pre.net.Buffers()...), append(net.Params(), net.Buffers()...)
		for i := range dst {
			copy(dst[i].Value.Data, src[i].Value.Data)
		}
	}
	if err := net.Freeze(s.Freeze); err != nil {
		return &FieldError{Field: "Freeze", Value: s.Freeze, Msg: err.Error()}
	}
	loss, err := ann.NewLoss(spec.Loss)
	if err != nil {
		return err
	}
	opt, err := s.newOptimizer()
	if err != nil {
		return err
	}
	var start *train.State
	if resume != nil {
		if resume.meta.Optimizer != nil {
			if err := opt.Restore(net.Params(), *resume.meta.Optimizer); err != nil {
				return fmt.Errorf("%s: %w", s.Resume, err)
			}
		}
		start = &resume.record.State
		s.logf("resuming %s at epoch %d, batch %d (step %d) of %d epochs\n", s.Resume, start.Epoch+1, start.Batch, start.Step, s.Epochs)
	}
	ckptPath := s.Out
	if ckptPath == "" {
		ckptPath = defaultCheckpointPath(s.Model)
	}
	var last train.State
	wrote := false
	checkpoint := func(st train.State) error {
		last, wrote = st, true
		if err := saveCheckpoint(ckptPath, net, spec, sets.norm, rep.Classes, rep.ClassNames, opt, s, st); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		return nil
	}
	batch := s.batchFor(sets.train)
	batches := (sets.train.Len() + batch - 1) / batch
	if s.MaxBatches > 0 {
		batches = min(batches, s.MaxBatches)
	}
	sched, err := optim.NewSchedule(s.Schedule, batches*s.Epochs, batches, s.Warmup)
	if err != nil {
		return &FieldError{Field: "Schedule", Value: s.Schedule, Msg: err.Error()}
	}
	follower := s.Group != nil && s.Group.Rank() != 0 // rank 0 writes the files
	if (s.Out == "" && s.CheckpointEvery == 0 && !s.CheckpointOnInterrupt) || follower {
		checkpoint = nil // the caller wants no files
	}
	perturb, err := s.adversary(net, spec, sets.norm, loss)
	if err != nil {
		return err
	}
	gate := s.gate()
	res, err := train.Fit(ctx, net, loss, opt, sets.train, sets.val, train.Config{
		Epochs: s.Epochs, Batch: batch, MaxBatches: s.MaxBatches, Seed: s.Seed, Clip: s.Clip,
		Patience: s.Patience, Schedule: sched, Resume: start, Checkpoint: checkpoint, CheckpointEvery: s.CheckpointEvery,
		Perturb: perturb, Group: s.Group,
		Progress: func(p train.Progress) {
			s.progress(Progress{Stage: fmt.Sprintf("epoch %d/%d", p.Epoch, p.Epochs), Done: int64(p.Batch), Total: int64(p.Batches),
				Message: fmt.Sprintf("epoch %d/%d loss %.4f %.0f samples/s", p.Epoch, p.Epochs, p.Loss, p.SamplesPerSecond)})
			if s.observing() && gate.due(p.Batch == p.Batches && p.Epoch == p.Epochs) {
				s.Observe(&TrainStep{Epoch: p.Epoch, Epochs: p.Epochs, Batch: p.Batch, Batches: p.Batches, Step: p.Step,
					Loss: p.Loss, Accuracy: p.Accuracy, LearningRate: p.LearningRate, Layers: paramNorms(net.Params())})
			}
		},
	})
	logEpochs(s.Reporting, res.Epochs, sets.val != nil)
	if errors.Is(err, context.Canceled) && wrote {
		return &InterruptedError{Checkpoint: ckptPath, Epoch: last.Epoch + 1, Batch: last.Batch, Err: err}
	}
	if err != nil {
		return err
	}
	if s.Out != "" && !follower {
		if err := saveCheckpoint(s.Out, net, spec, sets.norm, rep.Classes, rep.ClassNames, opt, s, res.Final); err != nil {
			return err
		}
		rep.Out = s.Out
	}
	rep.Net, rep.Spec, rep.History, rep.StoppedEarly = net, spec, res.Epochs, res.StoppedEarly
	return nil
}

// checkOutputs refuses, before any work, a checkpoint it could not write.
func (s TrainSettings) checkOutputs() error {
	if err := checkFile("Out", s.Out); err != nil {
		return err
	}
	if s.Out == "" && s.CheckpointEvery > 0 {
		return checkFile("CheckpointEvery", defaultCheckpointPath(s.Model))
	}
	return nil
}

// newOptimizer builds the optimizer s names with its settings.
func (s TrainSettings) newOptimizer() (optim.Optimizer, error) {
	var opt optim.Optimizer
	var err error
	switch s.Optimizer {
	case "adam":
		opt, err = optim.Adam{LR: s.LR, WeightDecay: s.WeightDecay}.New()
	case "adamw":
		opt, err = optim.AdamW{LR: s.LR, WeightDecay: s.WeightDecay}.New()
	default:
		opt, err = optim.SGD{LR: s.LR, Momentum: s.Momentum, Nesterov: s.Nesterov, WeightDecay: s.WeightDecay}.New()
	}
	// optim names its own fields (SGD.Momentum); ours have the same names.
	var oe *optim.FieldError
	if errors.As(err, &oe) {
		_, field, _ := strings.Cut(oe.Field, ".")
		return nil, &FieldError{Field: field, Value: oe.Value, Msg: oe.Reason}
	}
	return opt, err
}

// logEpochs writes a line per epoch, at most ~20 for long runs.
func logEpochs(r Reporting, epochs []train.Epoch, validation bool) {
	every := max(1, len(epochs)/20)
	for _, e := range epochs {
		if e.Epoch%every != 0 && e.Epoch != len(epochs) {
			continue
		}
		line := fmt.Sprintf("epoch %d: loss %.4f, accuracy %.4f", e.Epoch, e.TrainLoss, e.TrainAccuracy)
		if validation {
			line += fmt.Sprintf(", validation loss %.4f, accuracy %.4f", e.ValidationLoss, e.ValidationAccuracy)
		}
		r.logf("%s (%.2fs)\n", line, e.Seconds)
	}
}

func describeNorm(n data.Normalizer) string {
	if len(n.Mean) == 1 {
		return fmt.Sprintf("standardised with the training set's mean %.4f and deviation %.4f", n.Mean[0], n.Std[0])
	}
	return fmt.Sprintf("each of %d features standardised with the training set's mean and deviation", len(n.Mean))
}

// pretrained is a network read from a file to continue or fine-tune.
type pretrained struct {
	net  *ann.Sequential
	meta modelio.Meta
	path string
}

// loadInit reads the model to fine-tune: a neurite model file, or a
// safetensors state_dict from elsewhere (PyTorch's names and layouts) for
// the architecture s.Model names.
func loadInit(s TrainSettings, d *data.Dataset) (*pretrained, error) {
	f, err := modelio.ReadFile(s.Init)
	if err != nil {
		return nil, err
	}
	if _, ours := f.Metadata["format"]; ours {
		net, meta, err := modelio.FromFile(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Init, err)
		}
		if s.modelGiven && s.Model != meta.Model {
			return nil, fieldErr("Model", s.Model, "the model to fine-tune, %s, holds a %s; its architecture is what is fine-tuned", s.Init, meta.Model)
		}
		return &pretrained{net: net, meta: meta, path: s.Init}, nil
	}
	if !s.modelGiven {
		return nil, fieldNeeds("Init", s.Init, "not a neurite model file: name the architecture its weights belong to with %s", "Model")
	}
	spec, err := s.architecture(d)
	if err != nil {
		return nil, err
	}
	net, err := spec.BuildWithin(s.Seed, s.MaxMemory)
	if err != nil {
		return nil, err
	}
	if err := modelio.LoadWeights(net, f); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Init, err)
	}
	return &pretrained{net: net, meta: modelio.Meta{Model: s.Model, Spec: spec, Classes: max(d.Classes, 2)}, path: s.Init}, nil
}

// isSpecPath reports whether a model name is a file path: anything with a
// slash or an extension.
func isSpecPath(model string) bool {
	return strings.ContainsRune(model, '/') || filepath.Ext(model) != ""
}

// loadSpec reads a model spec file (JSON or YAML).
func loadSpec(path string) (ann.Spec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ann.Spec{}, err
	}
	s, err := ann.ParseSpec(raw)
	if err != nil {
		return ann.Spec{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
