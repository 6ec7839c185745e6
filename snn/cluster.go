package snn

import (
	"fmt"
	"time"

	"github.com/neurite/neurite/topology"
)

// Cluster joins the processes (ranks) that simulate one network together,
// each owning a contiguous range of every population (see
// SimOptions.Cluster). Package internal/mpi implements it over MPI; any
// other transport will do. Every rank must call the methods in the same
// order, as with MPI's collectives.
type Cluster interface {
	// Rank is this process's number, from 0 to Size()−1.
	Rank() int
	// Size is the number of ranks.
	Size() int
	// Allgather sends this rank's values to every rank and returns all
	// ranks' values concatenated in rank order, with how many each sent.
	// Both results may be reused by the next call.
	Allgather(send []int32) (all []int32, counts []int, err error)
	// SumInt64 replaces each element of v, on every rank, by its sum
	// over the ranks.
	SumInt64(v []int64) error
	// MaxFloat64 replaces each element of v, on every rank, by its
	// maximum over the ranks.
	MaxFloat64(v []float64) error
}

// RankRange returns the neurons [lo, hi) of an n-neuron population that
// rank owns out of size: contiguous ranges whose starts are multiples of
// 8, as the workers' within a process.
func RankRange(n, rank, size int) (lo, hi int) {
	lo = n * rank / size &^ (lanes - 1)
	hi = n * (rank + 1) / size &^ (lanes - 1)
	if rank == size-1 {
		hi = n
	}
	return lo, hi
}

// Share names the part of a network one process of a split simulation
// builds and stores (Spec.BuildShare, PresetOptions.Share): rank Rank of
// Ranks keeps, of every projection, only the synapses onto its own
// neurons (RankRange of the postsynaptic population), so the synapses'
// memory divides by Ranks. Every random stream is drawn as for the whole
// network, the others' synapses' values drawn and skipped, so what a rank
// stores is the whole network's synapses onto its neurons, bit for bit,
// in the same order; populations and inputs are whole on every rank.
// (Conduction delays are computed, not drawn: a compact share stores them
// in a byte each when its own longest fits, whatever the others'.) The
// zero Share, like any of one rank, is the whole network.
type Share struct{ Rank, Ranks int }

// split reports whether sh is a part of a network split over ranks.
func (sh Share) split() bool { return sh.Ranks > 1 }

// check reports a share that names no rank.
func (sh Share) check() error {
	if sh.Ranks < 0 || sh.Rank < 0 || sh.Rank >= max(1, sh.Ranks) {
		return fmt.Errorf("snn: share of rank %d of %d", sh.Rank, sh.Ranks)
	}
	return nil
}

// part returns the receivers of an n-neuron population sh keeps.
func (sh Share) part(n int) topology.Part {
	if !sh.split() {
		return topology.Whole(n)
	}
	lo, hi := RankRange(n, sh.Rank, sh.Ranks)
	return topology.Part{Lo: lo, Hi: hi}
}

// CommStats measure a distributed simulation's spike exchange.
type CommStats struct {
	// Exchanges counts the collective exchanges of spikes, one per
	// window of WindowSteps steps (the shortest delay; 1 with plasticity
	// or a synapse without delay) and one at the end of each Run.
	Exchanges   int64
	WindowSteps int
	// BytesSent and BytesReceived count this rank's spike data (4 bytes
	// per spike and per population per exchange).
	BytesSent, BytesReceived int64
	// Seconds is the wall time spent in the exchanges, waiting for the
	// slowest rank included.
	Seconds float64
}

// partition is a Sim's share of a network split over a Cluster.
type partition struct {
	c          Cluster
	rank, size int
	send       []int32
	lower      [][]int32   // per step and population: lower ranks' spikes
	higher     [][]int32   // and higher ones'
	spare      [][][]int32 // per population and step slot: a list to swap in
	window     int         // steps per exchange (see exchangeWindow)
	stats      CommStats
	err        error
}

// CommStats returns the measurements of the spike exchange so far (zero
// for a simulation in one process).
func (s *Sim) CommStats() CommStats {
	if s.part == nil {
		return CommStats{}
	}
	st := s.part.stats
	st.WindowSteps = s.part.window
	return st
}

// Ranks returns the number of processes simulating the network (1
// without a Cluster).
func (s *Sim) Ranks() int {
	if s.part == nil {
		return 1
	}
	return s.part.size
}

// OwnedRange returns the neurons [lo, hi) of p that this process
// simulates: all of them without a Cluster.
func (s *Sim) OwnedRange(p *Population) (lo, hi int) {
	ps := s.popOf(p)
	if ps == nil {
		return 0, 0
	}
	return ps.bounds[0], ps.bounds[len(ps.bounds)-1]
}

// newPartition checks a cluster.
func newPartition(c Cluster) (*partition, error) {
	if c.Size() < 1 || c.Rank() < 0 || c.Rank() >= c.Size() {
		return nil, fmt.Errorf("snn: cluster: rank %d of %d", c.Rank(), c.Size())
	}
	return &partition{c: c, rank: c.Rank(), size: c.Size()}, nil
}

// share returns the range of an n-neuron population this rank owns.
func (pt *partition) share(n int) (int, int) {
	if pt == nil {
		return 0, n
	}
	return RankRange(n, pt.rank, pt.size)
}

// prune keeps only the synapses of p whose targets lie in [lo, hi): each
// rank stores the synapses onto its own neurons. Synapses keep their
// order, so every sum is formed as in one process.
func prune(p *Projection, lo, hi int) {
	n := p.Synapses()
	inside := true // as in a network built for this rank (Share)
	for s := range n {
		if t := int(p.target(s)); t < lo || t >= hi {
			inside = false
			break
		}
	}
	if inside {
		return
	}
	keep := make([]bool, n)
	kept := 0
	for s := range n {
		if t := int(p.target(s)); t >= lo && t < hi {
			keep[s] = true
			kept++
		}
	}
	rowPtr := make([]int, len(p.RowPtr))
	for i := range len(p.RowPtr) - 1 {
		c := 0
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			if keep[s] {
				c++
			}
		}
		rowPtr[i+1] = rowPtr[i] + c
	}
	p.RowPtr = rowPtr
	p.Targets = filter(p.Targets, keep, kept)
	p.Weights = filter(p.Weights, keep, kept)
	p.DelaySteps = filter(p.DelaySteps, keep, kept)
	if pk := p.pk; pk != nil {
		pk.t16 = filter(pk.t16, keep, kept)
		pk.q = filter(pk.q, keep, kept)
		pk.d8 = filter(pk.d8, keep, kept)
	}
}

// filter returns the elements of s whose keep is set (nil for nil).
func filter[T any](s []T, keep []bool, kept int) []T {
	if s == nil {
		return nil
	}
	out := make([]T, 0, kept)
	for i, v := range s {
		if keep[i] {
			out = append(out, v)
		}
	}
	return out
}

// exchangeWindow is called by every worker at the end of an exchange
// window [first, last] (every window steps, and the last step of a Run),
// once all have finished its phase A: worker 0 exchanges the spikes of
// the window's steps with the other ranks while the other workers wait.
// It returns false if the exchange failed.
func (s *Sim) exchangeWindow(t int, first, last int64) bool {
	if t == 0 {
		s.exchange(first, last)
	}
	s.bar.Wait()
	return s.part.err == nil
}

// exchangeWindow returns the number of steps whose spikes ranks may
// exchange at once, given the shortest delay of any synapse in steps
// (over all ranks' synapses): that delay (a spike of step m reaches no target before step m + delay, so
// those of a window shorter than the delay can wait for its end), or 1
// when a synapse has no delay or plasticity needs every step's spikes at
// once (its rules read them, and change weights between two steps).
func exchangeWindow(s *Sim, shortest int) int {
	if len(s.plastic) > 0 || len(s.projs) == 0 {
		return 1
	}
	return max(1, min(shortest, MaxDelaySteps))
}

// exchange runs on worker 0 at the end of a window of steps
// [first, last], while the other workers wait: it sends this rank's
// spikes of every step and population to every rank and merges the
// others' into the workers' lists (lower ranks' before worker 0's
// spikes, higher ranks' after the last worker's), so that each step's
// lists hold, in increasing order, every spike of the network. Remote
// neurons' short-term plasticity is advanced here, on every rank, step
// by step as their owner advances it.
func (s *Sim) exchange(first, last int64) {
	pt := s.part
	start := time.Now()
	pt.send = pt.send[:0]
	for m := first; m <= last; m++ {
		par := s.slot(m)
		for _, ps := range s.pops {
			c := 0
			for _, sp := range ps.spikes[par] {
				c += len(sp)
			}
			pt.send = append(pt.send, int32(c))
			for _, sp := range ps.spikes[par] {
				pt.send = append(pt.send, sp...)
			}
		}
	}
	all, counts, err := pt.c.Allgather(pt.send)
	pt.stats.Seconds += time.Since(start).Seconds()
	pt.stats.Exchanges++
	pt.stats.BytesSent += 4 * int64(len(pt.send))
	pt.stats.BytesReceived += 4 * int64(len(all)-len(pt.send))
	if err != nil {
		pt.err = fmt.Errorf("snn: spike exchange at step %d: %w", last, err)
		return
	}
	if len(counts) != pt.size {
		pt.err = fmt.Errorf("snn: spike exchange at step %d: %d ranks answered, want %d", last, len(counts), pt.size)
		return
	}
	steps := int(last - first + 1)
	np := len(s.pops)
	if len(pt.lower) < steps*np {
		pt.lower = append(pt.lower, make([][]int32, steps*np-len(pt.lower))...)
		pt.higher = append(pt.higher, make([][]int32, steps*np-len(pt.higher))...)
	}
	if pt.spare == nil {
		pt.spare = make([][][]int32, np)
		for k := range pt.spare {
			pt.spare[k] = make([][]int32, s.depth)
		}
	}
	for k := range steps * np {
		pt.lower[k], pt.higher[k] = pt.lower[k][:0], pt.higher[k][:0]
	}
	off := 0
	for r, c := range counts {
		seg := all[off : off+c]
		off += c
		if r == pt.rank {
			continue
		}
		for q := range steps * np {
			if len(seg) == 0 {
				pt.err = fmt.Errorf("snn: spike exchange at step %d: rank %d sent too little", last, r)
				return
			}
			m := int(seg[0])
			if m < 0 || m > len(seg)-1 {
				pt.err = fmt.Errorf("snn: spike exchange at step %d: rank %d sent %d spikes in %d values", last, r, m, len(seg)-1)
				return
			}
			if r < pt.rank {
				pt.lower[q] = append(pt.lower[q], seg[1:1+m]...)
			} else {
				pt.higher[q] = append(pt.higher[q], seg[1:1+m]...)
			}
			seg = seg[1+m:]
		}
	}
	lastW := s.threads - 1
	for step := range steps {
		n := first + int64(step)
		par := s.slot(n)
		for k, ps := range s.pops {
			lo, hi := pt.lower[step*np+k], pt.higher[step*np+k]
			if len(lo)+len(hi) == 0 {
				continue
			}
			ps.counts[0] += int64(len(lo) + len(hi))
			for _, pj := range ps.out {
				stp := pj.proj.STP
				effLo := make([]float32, len(lo), len(lo)+len(pj.eff[par][0]))
				for q, i := range lo {
					effLo[q] = stp.efficacy(int(i), n)
				}
				pj.eff[par][0] = append(effLo, pj.eff[par][0]...)
				for _, i := range hi {
					pj.eff[par][lastW] = append(pj.eff[par][lastW], stp.efficacy(int(i), n))
				}
			}
			own := ps.spikes[par][0]
			merged := append(append(pt.spare[k][par][:0], lo...), own...)
			pt.spare[k][par] = own
			ps.spikes[par][0] = merged
			ps.spikes[par][lastW] = append(ps.spikes[par][lastW], hi...)
		}
	}
}
