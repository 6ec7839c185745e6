package snn

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"testing"
)

// twoPassCV is the mean CV as SpikeMonitor.MeanCV computed it before
// SpikeStats: from spike times in ms, mean first, then squared deviations.
func twoPassCV(trains [][]float64, fromMS float64) (float64, int) {
	var sum float64
	n := 0
	for _, tr := range trains {
		k := 0
		for k < len(tr) && tr[k] < fromMS {
			k++
		}
		tr = tr[k:]
		if len(tr) < 3 {
			continue
		}
		isi := make([]float64, len(tr)-1)
		var mu float64
		for j := range isi {
			isi[j] = tr[j+1] - tr[j]
			mu += isi[j]
		}
		mu /= float64(len(isi))
		var v float64
		for _, x := range isi {
			v += (x - mu) * (x - mu)
		}
		sum += math.Sqrt(v/float64(len(isi))) / mu
		n++
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return sum / float64(n), n
}

// cvTol bounds the difference between the exact CV and the two-pass one
// from times rounded to float64 ms: those roundings (~1e-16 relative per
// time) grow by the inverse of the CV when the deviations are small, so
// 1e-11 leaves room for the CVs of 0.01 in Brunel's synchronous regime.
const cvTol = 1e-11

func TestSpikeStatsMeanCV(t *testing.T) {
	pop := &Population{Name: "p", Model: &SpikeTrains{Times: make([][]float64, 2)}}
	const big = int64(1) << 40 // intervals whose squares need more than 64 bits
	tests := []struct {
		name    string
		dt      float64
		fromMS  float64
		spikes  [][2]int64 // (step, neuron) in time order
		want    float64
		neurons int
	}{
		{"regular", 0.1, 0, [][2]int64{{0, 0}, {10, 0}, {20, 0}, {30, 0}, {40, 0}}, 0, 1},
		{"two spikes have one interval: no CV", 0.1, 0, [][2]int64{{0, 0}, {10, 0}}, 0, 0},
		{"intervals 1 and 3", 0.1, 0, [][2]int64{{0, 0}, {1, 0}, {4, 0}}, 0.5, 1},
		{"spikes before fromMS do not count", 0.1, 1, [][2]int64{{0, 0}, {5, 0}, {10, 0}, {20, 0}, {40, 0}}, 1.0 / 3, 1},
		{"fromMS between steps", 0.1, 0.95, [][2]int64{{9, 0}, {10, 0}, {20, 0}, {40, 0}}, 1.0 / 3, 1},
		{"mean over neurons", 0.5, 0, [][2]int64{{0, 0}, {0, 1}, {1, 0}, {2, 1}, {4, 0}, {4, 1}, {6, 1}}, 0.25, 2},
		{"intervals of 2^40 steps", 0.1, 0, [][2]int64{{0, 0}, {big, 0}, {3 * big, 0}}, 1.0 / 3, 1},
		{"no spikes", 0.1, 0, nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newSpikeStats(pop, tt.dt, tt.fromMS)
			for _, sp := range tt.spikes {
				st.add(sp[0], []int32{int32(sp[1])})
			}
			got, n := st.MeanCV()
			// Exact intervals: the only roundings are the final sqrt and
			// divisions, a few ulps.
			if n != tt.neurons || math.Abs(got-tt.want) > 1e-15 {
				t.Errorf("MeanCV() = %v, %d; want %v, %d", got, n, tt.want, tt.neurons)
			}
			if math.IsNaN(got) || math.IsInf(got, 0) {
				t.Errorf("MeanCV() = %v, want a finite number", got)
			}
			if st.Spikes() != int64(len(tt.spikes)) {
				t.Errorf("Spikes() = %d, want %d", st.Spikes(), len(tt.spikes))
			}
		})
	}
}

// collect is a SpikeSink that keeps what it is given.
type collect struct {
	steps []int64
	index []int32
	calls int
}

func (c *collect) WriteSpikes(steps []int64, index []int32) error {
	c.steps = append(c.steps, steps...)
	c.index = append(c.index, index...)
	c.calls++
	return nil
}

// TestSpikeStatsMatchesMonitor runs COBA with a SpikeMonitor, SpikeStats
// and a sink side by side: the statistics must be what the monitor's
// spikes give, the sink must see the monitor's spikes, and the writers
// must produce WriteCSV's and WriteNPY's bytes.
func TestSpikeStatsMatchesMonitor(t *testing.T) {
	net, err := COBA(4000, 1)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSim(net, SimOptions{Threads: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	exc := net.Populations[0]
	mon, _ := sim.MonitorSpikes(exc)
	st, err := sim.MonitorStats(exc, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got collect
	dir := t.TempDir()
	npyFile, err := os.Create(dir + "/exc.npy")
	if err != nil {
		t.Fatal(err)
	}
	defer npyFile.Close()
	npy, err := NewNPYWriter(npyFile, sim.DT)
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	csv.WriteString(CSVHeader)
	for _, sink := range []SpikeSink{&got, NewCSVWriter(&csv, exc.Name, sim.DT), npy} {
		if err := sim.StreamSpikes(exc, sink); err != nil {
			t.Fatal(err)
		}
	}
	if err := sim.Run(context.Background(), 500, nil); err != nil {
		t.Fatal(err)
	}
	if err := npy.Close(); err != nil {
		t.Fatal(err)
	}

	if st.Spikes() != int64(mon.Len()) || st.Spikes() != sim.SpikeCount(exc) || st.Spikes() == 0 {
		t.Fatalf("Spikes() = %d, monitor %d, SpikeCount %d: want equal and nonzero", st.Spikes(), mon.Len(), sim.SpikeCount(exc))
	}
	count := make([]int64, exc.Len())
	first, last := slices.Repeat([]int64{-1}, exc.Len()), slices.Repeat([]int64{-1}, exc.Len())
	for k, i := range mon.Index {
		count[i]++
		if first[i] < 0 {
			first[i] = int64(mon.Steps[k])
		}
		last[i] = int64(mon.Steps[k])
	}
	if !slices.Equal(st.Count, count) || !slices.Equal(st.First, first) || !slices.Equal(st.Last, last) {
		t.Errorf("Count, First, Last differ from the monitor's spikes")
	}
	cv, n := st.MeanCV()
	mcv, mn := mon.MeanCV(100)
	if cv != mcv || n != mn || n == 0 {
		t.Errorf("SpikeStats.MeanCV() = %v, %d; SpikeMonitor.MeanCV(100) = %v, %d: want the same bits", cv, n, mcv, mn)
	}
	ref, rn := twoPassCV(mon.Trains(), 100)
	if rn != n || math.Abs(cv-ref) > cvTol*ref {
		t.Errorf("MeanCV() = %v over %d neurons, two-pass from times in ms %v over %d", cv, n, ref, rn)
	}

	steps := make([]int64, mon.Len())
	for k, s := range mon.Steps {
		steps[k] = int64(s)
	}
	if !slices.Equal(got.steps, steps) || !slices.Equal(got.index, mon.Index) {
		t.Errorf("the sink got %d spikes, not the monitor's %d", len(got.index), mon.Len())
	}
	var want bytes.Buffer
	if err := mon.WriteCSV(&want, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(csv.Bytes(), want.Bytes()) {
		t.Errorf("CSVWriter wrote %d bytes unlike WriteCSV's %d", csv.Len(), want.Len())
	}
	want.Reset()
	if err := mon.WriteNPY(&want); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(npyFile.Name()); !bytes.Equal(b, want.Bytes()) {
		t.Errorf("NPYWriter wrote %d bytes unlike WriteNPY's %d (header %q)", len(b), want.Len(), b[:min(len(b), 128)])
	}
}

// TestNPYWriterEmpty checks the file of a population that never fired.
func TestNPYWriterEmpty(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/empty.npy")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := NewNPYWriter(f, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	(&SpikeMonitor{Pop: &Population{Name: "p"}, DT: 0.1}).WriteNPY(&want)
	if got, _ := os.ReadFile(f.Name()); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("empty NPYWriter file = %q, want %q", got, want.Bytes())
	}
}

type failing struct{ err error }

func (f failing) WriteSpikes([]int64, []int32) error { return f.err }

func TestSinkErrorStopsRun(t *testing.T) {
	src, err := NewPoissonGroup(100, 50)
	if err != nil {
		t.Fatal(err)
	}
	net := &Network{DT: 0.1}
	net.AddPopulation("poisson", src)
	sim, err := NewSim(net, SimOptions{Threads: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	full := errors.New("disk full")
	if err := sim.StreamSpikes(net.Populations[0], failing{full}); err != nil {
		t.Fatal(err)
	}
	err = sim.Run(context.Background(), 1000, nil)
	if !errors.Is(err, full) {
		t.Fatalf("Run with a failing sink = %v, want it to wrap %v", err, full)
	}
	if sim.TimeMS() >= 1000 {
		t.Errorf("Run went on to %v ms after the sink failed", sim.TimeMS())
	}
	if err := sim.StreamSpikes(net.Populations[0], nil); err == nil {
		t.Errorf("StreamSpikes(nil sink) = nil, want an error")
	}
	if _, err := sim.MonitorStats(net.Populations[0], math.NaN()); err == nil {
		t.Errorf("MonitorStats(NaN ms) = nil error, want one")
	}
}

// seekDiscard is an io.WriteSeeker that keeps nothing.
type seekDiscard struct{}

func (seekDiscard) Write(b []byte) (int, error)            { return len(b), nil }
func (seekDiscard) Seek(int64, int) (int64, error)         { return 0, nil }
func (seekDiscard) WriteAt(b []byte, _ int64) (int, error) { return len(b), nil }

// TestStreamingMemoryFlat simulates 2 s and then 20 s of Poisson neurons
// whose spikes go to statistics and writers only: the heap in use must not
// grow with simulated time, as a SpikeMonitor's would by 8 bytes a spike.
func TestStreamingMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 20 s")
	}
	src, err := NewPoissonGroup(200, 50)
	if err != nil {
		t.Fatal(err)
	}
	net := &Network{DT: 0.1}
	p := net.AddPopulation("poisson", src)
	sim, err := NewSim(net, SimOptions{Threads: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.MonitorStats(p, 100); err != nil {
		t.Fatal(err)
	}
	npy, _ := NewNPYWriter(seekDiscard{}, sim.DT)
	for _, sink := range []SpikeSink{NewCSVWriter(io.Discard, p.Name, sim.DT), npy} {
		if err := sim.StreamSpikes(p, sink); err != nil {
			t.Fatal(err)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	if err := sim.Run(context.Background(), 2000, nil); err != nil {
		t.Fatal(err)
	}
	h2, spikes2 := heap(), sim.SpikeCount(p)
	if err := sim.Run(context.Background(), 18000, nil); err != nil {
		t.Fatal(err)
	}
	h20, spikes20 := heap(), sim.SpikeCount(p)
	// A chunk's buffers may still grow a little (a busier chunk); the
	// runtime's own bookkeeping moves by some KiB.
	const bound = 256 << 10
	kept := 8 * (spikes20 - spikes2) // what a SpikeMonitor would have added
	t.Logf("heap %d B after 2 s, %d B after 20 s; a SpikeMonitor would have added %d B", h2, h20, kept)
	if kept < 4*bound {
		t.Fatalf("only %d spikes from 2 s to 20 s: too few for the test to mean anything", spikes20-spikes2)
	}
	if h20 > h2+bound {
		t.Errorf("heap grew from %d B after 2 s to %d B after 20 s, more than %d B", h2, h20, bound)
	}
}
