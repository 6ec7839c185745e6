package cli

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

// benchSimReport is what "neurite bench coba|cuba|brunel --json" prints: the
// simulation's own keys (as "neurite sim"), plus the benchmark's.
type benchSimReport struct {
	*experiment.SimReport
	Bench         string    `json:"bench"`
	Runs          int       `json:"runs"`
	MedianSeconds float64   `json:"median_seconds"`
	RunSeconds    []float64 `json:"run_seconds"`
	NsPerEvent    float64   `json:"ns_per_synaptic_event"`
}

func newBenchSimCmd(model, short, example string, runs int) *cobra.Command {
	var o simOptions
	var nruns int
	cmd := &cobra.Command{
		Use:     model,
		Short:   short,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchSim(cmd.Context(), model, o, nruns, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.register(cmd)
	o.registerNetwork(cmd)
	f := cmd.Flags()
	f.IntVar(&nruns, "runs", runs, "runs (each builds the network anew); the median is reported")
	return cmd
}

func runBenchSim(ctx context.Context, model string, o simOptions, runs int, stdout, stderr io.Writer) error {
	if runs < 1 {
		return usagef("--runs %d: must be at least 1", runs)
	}
	o.s.Model = model
	var rep benchSimReport
	for r := range runs {
		one, err := o.simulate(ctx, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "bench %s: run %d/%d: %.3fs\n", model, r+1, runs, one.WallSeconds)
		rep.RunSeconds = append(rep.RunSeconds, one.WallSeconds)
		rep.SimReport = one
	}
	rep.Bench, rep.Runs = model, runs
	rep.MedianSeconds = medianOf(rep.RunSeconds)
	rep.WallSeconds = rep.MedianSeconds
	rep.SynopsPerSecond = float64(rep.SynapticEvents) / rep.MedianSeconds
	if rep.SynapticEvents > 0 {
		rep.NsPerEvent = rep.MedianSeconds / float64(rep.SynapticEvents) * 1e9
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	_, err := fmt.Fprintf(stdout, "%-8s %8s %10s %12s %14s %12s\n%-8s %8d %10d %12.4f %14.3g %12.2f\n",
		"bench", "threads", "neurons", "median s", "synops/s", "ns/event",
		model, rep.Threads, rep.Neurons, rep.MedianSeconds, rep.SynopsPerSecond, rep.NsPerEvent)
	if err == nil && slices.Contains([]string{"coba", "cuba"}, model) {
		fmt.Fprintf(stdout, "  rates: exc %.2f Hz, inh %.2f Hz\n", rep.RateHz["exc"], rep.RateHz["inh"])
	}
	return err
}
