package experiment

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

	"github.com/neurite/neurite/figure"
	"github.com/neurite/neurite/internal/atomicfile"
	"github.com/neurite/neurite/snn"
	_ "github.com/neurite/neurite/snn/plasticity" // registers the learning rules spec files name
)

// SimModels lists the presets [Simulate] accepts besides spec files: the
// snn package's presets and cuba-event (Brette et al.'s benchmark 4,
// simulated event by event with exact spike times).
var SimModels = append(slices.Clone(snn.PresetNames), "cuba-event")

// SimSettings configure [Simulate]. Zero fields take the defaults written
// on them.
type SimSettings struct {
	// Model is a preset (SimModels) or the path of a network spec file
	// (YAML or JSON). Network may be given instead, built in Go; Model then
	// only names it.
	Model   string
	Network *snn.Network
	// Duration is the simulated time (default 1 s).
	Duration time.Duration
	// N sizes a preset: neurons for coba, cuba and cuba-event (default
	// 4000), excitatory neurons for brunel (default 10000), cells for hh
	// (default 100).
	N int
	// Panel is Brunel's regime: A (default), B, C or D.
	Panel string
	// Out, when set, is a folder for spikes.csv and one spikes_POP.npy per
	// population; Raster an .svg or .png file for a spike raster.
	Out, Raster string
	// Seed draws the wiring, initial state and input: the same seed gives
	// the same spikes for any Threads.
	Seed    uint64
	Threads int
	Reporting
}

// SimReport is what [Simulate] measured; its JSON is `neurite sim
// --json`'s.
type SimReport struct {
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

	// Populations names the populations in the network's order.
	Populations []string `json:"-"`
	// Network and Monitors are the simulated network and a spike monitor
	// per population (nil for cuba-event, whose spikes are in Groups).
	Network  *snn.Network        `json:"-"`
	Monitors []*snn.SpikeMonitor `json:"-"`
	// Groups are the spikes by population, as the raster draws them.
	Groups []figure.SpikeGroup `json:"-"`
}

func (s SimSettings) withDefaults() SimSettings {
	if s.Duration == 0 {
		s.Duration = time.Second
	}
	orString(&s.Panel, "A")
	if s.Model == "" && s.Network != nil {
		s.Model = "custom"
	}
	return s
}

func (s SimSettings) validate() error {
	switch {
	case s.Network == nil && !isSpecPath(s.Model) && !slices.Contains(SimModels, s.Model):
		return fieldErr("Model", s.Model, "unknown model (have: %s, or a spec file path)", strings.Join(SimModels, ", "))
	case s.Duration <= 0:
		return fieldErr("Duration", s.Duration, "must be positive")
	case s.N < 0:
		return fieldErr("N", s.N, "must be positive")
	case !slices.Contains([]string{"A", "B", "C", "D"}, s.Panel):
		return fieldErr("Panel", s.Panel, "want Brunel's regime A, B, C or D")
	}
	if ext := strings.ToLower(filepath.Ext(s.Raster)); s.Raster != "" && ext != ".svg" && ext != ".png" {
		return fieldErr("Raster", s.Raster, "want a .svg or .png file")
	}
	if err := checkDir("Out", s.Out); err != nil {
		return err
	}
	return checkFile("Raster", s.Raster)
}

// Simulate builds a spiking network (a preset, a spec file or
// s.Network), simulates it for s.Duration monitoring every population, and
// measures it: rates, CV of inter-spike intervals, synaptic events, speed
// and memory; it writes the spikes and a raster when asked.
func Simulate(ctx context.Context, s SimSettings) (*SimReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	var rep *SimReport
	err := withThreads(s.Threads, func() error {
		var err error
		if s.Model == "cuba-event" && s.Network == nil {
			rep, err = simulateEvents(ctx, s)
		} else {
			rep, err = simulateNetwork(ctx, s)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.Raster != "" {
		if err := figure.Raster(s.Raster, s.Model, rep.Groups, 200_000); err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, s.Raster)
	}
	return rep, nil
}

// BuildNetwork makes the network a preset or a spec file describes.
func BuildNetwork(model string, n int, panel string, seed uint64) (*snn.Network, error) {
	if !isSpecPath(model) {
		return snn.Preset(model, snn.PresetOptions{N: n, Panel: panel, Seed: seed})
	}
	raw, err := os.ReadFile(model)
	if err != nil {
		return nil, err
	}
	spec, err := snn.ParseSpec(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	net, err := spec.Build(seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	return net, nil
}

func simulateNetwork(ctx context.Context, s SimSettings) (*SimReport, error) {
	start := time.Now()
	net := s.Network
	if net == nil {
		var err error
		if net, err = BuildNetwork(s.Model, s.N, s.Panel, s.Seed); err != nil {
			return nil, err
		}
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: s.Threads, Seed: s.Seed})
	if err != nil {
		return nil, err
	}
	mons := make([]*snn.SpikeMonitor, len(net.Populations))
	for k, p := range net.Populations {
		if mons[k], err = sim.MonitorSpikes(p); err != nil {
			return nil, err
		}
	}
	build := time.Since(start)
	durMS := float64(s.Duration) / float64(time.Millisecond)
	s.logf("sim %s: %d neurons, %d synapses, built in %.2fs; simulating %v on %d threads\n",
		s.Model, net.Neurons(), net.Synapses(), build.Seconds(), s.Duration, threadsOr(s.Threads))
	runStart := time.Now()
	err = sim.Run(ctx, durMS, func(done, _ float64) {
		s.progress(Progress{Stage: "simulating (ms)", Done: int64(done), Total: int64(durMS)})
	})
	if err != nil {
		return nil, err
	}
	wall := time.Since(runStart)

	rep := &SimReport{
		Model: s.Model, Neurons: net.Neurons(), Synapses: net.Synapses(),
		RateHz: map[string]float64{}, CVISI: map[string]float64{},
		SimMS: sim.TimeMS(), DTMS: sim.DT, BuildSeconds: build.Seconds(), WallSeconds: wall.Seconds(),
		Seed: s.Seed, Threads: threadsOr(s.Threads), Network: net, Monitors: mons,
	}
	bytes := 0
	for _, p := range net.Projections {
		bytes += p.Bytes()
		rep.SynapticEvents += SynapticEvents(p, mons[slices.Index(net.Populations, p.Pre)])
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
		rep.Populations = append(rep.Populations, p.Name)
		times := make([]float64, mons[k].Len())
		for i := range times {
			times[i] = mons[k].Time(i)
		}
		rep.Groups = append(rep.Groups, figure.SpikeGroup{Name: p.Name, Size: p.Len(), Times: times, Index: mons[k].Index})
	}
	if s.Out != "" {
		files, err := writeSpikes(s.Out, mons)
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, files...)
	}
	return rep, nil
}

// SynapticEvents counts the synaptic events a projection delivered: every
// spike of a presynaptic neuron (from mon, the monitor of p.Pre) reaches
// each of its synapses once.
func SynapticEvents(p *snn.Projection, mon *snn.SpikeMonitor) int64 {
	var n int64
	for _, i := range mon.Index {
		n += int64(p.RowPtr[i+1] - p.RowPtr[i])
	}
	return n
}

// simulateEvents runs benchmark 4 with the event-driven engine. Its
// spikes have exact, real-valued times.
func simulateEvents(ctx context.Context, s SimSettings) (*SimReport, error) {
	n := s.N
	if n == 0 {
		n = 4000
	}
	start := time.Now()
	e, err := snn.EventCUBA(n, s.Seed)
	if err != nil {
		return nil, err
	}
	build := time.Since(start)
	durMS := float64(s.Duration) / float64(time.Millisecond)
	s.logf("sim cuba-event: %d neurons, %d synapses, built in %.2fs; simulating %v event by event\n",
		n, e.Graph.Edges(), build.Seconds(), s.Duration)
	runStart := time.Now()
	if err := e.Run(ctx, durMS); err != nil {
		return nil, err
	}
	wall := time.Since(runStart)
	ne := int(0.8 * float64(n))
	groups := []figure.SpikeGroup{{Name: "exc", Size: ne}, {Name: "inh", Size: n - ne}}
	for _, sp := range e.Spikes {
		g := 0
		if int(sp.Neuron) >= ne {
			g = 1
		}
		groups[g].Times = append(groups[g].Times, sp.Time)
		groups[g].Index = append(groups[g].Index, sp.Neuron-int32(g*ne))
	}
	rep := &SimReport{
		Model: "cuba-event", Neurons: n, Synapses: e.Graph.Edges(), Spikes: int64(len(e.Spikes)),
		RateHz: map[string]float64{}, SimMS: durMS, DTMS: 0, BuildSeconds: build.Seconds(), WallSeconds: wall.Seconds(),
		BytesPerSynapse: float64(4*e.Graph.Edges()+8*len(e.Graph.RowPtr)+8*n) / float64(max(1, e.Graph.Edges())),
		SynapticEvents:  e.Events, SynopsPerSecond: float64(e.Events) / wall.Seconds(), Seed: s.Seed, Threads: 1,
		Populations: []string{"exc", "inh"}, Groups: groups,
	}
	for _, g := range groups {
		rep.RateHz[g.Name] = float64(len(g.Times)) / float64(g.Size) / (durMS / 1000)
	}
	if s.Out != "" {
		if err := os.MkdirAll(s.Out, 0o755); err != nil {
			return nil, err
		}
		path := filepath.Join(s.Out, "spikes.csv")
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
			return nil, err
		}
		rep.Files = append(rep.Files, path)
	}
	return rep, nil
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
