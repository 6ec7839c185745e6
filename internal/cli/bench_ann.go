package cli

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

// benchMLPReport is what "neurite bench mlp|lenet5|lstm|rnn --json" prints.
type benchMLPReport struct {
	Bench                   string    `json:"bench"`
	Model                   string    `json:"model"`
	Threads                 int       `json:"threads"`
	Seed                    uint64    `json:"seed"`
	Runs                    int       `json:"runs"`
	Batch                   int       `json:"batch"`
	Batches                 int       `json:"batches_per_epoch"`
	MedianSeconds           float64   `json:"median_seconds"`
	EpochSeconds            []float64 `json:"epoch_seconds"`
	StepSeconds             float64   `json:"step_seconds"`
	SamplesPerSecond        float64   `json:"samples_per_second"`
	InferenceLatencySeconds float64   `json:"inference_latency_seconds"`
	InferenceSamplesPerSec  float64   `json:"inference_samples_per_second"`
}

// benchModels are the trainable benchmarks and their PyTorch reference
// settings (shared/peers/ann/torch_train.py).
var benchModels = map[string]struct {
	short     string
	optimizer string
	lr, mom   float64
}{
	"mlp":    {"MLP training epoch on MNIST (SGD 0.1, batch 64) and inference latency", "sgd", 0.1, 0},
	"lenet5": {"LeNet-5 training epoch on MNIST (SGD 0.05, momentum 0.9, batch 64)", "sgd", 0.05, 0.9},
	"lstm":   {"LSTM-128 over MNIST rows: training step and epoch (Adam 1e-3, batch 64)", "adam", 1e-3, 0},
	"rnn":    {"tanh RNN-128 over MNIST rows: training step and epoch (Adam 1e-3, batch 64)", "adam", 1e-3, 0},
}

func newBenchTrainCmd(model string) *cobra.Command {
	var o struct {
		computeFlags
		hidden, dataDir string
		runs, batch     int
		maxBatches      int
	}
	cfg := benchModels[model]
	cmd := &cobra.Command{
		Use:   model,
		Short: cfg.short,
		Long: `bench ` + model + ` times what shared/peers/ann/torch_train.py times for PyTorch: a
warm-up of 20 batches, then epochs of training on MNIST, data loading excluded;
the median epoch (and the time per training step) is reported. It also times
single-example inference (median of 2000 forward passes) and batch-1000
inference throughput.`,
		Example: "  neurite bench " + model + " --threads 1 --json\n  neurite bench " + model + " --max-batches 100 --runs 5",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			hidden, err := parseSizes("hidden", o.hidden)
			if err != nil {
				return err
			}
			if o.runs < 1 || o.batch < 1 || o.maxBatches < 0 {
				return usagef("--runs and --batch must be at least 1, --max-batches not negative")
			}
			restore, err := o.apply()
			if err != nil {
				return err
			}
			defer restore()
			return runBenchTrain(model, hidden, o.dataDir, o.runs, o.batch, o.maxBatches, o.computeFlags, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.hidden, "hidden", "128", "hidden sizes (mlp: 128 or 512,256 as PyTorch's mlp-big; lstm, rnn: units)")
	f.StringVar(&o.dataDir, "data-dir", "", "directory holding the MNIST files")
	f.IntVar(&o.runs, "runs", 3, "epochs timed; the median is reported")
	f.IntVar(&o.batch, "batch", 64, "mini-batch size")
	f.IntVar(&o.maxBatches, "max-batches", 0, "batches per timed epoch (0: the whole epoch)")
	return cmd
}

func runBenchTrain(model string, hidden []int, dataDir string, runs, batch, maxBatches int, cf computeFlags, stdout, stderr io.Writer) error {
	trainSet, testSet, norm, err := data.Open("mnist", dataDir, cf.seed)
	if err != nil {
		return err
	}
	norm.Apply(trainSet)
	norm.Apply(testSet)
	cfg := benchModels[model]
	var spec ann.Spec
	name := model
	switch model {
	case "mlp":
		spec = ann.MLP(784, hidden, ann.ReLU, 10, 0)
		name = fmt.Sprint(append(append([]int{784}, hidden...), 10))
	case "lenet5":
		spec = ann.LeNet5()
	default:
		units := 128
		if len(hidden) > 0 {
			units = hidden[0]
		}
		spec = ann.RowSequence(model == "lstm", units)
	}
	net, err := spec.Build(cf.seed)
	if err != nil {
		return err
	}
	opt, _ := optim.New(cfg.optimizer, cfg.lr, cfg.mom, 0, false)
	loss := ann.SoftmaxCrossEntropy{}
	ctx := context.Background()
	rep := benchMLPReport{Bench: model, Model: name, Threads: cf.threads, Seed: cf.seed, Runs: runs, Batch: batch}
	if _, err := train.Fit(ctx, net, loss, opt, trainSet, nil, train.Config{Epochs: 1, Batch: batch, MaxBatches: 20, Seed: cf.seed}); err != nil {
		return err // the warm-up, as in the PyTorch script
	}
	for r := range runs {
		res, err := train.Fit(ctx, net, loss, opt, trainSet, nil, train.Config{Epochs: 1, Batch: batch, MaxBatches: maxBatches, Seed: cf.seed + uint64(r) + 1})
		if err != nil {
			return err
		}
		e := res.Epochs[0]
		rep.EpochSeconds = append(rep.EpochSeconds, e.Seconds)
		rep.Batches = (e.Samples + batch - 1) / batch
		fmt.Fprintf(stderr, "bench %s: epoch %d/%d: %.3fs (%d batches)\n", name, r+1, runs, e.Seconds, rep.Batches)
	}
	rep.MedianSeconds = medianOf(rep.EpochSeconds)
	rep.StepSeconds = rep.MedianSeconds / float64(rep.Batches)
	rep.SamplesPerSecond = float64(rep.Batches*batch) / rep.MedianSeconds
	if maxBatches == 0 {
		rep.SamplesPerSecond = float64(trainSet.Len()) / rep.MedianSeconds
	}

	one := tensor.FromData(slices.Clone(testSet.X.Row(0)), 1, 784)
	rep.InferenceLatencySeconds = medianOf(timeRuns(func() { net.Forward(one, false) }, 2000))
	big := tensor.FromData(testSet.X.Data[:1000*784], 1000, 784)
	rep.InferenceSamplesPerSec = 1000 / medianOf(timeRuns(func() { net.Forward(big, false) }, 20))
	if cf.json {
		return writeJSON(stdout, rep)
	}
	_, err = fmt.Fprintf(stdout, "%-18s %8s %12s %10s %12s %16s %14s\n%-18s %8d %12.3f %10.2f %12.0f %16.1f %14.0f\n",
		"model", "threads", "epoch s", "step ms", "samples/s", "latency µs", "infer/s",
		name, rep.Threads, rep.MedianSeconds, rep.StepSeconds*1e3, rep.SamplesPerSecond, rep.InferenceLatencySeconds*1e6, rep.InferenceSamplesPerSec)
	return err
}
