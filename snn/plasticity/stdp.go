package plasticity

import (
	"fmt"
	"math"

	"github.com/neurite/neurite/snn"
)

// index lists, for every postsynaptic neuron, the synapses that reach it
// (a column view of the projection's sender-ordered rows), rebuilt when a
// structural rule rewires the projection.
type index struct {
	generation int
	colPtr     []int
	syn        []int32
	pre        []int32 // presynaptic neuron of each synapse
}

func (x *index) refresh(p *snn.Projection) {
	if x.colPtr != nil && x.generation == p.Generation() {
		return
	}
	x.generation = p.Generation()
	post := p.Post.Len()
	x.colPtr = make([]int, post+1)
	for _, t := range p.Targets {
		x.colPtr[t+1]++
	}
	for j := range post {
		x.colPtr[j+1] += x.colPtr[j]
	}
	x.syn = make([]int32, len(p.Targets))
	fill := append([]int(nil), x.colPtr[:post]...)
	x.pre = make([]int32, len(p.Targets))
	for i := range p.Pre.Len() {
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			t := p.Targets[s]
			x.syn[fill[t]] = int32(s)
			fill[t]++
			x.pre[s] = int32(i)
		}
	}
}

// rebuild makes the index afresh: Prepare's, since the rows may have
// changed without a new generation since an earlier Prepare (a
// simulation split over processes keeps only the synapses onto its own
// neurons, after a spec's dry run prepared the rule on them all).
func (x *index) rebuild(p *snn.Projection) {
	x.colPtr = nil
	x.refresh(p)
}

// into returns the synapses reaching postsynaptic neuron j.
func (x *index) into(j int32) []int32 { return x.syn[x.colPtr[j]:x.colPtr[j+1]] }

// trace is a variable per neuron that jumps by 1 at each spike and decays
// exponentially with time constant tau in between: the synapse's memory of
// recent spikes that trace-based STDP reads (Morrison et al. 2008).
type trace struct {
	v     []float64
	decay float64
}

func newTrace(n int, tau, dt float64) trace {
	return trace{v: make([]float64, n), decay: math.Exp(-dt / tau)}
}

func (t *trace) step() {
	for i := range t.v {
		t.v[i] *= t.decay
	}
}

// advance decays the trace by one step, then adds 1 for each neuron that
// fired in it: the rate estimate the rate-based rules read.
func (t *trace) advance(spikes []int32) {
	t.step()
	for _, i := range spikes {
		t.v[i]++
	}
}

func (t *trace) resize(n int) {
	if len(t.v) != n {
		t.v = make([]float64, n)
	}
}

// STDP is pair-based spike-timing-dependent plasticity. A presynaptic
// spike Δt before a postsynaptic one (Δt = t_post − t_pre > 0) potentiates
// the synapse by APlus·e^(−Δt/TauPlus); one Δt after it depresses it by
// AMinus·e^(−|Δt|/TauMinus). All pairs add up (the all-to-all
// interpretation), read from traces. With Multiplicative the change scales
// with the room left, APlus·(WMax − w) and AMinus·w (soft bounds, stable
// unimodal weights); otherwise it is additive and weights are clipped to
// [0, WMax] (bimodal, competitive: Song, Miller & Abbott 2000).
//
// Within one time step, presynaptic spikes are handled before postsynaptic
// ones, so simultaneous spikes count as Δt = 0⁺ (potentiation by APlus),
// as in Brian2's STDP example.
type STDP struct {
	APlus, AMinus     float64 // amplitudes, in weight units (or fractions with Multiplicative)
	TauPlus, TauMinus float64 // ms
	WMax              float64
	Multiplicative    bool

	pre, post trace
	idx       index
}

// Prepare checks the parameters and sets up traces and the index.
func (r *STDP) Prepare(p *snn.Projection, dt float64) error {
	if !(r.TauPlus > 0) || !(r.TauMinus > 0) || !(r.WMax > 0) || r.APlus < 0 || r.AMinus < 0 {
		return fmt.Errorf("STDP needs positive TauPlus, TauMinus and WMax and non-negative amplitudes (got APlus %v, AMinus %v, TauPlus %v, TauMinus %v, WMax %v)", r.APlus, r.AMinus, r.TauPlus, r.TauMinus, r.WMax)
	}
	p.PerSynapseWeights()
	r.pre, r.post = newTrace(p.Pre.Len(), r.TauPlus, dt), newTrace(p.Post.Len(), r.TauMinus, dt)
	r.idx.rebuild(p)
	return nil
}

// Update applies the pairs completed by step n's spikes.
func (r *STDP) Update(p *snn.Projection, n int64, pre, post []int32) {
	r.idx.refresh(p)
	r.pre.step()
	r.post.step()
	w := p.Weights
	for _, i := range pre {
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			y := r.post.v[p.Targets[s]]
			if r.Multiplicative {
				w[s] -= float32(r.AMinus * y * float64(w[s]))
			} else {
				w[s] = clip(float64(w[s])-r.AMinus*y, r.WMax)
			}
		}
		r.pre.v[i]++
	}
	for _, j := range post {
		for _, s := range r.idx.into(j) {
			x := r.pre.v[r.idx.pre[s]]
			if r.Multiplicative {
				w[s] += float32(r.APlus * x * (r.WMax - float64(w[s])))
			} else {
				w[s] = clip(float64(w[s])+r.APlus*x, r.WMax)
			}
		}
		r.post.v[j]++
	}
}

func clip(w, wmax float64) float32 { return float32(min(max(w, 0), wmax)) }

// Triplet is the triplet STDP rule of Pfister & Gerstner (2006), whose
// extra terms make potentiation grow with the postsynaptic rate as in
// cortical pairing experiments (Sjöström et al. 2001). At a presynaptic
// spike w −= o₁·(A2Minus + A3Minus·r₂); at a postsynaptic spike
// w += r₁·(A2Plus + A3Plus·o₂), where r₁, r₂ are presynaptic traces with
// time constants TauPlus, TauX and o₁, o₂ postsynaptic ones with TauMinus,
// TauY, each read before its own spike's increment. Weights are clipped to
// [0, WMax]. Pfister & Gerstner's visual-cortex all-to-all fit: A2+ = 5e-10
// (≈0), A3+ = 6.2e-3, A2− = 7e-3, A3− = 2.3e-4, τ+ = 16.8, τ− = 33.7,
// τx = 101, τy = 125 ms.
type Triplet struct {
	A2Plus, A3Plus, A2Minus, A3Minus float64
	TauPlus, TauMinus, TauX, TauY    float64
	WMax                             float64

	r1, r2, o1, o2 trace
	idx            index
}

// Prepare checks the parameters and sets up traces and the index.
func (r *Triplet) Prepare(p *snn.Projection, dt float64) error {
	for _, tau := range []float64{r.TauPlus, r.TauMinus, r.TauX, r.TauY} {
		if !(tau > 0) {
			return fmt.Errorf("triplet STDP needs positive time constants (got TauPlus %v, TauMinus %v, TauX %v, TauY %v)", r.TauPlus, r.TauMinus, r.TauX, r.TauY)
		}
	}
	if !(r.WMax > 0) {
		return fmt.Errorf("triplet STDP needs WMax > 0")
	}
	p.PerSynapseWeights()
	r.r1, r.r2 = newTrace(p.Pre.Len(), r.TauPlus, dt), newTrace(p.Pre.Len(), r.TauX, dt)
	r.o1, r.o2 = newTrace(p.Post.Len(), r.TauMinus, dt), newTrace(p.Post.Len(), r.TauY, dt)
	r.idx.rebuild(p)
	return nil
}

// Update applies the rule for step n's spikes.
func (r *Triplet) Update(p *snn.Projection, n int64, pre, post []int32) {
	r.idx.refresh(p)
	for _, t := range []*trace{&r.r1, &r.r2, &r.o1, &r.o2} {
		t.step()
	}
	w := p.Weights
	for _, i := range pre {
		r2 := r.r2.v[i]
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			o1 := r.o1.v[p.Targets[s]]
			w[s] = clip(float64(w[s])-o1*(r.A2Minus+r.A3Minus*r2), r.WMax)
		}
		r.r1.v[i]++
		r.r2.v[i]++
	}
	for _, j := range post {
		o2 := r.o2.v[j]
		for _, s := range r.idx.into(j) {
			r1 := r.r1.v[r.idx.pre[s]]
			w[s] = clip(float64(w[s])+r1*(r.A2Plus+r.A3Plus*o2), r.WMax)
		}
		r.o1.v[j]++
		r.o2.v[j]++
	}
}

// Chain applies rules in order to one projection, for example STDP, then
// synaptic scaling, then structural plasticity.
type Chain []snn.Plasticity

// Prepare prepares every rule.
func (c Chain) Prepare(p *snn.Projection, dt float64) error {
	for _, r := range c {
		if err := r.Prepare(p, dt); err != nil {
			return err
		}
	}
	return nil
}

// Update runs every rule.
func (c Chain) Update(p *snn.Projection, n int64, pre, post []int32) {
	for _, r := range c {
		r.Update(p, n, pre, post)
	}
}
