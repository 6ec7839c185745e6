package snn

import (
	"fmt"
	"math"
)

// Input drives a population from outside the network. The engine calls
// Apply once per step for each worker's range, after synaptic events are
// queued and before they are delivered (Brian2's "synapses" slot).
type Input interface {
	// Population returns the population the input drives.
	Population() *Population
	// Prepare validates the input for a time step dt (ms); rng is the
	// input's own random stream.
	Prepare(dt float64, rng Stream) error
	// Apply adds or sets the input of step n for neurons [lo, hi).
	Apply(n int64, lo, hi int)
}

// PoissonInput models N independent Poisson sources of Rate Hz projecting
// onto every neuron of Pop with weight Weight added to variable Var (Brian2's
// PoissonInput). Each step, each neuron receives k·Weight with k drawn from
// Binomial(N, Rate·dt), which is exact for sources firing at most once a step.
// Input to a gated variable of a refractory neuron is dropped (see Gated).
type PoissonInput struct {
	Pop    *Population
	Var    string  // target variable, e.g. "v" or "ge"
	N      int     // number of sources per neuron (≥ 0)
	Rate   float64 // firing rate of each source, Hz (≥ 0)
	Weight float32 // added to Var per source spike

	target []float32
	gate   []int32
	draw   binomialSampler
	rng    Stream
}

// Population returns the driven population.
func (in *PoissonInput) Population() *Population { return in.Pop }

// Prepare checks the input and computes the per-step spike probability.
func (in *PoissonInput) Prepare(dt float64, rng Stream) error {
	if in.Pop == nil {
		return fmt.Errorf("snn: PoissonInput: no population")
	}
	if in.target = in.Pop.Model.Var(in.Var); in.target == nil {
		return fmt.Errorf("snn: PoissonInput: population %s has no variable %q", in.Pop.Name, in.Var)
	}
	if in.N < 0 {
		return fmt.Errorf("snn: PoissonInput: %d sources", in.N)
	}
	if err := nonNegative("PoissonInput", "Rate", in.Rate); err != nil {
		return err
	}
	p := in.Rate * dt / 1000
	if p > 1 {
		return fmt.Errorf("snn: PoissonInput: rate %v Hz exceeds one spike per step of %v ms", in.Rate, dt)
	}
	in.draw = newBinomialSampler(in.N, p)
	in.gate = gateOf(in.Pop.Model, in.Var)
	in.rng = rng
	return nil
}

// Apply adds this step's source spikes.
func (in *PoissonInput) Apply(n int64, lo, hi int) {
	d := &in.draw
	if d.guide == nil {
		for i := lo; i < hi; i++ {
			if in.gate != nil && in.gate[i] != 0 {
				continue // refractory: the input is lost, as in Brian2
			}
			if k := d.draw(in.rng.Uniform(n, i)); k > 0 {
				in.target[i] += float32(k) * in.Weight
			}
		}
		return
	}
	// The same draws as above, with the stream's counter and the sampler's
	// guide table inlined, in integers: uniform's u is m·2⁻⁵³ for the
	// 53-bit m of uniformBits, its guide entry m >> (53 − guideBits), and
	// u ≥ cdf[k] exactly when m ≥ at[k] (binomialSampler.at). The bits are
	// drawn a block of neurons at a time (with AVX2, eight at once).
	key, ctr := in.rng.key, uint64(n)*stepMul+uint64(lo)
	tgt, w := in.target[lo:hi], in.Weight
	var gate []int32
	if in.gate != nil {
		gate = in.gate[lo:hi]
		gate = gate[:len(tgt)]
	}
	guide := (*[guideSize]uint16)(d.guide)
	at := d.at
	var bits [256]uint64
	for len(tgt) > 0 {
		c := min(len(bits), len(tgt))
		var g []int32 // this block's gates (nil: none)
		if gate != nil {
			g, gate = gate[:c], gate[c:]
		}
		uniformBits(bits[:c], key, ctr)
		applyDraws(d, tgt[:c], g, bits[:c], guide, at, w)
		tgt, ctr = tgt[c:], ctr+uint64(c)
	}
}

// applyDraws adds to each neuron of tgt the weight w times its draw for the
// 53 bits m of bits, skipping gated neurons (PoissonInput.Apply).
func applyDraws(d *binomialSampler, tgt []float32, gate []int32, bits []uint64, guide *[guideSize]uint16, at []uint64, w float32) {
	bits = bits[:len(tgt)]
	for i, m := range bits {
		if gate != nil && gate[i] != 0 {
			continue // refractory: the input is lost, as in Brian2
		}
		k := int(guide[m>>(53-guideBits)&(guideSize-1)])
		for k < len(at) && m >= at[k] {
			k++
		}
		if k == len(at) {
			k = d.draw(float64(m) * 0x1p-53) // past the table
		}
		// No source fired (k = 0) about as often as one or two did at the
		// microcircuit's rates, which a branch mispredicts: the sum is
		// formed either way, and a conditional move keeps the old bits
		// when k = 0 (adding +0 would turn a −0 into +0): a quarter less
		// time per neuron (BenchmarkPoissonInput), the same bits.
		old := math.Float32bits(tgt[i])
		sum := math.Float32bits(tgt[i] + float32(k)*w)
		if k == 0 {
			sum = old
		}
		tgt[i] = math.Float32frombits(sum)
	}
}

// Current sets a variable of every neuron in Pop (typically the injected
// current "I") each step to Amplitude + Sigma·ξ between Start and Stop ms,
// and to zero outside that window, where ξ is a fresh standard normal per
// neuron and step. Sigma = 0 gives a constant or step current. Note that
// the noise is drawn per step, not scaled as white noise with 1/√dt.
type Current struct {
	Pop       *Population
	Var       string    // variable set each step; "I" if empty
	Amplitude float64   // in the variable's unit (pA for CondLIF, mV for LIF)
	Sigma     float64   // standard deviation of the per-step noise (≥ 0)
	Start     float64   // onset, ms
	Stop      float64   // offset, ms; 0 means never
	Bias      []float64 // optional per-neuron amplitude added to Amplitude

	target []float32
	dt     float64
	rng    Stream
}

// Population returns the driven population.
func (c *Current) Population() *Population { return c.Pop }

// Prepare checks the input.
func (c *Current) Prepare(dt float64, rng Stream) error {
	if c.Pop == nil {
		return fmt.Errorf("snn: Current: no population")
	}
	name := c.Var
	if name == "" {
		name = "I"
	}
	if c.target = c.Pop.Model.Var(name); c.target == nil {
		return fmt.Errorf("snn: Current: population %s has no variable %q", c.Pop.Name, name)
	}
	if c.Bias != nil && len(c.Bias) != c.Pop.Len() {
		return fmt.Errorf("snn: Current: %d biases for %d neurons", len(c.Bias), c.Pop.Len())
	}
	if err := firstErr(finite("Current", "Amplitude", c.Amplitude), nonNegative("Current", "Sigma", c.Sigma)); err != nil {
		return err
	}
	c.dt, c.rng = dt, rng
	return nil
}

// Apply sets the variable for step n.
func (c *Current) Apply(n int64, lo, hi int) {
	t := float64(n) * c.dt
	if !(t >= c.Start && (c.Stop == 0 || t < c.Stop)) {
		clear(c.target[lo:hi])
		return
	}
	if c.Bias == nil && c.Sigma == 0 {
		v := float32(c.Amplitude)
		tgt := c.target[lo:hi]
		for i := range tgt {
			tgt[i] = v
		}
		return
	}
	for i := lo; i < hi; i++ {
		v := c.Amplitude
		if c.Bias != nil {
			v += c.Bias[i]
		}
		if c.Sigma > 0 {
			v += c.Sigma * c.rng.Normal(n, i)
		}
		c.target[i] = float32(v)
	}
}

// STP is Tsodyks–Markram short-term plasticity for a projection, in the
// form of Maass & Markram (2002): the n-th spike of a presynaptic neuron
// transmits w·uₙ·Rₙ, where
//
//	u₁ = U,  R₁ = 1
//	uₙ₊₁ = U + uₙ(1 − U)·exp(−Δt/τF)
//	Rₙ₊₁ = 1 + (Rₙ − uₙRₙ − 1)·exp(−Δt/τD)
//
// and Δt is the interval between spikes. Large TauD with small TauF gives
// depression (fatigue); large TauF with small U gives facilitation. State
// is kept per presynaptic neuron, since all its synapses in the projection
// see the same spike train.
type STP struct {
	U    float64 // utilisation of synaptic efficacy, in (0, 1]
	TauD float64 // recovery from depression, ms (> 0)
	TauF float64 // decay of facilitation, ms (≥ 0; 0 disables it)

	u, r []float64
	last []int64 // step of the previous spike, or −1
	dt   float64
}

func (s *STP) validate() error {
	if !(s.U > 0 && s.U <= 1) {
		return fmt.Errorf("snn: STP: U = %v, must be in (0, 1]", s.U)
	}
	return firstErr(positive("STP", "TauD", s.TauD), nonNegative("STP", "TauF", s.TauF))
}

func (s *STP) prepare(n int, dt float64) {
	s.u, s.r, s.last, s.dt = make([]float64, n), make([]float64, n), make([]int64, n), dt
	for i := range s.last {
		s.last[i] = -1
	}
}

// efficacy returns uₙRₙ for a spike of neuron i at step n and advances
// the neuron's state.
func (s *STP) efficacy(i int, n int64) float32 {
	if s.last[i] < 0 {
		s.u[i], s.r[i] = s.U, 1
	} else {
		gap := float64(n-s.last[i]) * s.dt
		f := 0.0
		if s.TauF > 0 {
			f = math.Exp(-gap / s.TauF)
		}
		u, r := s.u[i], s.r[i]
		s.u[i] = s.U + u*(1-s.U)*f
		s.r[i] = 1 + (r-u*r-1)*math.Exp(-gap/s.TauD)
	}
	s.last[i] = n
	return float32(s.u[i] * s.r[i])
}
