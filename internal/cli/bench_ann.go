package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

func newBenchTrainCmd(model, short string) *cobra.Command {
	var o computeFlags
	var hidden string
	s := experiment.BenchTrainSettings{Model: model}
	cmd := &cobra.Command{
		Use:   model,
		Short: short,
		Long: `bench ` + model + ` times training on MNIST as the PyTorch side of
scripts/bench-mlp-vs-pytorch.sh does: a warm-up of 20 batches, then epochs,
data loading excluded; the median epoch (and the time per training step) is
reported. It also times
single-example inference (median of 2000 forward passes) and batch-1000
inference throughput.`,
		Example: "  neurite bench " + model + " --threads 1 --json\n  neurite bench " + model + " --max-batches 100 --runs 5",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if err := explicitZero(cmd, "runs", "batch"); err != nil {
				return err
			}
			sizes, err := parseSizes("hidden", hidden)
			if err != nil {
				return err
			}
			// Never nil: an empty --hidden asks for no hidden layer
			// (mlp) or the default units (lstm, rnn), as it always has.
			s.Hidden = append([]int{}, sizes...)
			s.Seed, s.Threads, s.Log = o.seed, o.threads, cmd.ErrOrStderr()
			s.MaxMemory = o.maxMemory
			rep, err := experiment.BenchTrain(cmd.Context(), s)
			if err != nil {
				return flagError(err)
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printBenchTrain(cmd.OutOrStdout(), rep)
		},
	}
	o.register(cmd)
	f, d := cmd.Flags(), s.WithDefaults()
	f.StringVar(&hidden, "hidden", joinInts(d.Hidden), "hidden sizes (mlp: 128 or 512,256 as PyTorch's mlp-big; lstm, rnn: units)")
	f.StringVar(&s.DataDir, "data-dir", "", "directory holding the MNIST files")
	f.IntVar(&s.Runs, "runs", d.Runs, "epochs timed; the median is reported")
	f.IntVar(&s.Batch, "batch", d.Batch, "mini-batch size")
	f.IntVar(&s.MaxBatches, "max-batches", 0, "batches per timed epoch (0: the whole epoch)")
	return cmd
}

func printBenchTrain(w io.Writer, rep *experiment.BenchTrainReport) error {
	_, err := fmt.Fprintf(w, "%-18s %8s %12s %10s %12s %16s %14s\n%-18s %8d %12.3f %10.2f %12.0f %16.1f %14.0f\n",
		"model", "threads", "epoch s", "step ms", "samples/s", "latency µs", "infer/s",
		rep.Model, rep.Threads, rep.MedianSeconds, rep.StepSeconds*1e3, rep.SamplesPerSecond, rep.InferenceLatencySeconds*1e6, rep.InferenceSamplesPerSec)
	return err
}
