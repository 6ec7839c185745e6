package snn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"runtime"

	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/topology"
)

// Estimate is what a network needs in memory to be built and simulated,
// computed from its description before anything is allocated.
type Estimate struct {
	Neurons  float64 // neurons in all populations
	Synapses float64 // synapses expected from the connection rules (of the Share)
	// Share is the part of the network estimated (zero: all of it): a
	// rank's share holds every neuron but only the synapses onto its own.
	Share Share
	// Bytes is the estimated peak: every model's state, the synapses
	// (Projection.Bytes, with room the rules reserve while wiring), the
	// delay ring buffers (longest delay in steps + 1, times the neurons
	// of each target variable) and the simulator's per-neuron and
	// per-projection bookkeeping.
	Bytes float64
}

// What names the network in errors: "a network of 4000 neurons and about
// 3.2e+05 synapses".
func (e Estimate) What() string {
	if e.Share.split() {
		return fmt.Sprintf("rank %d of %d's share (about %.3g synapses) of a network of %.0f neurons", e.Share.Rank, e.Share.Ranks, e.Synapses, e.Neurons)
	}
	return fmt.Sprintf("a network of %.0f neurons and about %.3g synapses", e.Neurons, e.Synapses)
}

// Check returns a *budget.Error naming the network when e.Bytes exceeds
// limit bytes (0: budget.Default()).
func (e Estimate) Check(limit int64) error {
	return budget.Check("snn: "+e.What(), e.Bytes, limit)
}

// MaxDelaySteps is the longest transmission delay a projection may have,
// in time steps: per-synapse delays are stored as uint16, and a uniform
// delay is held to the same bound, since the ring buffer it needs holds
// that many steps of input for every target neuron.
const MaxDelaySteps = math.MaxUint16

// simNeuronBytes is the simulator's own memory per neuron: the spikes of
// the step and of the step before (int32 each, all neurons at worst).
const simNeuronBytes = 8

// The state each model allocates per neuron, in bytes (float32 variables,
// int32 refractory counters, and the vector kernels' spike bits).
const (
	ifBytes    = 4*4 + 4 + 1.0/lanes // V, Ge, Gi, I, ref, mask
	alphaBytes = 2 * 4               // Xe, Xi
	thetaBytes = 4                   // LIF's adaptive threshold
	izhBytes   = 8*4 + 4             // A, B, C, D, V, U, I, Iext, ref
	adexBytes  = 4*4 + 4             // V, W, I, Is, ref
	hhBytes    = 5*4 + 1 + 4         // V, M, H, N, I, above, ref
)

// neuronBytes returns the state per neuron of the population ps
// describes (without building it), and the bytes its spike lists take
// for a spikes population.
func (ps *PopulationSpec) neuronBytes() float64 {
	var opts struct {
		Kernel    Kernel
		ThetaJump float64
	}
	if len(ps.Params) > 0 {
		// Only the fields that change the state's size; the model reports
		// errors in the parameters when it is built.
		_ = json.NewDecoder(bytes.NewReader(ps.Params)).Decode(&opts)
	}
	b := 0.0
	switch ps.Model {
	case "lif", "condlif":
		b = ifBytes
		if opts.Kernel == AlphaKernel {
			b += alphaBytes
		}
		if ps.Model == "lif" && opts.ThetaJump > 0 {
			b += thetaBytes
		}
	case "izhikevich":
		b = izhBytes
	case "adex":
		b = adexBytes
	case "hh":
		b = hhBytes
	case "poisson":
		b = 4
	case "spikes":
		// Each train's steps (8 bytes a spike) and its slice and cursor.
		spikes := 0
		for _, tr := range ps.Spikes {
			spikes += len(tr)
		}
		return 32 + 8*float64(spikes)/max(1, float64(len(ps.Spikes)))
	}
	if ps.Box != nil {
		b += 24 // positions
	}
	return b
}

// ruleSynapses returns the synapses a rule is expected to make between
// pre and post neurons, and the bytes wiring them takes (topology's
// estimate, with the room it reserves); ok is false for a rule the
// estimate does not know (Build reports it).
func ruleSynapses(js *ProjectionSpec, pre, post int) (synapses, wiring float64, ok bool) {
	pairs := float64(pre) * float64(post)
	switch js.Rule {
	case "all":
		return pairs, topology.AllToAllBytes(pre, post), true
	case "one-to-one":
		return float64(pre), topology.OneToOneBytes(pre), true
	case "probability":
		p := js.P
		if !(p >= 0 && p <= 1) {
			return 0, 0, false
		}
		return pairs * p, topology.FixedProbabilityBytes(pre, post, p), true
	case "in-degree":
		k := max(0, js.K)
		return float64(post) * float64(k), topology.FixedInDegreeBytes(pre, post, k), true
	case "total":
		n := max(0, js.Count)
		return float64(n), topology.FixedTotalBytes(pre, post, n), true
	}
	return 0, 0, false
}

// compactBytes returns what a compacted projection of synapses synapses
// onto post neurons keeps per synapse beyond its row pointers (see
// Projection.Compact): 2 or 4 bytes of target, 2 of weight when weights
// differ, and 1 or 2 of delay when delays do (1 when the longest, in
// steps, fits in a byte).
func compactBytes(post int, weights, delays bool, longestSteps int) float64 {
	b := 4.0
	if post <= MaxCompactTargets {
		b = 2
	}
	if weights {
		b += 2
	}
	if delays {
		b++
		if longestSteps > 255 {
			b++
		}
	}
	return b
}

// projectionExtra returns what a projection of synapses synapses from pre
// to post neurons holds beyond its wiring: its own weights, delays,
// short-term plasticity state, a learning rule's index (about 8 bytes a
// synapse and 24 a neuron: STDP's transposed index and traces) and the
// simulator's split of each row between threads workers.
func projectionExtra(synapses float64, pre, post int, weights, delays, stp, plastic bool, threads int) float64 {
	b := 8 * float64(pre) * float64(threads-1)
	if weights {
		b += 4 * synapses
	}
	if delays {
		b += 2 * synapses
	}
	if stp {
		b += 24 * float64(pre)
	}
	if plastic {
		b += 8*synapses + 24*float64(pre+post)
	}
	return b
}

// rings sums the delay ring buffers: one per target variable of each
// population, as long as the longest delay onto it.
type rings map[[2]any]ringSize

type ringSize struct {
	slots   int
	neurons int
}

func (r rings) add(post any, target string, neurons, delaySteps int) {
	k := [2]any{post, target}
	rs := r[k]
	rs.neurons = neurons
	rs.slots = max(rs.slots, min(delaySteps, MaxDelaySteps)+1)
	r[k] = rs
}

func (r rings) bytes() float64 {
	b := 0.0
	for _, rs := range r {
		if rs.slots > 1 {
			b += 4 * float64(rs.slots) * float64(rs.neurons)
		}
	}
	return b
}

// delaySteps returns a delay in whole steps of dt, saturating instead of
// overflowing.
func delaySteps(delay, dt float64) int {
	s := math.Round(delay / dt)
	if !(s < MaxDelaySteps+1) {
		return MaxDelaySteps + 1
	}
	return max(0, int(s))
}

// workers is the number of simulator threads an estimate assumes: the
// process's parallelism, which is what NewSim uses by default.
func workers() int { return runtime.GOMAXPROCS(0) }

// Estimate returns what the network the spec describes will need, from
// its sizes alone: nothing is allocated. Items Build would refuse (an
// unknown model or rule, a missing population) count as empty.
func (s *Spec) Estimate() Estimate { return s.EstimateShare(Share{}) }

// EstimateShare is Estimate for sh's share of the network (BuildShare):
// every neuron and delay buffer, and of each projection the synapses onto
// the rank's neurons (the rule's estimate in proportion, its row pointers
// and counts per sender whole).
func (s *Spec) EstimateShare(sh Share) Estimate {
	e := Estimate{Share: sh}
	dt := s.DT
	if !(dt > 0) {
		dt = 0.1
	}
	threads := workers()
	sizes := map[string]int{}
	boxes := map[string]*[3]float64{}
	for _, ps := range s.Populations {
		n := max(0, ps.N)
		if ps.Model == "spikes" && n == 0 {
			n = len(ps.Spikes)
		}
		sizes[ps.Name] = n
		boxes[ps.Name] = ps.Box
		e.Neurons += float64(n)
		e.Bytes += float64(n) * (ps.neuronBytes() + simNeuronBytes)
	}
	rs := rings{}
	// With Compact, each projection is built in full, then compacted, one
	// per core at once: the peak is every compacted projection plus the
	// largest in full once per core.
	largestFull, compacted := 0.0, 0
	for k := range s.Projections {
		js := &s.Projections[k]
		pre, okPre := sizes[js.Pre]
		post, okPost := sizes[js.Post]
		if !okPre || !okPost {
			continue
		}
		syn, wiring, ok := ruleSynapses(js, pre, post)
		if !ok {
			continue
		}
		if frac := sh.part(post).Fraction(post); frac < 1 {
			syn, wiring = syn*frac, topology.PartBytes(wiring, pre, frac)
		}
		steps := delaySteps(js.Delay, dt)
		if js.Conduction != nil {
			steps = delaySteps(js.Conduction.longest(boxes[js.Pre], boxes[js.Post]), dt)
		}
		if js.Delays != nil {
			steps = delaySteps(js.Delays.longest(), dt)
		}
		rs.add(js.Post, js.Target, post, steps)
		e.Synapses += syn
		weights, delays := js.Weights != nil || js.Plasticity != nil, js.Conduction != nil || js.Delays != nil
		full := wiring + projectionExtra(syn, pre, post, weights, delays, js.STP != nil, js.Plasticity != nil, threads)
		if !s.Compact || js.Plasticity != nil {
			e.Bytes += full
			continue
		}
		largestFull = max(largestFull, full)
		compacted++
		e.Bytes += full - syn*(4+4*b2f(weights)+2*b2f(delays)) + syn*compactBytes(post, weights, delays, steps)
	}
	e.Bytes += rs.bytes() + largestFull*float64(min(threads, compacted))
	return e
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// longest returns the longest delay (ms) conduction gives between
// neurons placed in boxes pre and post (both with a corner at the
// origin): the far corners' distance at the effective velocity.
func (c *Conduction) longest(pre, post *[3]float64) float64 {
	if pre == nil || post == nil {
		return 0
	}
	d := 0.0
	for i := range 3 {
		d += math.Pow(max(pre[i], post[i]), 2)
	}
	v := c.EffectiveVelocity()
	if !(v > 0) {
		return 0
	}
	return c.Synaptic + math.Sqrt(d)/v
}

// presetEstimate returns what a two-population benchmark network (ne and
// ni neurons, perNeuron bytes of state each, wired by probability p onto
// one target variable per population with a delay of delay steps) needs.
func presetEstimate(ne, ni int, perNeuron, p float64, delay int, sh Share) Estimate {
	e := Estimate{Neurons: float64(ne) + float64(ni), Share: sh}
	e.Bytes = e.Neurons * (perNeuron + simNeuronBytes)
	threads := workers()
	for _, c := range [][2]int{{ne, ne}, {ne, ni}, {ni, ne}, {ni, ni}} {
		frac := sh.part(c[1]).Fraction(c[1])
		syn := frac * p * float64(c[0]) * float64(c[1])
		e.Synapses += syn
		e.Bytes += topology.PartBytes(topology.FixedProbabilityBytes(c[0], c[1], p), c[0], frac) +
			projectionExtra(syn, c[0], c[1], false, false, false, false, threads)
	}
	if delay > 0 {
		// Excitatory and inhibitory synapses share a target variable per
		// population: one ring for each population.
		e.Bytes += 4 * float64(delay+1) * e.Neurons
	}
	return e
}

// PresetEstimate returns what Preset(name, o) will need, without building
// anything.
func PresetEstimate(name string, o PresetOptions) (Estimate, error) {
	if err := o.Share.check(); err != nil {
		return Estimate{}, err
	}
	n := o.n(name)
	switch name {
	case "coba", "cuba":
		ne, ni, err := splitEI(n)
		if err != nil {
			return Estimate{}, err
		}
		return presetEstimate(ne, ni, ifBytes, 80/float64(n), 0, o.Share), nil
	case "brunel":
		if n < 4 {
			return Estimate{}, fmt.Errorf("snn: Brunel network with %d excitatory neurons: need at least 4", n)
		}
		return presetEstimate(n, (n+2)/4, ifBytes, brunelEps, delaySteps(brunelDelay, 0.1), o.Share), nil
	case "izhikevich":
		const ne, ni = 800, 200
		e := Estimate{Neurons: ne + ni, Share: o.Share}
		for _, c := range [][2]int{{ne, ne}, {ne, ni}, {ni, ne}, {ni, ni}} {
			frac := o.Share.part(c[1]).Fraction(c[1])
			syn := frac * float64(c[0]) * float64(c[1])
			e.Synapses += syn
			e.Bytes += topology.PartBytes(topology.AllToAllBytes(c[0], c[1]), c[0], frac) + 4*syn
		}
		e.Bytes += e.Neurons * (izhBytes + simNeuronBytes)
		return e, nil
	case "hh":
		if n < 0 {
			return Estimate{}, fmt.Errorf("snn: HH: %d neurons", n)
		}
		return Estimate{Neurons: float64(n), Bytes: float64(n) * (hhBytes + simNeuronBytes)}, nil
	case "microcircuit":
		s, err := MicrocircuitSpec(o.microcircuit())
		if err != nil {
			return Estimate{}, err
		}
		return s.EstimateShare(o.Share), nil
	}
	return Estimate{}, fmt.Errorf("snn: unknown preset %q (have %v)", name, PresetNames)
}

// checkPreset refuses sh's share of preset name of n neurons when its
// estimate is over limit bytes (0: budget.Default()).
func checkPreset(name string, n int, limit int64, sh Share) error {
	e, err := PresetEstimate(name, PresetOptions{N: max(n, 1), Share: sh})
	if err != nil {
		return err
	}
	return e.Check(limit)
}

// EventCUBAEstimate returns what EventCUBA(n, …) needs: the random wiring
// of 80 synapses per neuron, and per neuron its potential, last update,
// refractory end, prediction version and presynaptic weight, and room in
// the event queue.
func EventCUBAEstimate(n int) Estimate {
	e := Estimate{Neurons: float64(n), Synapses: 80 * float64(n)}
	e.Bytes = topology.FixedProbabilityBytes(n, n, min(1, 80/float64(max(n, 1)))) + float64(n)*(8+8+8+4+8+2*24)
	return e
}
