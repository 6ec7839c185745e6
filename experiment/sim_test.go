package experiment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neurite/neurite/snn"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestSimulateStreams runs COBA keeping every spike as well: the files
// written as the run goes, the statistics and the raster's dots must be
// what the spikes kept in memory give.
func TestSimulateStreams(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	rep, err := Simulate(context.Background(), SimSettings{Model: "coba", Duration: 300 * time.Millisecond,
		Seed: 3, Threads: 2, Out: out, Raster: filepath.Join(dir, "r.svg"), KeepSpikes: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Monitors) != 2 || len(rep.Stats) != 2 {
		t.Fatalf("%d monitors and %d stats, want 2 each", len(rep.Monitors), len(rep.Stats))
	}
	var csv bytes.Buffer
	var events int64
	for k, m := range rep.Monitors {
		if err := m.WriteCSV(&csv, k == 0); err != nil {
			t.Fatal(err)
		}
		var npy bytes.Buffer
		if err := m.WriteNPY(&npy); err != nil {
			t.Fatal(err)
		}
		name := "spikes_" + m.Pop.Name + ".npy"
		if got, _ := os.ReadFile(filepath.Join(out, name)); !bytes.Equal(got, npy.Bytes()) {
			t.Errorf("%s: %d bytes, unlike WriteNPY's %d", name, len(got), npy.Len())
		}
		cv, n := m.MeanCV(cvFromMS)
		if got := rep.CVISI[m.Pop.Name]; got != cv || n == 0 {
			t.Errorf("CVISI[%s] = %v, monitor's MeanCV %v", m.Pop.Name, got, cv)
		}
		g := rep.Groups[k]
		if g.Total != m.Len() || len(g.Times) != min(m.Len(), RasterDots) {
			t.Errorf("raster group %s: %d dots of %d, monitor has %d", g.Name, len(g.Times), g.Total, m.Len())
		}
	}
	for _, p := range rep.Network.Projections {
		events += SynapticEvents(p, rep.Monitors[slices.Index(rep.Network.Populations, p.Pre)])
	}
	if rep.SynapticEvents != events {
		t.Errorf("SynapticEvents = %d, from the monitors %d", rep.SynapticEvents, events)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "spikes.csv")); !bytes.Equal(got, csv.Bytes()) {
		t.Errorf("spikes.csv: %d bytes, unlike WriteCSV's %d", len(got), csv.Len())
	}
	if names := dirNames(t, out); !slices.Equal(names, []string{"spikes.csv", "spikes_exc.npy", "spikes_inh.npy"}) {
		t.Errorf("--out holds %v, want the three files and nothing else", names)
	}
	// Without KeepSpikes nothing grows with the duration.
	rep, err = Simulate(context.Background(), SimSettings{Model: "coba", N: 1000, Duration: 10 * time.Millisecond, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Monitors != nil {
		t.Errorf("Monitors = %v without KeepSpikes, want nil", rep.Monitors)
	}
}

// TestSimulateInterruptedLeavesNoFile cancels runs and fails a write:
// the output folder must hold no file, not even a temporary one.
func TestSimulateInterruptedLeavesNoFile(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, model := range []string{"coba", "cuba-event"} {
		t.Run(model, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, err := Simulate(cancelled, SimSettings{Model: model, N: 500, Duration: time.Second, Out: out})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Simulate(cancelled) = %v, want context.Canceled", err)
			}
			if names := dirNames(t, out); len(names) != 0 {
				t.Errorf("an interrupted run left %v", names)
			}
		})
	}
	// A run cancelled half way, from its progress report.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(t.TempDir(), "out")
	_, err := Simulate(ctx, SimSettings{Model: "coba", N: 500, Duration: time.Hour, Out: out,
		Reporting: Reporting{Progress: func(Progress) { cancel() }}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Simulate cancelled while running = %v, want context.Canceled", err)
	}
	if names := dirNames(t, out); len(names) != 0 {
		t.Errorf("a run cancelled while running left %v", names)
	}
}

// finite reports whether every number of the report is finite: its JSON
// would fail otherwise.
func finite(rep *SimReport) bool {
	xs := []float64{rep.SimMS, rep.DTMS, rep.BuildSeconds, rep.WallSeconds, rep.BytesPerSynapse, rep.SynopsPerSecond}
	for _, m := range []map[string]float64{rep.RateHz, rep.CVISI} {
		for _, x := range m {
			xs = append(xs, x)
		}
	}
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// poissonNet is a network of n Poisson neurons at hz and nothing else.
func poissonNet(t *testing.T, n int, hz float64) *snn.Network {
	t.Helper()
	src, err := snn.NewPoissonGroup(n, hz)
	if err != nil {
		t.Fatal(err)
	}
	net := &snn.Network{DT: 1}
	net.AddPopulation("poisson", src)
	return net
}

// TestSimulateNoNaN runs the simulations whose numbers are edge cases:
// each report must be finite and encode as JSON, with the notes that say
// why a number is 0 or absent; too short a run is a FieldError.
func TestSimulateNoNaN(t *testing.T) {
	for _, tt := range []struct {
		name  string
		s     SimSettings
		field string   // the FieldError expected, if any
		notes []string // substrings of the notes expected
		cvs   int      // populations with a CV
	}{
		{name: "1ns of coba", s: SimSettings{Model: "coba", N: 100, Duration: time.Nanosecond}, field: "Duration"},
		{name: "under half a step", s: SimSettings{Network: poissonNet(t, 10, 10), Duration: 499 * time.Microsecond}, field: "Duration"},
		{name: "half a step runs one", s: SimSettings{Network: poissonNet(t, 10, 10), Duration: 500 * time.Microsecond},
			notes: []string{"no synapses", "cv_isi has no entry for poisson"}},
		{name: "one step of coba", s: SimSettings{Model: "coba", N: 100, Duration: 100 * time.Microsecond},
			notes: []string{"cv_isi has no entry for exc", "cv_isi has no entry for inh"}},
		{name: "silent", s: SimSettings{Network: poissonNet(t, 10, 0), Duration: time.Second},
			notes: []string{"no synapses", "cv_isi has no entry for poisson"}},
		{name: "no synapses, firing", s: SimSettings{Network: poissonNet(t, 100, 50), Duration: time.Second},
			notes: []string{"bytes_per_synapse is 0: the network has no synapses"}, cvs: 1},
		{name: "hh", s: SimSettings{Model: "hh", N: 5, Duration: 200 * time.Millisecond}, notes: []string{"no synapses"}, cvs: 1},
		{name: "1ns of cuba-event", s: SimSettings{Model: "cuba-event", N: 100, Duration: time.Nanosecond}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Simulate(context.Background(), tt.s)
			if tt.field != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, "dt =") {
					t.Fatalf("Simulate() error = %v, want a FieldError on %s naming dt", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !finite(rep) {
				t.Errorf("report has NaN or Inf: %+v", rep)
			}
			if _, err := json.Marshal(rep); err != nil {
				t.Errorf("json.Marshal(report) = %v", err)
			}
			for _, want := range tt.notes {
				if !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, want) }) {
					t.Errorf("Notes = %q, want one saying %q", rep.Notes, want)
				}
			}
			if len(rep.CVISI) != tt.cvs {
				t.Errorf("CVISI = %v, want %d populations", rep.CVISI, tt.cvs)
			}
		})
	}
}

// TestSimReportRatios checks the guards no simulation reaches on this
// machine (a run too fast for the clock, a population of no neurons).
func TestSimReportRatios(t *testing.T) {
	for _, tt := range []struct {
		name    string
		f       func(r *SimReport) float64
		want    float64
		noteHas string
	}{
		{"synops over no wall time", func(r *SimReport) float64 { return r.ratio(100, 0, "synops_per_second is 0") }, 0, "synops_per_second"},
		{"bytes over no synapses", func(r *SimReport) float64 { return r.ratio(0, 0, "no synapses") }, 0, "no synapses"},
		{"a ratio", func(r *SimReport) float64 { return r.ratio(3, 2, "unused") }, 1.5, ""},
		{"rate over no time", func(r *SimReport) float64 { return r.rate("exc", 5, 10, 0) }, 0, "no time was simulated"},
		{"rate of no neurons", func(r *SimReport) float64 { return r.rate("exc", 0, 0, 100) }, 0, "has no neurons"},
		{"a rate", func(r *SimReport) float64 { return r.rate("exc", 5, 10, 100) }, 5, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r SimReport
			got := tt.f(&r)
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if tt.noteHas == "" && len(r.Notes) != 0 || tt.noteHas != "" && (len(r.Notes) != 1 || !strings.Contains(r.Notes[0], tt.noteHas)) {
				t.Errorf("Notes = %q, want one saying %q", r.Notes, tt.noteHas)
			}
		})
	}
}
