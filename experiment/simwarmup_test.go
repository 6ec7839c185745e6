package experiment

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// spikeTimes reads the times (ms) of spikes.csv in dir.
func spikeTimes(t *testing.T, dir string) []float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var times []float64
	for _, r := range rows[1:] {
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, v)
	}
	return times
}

// TestSimulateWarmup checks that a warm-up is simulated but left out of
// the statistics and files: the spikes after it are the same as in a run
// without one.
func TestSimulateWarmup(t *testing.T) {
	full, part := t.TempDir(), t.TempDir()
	s := SimSettings{Network: poissonNet(t, 200, 40), Duration: time.Second, Seed: 4, Out: full}
	whole, err := Simulate(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	s.Network, s.Out, s.Warmup = poissonNet(t, 200, 40), part, 400*time.Millisecond
	rep, err := Simulate(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if rep.WarmupMS != 400 || rep.SimMS != 1000 || !(rep.RealTimeFactor > 0) {
		t.Errorf("warmup_ms %v, sim_ms %v, real_time_factor %v: want 400, 1000 and a positive factor", rep.WarmupMS, rep.SimMS, rep.RealTimeFactor)
	}
	var after []float64
	for _, tm := range spikeTimes(t, full) {
		if tm >= 400 {
			after = append(after, tm)
		}
	}
	got := spikeTimes(t, part)
	if len(got) != len(after) || int64(len(got)) != rep.Spikes {
		t.Fatalf("%d spikes written and %d counted after the warm-up, want the %d of the run without one", len(got), rep.Spikes, len(after))
	}
	for k := range got {
		if got[k] != after[k] {
			t.Fatalf("spike %d at %v ms after the warm-up, %v ms without one", k, got[k], after[k])
		}
	}
	// 40 Hz over 0.6 s of 200 neurons: 4800 spikes, within 5 standard
	// deviations (√4800 ≈ 69).
	if r := rep.RateHz["poisson"]; math.Abs(r-40) > 5*math.Sqrt(4800)/200/0.6 {
		t.Errorf("rate %v Hz after the warm-up, want about 40", r)
	}
	if whole.WarmupMS != 0 {
		t.Errorf("warmup_ms %v without a warm-up", whole.WarmupMS)
	}
	// Independent Poisson trains: no correlation, up to the estimate's
	// spread (about 1/√bins per pair, averaged over many pairs).
	if c, ok := rep.Correlation["poisson"]; !ok || math.Abs(c) > 0.01 {
		t.Errorf("correlation of independent trains %v (present %v), want about 0", c, ok)
	}
}

func TestSimulateNewSettingsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		s     SimSettings
		field string
	}{
		{"warmup too long", SimSettings{Model: "coba", N: 100, Duration: time.Second, Warmup: time.Second}, "Warmup"},
		{"negative warmup", SimSettings{Model: "coba", N: 100, Warmup: -time.Millisecond}, "Warmup"},
		{"scale of coba", SimSettings{Model: "coba", N: 100, Scale: 0.5}, "Scale"},
		{"scale above 1", SimSettings{Model: "microcircuit", Scale: 2}, "Scale"},
		{"input of brunel", SimSettings{Model: "brunel", Input: "dc"}, "Input"},
		{"unknown input", SimSettings{Model: "microcircuit", Input: "noise"}, "Input"},
		{"figure format", SimSettings{Model: "coba", Figure: filepath.Join(dir, "a.pdf")}, "Figure"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Simulate(context.Background(), tt.s)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Simulate() error = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
}

// TestSimulateMicrocircuit runs a small microcircuit through Simulate:
// its report has every population's statistics, and its figure is drawn.
func TestSimulateMicrocircuit(t *testing.T) {
	fig := filepath.Join(t.TempDir(), "mc.svg")
	rep, err := Simulate(context.Background(), SimSettings{Model: "microcircuit", Scale: 0.03, Duration: 300 * time.Millisecond,
		Warmup: 100 * time.Millisecond, Figure: fig, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Populations) != 8 || rep.Populations[0] != "L23E" {
		t.Fatalf("populations %v", rep.Populations)
	}
	if rep.BytesPerSynapse > 6 {
		t.Errorf("%.2f bytes a synapse, want at most 6", rep.BytesPerSynapse)
	}
	if len(rep.Correlation) == 0 || rep.RateHz["L5E"] <= 0 {
		t.Errorf("correlation %v, L5E rate %v: want statistics", rep.Correlation, rep.RateHz["L5E"])
	}
	if _, err := os.Stat(fig); err != nil {
		t.Errorf("no figure: %v", err)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"real_time_factor", "warmup_ms", "correlation", "rate_hz"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
}
