package snn_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/plasticity"
)

// clusterCases are networks that exercise every path of the distributed
// engine: no delay (COBA: spikes act within the step), a shared delay
// with Poisson drive (Brunel), plasticity changing weights every step,
// short-term plasticity of remote neurons, compact projections.
var clusterCases = []struct {
	name   string
	window int // steps per exchange: Brunel's delay, unless plasticity needs every step
	build  func(seed uint64) (*snn.Network, error)
}{
	{"coba", 1, func(seed uint64) (*snn.Network, error) { return snn.COBA(800, seed) }},
	{"brunel", 15, func(seed uint64) (*snn.Network, error) { return snn.Brunel(400, snn.BrunelPanels["C"], seed) }},
	{"brunel-stdp", 1, func(seed uint64) (*snn.Network, error) {
		net, err := snn.Brunel(400, snn.BrunelPanels["C"], seed)
		if err != nil {
			return nil, err
		}
		net.Projections[0].Plasticity = &plasticity.STDP{APlus: 0.01, AMinus: 0.012, TauPlus: 20, TauMinus: 20, WMax: 0.3}
		return net, nil
	}},
	{"cuba-stp", 1, func(seed uint64) (*snn.Network, error) {
		net, err := snn.CUBA(800, seed)
		if err != nil {
			return nil, err
		}
		net.Projections[2].STP = &snn.STP{U: 0.5, TauD: 100, TauF: 20}
		return net, nil
	}},
	{"cuba-structural", 1, func(seed uint64) (*snn.Network, error) {
		net, err := snn.CUBA(800, seed)
		if err != nil {
			return nil, err
		}
		net.Projections[0].Plasticity = &plasticity.Structural{Every: 10, PruneBelow: 0.5, Create: 200, NewWeight: 1.6, Seed: 9, Growth: plasticity.GrowActivity}
		return net, nil
	}},
	{"brunel-compact", 15, func(seed uint64) (*snn.Network, error) {
		net, err := snn.Brunel(400, snn.BrunelPanels["A"], seed)
		if err != nil {
			return nil, err
		}
		net.Compact()
		return net, nil
	}},
}

// clusterRun simulates build's network for ms split over ranks processes
// (goroutines here) of threads workers each, and returns each rank's
// network and spike monitors.
func clusterRun(t *testing.T, build func(uint64) (*snn.Network, error), ranks, threads int, ms float64) ([]*snn.Network, [][]*snn.SpikeMonitor, []*snn.Sim) {
	t.Helper()
	var cluster []snn.Cluster
	if ranks > 0 {
		cluster = snn.NewLocalCluster(ranks).Ranks()
	}
	n := max(1, ranks)
	nets := make([]*snn.Network, n)
	mons := make([][]*snn.SpikeMonitor, n)
	sims := make([]*snn.Sim, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for r := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[r] = func() error {
				net, err := build(7)
				if err != nil {
					return err
				}
				o := snn.SimOptions{Threads: threads, Seed: 3}
				if cluster != nil {
					o.Cluster = cluster[r]
				}
				sim, err := snn.NewSim(net, o)
				if err != nil {
					return err
				}
				for _, p := range net.Populations {
					m, err := sim.MonitorSpikes(p)
					if err != nil {
						return err
					}
					mons[r] = append(mons[r], m)
				}
				nets[r], sims[r] = net, sim
				// Two runs, the first ending inside an exchange window.
				if err := sim.Run(context.Background(), splitMS, nil); err != nil {
					return err
				}
				return sim.Run(context.Background(), ms-splitMS, nil)
			}()
		}()
	}
	wg.Wait()
	for r, err := range errs {
		if err != nil {
			t.Fatalf("rank %d: %v", r, err)
		}
	}
	return nets, mons, sims
}

// TestClusterMatchesOneProcess checks that a network split over 1, 2 and
// 3 ranks (of 1 and 2 threads) fires the same spikes, bit for bit, as in
// one process, on every rank; that each rank keeps only the synapses
// onto its neurons; and that plasticity leaves each of them the weights
// one process computes.
func TestClusterMatchesOneProcess(t *testing.T) {
	const ms = 150
	for _, tc := range clusterCases {
		t.Run(tc.name, func(t *testing.T) {
			refNets, refMons, _ := clusterRun(t, tc.build, 0, 1, ms)
			ref, refMon := refNets[0], refMons[0]
			total := 0
			for _, m := range refMon {
				total += m.Len()
			}
			if total == 0 {
				t.Fatal("the reference fired no spike: nothing is compared")
			}
			for _, ranks := range []int{1, 2, 3} {
				for _, threads := range []int{1, 2} {
					if testing.Short() && threads == 2 {
						continue
					}
					nets, mons, sims := clusterRun(t, tc.build, ranks, threads, ms)
					synapses := 0
					for r := range ranks {
						for k, m := range mons[r] {
							if !slices.Equal(m.Steps, refMon[k].Steps) || !slices.Equal(m.Index, refMon[k].Index) {
								t.Fatalf("%d ranks × %d threads: rank %d's spikes of %s differ from one process's (%d vs %d spikes)",
									ranks, threads, r, m.Pop.Name, m.Len(), refMon[k].Len())
							}
							if got, want := sims[r].SpikeCount(nets[r].Populations[k]), int64(refMon[k].Len()); got != want {
								t.Errorf("%d ranks: rank %d: SpikeCount(%s) = %d, want %d", ranks, r, m.Pop.Name, got, want)
							}
						}
						synapses += nets[r].Synapses()
						if err := sameLocalSynapses(ref, nets[r], sims[r]); err != nil {
							t.Fatalf("%d ranks × %d threads: rank %d: %v", ranks, threads, r, err)
						}
					}
					if synapses != ref.Synapses() {
						t.Errorf("%d ranks hold %d synapses together, one process %d", ranks, synapses, ref.Synapses())
					}
					st := sims[0].CommStats()
					if want := windows(0, splitMS/0.1, tc.window) + windows(splitMS/0.1, ms/0.1, tc.window); st.WindowSteps != tc.window || st.Exchanges != want || (ranks > 1 && st.BytesSent == 0) {
						t.Errorf("%d ranks: CommStats = %+v, want %d exchanges of %d steps with bytes", ranks, st, want, tc.window)
					}
				}
			}
		})
	}
}

// splitMS is where clusterRun's first Run ends: not at the end of an
// exchange window of 15 steps.
const splitMS = 55.3

// windows counts the exchanges of a Run from step a to b: one at the end
// of each window of w steps, and one at the end.
func windows(a, b float64, w int) int64 {
	from, to := int64(math.Round(a)), int64(math.Round(b))
	n := int64(0)
	for step := from; step < to; step++ {
		if (step+1)%int64(w) == 0 || step == to-1 {
			n++
		}
	}
	return n
}

// sameLocalSynapses checks that each projection of a rank holds exactly
// the synapses of one process's that end in the rank's range, in order,
// with the same weights.
func sameLocalSynapses(ref, local *snn.Network, sim *snn.Sim) error {
	for k, p := range local.Projections {
		p, q := expanded(p), expanded(ref.Projections[k])
		lo, hi := sim.OwnedRange(p.Post)
		for i := range p.Pre.Len() {
			var want []string
			for s := q.RowPtr[i]; s < q.RowPtr[i+1]; s++ {
				if j := int(q.Targets[s]); j >= lo && j < hi {
					want = append(want, fmt.Sprint(j, q.WeightOf(s)))
				}
			}
			var got []string
			for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
				got = append(got, fmt.Sprint(p.Targets[s], p.WeightOf(s)))
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("projection %s, row %d: synapses (target weight) %v, want %v", p.Name, i, got, want)
			}
		}
	}
	return nil
}

// expanded returns a copy of p with its plain slices.
func expanded(p *snn.Projection) *snn.Projection {
	c := *p
	c.Expand()
	return &c
}

// TestLocalClusterAbort: a rank waiting in a collective for a rank that
// failed returns the failure instead of waiting forever, and so does
// every later collective.
func TestLocalClusterAbort(t *testing.T) {
	c := snn.NewLocalCluster(2)
	r0 := c.Ranks()[0]
	failed := errors.New("bad spec on rank 1")
	done := make(chan error, 1)
	go func() {
		_, _, err := r0.Allgather([]int32{1, 2})
		done <- err
	}()
	c.Abort(failed) // rank 1 never calls Allgather
	select {
	case err := <-done:
		if !errors.Is(err, failed) {
			t.Fatalf("Allgather returned %v, want an error wrapping %v", err, failed)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Allgather still waiting 10 s after Abort")
	}
	if err := r0.SumInt64([]int64{1}); !errors.Is(err, failed) {
		t.Errorf("SumInt64 after Abort: %v, want %v", err, failed)
	}
	if err := r0.MaxFloat64([]float64{1}); !errors.Is(err, failed) {
		t.Errorf("MaxFloat64 after Abort: %v, want %v", err, failed)
	}
}
