// Package compare runs the experiments behind `neurite compare`: the seven
// differences between artificial and biological neural networks that the
// article argues in prose (size, topology, speed, fault tolerance, power,
// signals, learning), each turned into measurements on both kinds of
// network, and after them the article's closing remark, that networks
// are fooled by adversarial examples because they do not "see" as we do
// (adversarial: attacks on both families). Every experiment returns a
// [Difference]: the article's claim,
// what was measured (figures as data series, tables, a flat map of
// metrics), the sources of every constant that was not measured, and
// what could not be measured yet because an engine is missing (Gaps).
// Package report draws them.
//
// Nothing here is invented: a number is measured on this machine in this
// run, computed from measured numbers and cited constants, or absent.
//
// # Structure
//
// Each experiment is two functions: measureX runs the jobs and returns
// the measurements (xData), presentX turns them into a Difference
// (figures, tables, metrics, text) and measures nothing. The jobs are
// the application layer's (package experiment: Train, Convert, Simulate,
// Attack),
// the same calls the command line makes; the library is used directly
// only for what no job does (lesions, drift under plasticity, a training
// run interrupted mid-epoch). Every size and hyperparameter is in the
// profile's settings (profile.go), one struct per experiment. A
// measurement that several sections report — the trained MLP, its
// converted spiking twin — is measured once per run and shared, so the
// same network gives the same number everywhere.
//
// # Verdicts and families
//
// [Judge] sets each measured difference against the article's claim: a
// [Verdict] (confirmed, nuanced or contradicted) computed from the
// difference's metrics by a rule stated with it, never written by hand;
// Run stores it in the difference (results.json's "verdict", added to the
// contract's keys). Each [Series] names its family ([Artificial] or
// [Biological], results.json's "family") so that the report colours the
// families alike in every chart.
package compare

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/neurite/neurite/figure"
)

// Names lists the experiments in report order.
var Names = []string{"size", "topology", "speed", "fault_tolerance", "power", "signals", "learning", "adversarial"}

// Series is one line or set of points of a figure.
type Series struct {
	Name string    `json:"name"`
	X    []float64 `json:"x"`
	Y    []float64 `json:"y"`
	// Points draws markers only; Bars draws a bar per point (X is the
	// bar's position); otherwise a line with markers.
	Points bool `json:"points,omitempty"`
	Bars   bool `json:"bars,omitempty"`
	// Family is Artificial or Biological when the series measures a
	// network of that family (the report gives each family one colour
	// throughout), empty otherwise.
	Family string `json:"family,omitempty"`
}

// The families of Series.Family.
const (
	Artificial = "artificial"
	Biological = "biological"
)

// Figure is a plot's data: report draws it and fills in File.
type Figure struct {
	Title   string   `json:"title"`
	File    string   `json:"file"`
	Caption string   `json:"caption"`
	XLabel  string   `json:"x_label"`
	YLabel  string   `json:"y_label"`
	LogX    bool     `json:"log_x,omitempty"`
	LogY    bool     `json:"log_y,omitempty"`
	Series  []Series `json:"series"`
	// XTicks names the bars of a bar chart, by X position.
	XTicks []string `json:"x_ticks,omitempty"`
	// Grid, when set, makes the figure a table of images (adversarial
	// examples beside their originals) instead of a plot; Series is empty.
	Grid *figure.Grid `json:"grid,omitempty"`
}

// Table is a small table for the report.
type Table struct {
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Difference is one experiment's result (results.json's "differences").
type Difference struct {
	Name    string             `json:"name"`
	Title   string             `json:"title"`
	Claim   string             `json:"claim"`
	Status  string             `json:"status"` // "measured" or "not_built"
	Reason  string             `json:"reason,omitempty"`
	Figures []Figure           `json:"figures"`
	Tables  []Table            `json:"tables"`
	Metrics map[string]float64 `json:"metrics"`
	Sources []string           `json:"sources"`
	// Method says how the figures were measured; Meaning what they show.
	Method  string   `json:"method"`
	Meaning string   `json:"meaning"`
	Gaps    []string `json:"gaps,omitempty"`
	Seconds float64  `json:"seconds"`
	// Verdict sets the measurements against the article's claim (the
	// report's summary), computed by Judge; absent when not measured.
	Verdict *Verdict `json:"verdict,omitempty"`
}

// Machine describes where the experiments ran.
type Machine struct {
	CPU     string `json:"cpu"`
	Cores   int    `json:"cores"`
	Threads int    `json:"threads"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	Kernel  string `json:"gemm_kernel"`
}

// Results is results.json.
type Results struct {
	Profile     string            `json:"profile"`
	Seed        uint64            `json:"seed"`
	Versions    map[string]string `json:"versions"`
	Machine     Machine           `json:"machine"`
	Started     string            `json:"started"`
	WallSeconds float64           `json:"wall_seconds"`
	Differences []Difference      `json:"differences"`
}

// Options configure a comparison.
type Options struct {
	Profile string // "quick" (default) or "full"
	Only    string // one experiment name, or "" for all
	Seed    uint64
	DataDir string // MNIST folder ("" for the Go module cache)
	// Progress receives a line per step of work (stderr in the CLI).
	Progress io.Writer

	profile *profile // tests: settings instead of the named profile's
}

// Run runs the experiments and returns their results. An experiment that
// fails is reported as not_built with the error as its reason, so one
// broken engine never hides the others; ctx cancels between steps.
func Run(ctx context.Context, o Options, versions map[string]string, machine Machine) (*Results, error) {
	if o.Profile == "" {
		o.Profile = "quick"
	}
	var p profile
	switch {
	case o.profile != nil:
		p = *o.profile
		o.Profile = p.Name
	case o.Profile == "quick":
		p = quickProfile()
	case o.Profile == "full":
		p = fullProfile()
	default:
		return nil, fmt.Errorf("compare: profile %q: want quick or full", o.Profile)
	}
	if o.Only != "" && !slices.Contains(Names, o.Only) {
		return nil, fmt.Errorf("compare: no experiment %q (have %v)", o.Only, Names)
	}
	start := time.Now()
	res := &Results{Profile: o.Profile, Seed: o.Seed, Versions: versions, Machine: machine, Started: start.UTC().Format(time.RFC3339)}
	e := &env{ctx: ctx, o: o, p: p}
	e.progress = func(format string, args ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "[%5.1fs] "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
		}
	}
	experiments := map[string]func(*env) (Difference, error){
		"size": size, "topology": wiring, "speed": speed, "fault_tolerance": faultTolerance,
		"power": power, "signals": signals, "learning": learning, "adversarial": adversarial,
	}
	for _, name := range Names {
		if o.Only != "" && name != o.Only {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e.progress("%s: running", name)
		t0 := time.Now()
		d, err := experiments[name](e)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			d = Difference{Name: name, Claim: claims[name], Status: "not_built", Reason: err.Error()}
			e.progress("%s: failed: %v", name, err)
		}
		d.Name, d.Seconds = name, time.Since(t0).Seconds()
		if d.Title == "" {
			d.Title = titles[name]
		}
		if d.Claim == "" {
			d.Claim = claims[name]
		}
		if d.Metrics == nil {
			d.Metrics = map[string]float64{}
		}
		if d.Figures == nil {
			d.Figures = []Figure{}
		}
		if d.Tables == nil {
			d.Tables = []Table{}
		}
		if d.Sources == nil {
			d.Sources = []string{}
		}
		d.Verdict = Judge(d)
		res.Differences = append(res.Differences, d)
		e.progress("%s: done in %.1fs", name, d.Seconds)
	}
	res.WallSeconds = time.Since(start).Seconds()
	return res, nil
}

// Titles and the article's claims, quoted.
var titles = map[string]string{
	"size":            "1. Size",
	"topology":        "2. Topology",
	"speed":           "3. Speed",
	"fault_tolerance": "4. Fault tolerance",
	"power":           "5. Power consumption",
	"signals":         "6. Signals",
	"learning":        "7. Learning",
	"adversarial":     "Adversarial examples (the article's closing)",
}

var claims = map[string]string{
	"size":            "The human brain contains about 86 billion neurons and more than 100 trillion (or according to some estimates 1000 trillion) synapses; the number of “neurons” in artificial networks is much less than that.",
	"topology":        "Biological neural networks have small-world nature with a small portion of highly connected neurons (hubs) and a large amount of lesser connected ones; ANNs are layered and fully connected.",
	"speed":           "Biological neurons fire at most about 200 times a second and signals travel at 0.61–119 m/s depending on myelination; artificial networks compute a layer at a time, synchronously, at the speed of the hardware.",
	"fault_tolerance": "Biological neuron networks due to their topology are also fault-tolerant … artificial neural networks are not modeled for fault tolerance; recovery is possible by saving the current state of the model and continuing the training from that save state.",
	"power":           "The brain consumes about 20% of all the human body’s energy — despite its large cut, an adult brain operates on about 20 watts … a single Nvidia GeForce Titan X GPU runs on 250 watts.",
	"signals":         "Biological neurons fire or not (spikes); artificial neurons output continuous values through activation functions such as sigmoid or ReLU.",
	"learning":        "Brain fibers grow and reach out to connect to other neurons … synapses may strengthen or weaken; ANNs learn by backpropagation, have a fixed topology, and once trained recall the same answers.",
	"adversarial":     "The reason adversarial attacks can trick neural networks is because they do not “see” the same way we do. They do learn relationships in image data and can come to similar conclusions as we do when classifying, but their internal models are different from ours.",
}

func (e *env) rng(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(e.o.Seed, stream)) }

// DefaultMachine describes this process's machine.
func DefaultMachine(cpu, kernel string, threads int) Machine {
	return Machine{CPU: cpu, Cores: runtime.NumCPU(), Threads: threads, OS: runtime.GOOS, Arch: runtime.GOARCH, Kernel: kernel}
}
