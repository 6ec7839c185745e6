package snn

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// BenchmarkMicrocircuit simulates Potjans & Diesmann's microcircuit (a
// tenth of it; the full model too with NEURITE_LONG=1, which needs 2.3 GB
// and minutes a configuration) for 100 ms after a 100 ms warm-up outside
// the timer, with each background, on 1 and 2 threads
// (SimOptions.Threads), and reports the real-time factor (wall seconds
// per simulated second), synaptic events per second and bytes per
// synapse. On Linux it also reports the workers' CPU seconds per
// simulated second, all together (cpu-s/sim-s) and the busiest worker's
// (critical-cpu-s/sim-s), waiting at barriers included: on a shared
// machine, where wall time measures the load as much as the simulator,
// cpu-s/sim-s on one thread divided by critical-cpu-s/sim-s on two is the
// speed-up two free cores would give if each worker's CPU time stayed
// what it was.
func BenchmarkMicrocircuit(b *testing.B) {
	scales := []float64{0.1}
	if os.Getenv("NEURITE_LONG") != "" {
		scales = append(scales, 1)
	}
	for _, scale := range scales {
		for _, input := range []string{"poisson", "dc"} {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/scale=%g/threads=%d", input, scale, threads), func(b *testing.B) {
					net, err := Microcircuit(MicrocircuitOptions{Scale: scale, Input: input}, 1, 0)
					if err != nil {
						b.Fatal(err)
					}
					sim, err := NewSim(net, SimOptions{Seed: 1, Threads: threads})
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
					var cpu workerCPU
					cpu.attach(sim)
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
					if all, busiest := cpu.totals(); all > 0 {
						simS := float64(b.N) * durMS / 1000
						b.ReportMetric(all.Seconds()/simS, "cpu-s/sim-s")
						b.ReportMetric(busiest.Seconds()/simS, "critical-cpu-s/sim-s")
					}
				})
			}
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
