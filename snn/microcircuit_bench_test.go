package snn

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkMicrocircuit simulates Potjans & Diesmann's microcircuit (a
// tenth of it by default; -bench with scale=1 needs 2 GB and minutes) for
// 100 ms after a 100 ms warm-up outside the timer, with each background,
// and reports the real-time factor (wall seconds per simulated second),
// synaptic events per second and bytes per synapse. Run with -cpu 1,2 for
// the speed-up of two threads.
func BenchmarkMicrocircuit(b *testing.B) {
	for _, scale := range []float64{0.1} {
		for _, input := range []string{"poisson", "dc"} {
			b.Run(fmt.Sprintf("%s/scale=%g", input, scale), func(b *testing.B) {
				net, err := Microcircuit(MicrocircuitOptions{Scale: scale, Input: input}, 1, 0)
				if err != nil {
					b.Fatal(err)
				}
				sim, err := NewSim(net, SimOptions{Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				if err := sim.Run(context.Background(), 100, nil); err != nil {
					b.Fatal(err)
				}
				const durMS = 100
				before := make([]int64, len(net.Populations))
				for k, p := range net.Populations {
					before[k] = sim.SpikeCount(p)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := sim.Run(context.Background(), durMS, nil); err != nil {
						b.Fatal(err)
					}
				}
				events, bytes := 0.0, 0.0
				for k, p := range net.Populations {
					spikes := float64(sim.SpikeCount(p) - before[k])
					for _, pj := range net.Projections {
						if pj.Pre == p {
							events += spikes * float64(pj.Synapses()) / float64(p.Len())
						}
					}
				}
				for _, pj := range net.Projections {
					bytes += float64(pj.Bytes())
				}
				s := b.Elapsed().Seconds()
				b.ReportMetric(s/(float64(b.N)*durMS/1000), "RTF")
				b.ReportMetric(events/s, "synops/s")
				b.ReportMetric(bytes/float64(net.Synapses()), "B/synapse")
			})
		}
	}
}

// BenchmarkMicrocircuitBuild builds a tenth of the microcircuit (3·10⁶
// synapses) from its spec: wiring, weights, delays and compaction.
func BenchmarkMicrocircuitBuild(b *testing.B) {
	s, err := MicrocircuitSpec(MicrocircuitOptions{Scale: 0.1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	synapses := 0
	for b.Loop() {
		net, err := s.Build(1)
		if err != nil {
			b.Fatal(err)
		}
		synapses += net.Synapses()
	}
	b.ReportMetric(float64(synapses)/b.Elapsed().Seconds(), "synapses/s")
}
