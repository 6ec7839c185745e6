package snn

import (
	"fmt"
	"math"
)

// packed holds a projection's synapses in compact form (see
// Projection.Compact): each synapse's target, weight and delay in the
// narrowest type that holds them.
type packed struct {
	// t16 holds the targets when the postsynaptic population has at most
	// 65536 neurons; Targets keeps them (uint32) otherwise.
	t16 []uint16
	// q holds per-synapse weights quantised to 16 bits across the
	// projection's range: w = w0 + dw·q (nil: the shared Weight).
	q      []uint16
	w0, dw float32
	// d8 holds per-synapse delays in steps when the longest is at most
	// 255 steps; DelaySteps keeps them (uint16) otherwise. maxD is the
	// longest.
	d8   []uint8
	maxD int
}

// MaxCompactTargets is the largest postsynaptic population whose targets
// Compact stores in 16 bits.
const MaxCompactTargets = 1 << 16

// Compact stores the projection's synapses in as few bytes as they need,
// for networks too large for Projection's plain slices: targets in 16 bits
// when the postsynaptic population has at most MaxCompactTargets neurons,
// per-synapse delays in 8 bits when none is longer than 255 steps, and
// per-synapse weights quantised to 16 bits across the projection's range,
// w = min + k·(max − min)/65535: each weight moves by at most 1/131070 of
// the range (for the weights of Potjans & Diesmann's microcircuit, normal
// with a standard deviation of 10% of the mean, about 8·10⁻⁶ of the mean).
// The microcircuit then takes 5 bytes a synapse instead of 10.
//
// Afterwards Targets, Weights and DelaySteps are nil where their compact
// forms replace them: the simulator, Synapses, WeightOf and Bytes read
// either form, but code that reads those slices directly (learning rules,
// lesions, exports) needs Expand first. Compact refuses a projection with
// a learning rule, which changes weights and rows as the network runs.
// Compacting a compact projection does nothing.
func (p *Projection) Compact() error {
	if p.Plasticity != nil {
		return fmt.Errorf("snn: projection %s: a projection with a learning rule cannot be compacted", p.Name)
	}
	if p.pk != nil {
		return nil
	}
	return p.pack(p.spans())
}

// spans are what Compact reads across a projection's synapses: how many
// weights, their range and the longest delay in steps. A rank's share of
// a projection (Share) is packed with the whole projection's, so that its
// synapses are stored as the whole projection's are.
type spans struct {
	weights  int
	wlo, whi float32
	longest  uint16
}

// spans returns the projection's own spans.
func (p *Projection) spans() spans {
	sp := spans{weights: len(p.Weights), wlo: float32(math.Inf(1)), whi: float32(math.Inf(-1))}
	for _, w := range p.Weights {
		sp.wlo, sp.whi = min(sp.wlo, w), max(sp.whi, w)
	}
	for _, d := range p.DelaySteps {
		sp.longest = max(sp.longest, d)
	}
	return sp
}

// pack is Compact with the weights quantised across sp's range and the
// delays narrowed when sp's longest fits in a byte.
func (p *Projection) pack(sp spans) error {
	pk := &packed{}
	if p.Post != nil && p.Post.Len() <= MaxCompactTargets {
		pk.t16 = make([]uint16, len(p.Targets))
		for s, t := range p.Targets {
			pk.t16[s] = uint16(t)
		}
	}
	if p.Weights != nil {
		lo, hi := sp.wlo, sp.whi
		pk.q = make([]uint16, len(p.Weights))
		if sp.weights > 0 {
			pk.w0 = lo
			if hi > lo {
				pk.dw = (hi - lo) / math.MaxUint16
				for s, w := range p.Weights {
					pk.q[s] = uint16(min(math.MaxUint16, math.Round(float64((w-lo)/pk.dw))))
				}
			}
		}
	}
	if p.DelaySteps != nil && sp.longest <= math.MaxUint8 {
		pk.maxD = int(sp.longest)
		pk.d8 = make([]uint8, len(p.DelaySteps))
		for s, d := range p.DelaySteps {
			pk.d8[s] = uint8(d)
		}
	}
	if pk.t16 == nil && pk.q == nil && pk.d8 == nil {
		return nil // nothing narrower fits
	}
	p.pk = pk
	if pk.t16 != nil {
		p.Targets = nil
	}
	if pk.q != nil {
		p.Weights = nil
	}
	if pk.d8 != nil {
		p.DelaySteps = nil
	}
	return nil
}

// Compacted reports whether Compact has packed the projection.
func (p *Projection) Compacted() bool { return p.pk != nil }

// Expand undoes Compact, restoring Targets, Weights (the quantised
// values) and DelaySteps.
func (p *Projection) Expand() {
	pk := p.pk
	if pk == nil {
		return
	}
	if pk.t16 != nil {
		p.Targets = make([]uint32, len(pk.t16))
		for s, t := range pk.t16 {
			p.Targets[s] = uint32(t)
		}
	}
	if pk.q != nil {
		p.Weights = make([]float32, len(pk.q))
		for s := range pk.q {
			p.Weights[s] = pk.weight(s)
		}
	}
	if pk.d8 != nil {
		p.DelaySteps = make([]uint16, len(pk.d8))
		for s, d := range pk.d8 {
			p.DelaySteps[s] = uint16(d)
		}
	}
	p.pk = nil
}

func (pk *packed) weight(s int) float32 { return float32(pk.q[s])*pk.dw + pk.w0 }

// bytes returns the memory of the compact arrays.
func (pk *packed) bytes() int { return 2*len(pk.t16) + 2*len(pk.q) + len(pk.d8) }

// target returns the target of synapse s.
func (p *Projection) target(s int) uint32 {
	if p.pk != nil && p.pk.t16 != nil {
		return uint32(p.pk.t16[s])
	}
	return p.Targets[s]
}

// hasDelays reports whether the synapses have delays of their own.
func (p *Projection) hasDelays() bool {
	return p.DelaySteps != nil || (p.pk != nil && p.pk.d8 != nil)
}

// hasWeights reports whether the synapses have weights of their own.
func (p *Projection) hasWeights() bool {
	return p.Weights != nil || (p.pk != nil && p.pk.q != nil)
}

// Compact compacts every projection without a learning rule (see
// Projection.Compact).
func (n *Network) Compact() {
	for _, p := range n.Projections {
		if p.Plasticity == nil {
			_ = p.Compact() // cannot fail without a learning rule
		}
	}
}

// propagatePacked is Sim.propagate for a compact projection: the same
// events in the same order, read from the compact arrays.
func (s *Sim) propagatePacked(pj *projState, t int, n int64, par int64) {
	p, pk, rg := pj.proj, pj.proj.pk, pj.ring
	last := s.threads - 1
	delayed := p.hasDelays() && rg.slots > 1
	var fixed []float32
	if !delayed {
		fixed = rg.slot(n + int64(pj.delay))
	}
	var gate []int32
	if rg.slots == 1 {
		gate = rg.gate // no buffer: events land in the variable itself
	}
	// off[d] is where the ring's slot d steps ahead of n begins.
	var off [math.MaxUint8 + 1]int
	if delayed && pk.d8 != nil {
		size, base := rg.pop.pop.Len(), int(n%int64(rg.slots))
		for d := 0; d <= pk.maxD; d++ {
			k := base + d
			if k >= rg.slots {
				k -= rg.slots
			}
			off[d] = k * size
		}
	}
	fast := pk.t16 != nil && gate == nil && p.STP == nil && (!delayed || pk.d8 != nil)
	sc := &s.scatter[t] // delayed events, gathered and added in batches (scatter.go)
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
			if !fast {
				e := float32(1)
				if eff != nil {
					e = eff[si]
				}
				for syn := a; syn < b; syn++ {
					j := p.target(syn)
					if gate != nil && gate[j] != 0 {
						continue
					}
					w := p.WeightOf(syn) * e
					if fixed != nil {
						fixed[j] += w
					} else {
						rg.slot(n + int64(p.delaySteps(syn, 0)))[j] += w
					}
				}
				continue
			}
			tg := pk.t16[a:b]
			switch {
			case delayed && pk.q != nil:
				sc.quantised(rg.buf, tg, pk.q[a:b], pk.d8[a:b], &off, pk.w0, pk.dw)
			case delayed:
				sc.shared(rg.buf, tg, pk.d8[a:b], &off, p.Weight)
			case pk.q != nil:
				addQuantised(fixed, tg, pk.q[a:b], pk.w0, pk.dw)
			default:
				addShared(fixed, tg, p.Weight)
			}
		}
	}
	sc.flush(rg.buf)
}

// addShared adds wt into fixed at each target of tg. It is a function of
// its own, never inlined: inside propagatePacked, with its many live
// values, the compiler kept the loop's counter and two of propagatePacked's
// values on the stack, reloading them for every synapse, and Brunel's
// network compacted took 13% more CPU (BenchmarkBrunelCompact).
//
//go:noinline
func addShared(fixed []float32, tg []uint16, wt float32) {
	for _, j := range tg {
		fixed[j] += wt
	}
}

// addQuantised adds each synapse's weight w0 + dw·q into fixed at its
// target (see addShared).
//
//go:noinline
func addQuantised(fixed []float32, tg, q []uint16, w0, dw float32) {
	q = q[:len(tg)]
	for k, j := range tg {
		fixed[j] += float32(q[k])*dw + w0
	}
}
