package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

// newBenchSimCmd returns the command of a spiking benchmark; rates adds
// the populations' rates to its table (Brette et al.'s networks, whose
// published rates check the simulation).
func newBenchSimCmd(model, short, example string, rates bool) *cobra.Command {
	var o simOptions
	var runs int
	cmd := &cobra.Command{
		Use:     model,
		Short:   short,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if err := explicitZero(cmd, "runs"); err != nil {
				return err
			}
			s := experiment.BenchSimSettings{SimSettings: o.s, Runs: runs}
			s.Model, s.Seed, s.Threads, s.Log = model, o.seed, o.threads, cmd.ErrOrStderr()
			s.MaxMemory = o.maxMemory
			b := newBar(cmd.ErrOrStderr(), o.progress)
			s.Progress = b.update
			rep, err := experiment.BenchSim(cmd.Context(), s)
			b.finish()
			if err != nil {
				return flagError(err)
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printBenchSim(cmd.OutOrStdout(), rep, rates)
		},
	}
	o.register(cmd)
	o.registerNetwork(cmd)
	d := experiment.BenchSimSettings{SimSettings: experiment.SimSettings{Model: model}}.WithDefaults()
	cmd.Flags().IntVar(&runs, "runs", d.Runs, "runs (each builds the network anew); the median is reported")
	return cmd
}

// printBenchSim writes the table of a spiking benchmark, and with rates
// the excitatory and inhibitory rates.
func printBenchSim(w io.Writer, rep *experiment.BenchSimReport, rates bool) error {
	_, err := fmt.Fprintf(w, "%-8s %8s %10s %12s %14s %12s\n%-8s %8d %10d %12.4f %14.3g %12.2f\n",
		"bench", "threads", "neurons", "median s", "synops/s", "ns/event",
		rep.Bench, rep.Threads, rep.Neurons, rep.MedianSeconds, rep.SynopsPerSecond, rep.NsPerEvent)
	if err == nil && rates {
		_, err = fmt.Fprintf(w, "  rates: exc %.2f Hz, inh %.2f Hz\n", rep.RateHz["exc"], rep.RateHz["inh"])
	}
	return err
}
