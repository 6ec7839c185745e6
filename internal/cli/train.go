package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

// trainOptions are the flags of "neurite train".
type trainOptions struct {
	computeFlags
	model, data, dataDir, out       string
	hidden                          string
	activation, optimizer, schedule string
	lr, momentum, weightDecay       float64
	nesterov                        bool
	epochs, batch, maxBatches       int
	warmup                          int
	clip, dropout, valSplit         float64
	patience                        int
	progress, assignPass            bool
	normalize                       bool
	init, resume                    string
	labels                          string
	trainSamples, testSamples       int
	steps, neurons                  int
	coding, readout                 string
	freeze, checkpointEvery         int
	// changed reports whether a flag was given on the command line.
	changed func(flag string) bool
}

// trainReport is what "neurite train --json" prints (CONTRACT.md keys).
type trainReport struct {
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
	// Spiking models: counted on the test set.
	SpikesPerSample      *float64 `json:"spikes_per_sample,omitempty"`
	SynapticOpsPerSample *float64 `json:"synaptic_ops_per_sample,omitempty"`
}

func newTrainCmd() *cobra.Command {
	var o trainOptions
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train an artificial network (perceptron, MLP, LeNet-5, LSTM, RNN) and report its test accuracy",
		Long: `train builds a network, trains it by backpropagation (or, for the perceptron,
by Rosenblatt's rule) and evaluates it on the held-out test set.

--model is a preset (mlp, perceptron) or a path to a model spec file (JSON or
YAML: {"inputs": 784, "layers": [{"type": "dense", "units": 128}, {"type": "relu"}, …]}).
--data is mnist, xor, and, or, or a CSV file (label in the last column; 20%
held out for testing). MNIST inputs are standardised with the training set's
mean and deviation (0.1307, 0.3081); CSV features column by column.`,
		Example: `  neurite train --model mlp --hidden 128 --activation relu --data mnist --epochs 5 --batch 64 --lr 0.1 --out model.ckpt --json
  neurite train --model lenet5 --data mnist --epochs 2 --lr 0.05 --momentum 0.9 --schedule cosine
  neurite train --model lstm --data mnist --epochs 2 --optimizer adam --lr 0.001
  neurite train --model lenet5 --data mnist --epochs 2 --out lenet5.ckpt --checkpoint-every 200
  neurite train --resume lenet5.ckpt --epochs 4
  neurite train --init pretrained.ckpt --freeze 1 --data digits-5-9.csv --epochs 5
  neurite train --model perceptron --data and
  neurite train --model mlp --hidden 4 --activation sigmoid --data xor --epochs 2000 --batch 4 --lr 2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.changed = cmd.Flags().Changed
			return runTrain(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "mlp", "mlp, perceptron, lenet5, lstm, rnn, or a model spec file")
	f.StringVar(&o.data, "data", "mnist", "mnist, xor, and, or, or a CSV file")
	f.StringVar(&o.dataDir, "data-dir", "", "directory holding the MNIST files (default: the Go module cache)")
	f.StringVar(&o.hidden, "hidden", "128", "hidden layer sizes, comma-separated (mlp); hidden units (lstm, rnn)")
	f.StringVar(&o.activation, "activation", "relu", "hidden activation: relu, sigmoid, tanh, leaky-relu, step")
	f.StringVar(&o.optimizer, "optimizer", "sgd", "sgd, adam or adamw")
	f.Float64Var(&o.lr, "lr", 0.1, "learning rate")
	f.Float64Var(&o.momentum, "momentum", 0, "SGD momentum")
	f.BoolVar(&o.nesterov, "nesterov", false, "Nesterov momentum (needs --momentum)")
	f.Float64Var(&o.weightDecay, "weight-decay", 0, "weight decay")
	f.StringVar(&o.schedule, "schedule", "constant", "learning-rate schedule: constant, step, exponential, cosine")
	f.IntVar(&o.warmup, "warmup", 0, "linear warm-up steps")
	f.Float64Var(&o.clip, "clip", 0, "clip the gradient norm to this value (0: off)")
	f.Float64Var(&o.dropout, "dropout", 0, "dropout probability after each hidden layer (mlp)")
	f.IntVar(&o.epochs, "epochs", 5, "epochs")
	f.IntVar(&o.batch, "batch", 64, "mini-batch size")
	f.IntVar(&o.maxBatches, "max-batches", 0, "stop each epoch after this many batches (0: all)")
	f.Float64Var(&o.valSplit, "val-split", 0, "fraction of the training set held out for validation")
	f.IntVar(&o.patience, "patience", 0, "stop when validation loss has not improved for this many epochs (needs --val-split)")
	f.StringVar(&o.out, "out", "", "write the trained model and its checkpoint (optimizer state, position) to this file (safetensors)")
	f.StringVar(&o.resume, "resume", "", "continue the run saved in this checkpoint (--epochs is then the total; --out defaults to the same file)")
	f.IntVar(&o.checkpointEvery, "checkpoint-every", 0, "write a checkpoint every N batches (to --out, or out/MODEL.ckpt)")
	f.StringVar(&o.init, "init", "", "start from the weights of this model file (fine-tuning; the architecture comes from it)")
	f.IntVar(&o.freeze, "freeze", 0, "with --init: keep the first N layers that have weights fixed")
	f.StringVar(&o.labels, "labels", "", "keep only examples of these classes, in training and test sets (e.g. 0-4 or 1,3,5)")
	f.IntVar(&o.trainSamples, "train-samples", 0, "train on only the first N training examples (0: all)")
	f.IntVar(&o.testSamples, "test-samples", 0, "evaluate on only the first N test examples (0: all)")
	f.IntVar(&o.steps, "steps", 25, "snn: time steps each image is presented for")
	f.StringVar(&o.coding, "coding", "rate", "snn: input coding: rate, latency or direct")
	f.StringVar(&o.readout, "readout", "spikes", "snn: read out output spike counts (spikes) or a leaky integrator's mean potential (leaky)")
	f.IntVar(&o.neurons, "neurons", 400, "stdp: excitatory neurons")
	f.BoolVar(&o.assignPass, "assign-pass", false, "stdp: assign labels from a learning-off pass over the training set (as the authors), not from the last 10,000 responses while learning")
	f.BoolVar(&o.progress, "progress", false, "show a progress bar even when stderr is not a terminal")
	f.BoolVar(&o.normalize, "normalize", true, "standardise inputs with the training set's statistics (false: raw values, MNIST pixels in [0, 1])")
	return cmd
}

func parseHidden(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, usagef("--hidden %q: want positive sizes separated by commas", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// specFor returns the architecture --model names: a preset sized for the
// data, or a spec file's.
func specFor(o trainOptions, hidden []int, d *data.Dataset) (ann.Spec, error) {
	if strings.ContainsRune(o.model, '/') || filepath.Ext(o.model) != "" {
		spec, err := loadSpec(o.model)
		if err != nil {
			return spec, err
		}
		if spec.Inputs != d.Features() || spec.Outputs() < d.Classes {
			return spec, fmt.Errorf("%s: the spec takes %d inputs and gives %d outputs; %s has %d features and %d classes",
				o.model, spec.Inputs, spec.Outputs(), o.data, d.Features(), d.Classes)
		}
		return spec, nil
	}
	var spec ann.Spec
	switch o.model {
	case "lenet5":
		spec = ann.LeNet5()
	case "lstm", "rnn":
		spec = ann.RowSequence(o.model == "lstm", hiddenOr(hidden, 128))
	case "snn":
		if len(hidden) == 0 {
			hidden = []int{128}
		}
		spec = ann.SpikingMLP(d.Features(), hidden, max(d.Classes, 2), o.steps, ann.Coding(o.coding))
		if o.readout == "leaky" {
			spec = ann.SpikingMLPLeaky(d.Features(), hidden, max(d.Classes, 2), o.steps, ann.Coding(o.coding))
		}
	default:
		spec = ann.MLP(d.Features(), hidden, ann.Function(o.activation), max(d.Classes, 2), o.dropout)
	}
	if spec.Inputs != d.Features() {
		return spec, fmt.Errorf("--model %s reads 28×28 images; %s has %d features", o.model, o.data, d.Features())
	}
	return spec, nil
}

// loadInit reads the model to fine-tune: a neurite model file, or a
// safetensors state_dict from elsewhere (PyTorch's names and layouts) for
// the architecture --model names.
func loadInit(o trainOptions, hidden []int, d *data.Dataset) (*ann.Sequential, modelio.Meta, error) {
	f, err := modelio.ReadFile(o.init)
	if err != nil {
		return nil, modelio.Meta{}, err
	}
	if _, ours := f.Metadata["format"]; ours {
		net, meta, err := modelio.FromFile(f)
		if err != nil {
			return nil, meta, fmt.Errorf("%s: %w", o.init, err)
		}
		return net, meta, nil
	}
	if !o.changed("model") {
		return nil, modelio.Meta{}, usagef("--init %s is not a neurite model file: give --model with the architecture its weights belong to", o.init)
	}
	spec, err := specFor(o, hidden, d)
	if err != nil {
		return nil, modelio.Meta{}, err
	}
	net, err := spec.Build(o.seed)
	if err != nil {
		return nil, modelio.Meta{}, err
	}
	if err := modelio.LoadWeights(net, f); err != nil {
		return nil, modelio.Meta{}, fmt.Errorf("%s: %w", o.init, err)
	}
	return net, modelio.Meta{Model: o.model, Spec: spec, Classes: max(d.Classes, 2)}, nil
}

// spikingStats runs a spiking network (spike-encode and LIF layers) over
// d and returns its spikes and synaptic events (each spike times the
// fan-out of the neuron or input that fired) per example; ok is false for
// other networks. Direct coding feeds currents, not spikes, so its input
// costs no events.
func spikingStats(net *ann.Sequential, d *data.Dataset) (spikes, ops float64, ok bool) {
	var lifs []*ann.LIF
	var enc *ann.SpikeEncode
	var fanOut []int // the width of each LIF layer's consumer
	for _, l := range net.Layers {
		switch l := l.(type) {
		case *ann.LIF:
			if len(lifs) > 0 {
				fanOut = append(fanOut, l.Out)
			}
			lifs = append(lifs, l)
		case *ann.Leaky:
			fanOut = append(fanOut, l.Out)
		case *ann.SpikeEncode:
			enc = l
		}
	}
	if len(lifs) == 0 || enc == nil {
		return 0, 0, false
	}
	for lo := 0; lo < d.Len(); lo += 500 {
		hi := min(lo+500, d.Len())
		x := tensor.FromData(d.X.Data[lo*d.Features():hi*d.Features()], hi-lo, d.Features())
		h := x
		for _, l := range net.Layers {
			h = l.Forward(h, false)
			if l == ann.Layer(enc) && enc.Coding != ann.DirectCoding {
				n := 0
				for _, v := range h.Data {
					if v != 0 {
						n++
					}
				}
				spikes += float64(n)
				ops += float64(n * lifs[0].Out)
			}
		}
		for k, l := range lifs {
			spikes += float64(l.Spikes)
			if k < len(fanOut) {
				ops += float64(l.Spikes * fanOut[k])
			}
		}
	}
	return spikes / float64(d.Len()), ops / float64(d.Len()), true
}

// parseLabels reads a class list such as "0-4" or "1,3,5".
func parseLabels(s string, classes int) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a || b >= classes {
			return nil, usagef("--labels %q: want classes in [0, %d) as a list or ranges, like 0-4 or 1,3,5", s, classes)
		}
		for c := a; c <= b; c++ {
			out = append(out, c)
		}
	}
	return out, nil
}

// hiddenOr returns the first hidden size, or def if none was given.
func hiddenOr(hidden []int, def int) int {
	if len(hidden) == 0 {
		return def
	}
	return hidden[0]
}

func (o trainOptions) validate() error {
	switch {
	case o.epochs < 1:
		return usagef("--epochs %d: must be at least 1", o.epochs)
	case o.batch < 1:
		return usagef("--batch %d: must be at least 1", o.batch)
	case o.maxBatches < 0:
		return usagef("--max-batches %d: must not be negative", o.maxBatches)
	case !(o.valSplit >= 0 && o.valSplit < 1):
		return usagef("--val-split %v: want a fraction in [0, 1)", o.valSplit)
	case o.patience > 0 && o.valSplit == 0:
		return usagef("--patience needs --val-split")
	case o.patience < 0 || o.warmup < 0 || o.clip < 0 || o.freeze < 0 || o.checkpointEvery < 0:
		return usagef("--patience, --warmup, --clip, --freeze and --checkpoint-every must not be negative")
	case o.readout != "spikes" && o.readout != "leaky":
		return usagef("--readout %q: want spikes or leaky", o.readout)
	case o.trainSamples < 0 || o.testSamples < 0:
		return usagef("--train-samples and --test-samples must not be negative")
	case o.freeze > 0 && o.init == "":
		return usagef("--freeze needs --init (the pretrained weights to keep)")
	}
	return nil
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

func runTrain(ctx context.Context, o trainOptions, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.changed == nil {
		o.changed = func(string) bool { return false }
	}
	var resume *resumePoint
	if o.resume != "" && o.changed("init") {
		return usagef("--resume and --init exclude each other: resume continues a run, init starts a new one from its weights")
	}
	if o.resume != "" {
		var err error
		if resume, err = loadResume(o.resume); err != nil {
			return err
		}
		saved := resume.record.Settings
		if err := checkResumeFlags(o.changed, o.settings(), saved, o.resume); err != nil {
			return err
		}
		o = o.withSettings(saved, o.changed("epochs"))
		if o.out == "" {
			o.out = o.resume // a continued run keeps its checkpoint up to date
		}
		if o.epochs < resume.record.State.Epoch {
			return usagef("--epochs %d: the checkpoint %s has already trained %d epochs (--epochs is the total)", o.epochs, o.resume, resume.record.State.Epoch)
		}
	}
	if err := o.validate(); err != nil {
		return err
	}
	hidden, err := parseHidden(o.hidden)
	if err != nil {
		return err
	}
	isPath := strings.ContainsRune(o.model, '/') || filepath.Ext(o.model) != ""
	presets := map[string]bool{"mlp": true, "perceptron": true, "lenet5": true, "lstm": true, "rnn": true, "snn": true, "stdp": true}
	if !isPath && !presets[o.model] {
		return usagef("--model %q: want mlp, perceptron, lenet5, lstm, rnn, snn, stdp or a model spec file", o.model)
	}
	if o.model == "stdp" && (o.resume != "" || o.init != "" || o.checkpointEvery != 0) {
		return usagef("--model stdp cannot be resumed, fine-tuned or checkpointed mid-pass yet (--resume, --init, --checkpoint-every); --out saves the trained network")
	}
	if o.model == "stdp" && !o.changed("epochs") {
		o.epochs = 1 // one unsupervised pass, as Diehl & Cook's 100- and 400-neuron figures
	}
	if o.model == "snn" || o.model == "stdp" {
		// Spike codings read intensities in [0, 1]: raw pixels.
		if o.changed("normalize") && o.normalize && (o.model == "stdp" || o.coding != "direct") {
			return usagef("--model %s needs raw intensities in [0, 1] for its spike coding: drop --normalize", o.model)
		}
		if !o.changed("normalize") {
			o.normalize = false
		}
	}
	restore, err := o.apply()
	if err != nil {
		return err
	}
	defer restore()

	trainSet, testSet, norm, err := data.Open(o.data, o.dataDir, o.seed)
	if err != nil {
		return err
	}
	sameSet := testSet == trainSet // a truth table is its own test set
	if o.labels != "" {
		keep, err := parseLabels(o.labels, trainSet.Classes)
		if err != nil {
			return err
		}
		trainSet, testSet = trainSet.WithLabels(keep...), testSet.WithLabels(keep...)
	}
	trainSet = trainSet.Head(o.trainSamples)
	if !sameSet {
		testSet = testSet.Head(o.testSamples)
	}
	if sameSet {
		testSet = trainSet
	}
	if trainSet.Len() == 0 {
		return fmt.Errorf("%s: no training examples left with --labels %q", o.data, o.labels)
	}
	rep := trainReport{Model: o.model, Epochs: o.epochs, Batch: o.batch, Seed: o.seed, Threads: o.threads, Data: o.data,
		TestSet: testSet.Name, Normalization: "none"}
	if testSet == trainSet {
		rep.TestSet = "the training set (" + o.data + " has no held-out examples)"
	}
	if !o.normalize {
		norm = nil
	}
	// A resumed or fine-tuned network sees its inputs scaled as when it
	// was first trained.
	var pretrained *ann.Sequential
	var pretrainedMeta modelio.Meta
	switch {
	case resume != nil:
		pretrained, pretrainedMeta = resume.net, resume.meta
	case o.init != "":
		if pretrained, pretrainedMeta, err = loadInit(o, hidden, trainSet); err != nil {
			return err
		}
	}
	if o.init != "" && resume == nil {
		if o.changed("model") && o.model != pretrainedMeta.Model {
			return usagef("--model %s: --init %s holds a %s; its architecture is what is fine-tuned", o.model, o.init, pretrainedMeta.Model)
		}
		o.model = pretrainedMeta.Model
		rep.Model = o.model
	}
	if pretrained != nil && pretrainedMeta.Spec.Inputs != trainSet.Features() {
		return fmt.Errorf("%s: the model takes %d inputs; %s has %d features", o.resume+o.init, pretrainedMeta.Spec.Inputs, o.data, trainSet.Features())
	}
	if pretrained != nil && norm != nil && pretrainedMeta.Normalizer != nil {
		norm = pretrainedMeta.Normalizer
	}
	if norm != nil {
		norm.Apply(trainSet)
		if testSet != trainSet {
			norm.Apply(testSet)
		}
		rep.Normalization = describeNorm(*norm)
	}
	var val *data.Dataset
	if o.valSplit > 0 {
		if trainSet, val, err = trainSet.Split(o.valSplit, o.seed); err != nil {
			return err
		}
	}
	rep.TrainSamples, rep.TestSamples = trainSet.Len(), testSet.Len()
	fmt.Fprintf(stderr, "train %s on %s: %d training and %d test examples, %d features, %d classes\n",
		o.model, o.data, trainSet.Len(), testSet.Len(), trainSet.Features(), trainSet.Classes)

	if o.model == "stdp" {
		return runSTDP(ctx, o, trainSet, testSet, rep, stdout, stderr)
	}
	var spec ann.Spec
	var net *ann.Sequential
	if o.model == "perceptron" {
		net, spec, rep.History, err = trainPerceptron(ctx, o, trainSet, stderr)
		if err != nil {
			return err
		}
	} else {
		if pretrained != nil {
			spec = pretrainedMeta.Spec
			if spec.Inputs != trainSet.Features() || spec.Outputs() < trainSet.Classes {
				return fmt.Errorf("%s: the model takes %d inputs and gives %d outputs; %s has %d features and %d classes",
					o.resume+o.init, spec.Inputs, spec.Outputs(), o.data, trainSet.Features(), trainSet.Classes)
			}
		} else if spec, err = specFor(o, hidden, trainSet); err != nil {
			return err
		}
		if net, err = spec.Build(o.seed); err != nil {
			return err
		}
		if pretrained != nil {
			// The seed still draws the dropout masks; the weights are the file's.
			src, dst := append(pretrained.Params(), pretrained.Buffers()...), append(net.Params(), net.Buffers()...)
			for i := range dst {
				copy(dst[i].Value.Data, src[i].Value.Data)
			}
		}
		if err := net.Freeze(o.freeze); err != nil {
			return usageError{err}
		}
		loss, _ := ann.NewLoss(spec.Loss)
		opt, err := optim.New(o.optimizer, o.lr, o.momentum, o.weightDecay, o.nesterov)
		if err != nil {
			return usageError{err}
		}
		var start *train.State
		if resume != nil {
			if resume.meta.Optimizer != nil {
				if err := opt.Restore(net.Params(), *resume.meta.Optimizer); err != nil {
					return fmt.Errorf("%s: %w", o.resume, err)
				}
			}
			start = &resume.record.State
			fmt.Fprintf(stderr, "resuming %s at epoch %d, batch %d (step %d) of %d epochs\n", o.resume, start.Epoch+1, start.Batch, start.Step, o.epochs)
		}
		ckptPath := o.out
		if ckptPath == "" {
			ckptPath = defaultCheckpointPath(o.model)
		}
		classes := max(trainSet.Classes, 2)
		var last train.State
		wrote := false
		checkpoint := func(st train.State) error {
			last, wrote = st, true
			if err := saveCheckpoint(ckptPath, net, spec, norm, classes, opt, o, st); err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
			return nil
		}
		batches := (trainSet.Len() + o.batch - 1) / o.batch
		if o.maxBatches > 0 {
			batches = min(batches, o.maxBatches)
		}
		sched, err := optim.NewSchedule(o.schedule, batches*o.epochs, batches, o.warmup)
		if err != nil {
			return usageError{err}
		}
		bar := newProgress(stderr, o.progress, int64(batches), "training")
		lastEpoch := 0
		res, err := train.Fit(ctx, net, loss, opt, trainSet, val, train.Config{
			Epochs: o.epochs, Batch: o.batch, MaxBatches: o.maxBatches, Seed: o.seed, Clip: o.clip,
			Patience: o.patience, Schedule: sched, Resume: start, Checkpoint: checkpoint, CheckpointEvery: o.checkpointEvery,
			Progress: func(p train.Progress) {
				if p.Epoch != lastEpoch {
					bar.reset(int64(p.Batches))
					lastEpoch = p.Epoch
				}
				bar.describe(fmt.Sprintf("epoch %d/%d loss %.4f %.0f samples/s", p.Epoch, p.Epochs, p.Loss, p.SamplesPerSecond))
				bar.set(int64(p.Batch))
			},
		})
		bar.finish()
		rep.History, rep.StoppedEarly = res.Epochs, res.StoppedEarly
		every := max(1, len(res.Epochs)/20) // at most ~20 lines for long runs
		for _, e := range res.Epochs {
			if e.Epoch%every != 0 && e.Epoch != len(res.Epochs) {
				continue
			}
			line := fmt.Sprintf("epoch %d: loss %.4f, accuracy %.4f", e.Epoch, e.TrainLoss, e.TrainAccuracy)
			if val != nil {
				line += fmt.Sprintf(", validation loss %.4f, accuracy %.4f", e.ValidationLoss, e.ValidationAccuracy)
			}
			fmt.Fprintf(stderr, "%s (%.2fs)\n", line, e.Seconds)
		}
		if errors.Is(err, context.Canceled) && wrote {
			return fmt.Errorf("interrupted in epoch %d after batch %d; checkpoint written to %s (continue with: neurite train --resume %s)",
				last.Epoch+1, last.Batch, ckptPath, ckptPath)
		}
		if err != nil {
			return err
		}
		if o.out != "" {
			if err := saveCheckpoint(o.out, net, spec, norm, classes, opt, o, res.Final); err != nil {
				return err
			}
			rep.Out = o.out
		}
	}
	rep.Params = net.NumParams()
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
	loss, _ := ann.NewLoss(spec.Loss)
	rep.TestAccuracy, rep.TestLoss = train.Evaluate(net, loss, testSet, 1000)
	if spikes, ops, ok := spikingStats(net, testSet); ok {
		rep.SpikesPerSample, rep.SynapticOpsPerSample = &spikes, &ops
	}
	if o.out != "" && o.model == "perceptron" {
		meta := modelio.Meta{Model: o.model, Spec: spec, Normalizer: norm, Classes: max(trainSet.Classes, 2),
			Epoch: len(rep.History), Dataset: o.data}
		if err := modelio.Save(o.out, net, meta); err != nil {
			return err
		}
		rep.Out = o.out
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	_, err = fmt.Fprintf(stdout, "%-12s %10s %8s %14s %10s %14s\n%-12s %10d %8d %14.4f %10.4f %14.0f\n",
		"model", "params", "epochs", "test accuracy", "test loss", "samples/s",
		rep.Model, rep.Params, len(rep.History), rep.TestAccuracy, rep.TestLoss, rep.SamplesPerSecond)
	return err
}

func describeNorm(n data.Normalizer) string {
	if len(n.Mean) == 1 {
		return fmt.Sprintf("standardised with the training set's mean %.4f and deviation %.4f", n.Mean[0], n.Std[0])
	}
	return fmt.Sprintf("each of %d features standardised with the training set's mean and deviation", len(n.Mean))
}

// trainPerceptron runs Rosenblatt's rule for o.epochs passes (stopping
// early once an epoch makes no mistake) and returns the perceptron as a
// one-layer network (dense, plus a step unit for two classes) so that it
// is saved, evaluated and used for prediction like any other model.
func trainPerceptron(ctx context.Context, o trainOptions, d *data.Dataset, stderr io.Writer) (*ann.Sequential, ann.Spec, []train.Epoch, error) {
	classes := max(d.Classes, 2)
	p, err := ann.NewPerceptron(d.Features(), classes)
	if err != nil {
		return nil, ann.Spec{}, nil, err
	}
	p.LR = float32(o.lr)
	var hist []train.Epoch
	for ep := range o.epochs {
		if err := ctx.Err(); err != nil {
			return nil, ann.Spec{}, nil, err
		}
		start := time.Now()
		order := rand.New(rand.NewPCG(o.seed, uint64(ep))).Perm(d.Len())
		if o.maxBatches > 0 {
			order = order[:min(len(order), o.maxBatches*o.batch)]
		}
		mistakes := p.Epoch(d.X, d.Labels, order)
		hist = append(hist, train.Epoch{Epoch: ep + 1, TrainAccuracy: 1 - float64(mistakes)/float64(len(order)),
			Seconds: time.Since(start).Seconds(), Samples: len(order), LearningRate: o.lr})
		if o.epochs <= 20 || mistakes == 0 || (ep+1)%(o.epochs/20) == 0 {
			fmt.Fprintf(stderr, "epoch %d: %d mistakes\n", ep+1, mistakes)
		}
		if mistakes == 0 {
			break
		}
	}
	spec := ann.Spec{Inputs: d.Features(), Layers: []ann.LayerSpec{{Type: "dense", Units: p.W.Rows()}}}
	if p.W.Rows() == 1 {
		spec.Layers = append(spec.Layers, ann.LayerSpec{Type: "step"})
		spec.Loss = "mse"
	}
	net, err := spec.Build(0)
	if err != nil {
		return nil, ann.Spec{}, nil, err
	}
	dense := net.Layers[0].(*ann.Dense)
	copy(dense.W.Value.Data, p.W.Data)
	copy(dense.B.Value.Data, p.B)
	return net, spec, hist, nil
}
