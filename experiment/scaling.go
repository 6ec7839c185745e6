package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/snn"
)

// ScalingModel predicts the wall time a spiking network split over R
// ranks takes per biological second, from costs fitted to measured runs
// ([FitScaling]):
//
//	T(R) = (N·S·NeuronStep + E·Event) / R                      compute, each rank its share
//	     + W·(Latency·log₂R + PerByte·4·N·ν·w·dt·(R−1)/R)      one exchange per window, R > 1
//
// for N neurons, S = 1000/dt steps and E = synapses·ν synaptic events per
// biological second at a mean rate ν, and W = S/w exchange windows of w
// steps, in each of which every rank receives the other ranks' spikes (4
// bytes each). Its assumptions: compute divides evenly over ranks and
// costs per event and neuron-step what it cost in the measured runs (no
// slower memory at larger sizes); an exchange costs a latency growing as
// log₂R (a tree of messages) plus the time to receive the spikes, at the
// bandwidth measured; and both are what the fitted runs measured, waiting
// for the slowest rank included, on their machine and transport.
type ScalingModel struct {
	// NeuronStepSeconds and EventSeconds are the compute costs of one
	// neuron for one step and of one synaptic event.
	NeuronStepSeconds float64 `json:"neuron_step_seconds"`
	EventSeconds      float64 `json:"event_seconds"`
	// LatencySeconds is an exchange's fixed cost between two ranks
	// (growing as log₂R), SecondsPerByte its cost per byte a rank
	// receives (the inverse of the bandwidth).
	LatencySeconds float64 `json:"latency_seconds"`
	SecondsPerByte float64 `json:"seconds_per_byte"`
	// Runs and SplitRuns count the runs fitted, and those over several
	// ranks (which with the probes fit the exchange); Probes the exchange
	// probes fitted.
	Runs      int `json:"runs"`
	SplitRuns int `json:"split_runs"`
	Probes    int `json:"probes,omitempty"`
}

// ExchangeProbe is the measured cost of one exchange of a fixed payload:
// each of Ranks ranks sends BytesPerRank bytes and receives the others'.
type ExchangeProbe struct {
	Ranks        int     `json:"ranks"`
	BytesPerRank int     `json:"bytes_per_rank"`
	Seconds      float64 `json:"seconds"` // the median over the repetitions
}

// ProbeExchange times the spike exchange itself (Allgather over ranks
// goroutine ranks, [snn.LocalCluster], as [SimulateRanks] runs) for each
// payload in bytes per rank, the median of reps exchanges each (default
// 9). It measures the bandwidth term of the scaling model at the data
// volumes a brain-scale network moves, which small simulations cannot.
func ProbeExchange(ctx context.Context, ranks int, payloads []int, reps int) ([]ExchangeProbe, error) {
	if ranks < 2 {
		return nil, fieldErr("Ranks", ranks, "an exchange needs at least 2 ranks")
	}
	if reps <= 0 {
		reps = 9
	}
	var total float64
	for _, b := range payloads {
		if b < 4 || b > 64<<20 {
			return nil, fieldErr("Payloads", b, "must be 4 bytes to 64 MiB per rank")
		}
		total = max(total, float64(b)*float64(ranks)*float64(ranks+1)) // each rank: its payload and everyone's
	}
	if err := budget.Check("the exchange probe", total, 0); err != nil {
		return nil, err
	}
	prev := runtime.GOMAXPROCS(max(ranks, runtime.GOMAXPROCS(0)))
	defer runtime.GOMAXPROCS(prev)
	var out []ExchangeProbe
	for _, b := range payloads {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cluster := snn.NewLocalCluster(ranks)
		times := make([]float64, reps)
		errs := make([]error, ranks)
		var wg sync.WaitGroup
		for r, c := range cluster.Ranks() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				send := make([]int32, b/4)
				for i := range send {
					send[i] = int32(i)
				}
				for k := range reps + 1 { // the first warms up
					t0 := time.Now()
					if _, _, err := c.Allgather(send); err != nil {
						errs[r] = err
						return
					}
					if r == 0 && k > 0 {
						times[k-1] = time.Since(t0).Seconds()
					}
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		slices.Sort(times)
		out = append(out, ExchangeProbe{Ranks: ranks, BytesPerRank: b / 4 * 4, Seconds: times[reps/2]})
	}
	return out, nil
}

// ScalingWorkload is a network and run the model predicts for.
type ScalingWorkload struct {
	Neurons, Synapses float64
	RateHz            float64 // mean over all neurons
	DTMS              float64
	WindowSteps       int // steps per exchange (the shortest delay)
	Ranks             int
}

// Predict returns the wall seconds per biological second w would take,
// with its compute and exchange parts.
func (m ScalingModel) Predict(w ScalingWorkload) (total, compute, comm float64) {
	r := float64(max(1, w.Ranks))
	steps := 1000 / w.DTMS
	compute = (w.Neurons*steps*m.NeuronStepSeconds + w.Synapses*w.RateHz*m.EventSeconds) / r
	if w.Ranks > 1 {
		window := float64(max(1, w.WindowSteps))
		bytes := 4 * w.Neurons * w.RateHz * window * w.DTMS / 1000 * (r - 1) / r
		comm = steps / window * (m.LatencySeconds*math.Log2(r) + m.SecondsPerByte*bytes)
	}
	return compute + comm, compute, comm
}

// FitScaling fits a ScalingModel to simulation reports: the compute costs
// by least squares to each rank's compute time (wall time less the
// exchange's), the exchange's to the time per exchange against the bytes
// a rank received per exchange in the runs over several ranks and in the
// probes. It needs runs of at least two shapes (sizes or rates), and two
// exchanges (split runs or probes) that move different amounts of data.
//
// A small network's windows carry a few hundred bytes, far too few to
// tell the cost per byte from the noise of waiting for the slowest rank,
// while a brain-scale extrapolation moves hundreds of megabytes per
// window: probes of large payloads ([ProbeExchange]) pin the bandwidth.
func FitScaling(runs []*SimReport, probes ...ExchangeProbe) (ScalingModel, error) {
	var m ScalingModel
	var cx, ex [][2]float64
	var cy, ey []float64
	for _, r := range runs {
		if r == nil || r.SimMS <= 0 || r.DTMS <= 0 {
			continue
		}
		ranks := float64(max(1, r.Ranks))
		steps := r.SimMS / r.DTMS
		cx = append(cx, [2]float64{float64(r.Neurons) * steps / ranks, float64(r.SynapticEvents) / ranks})
		cy = append(cy, r.WallSeconds-r.CommSeconds)
		m.Runs++
		if r.Ranks > 1 && r.Comm != nil && r.Comm.Exchanges > 0 {
			// Every rank receives the others' spikes: all but its share.
			ex = append(ex, [2]float64{math.Log2(ranks), r.Comm.BytesPerExchange * (ranks - 1) / ranks})
			ey = append(ey, r.Comm.SecondsPerExchange)
			m.SplitRuns++
		}
	}
	for _, p := range probes {
		if p.Ranks > 1 && p.Seconds > 0 {
			ex = append(ex, [2]float64{math.Log2(float64(p.Ranks)), float64(p.BytesPerRank) * float64(p.Ranks-1)})
			ey = append(ey, p.Seconds)
			m.Probes++
		}
	}
	var err error
	if m.NeuronStepSeconds, m.EventSeconds, err = leastSquares2(cx, cy); err != nil {
		return m, fmt.Errorf("scaling: compute: %w", err)
	}
	if m.LatencySeconds, m.SecondsPerByte, err = leastSquares2(ex, ey); err != nil {
		return m, fmt.Errorf("scaling: exchange: %w", err)
	}
	return m, nil
}

// leastSquares2 fits y ≈ a·x₀ + b·x₁ with a, b ≥ 0 (a coefficient the
// fit makes negative is 0, and the other fitted alone).
func leastSquares2(x [][2]float64, y []float64) (a, b float64, err error) {
	if len(x) < 2 {
		return 0, 0, errors.New("fewer than two measurements")
	}
	var s00, s01, s11, s0y, s1y float64
	for i, v := range x {
		s00 += v[0] * v[0]
		s01 += v[0] * v[1]
		s11 += v[1] * v[1]
		s0y += v[0] * y[i]
		s1y += v[1] * y[i]
	}
	det := s00*s11 - s01*s01
	if !(math.Abs(det) > 1e-12*s00*s11) {
		return 0, 0, errors.New("the measurements do not separate the two costs (all of one shape)")
	}
	a = (s0y*s11 - s1y*s01) / det
	b = (s1y*s00 - s0y*s01) / det
	switch {
	case a < 0 && s11 > 0:
		a, b = 0, max(0, s1y/s11)
	case b < 0 && s00 > 0:
		a, b = max(0, s0y/s00), 0
	}
	return a, b, nil
}

// SimulateRanks runs Simulate over ranks processes that are goroutines of
// this one (their spikes exchanged through shared memory, not MPI), each
// with s.Threads threads (default 1), and returns rank 0's report, which describes the
// whole run with its exchange measured. s.Network must be nil (every rank
// builds its own from the settings).
func SimulateRanks(ctx context.Context, s SimSettings, ranks int) (*SimReport, error) {
	if s.Network != nil || s.Cluster != nil {
		return nil, fieldErr("Network", "set", "SimulateRanks builds each rank's network from the settings")
	}
	if ranks < 1 {
		return nil, fieldErr("Ranks", ranks, "must be at least 1")
	}
	if s.Threads == 0 {
		s.Threads = 1
	}
	if ranks == 1 {
		return Simulate(ctx, s)
	}
	if s.Threads < 0 {
		return nil, fieldErr("Threads", s.Threads, "must be at least 1")
	}
	prev := runtime.GOMAXPROCS(ranks * s.Threads) // each rank its threads
	defer runtime.GOMAXPROCS(prev)
	cluster := snn.NewLocalCluster(ranks)
	reps := make([]*SimReport, ranks)
	errs := make([]error, ranks)
	var wg sync.WaitGroup
	for r, c := range cluster.Ranks() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := s
			rs.Cluster, rs.sharedProcs = c, true
			if r > 0 {
				rs.Reporting = Reporting{}
			}
			reps[r], errs[r] = Simulate(ctx, rs)
			if errs[r] != nil {
				// The others may be waiting in a collective for this rank
				// (a cancellation seen a step earlier here than there).
				cluster.Abort(errs[r])
			}
		}()
	}
	wg.Wait()
	if errs[0] != nil {
		return nil, errs[0]
	}
	return reps[0], errors.Join(errs...)
}
