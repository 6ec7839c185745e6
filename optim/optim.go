// Package optim updates network parameters from their gradients: SGD
// (with momentum, Nesterov momentum and weight decay), Adam and AdamW;
// learning-rate schedules (step, exponential, cosine, linear warm-up); and
// gradient clipping. Updates follow PyTorch's definitions, so settings
// carry over.
package optim

import (
	"fmt"
	"math"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/tensor"
)

// Optimizer applies one update to parameters from their gradients.
// Frozen parameters are skipped.
type Optimizer interface {
	Step(params []*ann.Param)
	// LR returns the current learning rate; SetLR changes it (schedules).
	LR() float64
	SetLR(lr float64)
	// State returns what the optimizer remembers between steps, and
	// Restore puts it back (checkpoints): with both, training resumes
	// exactly where it stopped.
	State(params []*ann.Param) State
	Restore(params []*ann.Param, s State) error
}

// State is an optimizer's memory: the number of steps taken and one buffer
// per parameter and slot, keyed "slot:parameter name" with PyTorch's slot
// names (momentum_buffer; exp_avg and exp_avg_sq).
type State struct {
	Steps   int
	Buffers map[string][]float32
}

func stateKey(slot string, p *ann.Param) string { return slot + ":" + p.Name }

// save copies the buffers of one slot into s.
func (s *State) save(slot string, params []*ann.Param, bufs map[*ann.Param][]float32) {
	for _, p := range params {
		if b, ok := bufs[p]; ok {
			s.Buffers[stateKey(slot, p)] = append([]float32(nil), b...)
		}
	}
}

// restore fills bufs from s for one slot, checking every length; keys s
// holds for no parameter are errors too, so a checkpoint of another
// architecture cannot half-load.
func (s State) restore(slot string, params []*ann.Param, used map[string]bool) (map[*ann.Param][]float32, error) {
	bufs := map[*ann.Param][]float32{}
	for _, p := range params {
		k := stateKey(slot, p)
		b, ok := s.Buffers[k]
		if !ok {
			continue
		}
		if len(b) != p.Value.Len() {
			return nil, fmt.Errorf("optim: state %q has %d values, the parameter has %d", k, len(b), p.Value.Len())
		}
		bufs[p] = append([]float32(nil), b...)
		used[k] = true
	}
	return bufs, nil
}

func checkAllUsed(s State, used map[string]bool) error {
	for k := range s.Buffers {
		if !used[k] {
			return fmt.Errorf("optim: state %q matches no parameter of this optimizer and network", k)
		}
	}
	return nil
}

// New returns an optimizer by name: sgd, adam or adamw.
func New(name string, lr, momentum, weightDecay float64, nesterov bool) (Optimizer, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("optim: learning rate %v: must be positive", lr)
	}
	if !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) {
		return nil, fmt.Errorf("optim: momentum %v must be in [0, 1) and weight decay %v ≥ 0", momentum, weightDecay)
	}
	switch name {
	case "sgd", "":
		if nesterov && momentum == 0 {
			return nil, fmt.Errorf("optim: Nesterov momentum needs --momentum > 0")
		}
		return &SGD{Rate: lr, Momentum: momentum, Nesterov: nesterov, WeightDecay: weightDecay}, nil
	case "adam":
		return &Adam{Rate: lr, WeightDecay: weightDecay}, nil
	case "adamw":
		wd := weightDecay
		if wd == 0 {
			wd = 0.01 // PyTorch's AdamW default
		}
		return &Adam{Rate: lr, WeightDecay: wd, Decoupled: true}, nil
	}
	return nil, fmt.Errorf("optim: unknown optimizer %q (have sgd, adam, adamw)", name)
}

// SGD is stochastic gradient descent. With weight decay λ the gradient is
// g + λw; with momentum μ the step is along b ← μb + g (b₁ = g), or along
// g + μb with Nesterov momentum (Sutskever et al. 2013), as in PyTorch.
type SGD struct {
	Rate, Momentum, WeightDecay float64
	Nesterov                    bool

	steps    int
	velocity map[*ann.Param][]float32
}

// LR returns the learning rate.
func (o *SGD) LR() float64 { return o.Rate }

// SetLR sets the learning rate.
func (o *SGD) SetLR(lr float64) { o.Rate = lr }

// Step updates every parameter that is not frozen.
func (o *SGD) Step(params []*ann.Param) {
	o.steps++
	lr, mu, wd := float32(o.Rate), float32(o.Momentum), float32(o.WeightDecay)
	if mu != 0 && o.velocity == nil {
		o.velocity = map[*ann.Param][]float32{}
	}
	for _, p := range params {
		if p.Frozen {
			continue
		}
		w, g := p.Value.Data, p.Grad.Data
		if mu == 0 {
			if wd != 0 {
				tensor.Scale(w, 1-lr*wd, w) // w − lr·wd·w, then the gradient step
			}
			tensor.AddScaled(w, -lr, g)
			continue
		}
		b, started := o.velocity[p]
		if !started {
			b = make([]float32, len(w))
			o.velocity[p] = b
		}
		for i := range w {
			gi := g[i] + wd*w[i]
			if started {
				b[i] = mu*b[i] + gi
			} else {
				b[i] = gi
			}
			if o.Nesterov {
				gi += mu * b[i]
			} else {
				gi = b[i]
			}
			w[i] -= lr * gi
		}
	}
}

// State returns the momentum buffers.
func (o *SGD) State(params []*ann.Param) State {
	s := State{Steps: o.steps, Buffers: map[string][]float32{}}
	s.save("momentum_buffer", params, o.velocity)
	return s
}

// Restore sets the momentum buffers from s.
func (o *SGD) Restore(params []*ann.Param, s State) error {
	used := map[string]bool{}
	v, err := s.restore("momentum_buffer", params, used)
	if err != nil {
		return err
	}
	if err := checkAllUsed(s, used); err != nil {
		return err
	}
	if s.Steps < 0 {
		return fmt.Errorf("optim: SGD state with %d steps", s.Steps)
	}
	o.steps, o.velocity = s.Steps, v
	return nil
}

// Adam is the Adam optimizer (Kingma & Ba 2015) with bias-corrected
// moment estimates. WeightDecay adds λw to the gradient (L2, as PyTorch's
// Adam); with Decoupled it instead shrinks the weights by lr·λ before the
// step (AdamW, Loshchilov & Hutter 2019). Zero Beta1, Beta2, Eps mean
// PyTorch's defaults 0.9, 0.999, 1e-8.
type Adam struct {
	Rate, Beta1, Beta2, Eps, WeightDecay float64
	Decoupled                            bool

	t    int
	m, v map[*ann.Param][]float32
}

// LR returns the learning rate.
func (o *Adam) LR() float64 { return o.Rate }

// SetLR sets the learning rate.
func (o *Adam) SetLR(lr float64) { o.Rate = lr }

func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// Step updates every parameter that is not frozen.
func (o *Adam) Step(params []*ann.Param) {
	if o.m == nil {
		o.m, o.v = map[*ann.Param][]float32{}, map[*ann.Param][]float32{}
	}
	o.t++
	b1, b2, eps := or(o.Beta1, 0.9), or(o.Beta2, 0.999), or(o.Eps, 1e-8)
	c1, c2 := 1-math.Pow(b1, float64(o.t)), 1-math.Pow(b2, float64(o.t))
	lr, wd := float32(o.Rate), float32(o.WeightDecay)
	step := float32(o.Rate / c1)
	sqrtC2 := float32(math.Sqrt(c2))
	fb1, fb2, feps := float32(b1), float32(b2), float32(eps)
	for _, p := range params {
		if p.Frozen {
			continue
		}
		w, g := p.Value.Data, p.Grad.Data
		m, ok := o.m[p]
		if !ok {
			m = make([]float32, len(w))
			o.m[p] = m
			o.v[p] = make([]float32, len(w))
		}
		v := o.v[p]
		for i := range w {
			gi := g[i]
			if o.Decoupled {
				w[i] -= lr * wd * w[i]
			} else {
				gi += wd * w[i]
			}
			m[i] = fb1*m[i] + (1-fb1)*gi
			v[i] = fb2*v[i] + (1-fb2)*gi*gi
			w[i] -= step * m[i] / (float32(math.Sqrt(float64(v[i])))/sqrtC2 + feps)
		}
	}
}

// State returns the step count and both moment estimates.
func (o *Adam) State(params []*ann.Param) State {
	s := State{Steps: o.t, Buffers: map[string][]float32{}}
	s.save("exp_avg", params, o.m)
	s.save("exp_avg_sq", params, o.v)
	return s
}

// Restore sets the step count and moments from s.
func (o *Adam) Restore(params []*ann.Param, s State) error {
	if s.Steps < 0 {
		return fmt.Errorf("optim: Adam state with %d steps", s.Steps)
	}
	used := map[string]bool{}
	m, err := s.restore("exp_avg", params, used)
	if err != nil {
		return err
	}
	v, err := s.restore("exp_avg_sq", params, used)
	if err != nil {
		return err
	}
	if err := checkAllUsed(s, used); err != nil {
		return err
	}
	for p := range m {
		if _, ok := v[p]; !ok {
			return fmt.Errorf("optim: state has exp_avg for %q but no exp_avg_sq", p.Name)
		}
	}
	if len(m) != len(v) {
		return fmt.Errorf("optim: state has %d exp_avg_sq buffers for %d exp_avg", len(v), len(m))
	}
	o.t, o.m, o.v = s.Steps, m, v
	return nil
}

// ClipGradNorm scales all gradients so their joint Euclidean norm is at
// most maxNorm, and returns the norm before clipping (PyTorch's
// clip_grad_norm_). A non-positive maxNorm only measures.
func ClipGradNorm(params []*ann.Param, maxNorm float64) float64 {
	var sq float64
	for _, p := range params {
		for _, g := range p.Grad.Data {
			sq += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sq)
	if maxNorm > 0 && norm > maxNorm {
		s := float32(maxNorm / (norm + 1e-6))
		for _, p := range params {
			for i := range p.Grad.Data {
				p.Grad.Data[i] *= s
			}
		}
	}
	return norm
}
