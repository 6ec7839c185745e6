package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/neurite/neurite/experiment"
)

// simOptions are the flags of "neurite sim" (and of the spiking benchmarks).
type simOptions struct {
	computeFlags
	s        experiment.SimSettings
	progress bool
	flags    *pflag.FlagSet
}

func newSimCmd() *cobra.Command {
	var o simOptions
	cmd := &cobra.Command{
		Use:   "sim MODEL|SPEC",
		Short: "Simulate a spiking network: a preset (" + strings.Join(experiment.SimModels, ", ") + ") or a spec file",
		Long: `sim builds a preset spiking network, simulates it and reports its activity.

Presets (every parameter follows the reference Brian2 scripts):
  coba        Brette et al. (2007) benchmark 1: conductance-based LIF, 80% excitatory
  cuba        Brette et al. (2007) benchmark 2: current-based LIF, exact integration
  brunel      Brunel (2000) sparse network with delays and Poisson drive, --panel A–D
  izhikevich  Izhikevich (2003) 1000-neuron network with the paper's integration
  hh          100 Hodgkin–Huxley somata (NEURON's hh) driven by 0.1 nA
  cuba-event  Brette et al. (2007) benchmark 4: CUBA with voltage jumps, simulated
              event by event with exact spike times (no time step)
  microcircuit  Potjans & Diesmann (2014) cortical microcircuit with NEST's
              parameters: 77,169 LIF neurons in layers 2/3, 4, 5 and 6, 3·10⁸
              synapses (about 1.5 GB); --input poisson|dc, --scale S for a
              smaller network (in-degrees scaled with NEST's compensation)

Statistics: per population the mean rate, the CV of interspike intervals and
the mean pairwise correlation of spike counts (200 sampled neurons, 2 ms
bins), over the simulated time after --warmup.

Or a network spec file in YAML or JSON (see docs/network-spec.md).`,
		Example: `  neurite sim coba --duration 1s --seed 1 --json
  neurite sim microcircuit --duration 1.5s --warmup 500ms --json
  neurite sim microcircuit --scale 0.1 --input dc --duration 1s --warmup 200ms --figure mc.svg
  neurite sim brunel --panel C --n 2000 --duration 500ms --out out/brunel
  neurite sim snn/testdata/coba.yaml --duration 200ms`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("sim needs one model name (have: %s)", strings.Join(experiment.SimModels, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.s.Model, o.flags = args[0], cmd.Flags()
			if err := explicitZero(cmd, "duration"); err != nil {
				return err
			}
			rep, err := o.simulate(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printSimTable(cmd.OutOrStdout(), rep)
		},
	}
	o.register(cmd)
	o.registerNetwork(cmd)
	f := cmd.Flags()
	f.StringVar(&o.s.Out, "out", "", "directory for spikes.csv and spikes_<population>.npy")
	f.StringVar(&o.s.Raster, "raster", "", "draw a spike raster into this .svg or .png file")
	f.StringVar(&o.s.Figure, "figure", "", "draw the activity (raster of the last 200 ms of every population, mean rates) into this .svg or .png file")
	f.BoolVar(&o.progress, "progress", false, "show a progress bar even when stderr is not a terminal")
	return cmd
}

// registerNetwork adds the flags that choose and size the network.
func (o *simOptions) registerNetwork(cmd *cobra.Command) {
	f := cmd.Flags()
	f.DurationVar(&o.s.Duration, "duration", time.Second, "simulated time (Go duration: 1s, 250ms), at least one time step")
	f.IntVar(&o.s.N, "n", 0, "network size (coba/cuba: neurons, default 4000; brunel: excitatory neurons, default 10000)")
	f.StringVar(&o.s.Panel, "panel", "A", "Brunel (2000) regime: A, B, C or D")
	f.DurationVar(&o.s.Warmup, "warmup", 0, "simulated time at the start left out of statistics and files (shorter than --duration)")
	f.Float64Var(&o.s.Scale, "scale", 0, "microcircuit: fraction of the full model's neurons and in-degrees, in (0, 1] (default 1)")
	f.StringVar(&o.s.Input, "input", "", "microcircuit: background input, poisson or dc (default poisson)")
}

// simulate runs the simulation the flags describe.
func (o simOptions) simulate(ctx context.Context, stderr io.Writer) (*experiment.SimReport, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	s := o.s
	s.Seed, s.Threads, s.Log = o.seed, o.threads, stderr
	s.MaxMemory = o.maxMemory
	b := newBar(stderr, o.progress)
	s.Progress = b.update
	rep, err := experiment.Simulate(ctx, s)
	b.finish()
	return rep, flagErrorIn(err, o.flags)
}

// printSimTable writes the human-readable summary of a simulation.
func printSimTable(w io.Writer, rep *experiment.SimReport) error {
	fmt.Fprintf(w, "%-10s %10s %12s %10s %10s %12s %14s\n", "model", "neurons", "synapses", "spikes", "sim ms", "wall s", "synops/s")
	// Simulated time as given (0.1 ms would read 0 rounded).
	fmt.Fprintf(w, "%-10s %10d %12d %10d %10s %12.3f %14.3g\n", rep.Model, rep.Neurons, rep.Synapses, rep.Spikes,
		strconv.FormatFloat(rep.SimMS, 'f', -1, 64), rep.WallSeconds, rep.SynopsPerSecond)
	if rep.WarmupMS > 0 || rep.RealTimeFactor > 0 {
		fmt.Fprintf(w, "  real-time factor %.3g; statistics after a warm-up of %s ms\n", rep.RealTimeFactor,
			strconv.FormatFloat(rep.WarmupMS, 'f', -1, 64))
	}
	fmt.Fprintf(w, "  %-12s %10s %8s %12s\n", "population", "rate Hz", "CV ISI", "correlation")
	for _, name := range rep.Populations {
		cv, corr := "-", "-"
		if v, ok := rep.CVISI[name]; ok {
			cv = strconv.FormatFloat(v, 'f', 3, 64)
		}
		if v, ok := rep.Correlation[name]; ok {
			corr = strconv.FormatFloat(v, 'g', 3, 64)
		}
		if _, err := fmt.Fprintf(w, "  %-12s %10.3f %8s %12s\n", name, rep.RateHz[name], cv, corr); err != nil {
			return err
		}
	}
	for _, note := range rep.Notes {
		if _, err := fmt.Fprintf(w, "note: %s\n", note); err != nil {
			return err
		}
	}
	return nil
}
