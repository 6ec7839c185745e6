package optim

import (
	"fmt"
	"math"

	"github.com/neurite/neurite/ann"
)

// Adam holds the settings of the Adam optimizer (Kingma & Ba 2015), with
// bias-corrected moment estimates as in PyTorch's Adam; New builds it.
// WeightDecay adds λw to the gradient (an L2 penalty); for decay
// decoupled from the gradient use [AdamW]. A zero field means its
// default, so Adam{} is PyTorch's Adam with its defaults.
type Adam struct {
	// LR is the learning rate α, positive and finite. Zero means 0.001.
	LR float64
	// Beta1 is β₁, the decay of the first-moment estimate, in (0, 1).
	// Zero means 0.9.
	Beta1 float64
	// Beta2 is β₂, the decay of the second-moment estimate, in (0, 1).
	// Zero means 0.999.
	Beta2 float64
	// Eps is ε, added to the denominator, positive and finite. Zero means
	// 1e-8.
	Eps float64
	// WeightDecay is λ, the L2 penalty's coefficient added to the
	// gradient, non-negative and finite. Default 0.
	WeightDecay float64
}

// AdamW holds the settings of AdamW (Loshchilov & Hutter 2019): Adam whose
// weight decay shrinks the weights by lr·λ before each step instead of
// entering the gradient, as in PyTorch's AdamW; New builds it. Its fields
// mean what Adam's do, except WeightDecay's default. A zero field means
// its default; with no decay at all AdamW is Adam, so use Adam{}.
type AdamW struct {
	// LR is the learning rate α, positive and finite. Zero means 0.001.
	LR float64
	// Beta1 is β₁, in (0, 1). Zero means 0.9.
	Beta1 float64
	// Beta2 is β₂, in (0, 1). Zero means 0.999.
	Beta2 float64
	// Eps is ε, positive and finite. Zero means 1e-8.
	Eps float64
	// WeightDecay is λ, the decoupled decay's coefficient, positive and
	// finite. Zero means 0.01 (PyTorch's AdamW default).
	WeightDecay float64
}

// Validate returns a *[FieldError] for the first setting outside its
// range.
func (c Adam) Validate() error { return c.withDefaults().check("Adam") }

// Validate returns a *[FieldError] for the first setting outside its
// range.
func (c AdamW) Validate() error { return c.withDefaults().check("AdamW") }

// check validates settings whose defaults are filled in, naming the
// fields after type.
func (c Adam) check(typ string) error {
	if err := checkPositive(typ+".LR", c.LR); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{".Beta1", c.Beta1}, {".Beta2", c.Beta2}} {
		if !(f.v > 0 && f.v < 1) {
			return &FieldError{Field: typ + f.name, Value: f.v, Reason: reasonOpenUnit}
		}
	}
	if err := checkPositive(typ+".Eps", c.Eps); err != nil {
		return err
	}
	return checkNonNegative(typ+".WeightDecay", c.WeightDecay)
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Adam) withDefaults() Adam {
	c.LR = or(c.LR, defaultLR)
	c.Beta1 = or(c.Beta1, defaultBeta1)
	c.Beta2 = or(c.Beta2, defaultBeta2)
	c.Eps = or(c.Eps, defaultEps)
	return c
}

// withDefaults returns c's settings, as Adam's, with the zero fields set
// to their defaults.
func (c AdamW) withDefaults() Adam {
	c.WeightDecay = or(c.WeightDecay, defaultAdamWDecay)
	return Adam(c).withDefaults()
}

// New returns the optimizer c describes, or Validate's error.
func (c Adam) New() (Optimizer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &adam{cfg: c.withDefaults()}, nil
}

// New returns the optimizer c describes, or Validate's error.
func (c AdamW) New() (Optimizer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &adam{cfg: c.withDefaults(), decoupled: true}, nil
}

// adam is the optimizer Adam and AdamW build.
type adam struct {
	cfg       Adam // defaults filled in; cfg.LR is the current rate (SetLR)
	decoupled bool // AdamW's weight decay

	t    int
	m, v map[*ann.Param][]float32
}

// LR returns the learning rate.
func (o *adam) LR() float64 { return o.cfg.LR }

// SetLR sets the learning rate.
func (o *adam) SetLR(lr float64) { o.cfg.LR = lr }

// Step updates every parameter that is not frozen.
func (o *adam) Step(params []*ann.Param) {
	if o.m == nil {
		o.m, o.v = map[*ann.Param][]float32{}, map[*ann.Param][]float32{}
	}
	o.t++
	b1, b2, eps := o.cfg.Beta1, o.cfg.Beta2, o.cfg.Eps
	c1, c2 := 1-math.Pow(b1, float64(o.t)), 1-math.Pow(b2, float64(o.t))
	lr, wd := float32(o.cfg.LR), float32(o.cfg.WeightDecay)
	step := float32(o.cfg.LR / c1)
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
			if o.decoupled {
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
func (o *adam) State(params []*ann.Param) State {
	s := State{Steps: o.t, Buffers: map[string][]float32{}}
	s.save("exp_avg", params, o.m)
	s.save("exp_avg_sq", params, o.v)
	return s
}

// Restore sets the step count and moments from s.
func (o *adam) Restore(params []*ann.Param, s State) error {
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
