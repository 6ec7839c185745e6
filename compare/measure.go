package compare

import (
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/tensor"
)

// snnRun is a measured simulation.
type snnRun struct {
	Neurons, Synapses int
	Spikes, Events    int64
	SimMS, Wall       float64 // ms simulated, seconds of wall time
	BytesPerSynapse   float64
	RateHz            float64 // mean over all neurons
	Rates             map[string]float64
	Monitors          []*snn.SpikeMonitor
}

// simulate runs net for ms and counts spikes and synaptic events.
func (e *env) simulate(net *snn.Network, ms float64, threads int) (snnRun, error) {
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: e.o.Seed, Threads: threads})
	if err != nil {
		return snnRun{}, err
	}
	mons := make([]*snn.SpikeMonitor, len(net.Populations))
	for k, p := range net.Populations {
		if mons[k], err = sim.MonitorSpikes(p); err != nil {
			return snnRun{}, err
		}
	}
	t0 := time.Now()
	if err := sim.Run(e.ctx, ms, nil); err != nil {
		return snnRun{}, err
	}
	r := snnRun{Neurons: net.Neurons(), Synapses: net.Synapses(), SimMS: sim.TimeMS(), Wall: time.Since(t0).Seconds(),
		Rates: map[string]float64{}, Monitors: mons}
	bytes := 0
	for _, p := range net.Projections {
		bytes += p.Bytes()
		k := slices.Index(net.Populations, p.Pre)
		for _, i := range mons[k].Index {
			r.Events += int64(p.RowPtr[i+1] - p.RowPtr[i])
		}
	}
	if r.Synapses > 0 {
		r.BytesPerSynapse = float64(bytes) / float64(r.Synapses)
	}
	for k, p := range net.Populations {
		n := int64(mons[k].Len())
		r.Spikes += n
		r.Rates[p.Name] = float64(n) / float64(p.Len()) / (r.SimMS / 1000)
	}
	r.RateHz = float64(r.Spikes) / float64(r.Neurons) / (r.SimMS / 1000)
	return r, nil
}

// inferenceTiming measures a network's single-example latency (median of
// reps forward passes) and batch-of-1000 throughput.
func inferenceTiming(net *ann.Sequential, x []float32, features, reps int) (latency, throughput float64) {
	one := tensor.FromData(x[:features], 1, features)
	times := make([]float64, reps)
	for i := range times {
		t0 := time.Now()
		net.Forward(one, false)
		times[i] = time.Since(t0).Seconds()
	}
	slices.Sort(times)
	batch := tensor.FromData(x[:1000*features], 1000, features)
	net.Forward(batch, false)
	t0 := time.Now()
	const rounds = 5
	for range rounds {
		net.Forward(batch, false)
	}
	return times[reps/2], 1000 * rounds / time.Since(t0).Seconds()
}

// gflops measures this machine's float32 GEMM speed at 512³ (median of 5).
func gflops() float64 {
	const n = 512
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(i%7)*0.1, float32(i%5)*0.1
	}
	times := make([]float64, 5)
	for i := range times {
		t0 := time.Now()
		tensor.Gemm(tensor.NoTrans, tensor.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
		times[i] = time.Since(t0).Seconds()
	}
	slices.Sort(times)
	return 2 * n * n * n / times[2] / 1e9
}

func f(format string, v ...any) string { return fmt.Sprintf(format, v...) }

func threads() int { return runtime.GOMAXPROCS(0) }

func itoa(n int) string { return fmt.Sprint(n) }

func errorf(format string, args ...any) error { return fmt.Errorf("compare: "+format, args...) }
