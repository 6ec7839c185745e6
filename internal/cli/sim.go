package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
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
	live     liveFlag
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

Or a network spec file in YAML or JSON (see docs/network-spec.md).

--checkpoint FILE saves the running network's whole state (neurons, weights
changed by plasticity, spikes in flight, statistics, the spikes written to
--out so far) at the end, every --checkpoint-every of simulated time, and on
Ctrl-C or SIGTERM. --resume FILE continues it, without MODEL: --duration is
then the total simulated time from the start, and the run ends with the same
bits, report and files as a run never interrupted.

Started by mpirun (from a binary built with go build -tags mpi), the network
is split over the ranks, each building and storing only the synapses onto its
own neurons (--max-memory bounds each rank's share); the spikes are the same
bits as in one process, and rank 0 prints the report (with ranks and
comm_seconds) and writes the files.
Its --checkpoint is one file per rank beside FILE, which names them; --resume
it with as many ranks.`,
		Example: `  neurite sim coba --duration 1s --seed 1 --json
  neurite sim microcircuit --duration 1.5s --warmup 500ms --json
  neurite sim microcircuit --scale 0.1 --input dc --duration 1s --warmup 200ms --figure mc.svg
  neurite sim brunel --panel C --n 2000 --duration 500ms --out out/brunel
  neurite sim snn/testdata/coba.yaml --duration 200ms
  neurite sim brunel --duration 500ms --checkpoint brunel.ckpt --out out/brunel
  neurite sim --resume brunel.ckpt --duration 1s
  mpirun -np 4 neurite sim coba --n 40000 --duration 1s --json`,
		Args: o.live.args(func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && o.s.Resume != "" {
				return nil // the checkpoint names the model
			}
			if len(args) != 1 {
				return usagef("sim needs one model name (have: %s)", strings.Join(experiment.SimModels, ", "))
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.flags = cmd.Flags()
			args = o.live.strip(args)
			if len(args) == 1 {
				o.s.Model = args[0]
			}
			if err := explicitZero(cmd, "duration"); err != nil {
				return err
			}
			rep, err := o.simulate(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if mpiRank() != 0 {
				return nil // rank 0 reports
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printSimTable(cmd.OutOrStdout(), rep)
		},
	}
	o.register(cmd)
	o.live.register(cmd)
	o.registerNetwork(cmd)
	f := cmd.Flags()
	f.StringVar(&o.s.Out, "out", "", "directory for spikes.csv and spikes_<population>.npy")
	f.StringVar(&o.s.Raster, "raster", "", "draw a spike raster into this .svg or .png file")
	f.StringVar(&o.s.Figure, "figure", "", "draw the activity (raster of the last 200 ms of every population, mean rates) into this .svg or .png file")
	f.BoolVar(&o.progress, "progress", false, "show a progress bar even when stderr is not a terminal")
	f.StringVar(&o.s.Checkpoint, "checkpoint", "", "save the network's whole state to this file at the end, every --checkpoint-every and on Ctrl-C/SIGTERM")
	f.DurationVar(&o.s.CheckpointEvery, "checkpoint-every", 0, "simulated time between checkpoints (default: only at the end and when interrupted)")
	f.StringVar(&o.s.Resume, "resume", "", "continue the simulation saved in this checkpoint (no MODEL; --duration is the total from the start)")
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
	s.Version, s.HoldExit = Version, exitHold(ctx)
	if s.Resume != "" {
		resumeDefaults(&s, o.flags)
	}
	var err error
	if s.Cluster, err = cluster(); err != nil {
		return nil, err
	}
	quiet := s.Cluster != nil && s.Cluster.Rank() != 0
	if quiet {
		s.Log = nil // rank 0 speaks for the job
	}
	b := newBar(stderr, o.progress && !quiet)
	if !quiet {
		s.Progress = b.update
	}
	finish := func(any, error) {}
	if !quiet { // rank 0 shows the run
		if s.Observe, finish, err = o.live.start(ctx, "sim", s.Model, stderr); err != nil {
			return nil, err
		}
	}
	rep, err := experiment.Simulate(ctx, s)
	b.finish()
	if rep != nil {
		finish(rep, err)
	} else {
		finish(nil, err)
	}
	var stopped *experiment.SimInterruptedError
	if errors.As(err, &stopped) {
		return nil, fmt.Errorf("%v (continue with: neurite sim --resume %s --duration TOTAL)", stopped, stopped.Checkpoint)
	}
	return rep, flagErrorIn(err, o.flags)
}

// resumeDefaults zeroes the settings a checkpoint records whose flags
// were not given, so that the file's values apply (the flags' defaults,
// such as --seed 1 and --panel A, are not choices).
func resumeDefaults(s *experiment.SimSettings, flags *pflag.FlagSet) {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if fl := flags.Lookup(flagName(f.Name)); fl != nil && !fl.Changed && f.Name != "Duration" && f.Name != "Threads" {
			v.Field(i).SetZero()
		}
	}
}

// printSimTable writes the human-readable summary of a simulation.
func printSimTable(w io.Writer, rep *experiment.SimReport) error {
	fmt.Fprintf(w, "%-10s %10s %12s %10s %10s %12s %14s\n", "model", "neurons", "synapses", "spikes", "sim ms", "wall s", "synops/s")
	// Simulated time as given (0.1 ms would read 0 rounded).
	fmt.Fprintf(w, "%-10s %10d %12d %10d %10s %12.3f %14.3g\n", rep.Model, rep.Neurons, rep.Synapses, rep.Spikes,
		strconv.FormatFloat(rep.SimMS, 'f', -1, 64), rep.WallSeconds, rep.SynopsPerSecond)
	if rep.WarmupMS > 0 || rep.RealTimeFactor > 0 {
		fmt.Fprintf(w, "  real-time factor %.3g", rep.RealTimeFactor)
		if rep.CPUSeconds > 0 && rep.SimMS > 0 {
			fmt.Fprintf(w, " (%.3g CPU-seconds per simulated second)", rep.CPUSeconds/(rep.SimMS/1000))
		}
		fmt.Fprintf(w, "; statistics after a warm-up of %s ms\n", strconv.FormatFloat(rep.WarmupMS, 'f', -1, 64))
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
	if rep.Ranks > 0 {
		fmt.Fprintf(w, "  %d ranks: %.3f s exchanging spikes (%.0f%% of wall time), %d exchanges of %.0f bytes\n",
			rep.Ranks, rep.CommSeconds, 100*rep.Comm.Share, rep.Comm.Exchanges, rep.Comm.BytesPerExchange)
	}
	if rep.Checkpoint != "" {
		fmt.Fprintf(w, "  checkpoint %s", rep.Checkpoint)
		if rep.ResumedFromMS > 0 {
			fmt.Fprintf(w, " (resumed from %s ms)", strconv.FormatFloat(rep.ResumedFromMS, 'f', -1, 64))
		}
		fmt.Fprintln(w)
	}
	for _, note := range rep.Notes {
		if _, err := fmt.Fprintf(w, "note: %s\n", note); err != nil {
			return err
		}
	}
	return nil
}
