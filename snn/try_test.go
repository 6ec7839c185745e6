package snn

import (
	"context"
	"testing"
	"time"
)

func TestTry(t *testing.T) {
	t0 := time.Now()
	net, err := Brunel(10000, BrunelPanels["A"], 1)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSim(net, SimOptions{Threads: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	build := time.Since(t0)
	t1 := time.Now()
	sim.Run(context.Background(), 1000, nil)
	el := time.Since(t1)
	ne, ni := sim.SpikeCount(net.Populations[0]), sim.SpikeCount(net.Populations[1])
	events := float64(0)
	for _, p := range net.Projections {
		events += float64(sim.SpikeCount(p.Pre)) * float64(p.Synapses()) / float64(p.Pre.Len())
	}
	t.Logf("brunel A: exc %.1f Hz inh %.1f Hz build %v run %v syn %d events %.3g ns/event %.2f", float64(ne)/10000, float64(ni)/2500, build, el, net.Synapses(), events, el.Seconds()/events*1e9)
}
