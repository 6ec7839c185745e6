package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/neurite/neurite/experiment"
)

// trainOptions are the flags of "neurite train" that are not settings
// fields as they are.
type trainOptions struct {
	computeFlags
	s                   experiment.TrainSettings
	hidden, labels      string
	normalize, progress bool
	flags               *pflag.FlagSet
	cmd                 *cobra.Command
	live                liveFlag
}

// changed reports whether a flag was given on the command line.
func (o trainOptions) changed(flag string) bool {
	return o.flags != nil && o.flags.Changed(flag)
}

func newTrainCmd() *cobra.Command {
	var o trainOptions
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a network (perceptron, MLP, LeNet-5, LSTM, RNN, spiking by surrogate gradient or by STDP) and report its test accuracy",
		Long: `train builds a network, trains it — by backpropagation, by Rosenblatt's rule (the
perceptron), through a surrogate gradient (snn) or without labels by STDP (stdp)
— and evaluates it on the held-out test set.

--model is a preset or a path to a model spec file (JSON or YAML:
{"inputs": 784, "layers": [{"type": "dense", "units": 128}, {"type": "relu"}, …]}).
--data is mnist, xor, and, or, or a CSV file (label in the last column; 20%
held out for testing). MNIST inputs are standardised with the training set's
mean and deviation (0.1307, 0.3081); CSV features column by column.

Started by mpirun (from a binary built with go build -tags mpi), a model
trained by backpropagation is trained data-parallel: each rank takes its share
of every --batch and the gradients are summed over the ranks; rank 0 prints
(with ranks) and writes the checkpoints, which resume in one process too.

Each model's defaults (a flag left out takes them):
` + trainDefaultsTable() + continualHelp(),
		Example: `  neurite train --model mlp --hidden 128 --activation relu --data mnist --epochs 5 --batch 64 --lr 0.1 --out model.ckpt --json
  neurite train --model snn --data mnist --epochs 3
  neurite train --model lenet5 --data mnist --epochs 2 --lr 0.05 --momentum 0.9 --schedule cosine
  neurite train --model lstm --data mnist --epochs 2
  neurite train --model lenet5 --data mnist --epochs 2 --out lenet5.ckpt --checkpoint-every 200
  neurite train --resume lenet5.ckpt --epochs 4
  neurite train --init pretrained.ckpt --freeze 1 --data digits-5-9.csv --epochs 5
  neurite train --model stdp --neurons 400 --out stdp.safetensors --checkpoint-every 5000
  neurite train --resume stdp.safetensors --epochs 2
  neurite train --model lenet5 --adversarial pgd --eps 0.3 --epochs 10 --out robust.ckpt
  neurite train --continual split --method sleep --tasks 5 --json
  neurite train --continual permuted --method ewc
  neurite train --model perceptron --data and
  neurite train --model mlp --hidden 4 --activation sigmoid --data xor --epochs 2000 --batch 4 --lr 2`,
		Args: o.live.args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.flags, o.cmd = cmd.Flags(), cmd
			return runTrain(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.register(cmd)
	o.live.register(cmd)
	o.registerTrain(cmd)
	return cmd
}

// registerTrain declares train's own flags.
func (o *trainOptions) registerTrain(cmd *cobra.Command) {
	f, s := cmd.Flags(), &o.s
	const perModel = " (default: the model's, above)"
	f.StringVar(&s.Model, "model", "", "perceptron, mlp, lenet5, lstm, rnn, snn, stdp, or a model spec file (default mlp)")
	f.StringVar(&s.Data, "data", "", "mnist, xor, and, or, or a CSV file (default mnist)")
	f.StringVar(&s.DataDir, "data-dir", "", "directory holding the MNIST files (default: the Go module cache)")
	f.StringVar(&o.hidden, "hidden", "", "hidden layer sizes, comma-separated (mlp, snn); hidden units (lstm, rnn)"+perModel)
	f.StringVar(&s.Activation, "activation", "", "hidden activation: relu, sigmoid, tanh, leaky-relu, step"+perModel)
	f.StringVar(&s.Optimizer, "optimizer", "", "sgd, adam or adamw"+perModel)
	f.Float64Var(&s.LR, "lr", 0, "learning rate"+perModel)
	f.Float64Var(&s.Momentum, "momentum", 0, "SGD momentum")
	f.BoolVar(&s.Nesterov, "nesterov", false, "Nesterov momentum (needs --momentum)")
	f.Float64Var(&s.WeightDecay, "weight-decay", 0, "weight decay")
	f.StringVar(&s.Schedule, "schedule", "", "learning-rate schedule: constant, step, exponential, cosine"+perModel)
	f.IntVar(&s.Warmup, "warmup", 0, "linear warm-up steps")
	f.Float64Var(&s.Clip, "clip", 0, "clip the gradient norm to this value (0: off)")
	f.StringVar(&s.Adversarial, "adversarial", "", "train on adversarial examples: pgd (Madry et al. 2018) or fgsm (with a random start)")
	f.Float64Var(&s.Eps, "eps", 0, "--adversarial: the examples' L∞ bound, in pixel units (intensities in [0, 1])")
	f.IntVar(&s.AdversarialSteps, "adversarial-steps", 0, "--adversarial pgd: steps per batch (default 7)")
	f.IntVar(&s.EpsWarmup, "eps-warmup", 0, "--adversarial: grow eps linearly from 0 over this many first batches")
	f.Float64Var(&s.Dropout, "dropout", 0, "dropout probability after each hidden layer (mlp)")
	f.IntVar(&s.Epochs, "epochs", 0, "epochs; with --resume, the total"+perModel)
	f.IntVar(&s.Batch, "batch", 0, "mini-batch size"+perModel)
	f.IntVar(&s.MaxBatches, "max-batches", 0, "stop each epoch after this many batches (0: all)")
	f.Float64Var(&s.ValSplit, "val-split", 0, "fraction of the training set held out for validation")
	f.IntVar(&s.Patience, "patience", 0, "stop when validation loss has not improved for this many epochs (needs --val-split)")
	f.StringVar(&s.Out, "out", "", "write the trained model and its checkpoint (optimizer state, position) to this file (safetensors)")
	f.StringVar(&s.Resume, "resume", "", "continue the run saved in this checkpoint (--epochs is then the total; --out defaults to the same file)")
	f.IntVar(&s.CheckpointEvery, "checkpoint-every", 0, "write a checkpoint every N batches (to --out, or out/MODEL.ckpt)")
	f.StringVar(&s.Init, "init", "", "start from the weights of this model file (fine-tuning; the architecture comes from it)")
	f.IntVar(&s.Freeze, "freeze", 0, "with --init: keep the first N layers that have weights fixed")
	f.StringVar(&o.labels, "labels", "", "keep only examples of these classes, in training and test sets (e.g. 0-4 or 1,3,5)")
	f.IntVar(&s.TrainSamples, "train-samples", 0, "train on only the first N training examples (0: all)")
	f.IntVar(&s.TestSamples, "test-samples", 0, "evaluate on only the first N test examples (0: all)")
	f.IntVar(&s.Steps, "steps", 0, "snn: time steps each image is presented for"+perModel)
	f.StringVar(&s.Coding, "coding", "", "snn: input coding: rate, latency or direct"+perModel)
	f.StringVar(&s.Readout, "readout", "", "snn: a leaky integrator's mean potential (leaky) or output spike counts (spikes)"+perModel)
	f.IntVar(&s.Neurons, "neurons", 0, "stdp: excitatory neurons"+perModel)
	f.BoolVar(&s.AssignPass, "assign-pass", false, "stdp: assign labels from a learning-off pass over the training set (as the authors), not from the last 10,000 responses while learning")
	f.StringVar(&s.Continual, "continual", "", "learn tasks one after another: split (class-incremental: digits 0–1, 2–3, …) or permuted (each task its own pixel permutation); its defaults differ, see --help")
	f.StringVar(&s.Method, "method", "", "--continual: finetune, joint, ewc, replay or sleep (default finetune)")
	f.IntVar(&s.Tasks, "tasks", 0, "--continual: the number of tasks (default 5)")
	f.BoolVar(&o.progress, "progress", false, "show a progress bar even when stderr is not a terminal")
	f.BoolVar(&o.normalize, "normalize", false, "standardise inputs with the training set's statistics (false: raw values, MNIST pixels in [0, 1])"+perModel)
}

// trainDefaultsTable prints every preset's defaults, from the library.
func trainDefaultsTable() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  model\toptimizer\tlr\tschedule\tepochs\tbatch\tinputs\tother")
	for _, m := range experiment.TrainModels {
		d, _ := experiment.TrainDefaults(m)
		other := fmt.Sprintf("hidden %s, %s", joinInts(d.Hidden), d.Activation)
		switch m {
		case "perceptron":
			other = "Rosenblatt's rule (lr is η), stops at a pass without a mistake"
		case "lenet5":
			other = "two conv + three dense layers"
		case "lstm", "rnn":
			other = fmt.Sprintf("hidden %s, rows as time steps", joinInts(d.Hidden))
		case "snn":
			other = fmt.Sprintf("hidden %s, %d steps, %s coding, %s read-out", joinInts(d.Hidden), d.Steps, d.Coding, d.Readout)
		case "stdp":
			other = fmt.Sprintf("%d neurons, no labels while learning", d.Neurons)
		}
		opt, lr, sched, batch := d.Optimizer, strconv.FormatFloat(d.LR, 'g', -1, 64), d.Schedule, strconv.Itoa(d.Batch)
		switch m {
		case "perceptron":
			opt, sched, batch = "rule", "—", "—"
		case "stdp":
			opt, lr, sched, batch = "STDP", "—", "—", "1"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", m, opt, lr, sched, d.Epochs, batch, d.Normalize, other)
	}
	w.Flush()
	return b.String()
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// settings turns the flags into the job's settings.
func (o trainOptions) settings(stderr io.Writer) (experiment.TrainSettings, error) {
	s := o.s
	s.Threads, s.MaxMemory = o.threads, o.maxMemory
	// A resumed run keeps its seed unless one is given (and then it must
	// be the saved one).
	if s.Resume == "" || o.changed("seed") {
		s.Seed = o.seed
	}
	var err error
	if s.Hidden, err = parseSizes("hidden", o.hidden); err != nil {
		return s, err
	}
	if o.labels != "" {
		if s.Labels, err = parseLabels(o.labels); err != nil {
			return s, err
		}
	}
	if o.changed("normalize") {
		s.Normalize = map[bool]string{true: "standard", false: "none"}[o.normalize]
	}
	// Zero takes the model's default in the library; given on the
	// command line, it is a mistake.
	if err := explicitZero(o.cmd, "epochs", "batch", "lr", "steps", "neurons", "tasks"); err != nil {
		return s, err
	}
	s.Log = stderr
	s.CheckpointOnInterrupt = true // Ctrl-C saves where the run stopped
	return s, nil
}

func runTrain(ctx context.Context, o trainOptions, stdout, stderr io.Writer) error {
	if err := o.check(); err != nil {
		return err
	}
	s, err := o.settings(stderr)
	if err != nil {
		return err
	}
	if s.Group, err = group(); err != nil {
		return err
	}
	if s.Group != nil && s.Group.Rank() != 0 {
		s.Log, o.progress, stdout = nil, false, io.Discard // rank 0 speaks for the job
	}
	model := s.Model
	if model == "" {
		model = "mlp"
	}
	observe, finish, err := o.live.start(ctx, "train", model, stderr)
	if err != nil {
		return err
	}
	bar := newBar(stderr, o.progress)
	s.Progress, s.Observe = bar.update, observe
	rep, err := experiment.Train(ctx, s)
	bar.finish()
	if rep != nil {
		finish(rep, err)
	} else {
		finish(nil, err)
	}
	var stopped *experiment.InterruptedError
	if errors.As(err, &stopped) {
		return fmt.Errorf("%v (continue with: neurite train --resume %s)", stopped, stopped.Checkpoint)
	}
	if err != nil {
		return flagErrorIn(err, o.flags)
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	if rep.ContinualReport != nil {
		return printContinual(stdout, rep)
	}
	if rep.STDP != nil {
		_, err = fmt.Fprintf(stdout, "%-8s %8s %8s %14s %12s %14s\n%-8s %8d %8d %14.4f %12.0f %14.0f\n",
			"model", "neurons", "passes", "test accuracy", "spikes/image", "images/s",
			"stdp", rep.STDP.P.Neurons, len(rep.History), rep.TestAccuracy, *rep.SpikesPerSample, rep.SamplesPerSecond)
		return err
	}
	_, err = fmt.Fprintf(stdout, "%-12s %10s %8s %14s %10s %14s\n%-12s %10d %8d %14.4f %10.4f %14.0f\n",
		"model", "params", "epochs", "test accuracy", "test loss", "samples/s",
		rep.Model, rep.Params, len(rep.History), rep.TestAccuracy, rep.TestLoss, rep.SamplesPerSecond)
	return err
}

// parseSizes reads comma-separated positive sizes such as "128,64".
func parseSizes(flag, s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, usagef("--%s %q: want positive sizes separated by commas", flag, s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// parseLabels reads a class list such as "0-4" or "1,3,5".
func parseLabels(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a || b > 1<<16 {
			return nil, usagef("--labels %q: want classes as a list or ranges, like 0-4 or 1,3,5", s)
		}
		for c := a; c <= b; c++ {
			out = append(out, c)
		}
	}
	return out, nil
}
