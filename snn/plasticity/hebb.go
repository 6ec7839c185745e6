package plasticity

import (
	"fmt"
	"math"

	"github.com/neurite/neurite/snn"
)

// Oja is Hebb's rule with Oja's (1982) normalisation for one linear unit
// y = w·x: Δw = Rate·y·(x − y·w). Plain Hebbian learning (Δw = Rate·y·x)
// grows without bound; the decay term keeps |w| near 1, and w converges to
// the first principal component of the inputs (the unit-length eigenvector
// of their covariance with the largest eigenvalue), up to sign.
type Oja struct {
	Rate float64
	W    []float64
}

// Step presents one input vector and returns the unit's output before the
// update.
func (o *Oja) Step(x []float64) float64 {
	var y float64
	for i, v := range x {
		y += o.W[i] * v
	}
	for i, v := range x {
		o.W[i] += o.Rate * y * (v - y*o.W[i])
	}
	return y
}

// RateHebb is rate-based Hebbian learning with Oja's normalisation inside
// a spiking network: each neuron's firing rate is estimated by a trace
// with time constant Tau (in Hz), and every step each synapse changes by
// Rate·dt·r_post·(r_pre − r_post·w) (rates in Hz, dt in s), so synapses
// from neurons that fire with their target grow, and the sum of squares of
// a neuron's incoming weights stays bounded. Weights are kept in [0, WMax]
// (WMax 0: no upper bound).
type RateHebb struct {
	Rate float64 // learning rate, per Hz² per second
	Tau  float64 // rate-estimate time constant, ms
	WMax float64

	pre, post trace
	scale     float64 // Hz per trace unit
	dtSec     float64
}

// Prepare checks the parameters.
func (r *RateHebb) Prepare(p *snn.Projection, dt float64) error {
	if !(r.Rate > 0) || !(r.Tau > 0) || r.WMax < 0 {
		return fmt.Errorf("RateHebb needs positive Rate and Tau and WMax ≥ 0 (got Rate %v, Tau %v, WMax %v)", r.Rate, r.Tau, r.WMax)
	}
	p.PerSynapseWeights()
	r.pre, r.post = newTrace(p.Pre.Len(), r.Tau, dt), newTrace(p.Post.Len(), r.Tau, dt)
	// A neuron firing at f Hz holds its trace near f·τ/1000 on average.
	r.scale, r.dtSec = 1000/r.Tau, dt/1000
	return nil
}

// Update updates the rate estimates with step n's spikes and every weight.
func (r *RateHebb) Update(p *snn.Projection, n int64, pre, post []int32) {
	r.pre.resize(p.Pre.Len())
	r.post.resize(p.Post.Len())
	r.pre.advance(pre)
	r.post.advance(post)
	w := p.Weights
	k := r.Rate * r.dtSec
	for i := range p.Pre.Len() {
		ri := r.pre.v[i] * r.scale
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			rj := r.post.v[p.Targets[s]] * r.scale
			if rj == 0 {
				continue
			}
			v := float64(w[s]) + k*rj*(ri-rj*float64(w[s]))
			v = math.Max(v, 0)
			if r.WMax > 0 {
				v = math.Min(v, r.WMax)
			}
			w[s] = float32(v)
		}
	}
}

// Scaling is homeostatic synaptic scaling (Turrigiano et al. 1998): every
// Every ms, each postsynaptic neuron's incoming weights are multiplied by
// 1 + Gain·(Target − r)/Target, where r is its rate over a trace of time
// constant Tau, so neurons firing above Target weaken all their inputs in
// proportion and those below strengthen them, keeping Hebbian learning
// from running away while preserving the relative weights it learned.
// Weights are kept in [0, WMax] (WMax 0: no upper bound).
type Scaling struct {
	Target float64 // Hz
	Tau    float64 // ms
	Every  float64 // ms
	Gain   float64 // fraction of the relative error corrected per update
	WMax   float64

	post  trace
	scale float64
	every int64
	idx   index
}

// Prepare checks the parameters.
func (r *Scaling) Prepare(p *snn.Projection, dt float64) error {
	if !(r.Target > 0) || !(r.Tau > 0) || !(r.Every > 0) || !(r.Gain > 0 && r.Gain <= 1) || r.WMax < 0 {
		return fmt.Errorf("Scaling needs positive Target, Tau and Every, Gain in (0, 1] and WMax ≥ 0 (got Target %v, Tau %v, Every %v, Gain %v, WMax %v)", r.Target, r.Tau, r.Every, r.Gain, r.WMax)
	}
	p.PerSynapseWeights()
	r.post = newTrace(p.Post.Len(), r.Tau, dt)
	r.scale = 1000 / r.Tau
	r.every = max(1, int64(math.Round(r.Every/dt)))
	r.idx.rebuild(p)
	return nil
}

// Rate returns postsynaptic neuron j's current rate estimate in Hz.
func (r *Scaling) Rate(j int) float64 { return r.post.v[j] * r.scale }

// Update tracks the rates and scales the weights every Every ms.
func (r *Scaling) Update(p *snn.Projection, n int64, pre, post []int32) {
	r.post.advance(post)
	if (n+1)%r.every != 0 {
		return
	}
	r.idx.refresh(p)
	w := p.Weights
	for j := range p.Post.Len() {
		f := 1 + r.Gain*(r.Target-r.Rate(j))/r.Target
		f = math.Max(f, 0)
		for _, s := range r.idx.into(int32(j)) {
			v := float64(w[s]) * f
			if r.WMax > 0 {
				v = math.Min(v, r.WMax)
			}
			w[s] = float32(v)
		}
	}
}
