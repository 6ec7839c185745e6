package snn

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/neurite/neurite/internal/barrier"
	"github.com/neurite/neurite/internal/budget"
)

// SimOptions configure a simulation.
type SimOptions struct {
	// Threads is the number of workers; 0 means runtime.GOMAXPROCS(0).
	// At most one worker per 8 neurons of the largest population runs;
	// more workers than cores only slow the simulation down.
	// Results are bit-identical for any value.
	Threads int
	// Seed drives every random input and stochastic model; each gets its
	// own stream derived from it.
	Seed uint64
	// MaxMemory bounds the delay ring buffers NewSim allocates, in bytes
	// (0: half of the machine's memory): longer ones give a *budget.Error.
	MaxMemory int64
	// Cluster, if not nil, splits the network over processes (see
	// cluster.go): this one simulates its rank's range of every population
	// (RankRange), keeps only the synapses onto those neurons (NewSim
	// removes the others from the network's projections) and exchanges
	// spikes with the other ranks once per window of the shortest delay
	// (every step without delays or with plasticity). Every rank builds
	// the same network from the same seed, or only its share of it (see
	// Share; the network's Share must then be this rank's); the spikes are
	// the same bits as in one process, whatever the number of ranks and
	// threads.
	// SaveState is not available then.
	Cluster Cluster
}

// Sim runs a Network with the clock-driven engine. Each step of dt:
//
//	A. every population integrates its neurons over dt and reports the ones
//	   that crossed threshold (Model.Step); state monitors sample first;
//	B. each spike adds its synapses' weights into a ring buffer slot
//	   `delay` steps ahead (Tsodyks–Markram scaling applied); inputs act;
//	   the slot of the current step is added into the target variables;
//	   the neurons that fired are reset (Model.Reset).
//
// This is Brian2's schedule (groups, thresholds, synapses, resets), so a
// spike at step n with delay d affects the update of step n+d+1.
//
// Workers own contiguous ranges of every population. In phase B each worker
// walks all spikes but writes only the synapses whose targets fall in its
// own range, in the order of presynaptic index: every sum is formed in the
// same order whatever the thread count, so the spikes are the same bits.
//
// Nothing a spike does reaches another neuron sooner than its delay
// allows, so the workers need not meet every step: with every delay at
// least D steps, each integrates its own neurons for a window of D+1
// steps, then all meet at one barrier, and each delivers the window's
// spikes, step by step, into its own targets (see deliveryWindow). A spike
// of a window's first step with delay D lands in the slot of its last
// step, which is delivered before that slot is read, and the additions
// into every slot keep their order, so the results are the bits of
// per-step delivery. Without delays, or with plasticity, the window is one
// step.
type Sim struct {
	Net      *Network
	DT       float64 // ms
	threads  int
	seed     uint64     // SimOptions.Seed, checked by LoadState
	depth    int64      // steps of spike lists kept (see slot)
	window   int64      // steps whose spikes are delivered at once (see deliveryWindow)
	runStart int64      // the step the current Run started at
	windows  int64      // delivery windows so far (the workers' meetings)
	runEnd   int64      // the step the current Run ends at
	part     *partition // this process's share of a network split over ranks
	tracked  []tracked  // state SaveState keeps besides the engine's
	step     int64
	pops     []*popState
	projs    []*projState
	rings    []*ring
	monitors []*SpikeMonitor
	stats    []*SpikeStats
	streams  []*stream
	states   []*StateMonitor
	plastic  []*projState // projections with a Plasticity rule
	bar      *barrier.Barrier
	scatter  []scatter // per worker: delayed events gathered for propagatePacked
	// workHook, when set (by benchmarks), is called as each worker starts
	// a chunk of steps, and what it returns as the worker ends it.
	workHook func(t int) func()

	// ChunkWall is the wall time a chunk of steps aims at (0: 100 ms). A
	// run checks for cancellation, reports progress and hands spikes to
	// the sinks between chunks, so a live view wants it as short as a
	// frame. It never changes the results.
	ChunkWall time.Duration
}

type popState struct {
	pop    *Population
	bounds []int        // worker t owns [bounds[t], bounds[t+1])
	spikes [][][]int32  // [step slot][worker] (see Sim.slot)
	counts []int64      // spikes per worker
	out    []*projState // projections with STP leaving this population
}

type projState struct {
	proj      *Projection
	pre, post *popState
	ring      *ring
	delay     int           // uniform delay in steps
	cuts      [][]int       // cuts[t][i]: first synapse of row i owned by worker t (t ≥ 1)
	eff       [][][]float32 // [step slot][worker]
	preSp     []int32       // plasticity: this step's spikes of pre and post
	postSp    []int32
}

// ring holds, for one variable of one population, the input arriving in
// each of the next `slots` steps.
type ring struct {
	pop    *popState
	target []float32
	gate   []int32 // nonzero: the neuron ignores input now (see Gated)
	slots  int
	buf    []float32
}

func (r *ring) slot(n int64) []float32 {
	n0 := int(n % int64(r.slots))
	size := r.pop.pop.Len()
	return r.buf[n0*size : (n0+1)*size]
}

// NewSim prepares a network for simulation: it validates every part,
// lets each model precompute for dt, sizes the delay buffers and splits
// the work over threads.
func NewSim(net *Network, o SimOptions) (*Sim, error) { return newSim(net, o, true) }

// newSim is NewSim; without buffers, it checks everything but leaves the
// delay ring buffers unallocated (the Sim cannot run): what Spec.Build
// needs to validate a network.
func newSim(net *Network, o SimOptions, buffers bool) (*Sim, error) {
	dt := net.dt()
	if err := positive("network", "DT", dt); err != nil {
		return nil, err
	}
	threads := o.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	// Workers own ranges of 8 neurons: more than the largest population
	// has would only wait at the barrier.
	var part *partition
	if o.Cluster != nil {
		var err error
		if part, err = newPartition(o.Cluster); err != nil {
			return nil, err
		}
	}
	if sh := net.Share; sh.split() && buffers && (part == nil || part.rank != sh.Rank || part.size != sh.Ranks) {
		return nil, fmt.Errorf("snn: the network holds only the synapses of rank %d of %d (Network.Share): simulate it as that rank of a Cluster of %d", sh.Rank, sh.Ranks, sh.Ranks)
	}
	largest := 0
	for _, p := range net.Populations {
		if p != nil && p.Model != nil {
			lo, hi := part.share(p.Len())
			largest = max(largest, hi-lo)
		}
	}
	threads = max(1, min(threads, (largest+lanes-1)/lanes))
	s := &Sim{Net: net, DT: dt, threads: threads, seed: o.Seed, part: part}
	s.bar = barrier.New(threads)
	s.scatter = make([]scatter, threads)
	for t := range s.scatter {
		s.scatter[t] = newScatter()
	}
	index := map[*Population]*popState{}
	for k, p := range net.Populations {
		if p == nil || p.Model == nil {
			return nil, fmt.Errorf("snn: population %d has no model", k)
		}
		if _, dup := index[p]; dup {
			return nil, fmt.Errorf("snn: population %s added twice", p.Name)
		}
		if err := p.Model.Prepare(dt, NewStream(o.Seed, uint64(k)+1)); err != nil {
			return nil, fmt.Errorf("population %s: %w", p.Name, err)
		}
		ps := &popState{pop: p, bounds: make([]int, threads+1), counts: make([]int64, threads)}
		// Ranges start at multiples of 8 so vector kernels never split a
		// group of lanes (or a cache line of state) between workers.
		for t := range threads {
			lo, hi := part.share(p.Len())
			ps.bounds[t] = lo + (hi-lo)*t/threads&^(lanes-1)
		}
		_, ps.bounds[threads] = part.share(p.Len())
		index[p] = ps
		s.pops = append(s.pops, ps)
	}
	rings := map[[2]any]*ring{}
	shortest := MaxDelaySteps + 1 // of any synapse, in steps
	for _, p := range net.Projections {
		if err := p.validate(); err != nil {
			return nil, err
		}
		shortest = min(shortest, p.minDelaySteps(dt))
		if part != nil && index[p.Post] != nil {
			prune(p, index[p.Post].bounds[0], index[p.Post].bounds[threads])
		}
		pre, post := index[p.Pre], index[p.Post]
		if pre == nil || post == nil {
			return nil, fmt.Errorf("snn: projection %s joins a population that is not in the network", p.Name)
		}
		pj := &projState{proj: p, pre: pre, post: post}
		if steps := p.maxDelaySteps(dt); steps > MaxDelaySteps {
			return nil, fmt.Errorf("snn: projection %s: delay %v ms is more than %d steps of %v ms", p.Name, p.Delay, MaxDelaySteps, dt)
		}
		if !p.hasDelays() {
			pj.delay = delaySteps(p.Delay, dt)
		}
		key := [2]any{post, p.Target}
		rg := rings[key]
		if rg == nil {
			rg = &ring{pop: post, target: p.Post.Model.Var(p.Target), gate: gateOf(p.Post.Model, p.Target), slots: 1}
			rings[key] = rg
			s.rings = append(s.rings, rg)
		}
		rg.slots = max(rg.slots, p.maxDelaySteps(dt)+1)
		pj.ring = rg
		if threads > 1 {
			pj.cuts = make([][]int, threads)
			for t := 1; t < threads; t++ {
				pj.cuts[t] = rowCuts(p, uint32(post.bounds[t]))
			}
		}
		if p.Plasticity != nil {
			if err := p.Plasticity.Prepare(p, dt); err != nil {
				return nil, fmt.Errorf("projection %s: plasticity: %w", p.Name, err)
			}
			if err := p.validate(); err != nil {
				return nil, err
			}
			s.plastic = append(s.plastic, pj)
		}
		if p.STP != nil {
			p.STP.prepare(p.Pre.Len(), dt)
			pre.out = append(pre.out, pj)
		}
		s.projs = append(s.projs, pj)
	}
	if part != nil && buffers {
		// A rank that keeps only its own synapses (pruned above, or built
		// as its Share) sees only their delays: the ranks agree on the
		// shortest, since they exchange by windows of it.
		v := []float64{-float64(shortest)}
		if err := part.c.MaxFloat64(v); err != nil {
			return nil, fmt.Errorf("snn: cluster: the shortest delay: %w", err)
		}
		shortest = int(-v[0])
	}
	// Spike lists: one per step and worker, kept for two windows: a
	// worker that has delivered one window's spikes fills the next
	// window's lists while the others still read the first's, and cannot
	// pass the next window's barrier before they have finished.
	s.window = int64(deliveryWindow(s, shortest))
	if part != nil {
		part.window = int(s.window)
	}
	s.depth = 2 * s.window
	for _, ps := range s.pops {
		ps.spikes = make([][][]int32, s.depth)
		for d := range ps.spikes {
			ps.spikes[d] = make([][]int32, threads)
		}
	}
	for _, pj := range s.projs {
		if pj.proj.STP != nil {
			pj.eff = make([][][]float32, s.depth)
			for d := range pj.eff {
				pj.eff[d] = make([][]float32, threads)
			}
		}
	}
	ringBytes := 0.0
	for _, rg := range s.rings {
		if rg.slots > 1 {
			ringBytes += 4 * float64(rg.slots) * float64(rg.pop.pop.Len())
		}
	}
	if err := budget.Check(fmt.Sprintf("snn: the delay buffers of %d target variables", len(s.rings)), ringBytes, o.MaxMemory); err != nil {
		return nil, err
	}
	for _, rg := range s.rings {
		if !buffers {
			break
		}
		if rg.slots == 1 {
			// Without delays, events go straight into the variable:
			// there is nothing to hold back.
			rg.buf = rg.target
			continue
		}
		rg.buf = make([]float32, rg.slots*rg.pop.pop.Len())
	}
	for k, in := range net.Inputs {
		if index[in.Population()] == nil {
			return nil, fmt.Errorf("snn: input %d drives a population that is not in the network", k)
		}
		if err := in.Prepare(dt, NewStream(o.Seed, uint64(1<<32+k))); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// maxWindow bounds the steps a delivery window may span: the workers'
// spike lists are kept for two windows, and meeting once in 64 steps
// already makes the barriers' cost negligible.
const maxWindow = 64

// deliveryWindow returns the number of steps whose spikes the workers
// deliver at once, given the shortest delay of any synapse in steps: one
// more than that delay (the spikes of a window's first step reach a slot
// no earlier than its last step's, which is delivered before it is read),
// at most maxWindow, and 1 when plasticity reads and changes weights
// every step. Split over ranks, the window is the exchange window
// (exchangeWindow), since the spikes of other ranks arrive only then.
func deliveryWindow(s *Sim, shortest int) int {
	if s.part != nil {
		return exchangeWindow(s, shortest)
	}
	if len(s.plastic) > 0 {
		return 1
	}
	return max(1, min(shortest+1, maxWindow))
}

// rowCuts returns, for every row, the index of its first synapse whose
// target is ≥ lo.
func rowCuts(p *Projection, lo uint32) []int {
	cuts := make([]int, p.Pre.Len())
	for i := range cuts {
		a, b := p.RowPtr[i], p.RowPtr[i+1]
		cuts[i] = a + sort.Search(b-a, func(k int) bool { return p.target(a+k) >= lo })
	}
	return cuts
}

// Threads returns the number of workers.
func (s *Sim) Threads() int { return s.threads }

// TimeMS returns the simulated time so far, in ms.
func (s *Sim) TimeMS() float64 { return float64(s.step) * s.DT }

// Steps returns the number of steps simulated so far.
func (s *Sim) Steps() int64 { return s.step }

// SpikeCount returns the number of spikes population p has fired so far.
func (s *Sim) SpikeCount(p *Population) int64 {
	for _, ps := range s.pops {
		if ps.pop == p {
			var n int64
			for _, c := range ps.counts {
				n += c
			}
			return n
		}
	}
	return 0
}

// A run checks the context and reports progress between chunks of steps,
// sized as it goes to last about chunkTarget (or Sim.ChunkWall) of wall time (between 1 and
// maxChunkSteps steps), so a cancelled run of any size stops within a
// fraction of a second, and a small one does not pay for checking often.
const (
	chunkTarget   = 100 * time.Millisecond
	maxChunkSteps = 1000
)

// Run simulates duration ms (rounded to whole steps) from where the last
// Run stopped. It returns ctx.Err() if the context is cancelled, after
// finishing the current chunk of steps, and the error of a [SpikeSink]
// that fails.
func (s *Sim) Run(ctx context.Context, duration float64, progress func(doneMS, totalMS float64)) error {
	if !(duration >= 0) {
		return fmt.Errorf("snn: Run: duration %v ms", duration)
	}
	s.syncRewired()
	total := int64(math.Round(duration / s.DT))
	end := s.step + total
	start := s.step
	s.runStart, s.runEnd = s.step, end
	lastReport := time.Now()
	target := s.ChunkWall
	if target <= 0 {
		target = chunkTarget
	}
	chunk := int64(10)
	for s.step < end {
		if err := ctx.Err(); err != nil {
			return err
		}
		// A chunk ends where a window does (or where the run does): a run
		// cancelled between chunks has then delivered and recorded every
		// spike so far, and a later Run continues from a whole state.
		to := min(end, s.step+chunk)
		if r := to % s.window; r != 0 && to < end {
			to = min(end, to+s.window-r)
		}
		t0 := time.Now()
		s.runChunk(s.step, to)
		if s.part != nil && s.part.err != nil {
			return s.part.err
		}
		s.step = to
		if err := s.flush(); err != nil {
			return err
		}
		switch took := time.Since(t0); {
		case took < target/2:
			chunk = min(2*chunk, maxChunkSteps)
		case took > 2*target:
			chunk = max(chunk/2, 1)
		}
		if progress != nil && (time.Since(lastReport) > 200*time.Millisecond || s.step == end) {
			progress(float64(s.step-start)*s.DT, float64(total)*s.DT)
			lastReport = time.Now()
		}
	}
	return nil
}

func (s *Sim) runChunk(from, to int64) {
	for _, m := range s.states {
		m.grow(from, to)
	}
	if s.threads == 1 {
		s.work(0, from, to)
		return
	}
	var wg sync.WaitGroup
	for t := 1; t < s.threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.work(t, from, to)
		}()
	}
	s.work(0, from, to)
	wg.Wait()
}

// work runs worker t over steps [from, to).
func (s *Sim) work(t int, from, to int64) {
	if s.workHook != nil {
		defer s.workHook(t)()
	}
	for n := from; n < to; n++ {
		par := s.slot(n)
		for _, m := range s.states {
			m.sample(t, n)
		}
		for _, ps := range s.pops {
			lo, hi := ps.bounds[t], ps.bounds[t+1]
			sp := ps.pop.Model.Step(n, lo, hi, ps.spikes[par][t][:0])
			ps.spikes[par][t] = sp
			ps.counts[t] += int64(len(sp))
			for _, pj := range ps.out {
				eff := pj.eff[par][t][:0]
				for _, i := range sp {
					eff = append(eff, pj.proj.STP.efficacy(int(i), n))
				}
				pj.eff[par][t] = eff
			}
		}
		// At the end of a window (and of a Run), the spikes of its steps
		// [first, n] are known, and delivered now; split over processes,
		// every rank's, once exchanged (see cluster.go).
		if n == s.runEnd-1 || (n+1)%s.window == 0 {
			s.bar.Wait()
			first := max(n-n%s.window, s.runStart)
			if s.part != nil && !s.exchangeWindow(t, first, n) {
				return // the exchange failed: Run returns its error
			}
			if t == 0 {
				s.windows++
			}
			for m := first; m <= n; m++ {
				mp := s.slot(m)
				if t == 0 {
					s.record(m, mp)
				}
				for _, pj := range s.projs {
					s.propagate(pj, t, m, mp)
				}
			}
		}
		for _, in := range s.Net.Inputs {
			ps := s.popOf(in.Population())
			in.Apply(n, ps.bounds[t], ps.bounds[t+1])
		}
		for _, rg := range s.rings {
			if rg.slots == 1 {
				continue // delivered directly by propagate
			}
			lo, hi := rg.pop.bounds[t], rg.pop.bounds[t+1]
			slot := rg.slot(n)[lo:hi]
			tgt := rg.target[lo:hi]
			if rg.gate != nil {
				gate := rg.gate[lo:hi]
				for i, v := range slot {
					if gate[i] == 0 {
						tgt[i] += v
					}
				}
			} else {
				for i, v := range slot {
					tgt[i] += v
				}
			}
			clear(slot)
		}
		for _, ps := range s.pops {
			ps.pop.Model.Reset(ps.spikes[par][t])
		}
		if len(s.plastic) > 0 {
			// Every worker has finished reading the weights of step n;
			// the next step's barrier holds them until the rules are done.
			s.bar.Wait()
			if t == 0 {
				s.learn(n, par)
			}
		}
	}
}

// slot returns where the spike lists of step n are kept.
func (s *Sim) slot(n int64) int64 { return n % s.depth }

// syncRewired follows projections whose rows were changed between runs
// (lesions), recomputing where each worker's share of every row starts.
func (s *Sim) syncRewired() {
	for _, pj := range s.projs {
		p := pj.proj
		if !p.rewired {
			continue
		}
		p.rewired = false
		if s.part != nil {
			prune(p, pj.post.bounds[0], pj.post.bounds[s.threads])
		}
		if s.threads > 1 {
			for t := 1; t < s.threads; t++ {
				pj.cuts[t] = rowCuts(p, uint32(pj.post.bounds[t]))
			}
		}
	}
}

// learn runs the plasticity rules of step n, on worker 0.
func (s *Sim) learn(n, par int64) {
	for _, pj := range s.plastic {
		pj.preSp = gather(pj.preSp[:0], pj.pre.spikes[par])
		pj.postSp = gather(pj.postSp[:0], pj.post.spikes[par])
		pj.proj.Plasticity.Update(pj.proj, n, pj.preSp, pj.postSp)
	}
	// A structural rule may have changed rows: the workers' split points
	// must follow.
	s.syncRewired()
}

// gather concatenates the workers' spike lists, which cover increasing
// ranges, into one increasing list.
func gather(dst []int32, perWorker [][]int32) []int32 {
	for _, sp := range perWorker {
		dst = append(dst, sp...)
	}
	return dst
}

func (s *Sim) popOf(p *Population) *popState {
	for _, ps := range s.pops {
		if ps.pop == p {
			return ps
		}
	}
	return nil
}

// propagate adds the synaptic events of step n's spikes that land in
// worker t's range of the postsynaptic population.
func (s *Sim) propagate(pj *projState, t int, n int64, par int64) {
	p := pj.proj
	if p.pk != nil {
		s.propagatePacked(pj, t, n, par)
		return
	}
	last := s.threads - 1
	// fixed is the one slot all of this projection's events land in: with a
	// shared delay, or when the buffer has a single slot (all delays zero).
	var fixed []float32
	if p.DelaySteps == nil || pj.ring.slots == 1 {
		fixed = pj.ring.slot(n + int64(pj.delay))
	}
	// Without a delay buffer, events land in the variable itself and must
	// respect its gate here; delayed events are gated on delivery.
	var gate []int32
	if pj.ring.slots == 1 {
		gate = pj.ring.gate
	}
	for w := range s.threads {
		sp := pj.pre.spikes[par][w]
		var eff []float32
		if p.STP != nil {
			eff = pj.eff[par][w]
		}
		for si, i := range sp {
			a, b := p.RowPtr[i], p.RowPtr[i+1]
			if t > 0 {
				a = pj.cuts[t][i]
			}
			if t < last {
				b = pj.cuts[t+1][i]
			}
			tg := p.Targets[a:b]
			// The common cases get their own tight loops; the general one
			// handles plasticity, gates and per-synapse delays.
			switch {
			case fixed != nil && gate == nil && eff == nil && p.Weights == nil:
				w := p.Weight
				for _, j := range tg {
					fixed[j] += w
				}
			case fixed != nil && gate == nil && eff == nil:
				wt := p.Weights[a:b]
				for k, j := range tg {
					fixed[j] += wt[k]
				}
			default:
				e := float32(1)
				if eff != nil {
					e = eff[si]
				}
				for k, j := range tg {
					if gate != nil && gate[j] != 0 {
						continue
					}
					w := p.WeightOf(a+k) * e
					if fixed != nil {
						fixed[j] += w
					} else {
						pj.ring.slot(n + int64(p.DelaySteps[a+k]))[j] += w
					}
				}
			}
		}
	}
}
