package attack

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/tensor"
)

// Norm names the distance a perturbation is bounded in.
type Norm string

const (
	// LInf bounds every input value's change by ε (the usual threat model
	// for images: no pixel changes by more than ε).
	LInf Norm = "linf"
	// L2 bounds the Euclidean length of the whole change by ε.
	L2 Norm = "l2"
)

// Config configures an attack. Zero fields take the defaults written on
// them.
type Config struct {
	// Eps is the largest change allowed, in the inputs' units (pixel
	// intensities for images), in Norm: 0 returns the inputs unchanged.
	Eps float64
	// Norm is linf (default) or l2.
	Norm Norm
	// Steps is the number of iterations of PGD and SPSA (default 40;
	// FGSM takes one step).
	Steps int
	// StepSize is PGD's step and SPSA's Adam learning rate, in the inputs'
	// units (default 2.5·Eps/Steps, Madry et al.'s ratio, so that a walk
	// can cross the ball; Adam's steps are about that long per value too,
	// like PGD's signed steps).
	StepSize float64
	// Samples is SPSA's number of random ±1 directions per step, each
	// scored twice (default 32); Delta the size of those probes (default
	// 0.01).
	Samples int
	Delta   float64
	// Min and Max bound every input value (default [0, 1], when both are
	// zero): adversarial examples stay valid images.
	Min, Max float64
	// Batch is the number of rows scored per call of the model (default
	// 256); SPSA attacks Batch/(2·Samples) examples at a time (at least one).
	Batch int
	// Seed draws PGD's random starts, SPSA's directions and the noise of
	// Gaussian and PixelDropout, from one stream per example.
	Seed uint64
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Norm == "" {
		c.Norm = LInf
	}
	if c.Steps == 0 {
		c.Steps = 40
	}
	if c.Samples == 0 {
		c.Samples = 32
	}
	if c.Delta == 0 {
		c.Delta = 0.01
	}
	if c.Min == 0 && c.Max == 0 {
		c.Max = 1
	}
	if c.Batch == 0 {
		c.Batch = 256
	}
	return c
}

// Validate checks the settings (after defaults).
func (c Config) Validate() error {
	c = c.withDefaults()
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !(c.Eps >= 0) || !finite(c.Eps):
		return fmt.Errorf("attack: eps %v: want a non-negative number", c.Eps)
	case c.Norm != LInf && c.Norm != L2:
		return fmt.Errorf("attack: norm %q: want linf or l2", c.Norm)
	case c.Steps < 1:
		return fmt.Errorf("attack: %d steps: want at least 1", c.Steps)
	case !(c.StepSize >= 0) || !finite(c.StepSize):
		return fmt.Errorf("attack: step size %v: want a non-negative number", c.StepSize)
	case c.Samples < 1:
		return fmt.Errorf("attack: %d SPSA samples: want at least 1", c.Samples)
	case !(c.Delta > 0) || !finite(c.Delta):
		return fmt.Errorf("attack: SPSA delta %v: want a positive number", c.Delta)
	case !(c.Max > c.Min) || !finite(c.Min) || !finite(c.Max):
		return fmt.Errorf("attack: input range [%v, %v] is empty", c.Min, c.Max)
	case c.Batch < 1:
		return fmt.Errorf("attack: batch %d: want at least 1", c.Batch)
	}
	return nil
}

// check validates c and that x's rows and labels agree and x lies in the
// input range.
func (c Config) check(x *tensor.Tensor, labels []int) (Config, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	c = c.withDefaults()
	if x.Dims() != 2 || x.Rows() != len(labels) {
		return c, fmt.Errorf("attack: %v inputs for %d labels", x.Shape, len(labels))
	}
	for k, v := range x.Data {
		if !(float64(v) >= c.Min && float64(v) <= c.Max) {
			return c, fmt.Errorf("attack: input row %d holds %v, outside the valid range [%v, %v]", k/max(1, x.Cols()), v, c.Min, c.Max)
		}
	}
	return c, nil
}

// FGSM returns adversarial examples for the rows of x by one step of
// size Eps: along the sign of the loss's gradient under L∞ (Goodfellow et
// al. 2015), along its direction under L2; then clipped to the input
// range. A zero gradient leaves its input unchanged.
func FGSM(m Differentiable, x *tensor.Tensor, labels []int, c Config) (*tensor.Tensor, error) {
	c, err := c.check(x, labels)
	if err != nil {
		return nil, err
	}
	adv := clone(x)
	if c.Eps == 0 {
		return adv, nil
	}
	err = chunks(x.Rows(), c.Batch, func(lo, hi int) error {
		xs, as := rows(x, lo, hi), rows(adv, lo, hi)
		g := tensor.New(hi-lo, x.Cols())
		if err := m.Gradient(g, xs, labels[lo:hi]); err != nil {
			return err
		}
		for i := range hi - lo {
			c.step(as.Row(i), g.Row(i), c.Eps)
			c.project(as.Row(i), xs.Row(i))
		}
		return nil
	})
	return adv, err
}

// PGD returns adversarial examples for the rows of x by projected
// gradient descent on the loss (Madry et al. 2018): a random start drawn
// uniformly from the ε-ball (L∞: each value; L2: a uniform point of the
// ball), then Steps steps of StepSize along the gradient's sign (L∞) or
// direction (L2), each projected onto the ε-ball around the input and the
// input range. It returns the last iterate.
func PGD(m Differentiable, x *tensor.Tensor, labels []int, c Config) (*tensor.Tensor, error) {
	c, err := c.check(x, labels)
	if err != nil {
		return nil, err
	}
	if c.StepSize == 0 {
		c.StepSize = 2.5 * c.Eps / float64(c.Steps)
	}
	adv := clone(x)
	if c.Eps == 0 {
		return adv, nil
	}
	err = chunks(x.Rows(), c.Batch, func(lo, hi int) error {
		xs, as := rows(x, lo, hi), rows(adv, lo, hi)
		for i := range hi - lo {
			c.randomStart(as.Row(i), xs.Row(i), c.rng(lo+i, streamStart))
		}
		g := tensor.New(hi-lo, x.Cols())
		for range c.Steps {
			if err := m.Gradient(g, as, labels[lo:hi]); err != nil {
				return err
			}
			for i := range hi - lo {
				c.step(as.Row(i), g.Row(i), c.StepSize)
				c.project(as.Row(i), xs.Row(i))
			}
		}
		return nil
	})
	return adv, err
}

// Streams of random numbers per example, one per use.
const (
	streamStart = iota + 1
	streamSPSA
	streamNoise
)

// rng returns the stream of example row for one use.
func (c Config) rng(row, use int) *rand.Rand {
	return rand.New(rand.NewPCG(c.Seed, uint64(row)<<4|uint64(use)))
}

// step moves a by size along g: its sign (L∞) or its direction (L2).
func (c Config) step(a, g []float32, size float64) {
	if c.Norm == LInf {
		for j, v := range g {
			switch {
			case v > 0:
				a[j] = float32(float64(a[j]) + size)
			case v < 0:
				a[j] = float32(float64(a[j]) - size)
			}
		}
		return
	}
	norm := norm2(g)
	if norm == 0 {
		return
	}
	for j, v := range g {
		a[j] = float32(float64(a[j]) + size*float64(v)/norm)
	}
}

// randomStart sets a to a random point of the ε-ball around x.
func (c Config) randomStart(a, x []float32, r *rand.Rand) {
	if c.Norm == LInf {
		for j, v := range x {
			a[j] = float32(float64(v) + c.Eps*(2*r.Float64()-1))
		}
	} else {
		// A uniform point of the d-ball: a Gaussian direction at radius
		// ε·U^(1/d).
		d := make([]float64, len(x))
		var n float64
		for j := range d {
			d[j] = r.NormFloat64()
			n += d[j] * d[j]
		}
		radius := c.Eps * math.Pow(r.Float64(), 1/float64(len(x)))
		n = math.Sqrt(n)
		for j, v := range x {
			a[j] = float32(float64(v) + radius*d[j]/n)
		}
	}
	c.project(a, x)
}

// project moves a onto the ε-ball around x intersected with the input
// range, so that, in float64 arithmetic on the float32 values, every
// a[j] lies in [Min, Max] and a − x within ε in the norm.
func (c Config) project(a, x []float32) {
	lo32, hi32 := ceil32(c.Min), floor32(c.Max)
	if c.Norm == LInf {
		for j, v := range x {
			lo, hi := max(lo32, ceil32(float64(v)-c.Eps)), min(hi32, floor32(float64(v)+c.Eps))
			a[j] = min(max(a[j], lo), hi)
		}
		return
	}
	for j := range a {
		a[j] = min(max(a[j], lo32), hi32)
	}
	// Shrinking the change towards x keeps a within the range (x is in
	// it); float32 rounding can leave the norm a hair above ε, so shrink
	// until it is not.
	scale := 1.0
	for range 60 {
		n := dist2(a, x)
		if n <= c.Eps {
			return
		}
		scale = c.Eps / n * (1 - 1e-6)
		for j, v := range x {
			a[j] = float32(float64(v) + scale*(float64(a[j])-float64(v)))
		}
	}
	copy(a, x) // unreachable in practice: x itself is in the ball
}

// ceil32 returns the smallest float32 not below v; floor32 the largest
// not above it.
func ceil32(v float64) float32 {
	f := float32(v)
	if float64(f) < v {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

func floor32(v float64) float32 {
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

// norm2 returns the Euclidean norm of v, in float64.
func norm2(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// dist2 returns ‖a − b‖₂ in float64.
func dist2(a, b []float32) float64 {
	var s float64
	for j := range a {
		d := float64(a[j]) - float64(b[j])
		s += d * d
	}
	return math.Sqrt(s)
}

// distInf returns max |a − b| in float64.
func distInf(a, b []float32) float64 {
	var m float64
	for j := range a {
		m = math.Max(m, math.Abs(float64(a[j])-float64(b[j])))
	}
	return m
}

// Distances returns, for each row, the L∞ and L2 distances between x and
// adv (in float64).
func Distances(x, adv *tensor.Tensor) (linf, l2 []float64) {
	if !tensor.SameShape(x, adv) || x.Dims() != 2 {
		panic(fmt.Sprintf("attack: Distances of %v and %v", x.Shape, adv.Shape))
	}
	linf, l2 = make([]float64, x.Rows()), make([]float64, x.Rows())
	for i := range x.Rows() {
		linf[i], l2[i] = distInf(adv.Row(i), x.Row(i)), dist2(adv.Row(i), x.Row(i))
	}
	return linf, l2
}

// Predict returns each row's predicted class under m (its largest score,
// the first of equals), scoring batch rows at a time (all when batch ≤ 0).
func Predict(m Model, x *tensor.Tensor, batch int) []int {
	if batch <= 0 {
		batch = max(1, x.Rows())
	}
	pred := make([]int, x.Rows())
	_ = chunks(x.Rows(), batch, func(lo, hi int) error {
		s := m.Scores(rows(x, lo, hi))
		for i := range hi - lo {
			pred[lo+i] = tensor.ArgMax(s.Row(i))
		}
		return nil
	})
	return pred
}

// chunks calls f on [lo, hi) ranges of at most size rows covering n.
func chunks(n, size int, f func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		if err := f(lo, min(lo+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// rows returns a view of rows [lo, hi) of x.
func rows(x *tensor.Tensor, lo, hi int) *tensor.Tensor {
	f := x.Cols()
	return tensor.FromData(x.Data[lo*f:hi*f], hi-lo, f)
}

func clone(x *tensor.Tensor) *tensor.Tensor {
	return tensor.FromData(append([]float32(nil), x.Data...), x.Shape...)
}
