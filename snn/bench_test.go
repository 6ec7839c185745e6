package snn

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// benchNetwork simulates a network for durMS per iteration (rebuilding it
// outside the timer) on threads workers (0: GOMAXPROCS) and reports synaptic events per second, simulated
// seconds per wall second and bytes per synapse; on Linux also the
// workers' CPU seconds per simulated second and the busiest worker's (see
// BenchmarkMicrocircuit).
func benchNetwork(b *testing.B, build func() (*Network, error), durMS float64, threads int) {
	var events, bytes, synapses float64
	var all, busiest time.Duration
	for b.Loop() {
		b.StopTimer()
		net, err := build()
		if err != nil {
			b.Fatal(err)
		}
		sim, err := NewSim(net, SimOptions{Seed: 1, Threads: threads})
		if err != nil {
			b.Fatal(err)
		}
		var cpu workerCPU
		cpu.attach(sim)
		b.StartTimer()
		if err := sim.Run(context.Background(), durMS, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		a, m := cpu.totals()
		all, busiest = all+a, busiest+m
		for _, p := range net.Projections {
			events += float64(sim.SpikeCount(p.Pre)) * float64(p.Synapses()) / float64(p.Pre.Len())
			bytes += float64(p.Bytes())
			synapses += float64(p.Synapses())
		}
		b.StartTimer()
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(events/s, "synops/s")
	b.ReportMetric(float64(b.N)*durMS/1000/s, "sim-s/s")
	b.ReportMetric(bytes/synapses, "B/synapse")
	if simS := float64(b.N) * durMS / 1000; all > 0 {
		b.ReportMetric(all.Seconds()/simS, "cpu-s/sim-s")
		b.ReportMetric(busiest.Seconds()/simS, "critical-cpu-s/sim-s")
	}
}

// BenchmarkCOBA is Brette et al. (2007) benchmark 1 at N = 4000 (run with
// -cpu 1,2), and with 80 inputs per neuron at N = 64k.
func BenchmarkCOBA(b *testing.B) {
	for _, n := range []int{4000, 64000} {
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			benchNetwork(b, func() (*Network, error) { return COBA(n, 1) }, 1000, 0)
		})
	}
}

// BenchmarkCUBA is Brette et al. (2007) benchmark 2 at N = 4000.
func BenchmarkCUBA(b *testing.B) {
	benchNetwork(b, func() (*Network, error) { return CUBA(4000, 1) }, 1000, 0)
}

// BenchmarkBrunel is Brunel (2000) panel A at full size (12,500 neurons,
// 15.6 M synapses) for 100 ms, on 1 and 2 threads (named, since with this
// toolchain `-cpu 1,2` runs its -cpu 1 pass with GOMAXPROCS 2): dominated
// by synaptic events.
func BenchmarkBrunel(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprint("threads=", threads), func(b *testing.B) {
			benchNetwork(b, func() (*Network, error) { return Brunel(10000, BrunelPanels["A"], 1) }, 100, threads)
		})
	}
}

// BenchmarkBrunelCompact is BenchmarkBrunel with the synapses compacted
// (Network.Compact: 16-bit targets, 2 bytes a synapse instead of 4), the
// same spikes.
func BenchmarkBrunelCompact(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprint("threads=", threads), func(b *testing.B) {
			benchNetwork(b, func() (*Network, error) {
				net, err := Brunel(10000, BrunelPanels["A"], 1)
				if err == nil {
					net.Compact()
				}
				return net, err
			}, 100, threads)
		})
	}
}

// BenchmarkIzhikevich is the 1000-neuron, 10⁶-synapse network of
// Izhikevich (2003) for 1 s.
func BenchmarkIzhikevich(b *testing.B) {
	benchNetwork(b, func() (*Network, error) { return IzhikevichNetwork(1, IzhikevichHalfSteps) }, 1000, 0)
}
