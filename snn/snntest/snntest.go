package snntest

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/neurite/neurite/snn"
)

// Case describes a neuron model to the generic checks.
type Case struct {
	Name string
	// New returns n neurons with an absolute refractory period of tref ms.
	New func(n int, tref float64) (snn.Model, error)
	// Drive names a variable that, held at Amplitude by a snn.Current
	// input, makes the neurons fire repeatedly.
	Drive     string
	Amplitude float64
	// DT is the time step the model is meant for, in ms.
	DT float64
}

// run simulates one population of c's model driven by a Current of the
// given amplitude and noise, and returns its spike monitor.
func run(t *testing.T, c Case, n int, tref, dt, amp, sigma, durMS float64, threads int) *snn.SpikeMonitor {
	t.Helper()
	m, err := c.New(n, tref)
	if err != nil {
		t.Fatalf("%s: New: %v", c.Name, err)
	}
	net := &snn.Network{DT: dt}
	p := net.AddPopulation(c.Name, m)
	net.Inputs = append(net.Inputs, &snn.Current{Pop: p, Var: c.Drive, Amplitude: amp, Sigma: sigma})
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: threads, Seed: 5})
	if err != nil {
		t.Fatalf("%s: NewSim: %v", c.Name, err)
	}
	mon, err := sim.MonitorSpikes(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), durMS, nil); err != nil {
		t.Fatal(err)
	}
	return mon
}

// Model runs every generic check on c.
func Model(t *testing.T, c Case) {
	t.Run("Fires", func(t *testing.T) { Fires(t, c) })
	t.Run("Refractory", func(t *testing.T) { Refractory(t, c) })
	t.Run("Threads", func(t *testing.T) { Threads(t, c) })
	t.Run("RejectsBadDT", func(t *testing.T) { RejectsBadDT(t, c) })
}

// Fires checks that the drive makes every neuron fire repeatedly.
func Fires(t *testing.T, c Case) {
	mon := run(t, c, 3, 0, c.DT, c.Amplitude, 0, 200, 1)
	for i, tr := range mon.Trains() {
		if len(tr) < 3 {
			t.Errorf("%s: neuron %d fired %d times in 200 ms under drive %s = %v, want ≥ 3", c.Name, i, len(tr), c.Drive, c.Amplitude)
		}
	}
}

// Refractory drives the model hard and checks that no two spikes of a
// neuron are closer than its absolute refractory period. The period is set
// longer than the neuron's natural interval, so it must be what limits the
// rate: the intervals then equal it to within a step or two.
func Refractory(t *testing.T, c Case) {
	free := run(t, c, 1, 0, c.DT, 3*c.Amplitude, 0, 300, 1).Trains()[0]
	if len(free) < 3 {
		t.Fatalf("%s: only %d spikes under a strong drive", c.Name, len(free))
	}
	natural := (free[len(free)-1] - free[0]) / float64(len(free)-1)
	tref := math.Round(2*natural/c.DT) * c.DT
	tr := run(t, c, 1, tref, c.DT, 3*c.Amplitude, 0, 300, 1).Trains()[0]
	if len(tr) < 3 {
		t.Fatalf("%s: only %d spikes with refractory period %v ms", c.Name, len(tr), tref)
	}
	for k := 1; k < len(tr); k++ {
		isi := tr[k] - tr[k-1]
		if isi < tref-1e-9 {
			t.Errorf("%s: interval %v ms between spikes %d and %d is shorter than the refractory period %v ms", c.Name, isi, k-1, k, tref)
		}
	}
}

// Threads checks that a noisy population gives the same spikes on 1, 2 and
// 3 workers.
func Threads(t *testing.T, c Case) {
	var want []int32
	for _, threads := range []int{1, 2, 3} {
		mon := run(t, c, 40, 2, c.DT, c.Amplitude, c.Amplitude/2, 100, threads)
		got := append(slices.Clone(mon.Steps), mon.Index...)
		if want == nil {
			want = got
			if len(got) == 0 {
				t.Fatalf("%s: no spikes", c.Name)
			}
		} else if !slices.Equal(got, want) {
			t.Errorf("%s: %d threads gave different spikes from 1 thread", c.Name, threads)
		}
	}
}

// RejectsBadDT checks that Prepare refuses a non-positive or NaN step.
func RejectsBadDT(t *testing.T, c Case) {
	m, err := c.New(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, dt := range []float64{0, -0.1, math.NaN()} {
		if err := m.Prepare(dt, snn.Stream{}); err == nil {
			t.Errorf("%s: Prepare(dt = %v) = nil, want an error", c.Name, dt)
		}
	}
}
