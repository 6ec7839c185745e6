package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/figure"
	"github.com/neurite/neurite/internal/atomicfile"
	"github.com/neurite/neurite/snn"
	_ "github.com/neurite/neurite/snn/plasticity" // registers the learning rules spec files name
)

// simOptions are the flags of "neurite sim".
type simOptions struct {
	computeFlags
	duration time.Duration
	n        int
	panel    string
	out      string
	raster   string
	progress bool
}

// simReport is what "neurite sim --json" prints; keys per CONTRACT.md.
type simReport struct {
	Model           string             `json:"model"`
	Neurons         int                `json:"neurons"`
	Synapses        int                `json:"synapses"`
	Spikes          int64              `json:"spikes"`
	RateHz          map[string]float64 `json:"rate_hz"`
	CVISI           map[string]float64 `json:"cv_isi,omitempty"`
	SimMS           float64            `json:"sim_ms"`
	DTMS            float64            `json:"dt_ms"`
	BuildSeconds    float64            `json:"build_seconds"`
	WallSeconds     float64            `json:"wall_seconds"`
	BytesPerSynapse float64            `json:"bytes_per_synapse"`
	SynapticEvents  int64              `json:"synaptic_events"`
	SynopsPerSecond float64            `json:"synops_per_second"`
	Seed            uint64             `json:"seed"`
	Threads         int                `json:"threads"`
	Files           []string           `json:"files,omitempty"`
}

func newSimCmd() *cobra.Command {
	var o simOptions
	cmd := &cobra.Command{
		Use:   "sim MODEL|SPEC",
		Short: "Simulate a spiking network: a preset (" + strings.Join(simModels(), ", ") + ") or a spec file",
		Long: `sim builds a preset spiking network, simulates it and reports its activity.

Presets (every parameter follows the reference Brian2 scripts):
  coba        Brette et al. (2007) benchmark 1: conductance-based LIF, 80% excitatory
  cuba        Brette et al. (2007) benchmark 2: current-based LIF, exact integration
  brunel      Brunel (2000) sparse network with delays and Poisson drive, --panel A–D
  izhikevich  Izhikevich (2003) 1000-neuron network with the paper's integration
  hh          100 Hodgkin–Huxley somata (NEURON's hh) driven by 0.1 nA
  cuba-event  Brette et al. (2007) benchmark 4: CUBA with voltage jumps, simulated
              event by event with exact spike times (no time step)

Or a network spec file in YAML or JSON (see docs/network-spec.md).`,
		Example: `  neurite sim coba --duration 1s --seed 1 --json
  neurite sim brunel --panel C --n 2000 --duration 500ms --out out/brunel
  neurite sim snn/testdata/coba.yaml --duration 200ms`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("sim needs one model name (have: %s)", strings.Join(simModels(), ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSim(cmd.Context(), args[0], o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.DurationVar(&o.duration, "duration", time.Second, "simulated time (Go duration: 1s, 250ms)")
	f.IntVar(&o.n, "n", 0, "network size (coba/cuba: neurons, default 4000; brunel: excitatory neurons, default 10000)")
	f.StringVar(&o.panel, "panel", "A", "Brunel (2000) regime: A, B, C or D")
	f.StringVar(&o.out, "out", "", "directory for spikes.csv and spikes_<population>.npy")
	f.StringVar(&o.raster, "raster", "", "draw a spike raster into this .svg or .png file")
	f.BoolVar(&o.progress, "progress", false, "show a progress bar even when stderr is not a terminal")
	return cmd
}

func runSim(ctx context.Context, model string, o simOptions, stdout, stderr io.Writer) error {
	if err := checkSimOptions(model, o); err != nil {
		return err
	}
	restore, err := o.apply()
	if err != nil {
		return err
	}
	defer restore()
	if model == "cuba-event" {
		return runEventSim(ctx, o, stdout, stderr)
	}
	rep, mons, err := simulatePreset(ctx, model, o, stderr)
	if err != nil {
		return err
	}
	if o.out != "" {
		if rep.Files, err = writeSpikes(o.out, mons); err != nil {
			return err
		}
	}
	if o.raster != "" {
		groups := make([]figure.SpikeGroup, len(mons))
		for k, m := range mons {
			times := make([]float64, m.Len())
			for i := range times {
				times[i] = m.Time(i)
			}
			groups[k] = figure.SpikeGroup{Name: m.Pop.Name, Size: m.Pop.Len(), Times: times, Index: m.Index}
		}
		if err := figure.Raster(o.raster, model, groups, 200_000); err != nil {
			return err
		}
		rep.Files = append(rep.Files, o.raster)
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	names := make([]string, len(mons))
	for k, m := range mons {
		names[k] = m.Pop.Name
	}
	return printSimTable(stdout, rep, names)
}

// printSimTable writes the human-readable summary of a simulation, with
// the populations' rates in the given order.
func printSimTable(w io.Writer, rep simReport, populations []string) error {
	fmt.Fprintf(w, "%-10s %10s %12s %10s %10s %12s %14s\n", "model", "neurons", "synapses", "spikes", "sim ms", "wall s", "synops/s")
	fmt.Fprintf(w, "%-10s %10d %12d %10d %10.0f %12.3f %14.3g\n", rep.Model, rep.Neurons, rep.Synapses, rep.Spikes, rep.SimMS, rep.WallSeconds, rep.SynopsPerSecond)
	for _, name := range populations {
		if _, err := fmt.Fprintf(w, "  rate %-6s %8.2f Hz\n", name, rep.RateHz[name]); err != nil {
			return err
		}
	}
	return nil
}

// isSpecPath reports whether a model argument names a spec file: anything
// with a slash or a file extension (CONTRACT.md).
func isSpecPath(model string) bool {
	return strings.ContainsRune(model, '/') || filepath.Ext(model) != ""
}

func checkSimOptions(model string, o simOptions) error {
	if !isSpecPath(model) && !slices.Contains(simModels(), model) {
		return usagef("unknown model %q (have: %s, or a spec file path)", model, strings.Join(simModels(), ", "))
	}
	if o.duration <= 0 {
		return usagef("--duration %v: must be positive", o.duration)
	}
	if o.n < 0 {
		return usagef("--n %d: must be positive", o.n)
	}
	if ext := strings.ToLower(filepath.Ext(o.raster)); o.raster != "" && ext != ".svg" && ext != ".png" {
		return usagef("--raster %s: want a .svg or .png file", o.raster)
	}
	return nil
}

// simulatePreset builds and runs a preset network once, monitoring every
// population, and measures it. The caller has applied o's thread count.
func simulatePreset(ctx context.Context, model string, o simOptions, stderr io.Writer) (simReport, []*snn.SpikeMonitor, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	net, err := buildNetwork(model, o)
	if err != nil {
		return simReport{}, nil, err
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: o.threads, Seed: o.seed})
	if err != nil {
		return simReport{}, nil, err
	}
	mons := make([]*snn.SpikeMonitor, len(net.Populations))
	for k, p := range net.Populations {
		if mons[k], err = sim.MonitorSpikes(p); err != nil {
			return simReport{}, nil, err
		}
	}
	build := time.Since(start)
	durMS := float64(o.duration) / float64(time.Millisecond)
	fmt.Fprintf(stderr, "sim %s: %d neurons, %d synapses, built in %.2fs; simulating %v on %d threads\n",
		model, net.Neurons(), net.Synapses(), build.Seconds(), o.duration, o.threads)
	bar := newProgress(stderr, o.progress, int64(durMS), "simulating (ms)")
	runStart := time.Now()
	err = sim.Run(ctx, durMS, func(done, _ float64) { bar.set(int64(done)) })
	bar.finish()
	if err != nil {
		return simReport{}, nil, err
	}
	wall := time.Since(runStart)

	rep := simReport{
		Model: model, Neurons: net.Neurons(), Synapses: net.Synapses(),
		RateHz: map[string]float64{}, CVISI: map[string]float64{},
		SimMS: sim.TimeMS(), DTMS: sim.DT, BuildSeconds: build.Seconds(), WallSeconds: wall.Seconds(),
		Seed: o.seed, Threads: o.threads,
	}
	bytes := 0
	for _, p := range net.Projections {
		bytes += p.Bytes()
		// Events: every spike of the presynaptic neuron reaches each of its synapses.
		for _, i := range spikeIndices(mons, p.Pre) {
			rep.SynapticEvents += int64(p.RowPtr[i+1] - p.RowPtr[i])
		}
	}
	if rep.Synapses > 0 {
		rep.BytesPerSynapse = float64(bytes) / float64(rep.Synapses)
	}
	rep.SynopsPerSecond = float64(rep.SynapticEvents) / wall.Seconds()
	for k, p := range net.Populations {
		c := sim.SpikeCount(p)
		rep.Spikes += c
		rep.RateHz[p.Name] = float64(c) / float64(p.Len()) / (sim.TimeMS() / 1000)
		if cv, n := mons[k].MeanCV(100); n > 0 {
			rep.CVISI[p.Name] = cv
		}
	}
	return rep, mons, nil
}

// simModels lists the model names sim accepts besides spec files.
func simModels() []string { return append(slices.Clone(snn.PresetNames), "cuba-event") }

// runEventSim runs benchmark 4 with the event-driven engine. Its spikes
// have exact, real-valued times.
func runEventSim(ctx context.Context, o simOptions, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	n := o.n
	if n == 0 {
		n = 4000
	}
	start := time.Now()
	e, err := snn.EventCUBA(n, o.seed)
	if err != nil {
		return err
	}
	build := time.Since(start)
	durMS := float64(o.duration) / float64(time.Millisecond)
	fmt.Fprintf(stderr, "sim cuba-event: %d neurons, %d synapses, built in %.2fs; simulating %v event by event\n",
		n, e.Graph.Edges(), build.Seconds(), o.duration)
	runStart := time.Now()
	if err := e.Run(ctx, durMS); err != nil {
		return err
	}
	wall := time.Since(runStart)
	ne := int(0.8 * float64(n))
	groups := []figure.SpikeGroup{{Name: "exc", Size: ne}, {Name: "inh", Size: n - ne}}
	for _, s := range e.Spikes {
		g := 0
		if int(s.Neuron) >= ne {
			g = 1
		}
		groups[g].Times = append(groups[g].Times, s.Time)
		groups[g].Index = append(groups[g].Index, s.Neuron-int32(g*ne))
	}
	rep := simReport{
		Model: "cuba-event", Neurons: n, Synapses: e.Graph.Edges(), Spikes: int64(len(e.Spikes)),
		RateHz: map[string]float64{}, SimMS: durMS, DTMS: 0, BuildSeconds: build.Seconds(), WallSeconds: wall.Seconds(),
		BytesPerSynapse: float64(4*e.Graph.Edges()+8*len(e.Graph.RowPtr)+8*n) / float64(max(1, e.Graph.Edges())),
		SynapticEvents:  e.Events, SynopsPerSecond: float64(e.Events) / wall.Seconds(), Seed: o.seed, Threads: 1,
	}
	for _, g := range groups {
		rep.RateHz[g.Name] = float64(len(g.Times)) / float64(g.Size) / (durMS / 1000)
	}
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return err
		}
		path := filepath.Join(o.out, "spikes.csv")
		err := atomicfile.Write(path, func(w io.Writer) error {
			if _, err := io.WriteString(w, "population,neuron,time_ms\n"); err != nil {
				return err
			}
			for _, g := range groups {
				for k, t := range g.Times {
					if _, err := fmt.Fprintf(w, "%s,%d,%s\n", g.Name, g.Index[k], strconv.FormatFloat(t, 'g', -1, 64)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		rep.Files = append(rep.Files, path)
	}
	if o.raster != "" {
		if err := figure.Raster(o.raster, "cuba-event", groups, 200_000); err != nil {
			return err
		}
		rep.Files = append(rep.Files, o.raster)
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	return printSimTable(stdout, rep, []string{"exc", "inh"})
}

// buildNetwork makes a preset or reads a spec file.
func buildNetwork(model string, o simOptions) (*snn.Network, error) {
	if !isSpecPath(model) {
		return snn.Preset(model, snn.PresetOptions{N: o.n, Panel: o.panel, Seed: o.seed})
	}
	data, err := os.ReadFile(model)
	if err != nil {
		return nil, err
	}
	spec, err := snn.ParseSpec(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	net, err := spec.Build(o.seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	return net, nil
}

// spikeIndices returns the neurons of p's spikes from its monitor.
func spikeIndices(mons []*snn.SpikeMonitor, p *snn.Population) []int32 {
	for _, m := range mons {
		if m.Pop == p {
			return m.Index
		}
	}
	return nil
}

// writeSpikes writes spikes.csv (all populations) and one .npy per
// population into dir, atomically, and returns the paths.
func writeSpikes(dir string, mons []*snn.SpikeMonitor) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	csvPath := filepath.Join(dir, "spikes.csv")
	err := atomicfile.Write(csvPath, func(w io.Writer) error {
		for k, m := range mons {
			if err := m.WriteCSV(w, k == 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	files := []string{csvPath}
	for _, m := range mons {
		path := filepath.Join(dir, "spikes_"+m.Pop.Name+".npy")
		if err := atomicfile.Write(path, m.WriteNPY); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return files, nil
}
