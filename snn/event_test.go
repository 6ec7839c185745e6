package snn

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/neurite/neurite/topology"
)

// TestEventLIFExactISI checks a lone neuron driven above threshold by its
// own resting potential: it must fire with the closed-form period
// TRef + τm·ln((VRest − VReset)/(VRest − VThresh)), to rounding error.
func TestEventLIFExactISI(t *testing.T) {
	g, _ := topology.AllToAll(1, 1, false)
	p := EventLIFParams{TauM: 20, VRest: -45, VThresh: -50, VReset: -60, TRef: 2}
	e, err := NewEventLIF(p, g, []float64{0})
	if err != nil {
		t.Fatal(err)
	}
	e.V[0] = -60
	if err := e.Run(context.Background(), 500); err != nil {
		t.Fatal(err)
	}
	period := 20 * math.Log(15.0/5)
	if len(e.Spikes) < 10 {
		t.Fatalf("%d spikes", len(e.Spikes))
	}
	for k, s := range e.Spikes {
		want := period + float64(k)*(p.TRef+period)
		if math.Abs(s.Time-want) > 1e-9 {
			t.Fatalf("spike %d at %.12f ms, closed form %.12f ms", k, s.Time, want)
		}
	}
}

// TestEventLIFDelay checks that a spike reaches its target exactly Delay
// ms later, at a time no clock grid contains.
func TestEventLIFDelay(t *testing.T) {
	g := &topology.CSR{Pre: 2, Post: 2, RowPtr: []int{0, 1, 1}, Targets: []uint32{1}}
	p := EventLIFParams{TauM: 10, VRest: -70, VThresh: -50, VReset: -70, TRef: 1, Delay: 1.2345}
	e, err := NewEventLIF(p, g, []float64{30, 0})
	if err != nil {
		t.Fatal(err)
	}
	e.V[0] = -50 // at threshold: fires at t = 0
	if err := e.Run(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	if len(e.Spikes) != 2 || e.Spikes[0] != (EventSpike{0, 0}) || e.Spikes[1] != (EventSpike{1, 1.2345}) {
		t.Errorf("spikes %v, want neuron 0 at 0 ms and neuron 1 at 1.2345 ms", e.Spikes)
	}
}

// TestEventCUBAAgreesWithClockDriven runs benchmark 4 event-driven and
// the same network clock-driven with delta synapses at dt = 0.01 ms (a
// 0.09 ms delay plus the engine's one-step lag give the same 0.1 ms): being
// chaotic, the two diverge spike by spike, but their rates must agree.
func TestEventCUBAAgreesWithClockDriven(t *testing.T) {
	const n, dur = 4000, 500.0
	e, err := EventCUBA(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := e.Run(context.Background(), dur); err != nil {
		t.Fatal(err)
	}
	eventRate := float64(len(e.Spikes)) / n / (dur / 1000)
	t.Logf("event-driven: %.2f Hz, %d synaptic events in %v", eventRate, e.Events, time.Since(start))

	m, _ := NewLIF(n, LIFParams{TauM: 20, VRest: -49, VThresh: -50, VReset: -60, TRef: 5, TauE: 5, TauI: 10})
	copy32(m.V, e.initial)
	net := &Network{DT: 0.01}
	pop := net.AddPopulation("all", m)
	p, err := net.Connect("all", pop, pop, "v", e.Graph, 0, 0.09)
	if err != nil {
		t.Fatal(err)
	}
	w := p.PerSynapseWeights()
	for i := range n {
		for s := e.Graph.RowPtr[i]; s < e.Graph.RowPtr[i+1]; s++ {
			w[s] = float32(e.PreWeight[i])
		}
	}
	sim, err := NewSim(net, SimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), dur, nil); err != nil {
		t.Fatal(err)
	}
	clockRate := float64(sim.SpikeCount(pop)) / n / (dur / 1000)
	t.Logf("clock-driven (dt 0.01 ms): %.2f Hz", clockRate)
	if math.Abs(eventRate/clockRate-1) > 0.1 {
		t.Errorf("event-driven %.2f Hz, clock-driven %.2f Hz: differ by more than 10%%", eventRate, clockRate)
	}
}

func copy32(dst []float32, src []float64) {
	for i, v := range src {
		dst[i] = float32(v)
	}
}
