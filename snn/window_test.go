package snn

import (
	"context"
	"math"
	"slices"
	"testing"
)

// TestWindowedDelivery checks that workers meeting once per window of the
// shortest delay plus one step fire the same spikes, and leave the same
// state, bit for bit, as delivery every step on one worker (the engine
// without windows, forced here by setting the window to 1), on 1, 2 and 3
// workers, over two runs the first of which ends inside a window; and that
// the windowed path is the one taken: the window is the expected one and
// the workers met once per window, not once per step.
func TestWindowedDelivery(t *testing.T) {
	cases := []struct {
		name   string
		window int64 // shortest delay in steps + 1; 1 without delays
		build  func() (*Network, error)
	}{
		// A shared delay of 1.5 ms (15 steps).
		{"brunel", 16, func() (*Network, error) { return Brunel(800, BrunelPanels["C"], 3) }},
		// Short-term plasticity: efficacies computed by each spike's
		// owner in phase A, read by every worker at the window's end.
		{"brunel+stp", 16, func() (*Network, error) {
			net, err := Brunel(800, BrunelPanels["A"], 4)
			if err == nil {
				net.Projections[0].STP = &STP{U: 0.5, TauD: 100, TauF: 50}
			}
			return net, err
		}},
		// No delay: spikes act within the step, so the workers meet every
		// step.
		{"coba", 1, func() (*Network, error) { return COBA(4000, 3) }},
		// Per-synapse delays from a truncated normal (the shortest is one
		// step), compact synapses, Poisson background.
		{"microcircuit", 2, func() (*Network, error) {
			return Microcircuit(MicrocircuitOptions{Scale: 0.03}, 2, 0)
		}},
	}
	const firstMS, totalMS = 50.3, 120.0 // the first run ends inside a window
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := windowRun(t, tc.build, 1, 1)
			if want.windows != want.steps {
				t.Fatalf("window 1: %d meetings in %d steps", want.windows, want.steps)
			}
			if want.spikes < 200 {
				t.Fatalf("only %d spikes: too quiet to test anything", want.spikes)
			}
			for _, threads := range []int{1, 2, 3} {
				got := windowRun(t, tc.build, threads, 0)
				if got.window != tc.window {
					t.Fatalf("%d threads: window %d steps, want %d", threads, got.window, tc.window)
				}
				// The meetings a window of W steps needs: one at every
				// step n with n+1 a multiple of W, and one at each run's
				// last step.
				steps1 := int64(math.Round(firstMS / 0.1))
				wantMeet := int64(0)
				for n := range got.steps {
					if (n+1)%tc.window == 0 || n == steps1-1 || n == got.steps-1 {
						wantMeet++
					}
				}
				if got.windows != wantMeet {
					t.Errorf("%d threads: the workers met %d times in %d steps, want %d", threads, got.windows, got.steps, wantMeet)
				}
				if !slices.Equal(got.trace, want.trace) {
					t.Fatalf("%d threads: spikes differ from delivery every step on one worker (%d vs %d values)", threads, len(got.trace), len(want.trace))
				}
				if !slices.Equal(got.state, want.state) {
					t.Fatalf("%d threads: state after the run differs from delivery every step on one worker", threads)
				}
			}
		})
	}
}

type windowResult struct {
	window, windows, steps int64
	spikes                 int
	trace                  []int32  // every spike: steps, then indices
	state                  []uint32 // v of every neuron, sampled and final, as bits
}

// windowRun simulates build's network for 120 ms in two runs (the first
// 50.3 ms) on threads workers, with window steps per delivery (0: the
// engine's choice).
func windowRun(t *testing.T, build func() (*Network, error), threads int, window int64) windowResult {
	t.Helper()
	net, err := build()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSim(net, SimOptions{Threads: threads, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if window > 0 {
		sim.window = window // spike lists are kept for two windows of the engine's choice: ≥ 2
	}
	var mons []*SpikeMonitor
	var states []*StateMonitor
	for _, p := range net.Populations {
		m, err := sim.MonitorSpikes(p)
		if err != nil {
			t.Fatal(err)
		}
		mons = append(mons, m)
		idx := []int{0, p.Len() / 2, p.Len() - 1}
		sm, err := sim.MonitorState(p, "v", idx, 7)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, sm)
	}
	for _, ms := range []float64{50.3, 120 - 50.3} {
		if err := sim.Run(context.Background(), ms, nil); err != nil {
			t.Fatal(err)
		}
	}
	r := windowResult{window: sim.window, windows: sim.windows, steps: sim.Steps()}
	for _, m := range mons {
		r.trace = append(r.trace, m.Steps...)
		r.trace = append(r.trace, m.Index...)
		r.spikes += m.Len()
	}
	for k, p := range net.Populations {
		for _, row := range states[k].Values {
			for _, v := range row {
				r.state = append(r.state, math.Float32bits(v))
			}
		}
		for _, v := range p.Model.Var("v") {
			r.state = append(r.state, math.Float32bits(v))
		}
	}
	return r
}

// cancelAfter is a context that reports cancellation from its n-th call
// to Err on, as a run stopped by SIGINT between two chunks sees it.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestWindowedCancel: a run cancelled between chunks has delivered every
// spike of the steps it ran, so continuing it gives the bits of a run
// never stopped. Chunks start at 10 steps, not a multiple of Brunel's
// 16-step window, so a chunk that ended wherever its steps ran out would
// stop inside a window and lose that window's spikes.
func TestWindowedCancel(t *testing.T) {
	run := func(stopAfter int) ([]int32, int64) {
		net, err := Brunel(800, BrunelPanels["C"], 3)
		if err != nil {
			t.Fatal(err)
		}
		sim, err := NewSim(net, SimOptions{Threads: 2, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		m, err := sim.MonitorSpikes(net.Populations[0])
		if err != nil {
			t.Fatal(err)
		}
		const totalMS = 200.0
		var stoppedAt int64
		if stopAfter > 0 {
			err := sim.Run(&cancelAfter{context.Background(), stopAfter}, totalMS, nil)
			if err != context.Canceled {
				t.Fatalf("Run = %v, want it cancelled", err)
			}
			stoppedAt = sim.Steps()
		}
		if err := sim.Run(context.Background(), totalMS-sim.TimeMS(), nil); err != nil {
			t.Fatal(err)
		}
		return append(slices.Clone(m.Steps), m.Index...), stoppedAt
	}
	want, _ := run(0)
	// Chunks of 10, 20, 40, … steps (each well under the chunks' wall-time
	// target): stops after 150, 310 and 630 steps without windows, while
	// the network fires (its first spikes come after about 100 steps).
	tested := 0
	for _, stop := range []int{4, 5, 6} {
		got, at := run(stop)
		if !slices.ContainsFunc(want[:len(want)/2], func(n int32) bool { return int64(n) < at }) {
			// Chunks shrink on a machine too slow for their wall-time
			// target: this stop came before the first spike.
			t.Logf("no spike before step %d: this stop tests nothing", at)
			continue
		}
		tested++
		if at == 0 || at%16 != 0 {
			t.Errorf("cancelled after %d chunks at step %d, want a positive multiple of the 16-step window", stop, at)
		}
		if !slices.Equal(got, want) {
			t.Errorf("cancelled at step %d and continued: spikes differ from a run never stopped", at)
		}
	}
	if tested == 0 {
		t.Skip("every stop came before the first spike (a very slow machine)")
	}
}
