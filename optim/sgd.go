package optim

import (
	"fmt"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/tensor"
)

// SGD holds the settings of stochastic gradient descent; New builds the
// optimizer. With weight decay λ the gradient is g + λw; with momentum μ
// the step is along b ← μb + g (b₁ = g), or along g + μb with Nesterov
// momentum (Sutskever et al. 2013), as in PyTorch's SGD. A zero field
// means its default, so SGD{} is plain SGD at rate 0.001.
type SGD struct {
	// LR is the learning rate, positive and finite. Zero means 0.001
	// (PyTorch's default).
	LR float64
	// Momentum is μ, in [0, 1). Zero, the default, means no momentum.
	Momentum float64
	// Nesterov uses Nesterov momentum; it needs Momentum > 0. Default
	// false.
	Nesterov bool
	// WeightDecay is λ, the L2 penalty's coefficient added to the
	// gradient, non-negative and finite. Default 0.
	WeightDecay float64
}

// Validate returns a *[FieldError] for the first setting outside its
// range.
func (c SGD) Validate() error {
	c = c.withDefaults()
	if err := checkPositive("SGD.LR", c.LR); err != nil {
		return err
	}
	if err := checkMomentum("SGD.Momentum", c.Momentum); err != nil {
		return err
	}
	if err := checkNonNegative("SGD.WeightDecay", c.WeightDecay); err != nil {
		return err
	}
	if c.Nesterov && c.Momentum == 0 {
		return &FieldError{Field: "SGD.Nesterov", Value: c.Nesterov, Reason: "needs SGD.Momentum > 0"}
	}
	return nil
}

// withDefaults returns c with its zero fields set to their defaults.
func (c SGD) withDefaults() SGD {
	c.LR = or(c.LR, defaultLR)
	return c
}

// New returns the optimizer c describes, or Validate's error.
func (c SGD) New() (Optimizer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &sgd{cfg: c.withDefaults()}, nil
}

// sgd is the optimizer SGD builds.
type sgd struct {
	cfg SGD // defaults filled in; cfg.LR is the current rate (SetLR)

	steps    int
	velocity map[*ann.Param][]float32
}

// LR returns the learning rate.
func (o *sgd) LR() float64 { return o.cfg.LR }

// SetLR sets the learning rate.
func (o *sgd) SetLR(lr float64) { o.cfg.LR = lr }

// Step updates every parameter that is not frozen.
func (o *sgd) Step(params []*ann.Param) {
	o.steps++
	lr, mu, wd := float32(o.cfg.LR), float32(o.cfg.Momentum), float32(o.cfg.WeightDecay)
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
			if o.cfg.Nesterov {
				gi += mu * b[i]
			} else {
				gi = b[i]
			}
			w[i] -= lr * gi
		}
	}
}

// State returns the momentum buffers.
func (o *sgd) State(params []*ann.Param) State {
	s := State{Steps: o.steps, Buffers: map[string][]float32{}}
	s.save("momentum_buffer", params, o.velocity)
	return s
}

// Restore sets the momentum buffers from s.
func (o *sgd) Restore(params []*ann.Param, s State) error {
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
