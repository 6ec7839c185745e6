package experiment

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
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
	// Duration is the simulated time (default 1 s), rounded to whole time
	// steps of the network; one that rounds to none is a *FieldError.
	Duration time.Duration
	// N sizes a preset: neurons for coba, cuba and cuba-event (default
	// 4000), excitatory neurons for brunel (default 10000), cells for hh
	// (default 100).
	N int
	// Panel is Brunel's regime: A (default), B, C or D.
	Panel string
	// Scale sizes the microcircuit: every population and in-degree times
	// Scale, in (0, 1], with NEST's compensation of weights and mean input
	// (default 1, the full model; see snn.MicrocircuitOptions). Input is
	// its background: poisson (default) or dc. Other models take neither.
	Scale float64
	Input string
	// Warmup is simulated time at the start left out of the statistics
	// and files: rates, CVs, correlations, spikes written and figures
	// cover Duration − Warmup (default 0). It must be shorter than
	// Duration. Wall time, synaptic events and the real-time factor count
	// the whole run.
	Warmup time.Duration
	// Figure, when set, is an .svg or .png file for a figure of the
	// activity: a raster of every population over the last 200 ms (fewer
	// neurons drawn in large networks: every k-th) beside each population's
	// mean rate.
	Figure string
	// MaxMemory is the memory the job may use, in bytes (0: half of the
	// machine's memory): a request estimated to need more is refused with
	// a *budget.Error before anything is allocated.
	MaxMemory int64
	// Out, when set, is a folder for spikes.csv and one spikes_POP.npy per
	// population, written as the simulation runs: each appears, complete,
	// when it ends, and an interrupted or failed run leaves none. Raster
	// is an .svg or .png file for a spike raster (of the first RasterDots
	// spikes).
	Out, Raster string
	// Seed draws the wiring, initial state and input: the same seed gives
	// the same spikes for any Threads.
	Seed    uint64
	Threads int
	// KeepSpikes keeps every spike in memory, in SimReport.Monitors, for
	// Go callers that need them: 8 bytes per spike, so memory grows with
	// simulated time. Without it (the default) the job runs in memory
	// that does not grow with Duration: statistics are kept per neuron
	// and the files of Out are written as the simulation goes.
	KeepSpikes bool
	// Checkpoint, when set, is a file the running network's whole state
	// is saved to (its neurons, the weights plasticity changed, the
	// spikes in flight, the statistics and files' progress: see
	// simcheckpoint.go): every CheckpointEvery of simulated time, at the
	// end, and when ctx is cancelled, after which Simulate returns a
	// *SimInterruptedError. Each write replaces the last, atomically.
	// Split over processes (Cluster), each rank saves its own share:
	// rank 0 into Checkpoint, which also names the others' files
	// (Checkpoint.step-S.rank-R-of-N, beside it, with their checksums),
	// written first; the files of the set before go once the new set is
	// whole. A cancelled split run saves nothing (each rank stops at its
	// own step): its last periodic checkpoint is the one to resume.
	Checkpoint string
	// CheckpointEvery is the simulated time between checkpoints (0: only
	// at the end and when cancelled).
	CheckpointEvery time.Duration
	// Resume is a checkpoint to continue: the network is rebuilt from the
	// settings the file records (Model, N, Panel, Seed, KeepSpikes and
	// the like, which must then be zero here or agree with it), its state
	// put back, and the run goes on to Duration, the total simulated time
	// counted from the start. The rest of the run is the same bits as if
	// it had never stopped, its report and files cover the whole run, and
	// Checkpoint, CheckpointEvery, Out, Raster and Figure default to the
	// file's. Figure may name another file, or ask for a figure the
	// checkpoint's run did not draw: it then draws the spikes from the
	// resume on, and a note says what it lacks.
	// A file written by another network, or by a Version other than this
	// one, is refused, and so is one written by another number of
	// processes (Cluster's size).
	Resume string
	// Version is the software version recorded in checkpoints (the CLI
	// passes neurite's).
	Version string
	// HoldExit, when set, is called as a checkpoint starts being written,
	// and the function it returns when the write is over: a front end
	// that stops the process shortly after cancelling a job (the CLI)
	// waits for a write in progress.
	HoldExit func() (release func())
	// Cluster, when set, splits the simulation over processes (see
	// snn.SimOptions.Cluster): each builds only its rank's share of the
	// network (snn.Share: every neuron, the synapses onto its own; a
	// Network given here is pruned instead) and simulates its neurons;
	// MaxMemory bounds each rank's share. Every rank's report describes
	// the whole network and run (synapses, counts, rates and CPU time
	// summed over ranks, wall time the slowest rank's; its Network is the
	// rank's share); only rank 0 writes Out, Raster and Figure.
	Cluster snn.Cluster
	Reporting

	sharedProcs bool // the caller set GOMAXPROCS for several ranks (SimulateRanks)
}

// SimReport is what [Simulate] measured; its JSON is `neurite sim
// --json`'s. No number in it is NaN or infinite: a quantity that cannot
// be measured (a rate over no simulated time, speed over no measurable
// wall time, memory per synapse without synapses) is 0 and Notes says
// why; a population without a CV is absent from CVISI.
type SimReport struct {
	Model    string             `json:"model"`
	Neurons  int                `json:"neurons"`
	Synapses int                `json:"synapses"`
	Spikes   int64              `json:"spikes"`
	RateHz   map[string]float64 `json:"rate_hz"`
	CVISI    map[string]float64 `json:"cv_isi,omitempty"`
	// Correlation is each population's mean pairwise correlation
	// coefficient of spike counts in CorrelationBinMS bins, over
	// CorrelationNeurons neurons sampled from it (pairs whose counts never
	// vary left out); absent for a population without such a pair. A
	// resumed run's covers the whole run (the sums are checkpointed).
	Correlation map[string]float64 `json:"correlation,omitempty"`
	// WarmupMS is the simulated time left out of the statistics; the
	// rates are over SimMS − WarmupMS.
	WarmupMS float64 `json:"warmup_ms"`
	// RealTimeFactor is WallSeconds over the simulated seconds: 1 is real
	// time, 2 twice as slow. CPUSeconds is the CPU time the process used
	// while simulating (all threads; absent where the system does not say),
	// which a machine shared with other work inflates less than wall time.
	CPUSeconds      float64 `json:"cpu_seconds,omitempty"`
	RealTimeFactor  float64 `json:"real_time_factor"`
	SimMS           float64 `json:"sim_ms"`
	DTMS            float64 `json:"dt_ms"`
	BuildSeconds    float64 `json:"build_seconds"`
	WallSeconds     float64 `json:"wall_seconds"` // simulating, not writing spikes
	BytesPerSynapse float64 `json:"bytes_per_synapse"`
	SynapticEvents  int64   `json:"synaptic_events"`
	SynopsPerSecond float64 `json:"synops_per_second"`
	Seed            uint64  `json:"seed"`
	Threads         int     `json:"threads"`
	// Ranks is the number of processes that simulated the network, and
	// CommSeconds the wall time the slowest rank spent exchanging
	// spikes (both absent in one process); Comm details the exchange.
	Ranks       int      `json:"ranks,omitempty"`
	CommSeconds float64  `json:"comm_seconds,omitempty"`
	Comm        *SimComm `json:"comm,omitempty"`
	// Checkpoint is the checkpoint file written, ResumedFromMS the
	// simulated time the run resumed from (absent for a run from the
	// start) and CheckpointSeconds the wall time spent writing
	// checkpoints (not counted in WallSeconds).
	Checkpoint        string   `json:"checkpoint,omitempty"`
	ResumedFromMS     float64  `json:"resumed_from_ms,omitempty"`
	CheckpointSeconds float64  `json:"checkpoint_seconds,omitempty"`
	Files             []string `json:"files,omitempty"`
	// Notes explain the numbers above that are 0 or absent because they
	// cannot be measured.
	Notes []string `json:"notes,omitempty"`

	// Populations names the populations in the network's order.
	Populations []string `json:"-"`
	// Network is the simulated network; Stats the statistics of each
	// population's spikes (both nil for cuba-event).
	Network *snn.Network      `json:"-"`
	Stats   []*snn.SpikeStats `json:"-"`
	// Monitors hold every spike of each population when
	// SimSettings.KeepSpikes asks for them, and are nil otherwise.
	Monitors []*snn.SpikeMonitor `json:"-"`
	// Groups are the first spikes of each population (RasterDots at most;
	// Total counts them all), as the raster draws them.
	Groups []figure.SpikeGroup `json:"-"`

	window *activityWindow // the spikes Figure draws
}

// RasterDots is the number of spikes a raster draws at most: the
// earliest, population after population.
const RasterDots = 200_000

// cvFromMS is when the CV of interspike intervals starts counting spikes,
// past the initial transient (as the Brian2 reference scripts), when no
// longer Warmup is given.
const cvFromMS = 100

// Pairwise correlations are measured as in the validation of the cortical
// microcircuit (van Albada et al. 2018): spike counts of
// CorrelationNeurons neurons sampled from each population, in bins of
// CorrelationBinMS.
const (
	CorrelationNeurons = 200
	CorrelationBinMS   = 2.0
)

// figureMS is the window of spikes Figure draws, and figureNeurons about
// the most neurons it draws rows for.
const (
	figureMS      = 200.0
	figureNeurons = 10000
)

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
	case s.Warmup < 0 || (s.Warmup > 0 && s.Warmup >= s.Duration):
		return fieldErr("Warmup", s.Warmup, "must be at least 0 and shorter than Duration (%v)", s.Duration)
	case s.Scale != 0 && s.Model != "microcircuit":
		return fieldErr("Scale", s.Scale, "sizes the microcircuit only (use N for %s)", s.Model)
	case s.Scale != 0 && !(s.Scale > 0 && s.Scale <= 1):
		return fieldErr("Scale", s.Scale, "want a fraction of the full model in (0, 1]")
	case s.Input != "" && s.Model != "microcircuit":
		return fieldErr("Input", s.Input, "chooses the microcircuit's background only")
	case s.Input != "" && s.Input != "poisson" && s.Input != "dc":
		return fieldErr("Input", s.Input, "want poisson or dc")
	}
	for _, f := range []struct{ name, path string }{{"Raster", s.Raster}, {"Figure", s.Figure}} {
		if ext := strings.ToLower(filepath.Ext(f.path)); f.path != "" && ext != ".svg" && ext != ".png" {
			return fieldErr(f.name, f.path, "want a .svg or .png file")
		}
		if err := checkFile(f.name, f.path); err != nil {
			return err
		}
	}
	return checkDir("Out", s.Out)
}

// Simulate builds a spiking network (a preset, a spec file or
// s.Network), simulates it for s.Duration monitoring every population, and
// measures it: rates, CV of inter-spike intervals, synaptic events, speed
// and memory; it writes the spikes and a raster when asked. Unless
// s.KeepSpikes, its memory does not grow with s.Duration.
func Simulate(ctx context.Context, s SimSettings) (*SimReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var ck *simCheckpoint
	if s.Resume != "" {
		var err error
		ck, s, err = resumeFrom(s)
		if s.Cluster != nil && s.Cluster.Size() > 1 {
			// Every rank learns whether every rank can resume, so that
			// none waits for one that gave up.
			err = agree(s.Cluster, err, "could not resume from "+s.Resume)
		}
		if err != nil {
			return nil, err
		}
	}
	if s.Cluster != nil && s.Cluster.Rank() != 0 {
		s.Out, s.Raster, s.Figure = "", "", "" // rank 0 writes them
	}
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	var rep *SimReport
	threads := s.Threads
	if s.sharedProcs {
		threads = 0
	}
	err := withThreads(threads, func() error {
		var err error
		if s.Model == "cuba-event" && s.Network == nil {
			if s.Checkpoint != "" || ck != nil || s.Cluster != nil {
				return fieldErr("Model", s.Model, "the event-driven engine cannot save checkpoints nor run over several processes")
			}
			rep, err = simulateEvents(ctx, s)
		} else {
			rep, err = simulateNetwork(ctx, s, ck)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.Raster != "" {
		if err := figure.Raster(s.Raster, s.Model, rep.Groups, RasterDots); err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, s.Raster)
	}
	if s.Figure != "" && rep.window != nil {
		rates := make([]float64, len(rep.Populations))
		for k, name := range rep.Populations {
			rates[k] = rep.RateHz[name]
		}
		title := fmt.Sprintf("%s: %g–%g ms", s.Model, rep.window.fromMS, rep.SimMS)
		if rep.window.stride > 1 {
			title += fmt.Sprintf(", every %d-th neuron", rep.window.stride)
		}
		if err := figure.Activity(s.Figure, title, rep.window.groups, rates); err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, s.Figure)
	}
	return rep, nil
}

// resumeFrom reads the checkpoint s.Resume, this rank's share of it for a
// simulation split over processes, and merges the settings it records into
// s.
func resumeFrom(s SimSettings) (*simCheckpoint, SimSettings, error) {
	ck, err := readSimCheckpoint(s.Resume)
	if err != nil {
		return nil, s, err
	}
	if s, err = ck.resumeSettings(s); err != nil {
		return nil, s, err
	}
	ck, err = ck.share(s.Cluster)
	return ck, s, err
}

// PeerError is the error of a rank of a job split over processes that
// stopped because another rank failed: that rank reports why.
type PeerError struct {
	// What is what the job could not do.
	What string
}

func (e *PeerError) Error() string {
	return fmt.Sprintf("another rank %s (it reports why)", e.What)
}

// agree tells every rank of c whether any rank failed (err non-nil): each
// returns its own error, or a *PeerError when only others failed. It is a
// collective call: every rank must make it.
func agree(c snn.Cluster, err error, what string) error {
	failed := []int64{0}
	if err != nil {
		failed[0] = 1
	}
	if cerr := c.SumInt64(failed); cerr != nil {
		return cerr
	}
	if err == nil && failed[0] > 0 {
		return &PeerError{What: what}
	}
	return err
}

// BuildNetwork makes the network a preset or a spec file describes. A
// network estimated to need more than half of the machine's memory (with
// the statistics Simulate keeps per neuron) gives a *budget.Error before
// it is built.
func BuildNetwork(model string, n int, panel string, seed uint64) (*snn.Network, error) {
	return buildNetwork(model, snn.PresetOptions{N: n, Panel: panel, Seed: seed})
}

// buildNetwork is BuildNetwork for a preset's options o (or a spec file's
// seed, o.MaxMemory, 0 meaning budget.Default(), and o.Share: a rank's
// share of the network, estimated and built alone).
func buildNetwork(model string, o snn.PresetOptions) (*snn.Network, error) {
	seed, limit := o.Seed, o.MaxMemory
	if !isSpecPath(model) {
		if e, err := snn.PresetEstimate(model, o); err == nil {
			if err := checkSimulation(e, limit); err != nil {
				return nil, err
			}
		}
		return snn.Preset(model, o)
	}
	raw, err := os.ReadFile(model)
	if err != nil {
		return nil, err
	}
	spec, err := snn.ParseSpec(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	if err := checkSimulation(spec.EstimateShare(o.Share), limit); err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	net, err := spec.BuildShare(seed, limit, o.Share)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	return net, nil
}

func simulateNetwork(ctx context.Context, s SimSettings, ck *simCheckpoint) (rep *SimReport, err error) {
	start := time.Now()
	net := s.Network
	if net == nil {
		o := snn.PresetOptions{N: s.N, Panel: s.Panel, Scale: s.Scale, Input: s.Input, Seed: s.Seed, MaxMemory: s.MaxMemory}
		if s.Cluster != nil {
			// Each rank builds only the synapses onto its own neurons.
			o.Share = snn.Share{Rank: s.Cluster.Rank(), Ranks: s.Cluster.Size()}
		}
		net, err = buildNetwork(s.Model, o)
		if s.Cluster != nil && s.Cluster.Size() > 1 {
			// Every rank checks the whole spec, but a rank's share may
			// fail alone (its memory): none waits for one that gave up.
			err = agree(s.Cluster, err, "could not build the network")
		}
		if err != nil {
			return nil, err
		}
	}
	saver, err := newSimSaver(s, ck, net)
	if err != nil {
		return nil, err
	}
	synapses := net.Synapses()
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: s.Threads, Seed: s.Seed, MaxMemory: s.MaxMemory, Cluster: s.Cluster})
	if err != nil {
		return nil, err
	}
	if s.Cluster != nil {
		synapses = net.Synapses() // this rank's (pruned, or its share): sumRanks adds them up
	}
	durMS := float64(s.Duration) / float64(time.Millisecond)
	if math.Round(durMS/sim.DT) < 1 {
		// Sim.Run rounds to whole steps: this would simulate nothing, and
		// every rate would be 0/0.
		return nil, fieldErr("Duration", s.Duration, "shorter than one time step (dt = %g ms): nothing would be simulated; give at least %v",
			sim.DT, time.Duration(math.Round(sim.DT*float64(time.Millisecond))))
	}
	warmMS := float64(s.Warmup) / float64(time.Millisecond)
	from := int64(math.Round(warmMS / sim.DT)) // the first step measured
	end := int64(math.Round(durMS / sim.DT))
	if s.Warmup > 0 && from >= end {
		return nil, fieldErr("Warmup", s.Warmup, "leaves no whole time step of dt = %g ms before the end at %v", sim.DT, s.Duration)
	}
	rep = &SimReport{
		Model: s.Model, Neurons: net.Neurons(), Synapses: synapses,
		RateHz: map[string]float64{}, CVISI: map[string]float64{}, Correlation: map[string]float64{},
		DTMS: sim.DT, Seed: s.Seed, Threads: threadsOr(s.Threads), Network: net,
		WarmupMS: float64(from) * sim.DT,
	}
	binSteps := max(1, int64(math.Round(CorrelationBinMS/sim.DT)))
	var corr []*snn.CountCorrelation
	if s.Figure != "" {
		rep.window = newActivityWindow(net.Populations, max(from, end-int64(math.Round(figureMS/sim.DT))), sim.DT)
	}
	var files *spikeFiles
	if s.Out != "" {
		if files, err = newSpikeFiles(s.Out, net.Populations, sim.DT); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				files.abort()
			}
		}()
	}
	rep.Groups = make([]figure.SpikeGroup, len(net.Populations))
	var output time.Duration // spent in the sinks, writing spikes out
	var observer *simObserver
	if s.observing() {
		observer = newSimObserver(s.Reporting, net, sim, from)
		// Frames go out between chunks of steps: one chunk a frame.
		sim.ChunkWall = observer.gate.every
	}
	for k, p := range net.Populations {
		st, err := sim.MonitorStatsFrom(p, rep.WarmupMS, cvFromMS)
		if err != nil {
			return nil, err
		}
		rep.Stats = append(rep.Stats, st)
		if s.KeepSpikes {
			m, err := sim.MonitorSpikes(p)
			if err != nil {
				return nil, err
			}
			rep.Monitors = append(rep.Monitors, m)
		}
		rep.Groups[k] = figure.SpikeGroup{Name: p.Name, Size: p.Len()}
		sinks := fanOut{spent: &output, from: from, sinks: []snn.SpikeSink{&dots{g: &rep.Groups[k], dt: sim.DT}}}
		if p.Len() >= 2 {
			c, err := snn.NewCountCorrelation(p, CorrelationNeurons, binSteps, from, s.Seed+uint64(k))
			if err != nil {
				return nil, err
			}
			corr = append(corr, c)
			sinks.sinks = append(sinks.sinks, c)
			sim.TrackState("correlation/"+p.Name, c) // saved with checkpoints
		} else {
			corr = append(corr, nil)
		}
		if rep.window != nil {
			sinks.sinks = append(sinks.sinks, rep.window.sink(k))
		}
		if observer != nil {
			sinks.sinks = append(sinks.sinks, observer.sink(k))
		}
		if files != nil {
			sinks.sinks = append(sinks.sinks, files.sinks(k)...)
			sinks.sinks = append(sinks.sinks, saver.logSink(k)...)
		}
		if err := sim.StreamSpikes(p, sinks); err != nil {
			return nil, err
		}
	}
	// The figure's spikes are saved with checkpoints, after everything
	// else: a run resumed from a checkpoint that holds none tracks them
	// from the resume on, and its own checkpoints hold them in the same
	// place as a run's that drew a figure from the start.
	if rep.window != nil && (ck == nil || ck.header.Figure != "") {
		sim.TrackState("figure", rep.window)
	}
	if err := saver.start(sim, rep, files); err != nil {
		return nil, err
	}
	if rep.window != nil && ck != nil && ck.header.Figure == "" {
		sim.TrackState("figure", rep.window)
	}
	build := time.Since(start)
	stored := fmt.Sprintf("%d synapses", synapses)
	if c := s.Cluster; c != nil && c.Size() > 1 {
		stored += fmt.Sprintf(" (rank %d of %d's share)", c.Rank(), c.Size())
	}
	s.logf("sim %s: %d neurons, %s, built in %.2fs; simulating %v on %d threads\n",
		s.Model, net.Neurons(), stored, build.Seconds(), s.Duration, threadsOr(s.Threads))
	runStart := time.Now()
	cpuStart, cpuOK := processCPU()
	if err := saver.run(ctx, durMS); err != nil {
		return nil, err
	}
	if observer != nil {
		observer.finish(end)
	}
	// Speed is the simulation's, as when spikes were written after it.
	wall := max(0, time.Since(runStart)-output-saver.spent())
	rep.SimMS, rep.BuildSeconds, rep.WallSeconds = sim.TimeMS(), build.Seconds(), wall.Seconds()
	rep.RealTimeFactor = rep.ratio(wall.Seconds(), sim.TimeMS()/1000, "real_time_factor is 0: no time was simulated")
	if cpuEnd, ok := processCPU(); ok && cpuOK {
		rep.CPUSeconds = (cpuEnd - cpuStart).Seconds()
	}
	rep.CheckpointSeconds = saver.spent().Seconds()

	bytes := 0
	for _, p := range net.Projections {
		bytes += p.Bytes()
		rep.SynapticEvents += synapticEvents(p, rep.Stats[slices.Index(net.Populations, p.Pre)].Count)
	}
	if s.Cluster != nil {
		if bytes, err = rep.sumRanks(s.Cluster, sim, bytes); err != nil {
			return nil, err
		}
		wall = time.Duration(rep.WallSeconds * float64(time.Second))
	}
	rep.BytesPerSynapse = rep.ratio(float64(bytes), float64(rep.Synapses), "bytes_per_synapse is 0: the network has no synapses")
	rep.SynopsPerSecond = rep.ratio(float64(rep.SynapticEvents), wall.Seconds(), "synops_per_second is 0: the run took no measurable wall time")
	for k, p := range net.Populations {
		c := rep.Stats[k].Spikes()
		rep.Spikes += c
		rep.RateHz[p.Name] = rep.rate(p.Name, c, p.Len(), sim.TimeMS()-rep.WarmupMS)
		if cv, n := rep.Stats[k].MeanCV(); n > 0 {
			rep.CVISI[p.Name] = cv
		} else {
			rep.note("cv_isi has no entry for %s: no neuron fired 3 times after %g ms", p.Name, rep.Stats[k].CVFromMS)
		}
		if corr[k] != nil {
			if r, pairs := corr[k].Mean(sim.Steps()); pairs > 0 {
				rep.Correlation[p.Name] = r
			} else {
				rep.note("correlation has no entry for %s: no two sampled neurons' spike counts vary", p.Name)
			}
		}
		rep.Populations = append(rep.Populations, p.Name)
	}
	if files != nil {
		names, err := files.commit()
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, names...)
	}
	return rep, nil
}

// ratio returns a/b, or 0 with note when b is 0.
func (r *SimReport) ratio(a, b float64, note string) float64 {
	if b == 0 {
		r.note("%s", note)
		return 0
	}
	return a / b
}

// rate returns the firing rate in Hz of spikes fired by neurons over ms,
// or 0 with a note when it has no meaning.
func (r *SimReport) rate(pop string, spikes int64, neurons int, ms float64) float64 {
	switch {
	case neurons == 0:
		r.note("rate_hz of %s is 0: the population has no neurons", pop)
		return 0
	case ms <= 0:
		r.note("rate_hz of %s is 0: no time was simulated", pop)
		return 0
	}
	return float64(spikes) / float64(neurons) / (ms / 1000)
}

func (r *SimReport) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
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

// synapticEvents is SynapticEvents from each presynaptic neuron's spike
// count.
func synapticEvents(p *snn.Projection, count []int64) int64 {
	var n int64
	for i, c := range count {
		n += c * int64(p.RowPtr[i+1]-p.RowPtr[i])
	}
	return n
}

// fanOut hands the spikes from step from on to several sinks and adds
// the time they take to *spent.
type fanOut struct {
	sinks []snn.SpikeSink
	spent *time.Duration
	from  int64
}

func (f fanOut) WriteSpikes(steps []int64, index []int32) error {
	start := time.Now()
	defer func() { *f.spent += time.Since(start) }()
	if len(steps) > 0 && steps[0] < f.from {
		// In time order: skip the warm-up's.
		k, _ := slices.BinarySearch(steps, f.from)
		steps, index = steps[k:], index[k:]
		if len(steps) == 0 {
			return nil
		}
	}
	for _, s := range f.sinks {
		if err := s.WriteSpikes(steps, index); err != nil {
			return err
		}
	}
	return nil
}

// dots keeps a population's first RasterDots spikes for the raster and
// counts the rest.
type dots struct {
	g  *figure.SpikeGroup
	dt float64
}

func (d *dots) WriteSpikes(steps []int64, index []int32) error {
	d.g.Total += len(index)
	n := min(len(index), RasterDots-len(d.g.Times))
	for k := range n {
		d.g.Times = append(d.g.Times, float64(steps[k])*d.dt)
		d.g.Index = append(d.g.Index, index[k])
	}
	return nil
}

// spikeFiles writes spikes.csv (every population, one after the other)
// and one spikes_POP.npy per population into a folder as the simulation
// runs. Each file appears, complete, only at commit; abort leaves none.
type spikeFiles struct {
	csv   *atomicfile.File   // spikes.csv: the first population's rows go straight in
	parts []*os.File         // the rows of the others, appended at commit
	npy   []*atomicfile.File // spikes_POP.npy
	npyW  []*snn.NPYWriter
	csvW  []*snn.CSVWriter
}

func newSpikeFiles(dir string, pops []*snn.Population, dt float64) (f *spikeFiles, err error) {
	f = &spikeFiles{}
	defer func() {
		if err != nil {
			f.abort()
		}
	}()
	if f.csv, err = atomicfile.Create(filepath.Join(dir, "spikes.csv")); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(f.csv, snn.CSVHeader); err != nil {
		return nil, fmt.Errorf("writing %s: %w", f.csv.Path(), err)
	}
	for k, p := range pops {
		w := io.Writer(f.csv)
		if k > 0 {
			part, err := os.CreateTemp(dir, ".spikes.csv.part-*")
			if err != nil {
				return nil, err
			}
			f.parts = append(f.parts, part)
			w = part
		}
		f.csvW = append(f.csvW, snn.NewCSVWriter(w, p.Name, dt))
		npy, err := atomicfile.Create(filepath.Join(dir, "spikes_"+p.Name+".npy"))
		if err != nil {
			return nil, err
		}
		f.npy = append(f.npy, npy)
		nw, err := snn.NewNPYWriter(npy, dt)
		if err != nil {
			return nil, fmt.Errorf("writing %s: %w", npy.Path(), err)
		}
		f.npyW = append(f.npyW, nw)
	}
	return f, nil
}

// sinks returns the writers of population k.
func (f *spikeFiles) sinks(k int) []snn.SpikeSink {
	return []snn.SpikeSink{f.csvW[k], f.npyW[k]}
}

// commit completes the files and moves them into place; it returns their
// paths, spikes.csv first.
func (f *spikeFiles) commit() ([]string, error) {
	for k, w := range f.npyW {
		if err := w.Close(); err != nil {
			f.abort()
			return nil, fmt.Errorf("writing %s: %w", f.npy[k].Path(), err)
		}
	}
	for _, part := range f.parts {
		_, err := part.Seek(0, io.SeekStart)
		if err == nil {
			_, err = io.Copy(f.csv, part)
		}
		if err != nil {
			f.abort()
			return nil, fmt.Errorf("writing %s: %w", f.csv.Path(), err)
		}
	}
	f.removeParts()
	paths := []string{f.csv.Path()}
	for _, file := range append([]*atomicfile.File{f.csv}, f.npy...) {
		if err := file.Commit(); err != nil {
			f.abort()
			return nil, err
		}
		if file != f.csv {
			paths = append(paths, file.Path())
		}
	}
	return paths, nil
}

// abort removes every temporary file.
func (f *spikeFiles) abort() {
	if f.csv != nil {
		f.csv.Abort()
	}
	for _, file := range f.npy {
		file.Abort()
	}
	f.removeParts()
}

func (f *spikeFiles) removeParts() {
	for _, part := range f.parts {
		part.Close()
		os.Remove(part.Name())
	}
	f.parts = nil
}

// simulateEvents runs benchmark 4 with the event-driven engine. Its
// spikes have exact, real-valued times.
func simulateEvents(ctx context.Context, s SimSettings) (rep *SimReport, err error) {
	n := s.N
	if n == 0 {
		n = 4000
	}
	if err := checkSimulation(snn.EventCUBAEstimate(n), s.MaxMemory); err != nil {
		return nil, err
	}
	start := time.Now()
	e, err := snn.EventCUBA(n, s.Seed)
	if err != nil {
		return nil, err
	}
	build := time.Since(start)
	durMS := float64(s.Duration) / float64(time.Millisecond)
	ne := int(0.8 * float64(n))
	rep = &SimReport{
		Model: "cuba-event", Neurons: n, Synapses: e.Graph.Edges(),
		RateHz: map[string]float64{}, SimMS: durMS, DTMS: 0, BuildSeconds: build.Seconds(),
		Seed: s.Seed, Threads: 1, Populations: []string{"exc", "inh"},
		Groups: []figure.SpikeGroup{{Name: "exc", Size: ne}, {Name: "inh", Size: n - ne}},
	}
	var out *eventFile
	if s.Out != "" {
		if out, err = newEventFile(s.Out); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				out.abort()
			}
		}()
	}
	s.logf("sim cuba-event: %d neurons, %d synapses, built in %.2fs; simulating %v event by event\n",
		n, e.Graph.Edges(), build.Seconds(), s.Duration)
	runStart := time.Now()
	// The engine runs in slices of eventSliceMS, its spikes handed on and
	// dropped after each, so memory does not grow with Duration. Slicing
	// changes nothing: events are processed in the same order, and the
	// last slice ends exactly at durMS (every earlier end is a whole
	// multiple of eventSliceMS, so durMS − end is exact).
	const eventSliceMS = 100
	var output time.Duration // spent handing spikes on, as simulateNetwork's
	for done := 0.0; done < durMS; {
		d := min(eventSliceMS, durMS-done)
		if err := e.Run(ctx, d); err != nil {
			return nil, err
		}
		done += d // as Run advances its clock
		handing := time.Now()
		for _, sp := range e.Spikes {
			g := 0
			if int(sp.Neuron) >= ne {
				g = 1
			}
			i := sp.Neuron - int32(g*ne)
			rep.Spikes++
			grp := &rep.Groups[g]
			if grp.Total++; len(grp.Times) < RasterDots {
				grp.Times = append(grp.Times, sp.Time)
				grp.Index = append(grp.Index, i)
			}
			if out != nil {
				if err := out.add(g, i, sp.Time); err != nil {
					return nil, err
				}
			}
		}
		e.Spikes = e.Spikes[:0]
		output += time.Since(handing)
		s.progress(Progress{Stage: "simulating (ms)", Done: int64(done), Total: int64(durMS)})
	}
	wall := max(0, time.Since(runStart)-output)
	rep.WallSeconds, rep.SynapticEvents = wall.Seconds(), e.Events
	rep.BytesPerSynapse = rep.ratio(float64(4*e.Graph.Edges()+8*len(e.Graph.RowPtr)+8*n), float64(e.Graph.Edges()),
		"bytes_per_synapse is 0: the network has no synapses")
	rep.SynopsPerSecond = rep.ratio(float64(e.Events), wall.Seconds(), "synops_per_second is 0: the run took no measurable wall time")
	for _, g := range rep.Groups {
		rep.RateHz[g.Name] = rep.rate(g.Name, int64(g.Total), g.Size, durMS)
	}
	if out != nil {
		path, err := out.commit()
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, path)
	}
	return rep, nil
}

// eventFile writes cuba-event's spikes.csv as the simulation runs: the
// excitatory population's rows straight into it, the inhibitory ones into
// a part appended at commit.
type eventFile struct {
	csv  *atomicfile.File
	part *os.File
	w    [2]*bufio.Writer
	buf  []byte
}

func newEventFile(dir string) (f *eventFile, err error) {
	f = &eventFile{}
	defer func() {
		if err != nil {
			f.abort()
		}
	}()
	if f.csv, err = atomicfile.Create(filepath.Join(dir, "spikes.csv")); err != nil {
		return nil, err
	}
	if f.part, err = os.CreateTemp(dir, ".spikes.csv.part-*"); err != nil {
		return nil, err
	}
	f.w = [2]*bufio.Writer{bufio.NewWriterSize(f.csv, 1<<16), bufio.NewWriterSize(f.part, 1<<16)}
	_, err = f.w[0].WriteString(snn.CSVHeader)
	return f, err
}

var eventPops = [2]string{"exc", "inh"}

func (f *eventFile) add(g int, i int32, t float64) error {
	f.buf = append(f.buf[:0], eventPops[g]...)
	f.buf = append(f.buf, ',')
	f.buf = strconv.AppendInt(f.buf, int64(i), 10)
	f.buf = append(f.buf, ',')
	f.buf = strconv.AppendFloat(f.buf, t, 'g', -1, 64)
	f.buf = append(f.buf, '\n')
	_, err := f.w[g].Write(f.buf)
	return err
}

func (f *eventFile) commit() (string, error) {
	err := f.w[1].Flush()
	if err == nil {
		_, err = f.part.Seek(0, io.SeekStart)
	}
	if err == nil {
		_, err = f.w[0].ReadFrom(f.part)
	}
	if err == nil {
		err = f.w[0].Flush()
	}
	if err != nil {
		f.abort()
		return "", fmt.Errorf("writing %s: %w", f.csv.Path(), err)
	}
	f.part.Close()
	os.Remove(f.part.Name())
	if err := f.csv.Commit(); err != nil {
		return "", err
	}
	return f.csv.Path(), nil
}

func (f *eventFile) abort() {
	if f.csv != nil {
		f.csv.Abort()
	}
	if f.part != nil {
		f.part.Close()
		os.Remove(f.part.Name())
	}
}

// activityWindow keeps, for SimSettings.Figure, the spikes from step from
// on of every stride-th neuron of each population.
type activityWindow struct {
	groups []figure.SpikeGroup
	from   int64
	fromMS float64
	stride int
	dt     float64
	// savedFrom is where the window of a resumed checkpoint started (see
	// simcheckpoint.go).
	savedFrom int64
}

func newActivityWindow(pops []*snn.Population, from int64, dt float64) *activityWindow {
	total := 0
	for _, p := range pops {
		total += p.Len()
	}
	w := &activityWindow{from: from, fromMS: float64(from) * dt, stride: max(1, (total+figureNeurons-1)/figureNeurons), dt: dt}
	for _, p := range pops {
		w.groups = append(w.groups, figure.SpikeGroup{Name: p.Name, Size: (p.Len() + w.stride - 1) / w.stride})
	}
	return w
}

// sink returns the sink of population k.
func (w *activityWindow) sink(k int) snn.SpikeSink { return windowSink{w, k} }

type windowSink struct {
	w *activityWindow
	k int
}

func (s windowSink) WriteSpikes(steps []int64, index []int32) error {
	g, stride := &s.w.groups[s.k], int32(s.w.stride)
	for k, st := range steps {
		if st >= s.w.from && index[k]%stride == 0 {
			g.Times = append(g.Times, float64(st)*s.w.dt)
			g.Index = append(g.Index, index[k]/stride)
		}
	}
	return nil
}
