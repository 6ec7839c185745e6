package attack

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/tensor"
)

// Gaussian returns the rows of x with independent N(0, sigma²) noise added
// to every value, clipped to the input range [c.Min, c.Max]: corruption at
// no adversary's choosing, to compare attacks with. The noise of each row
// is drawn from its own stream of c.Seed.
func Gaussian(x *tensor.Tensor, sigma float64, c Config) (*tensor.Tensor, error) {
	if !(sigma >= 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("attack: noise deviation %v: want a non-negative number", sigma)
	}
	return corrupt(x, c, func(v float32, r *rand.Rand) float64 {
		return float64(v) + sigma*r.NormFloat64()
	})
}

// PixelDropout returns the rows of x with each value set to the bottom of
// the input range (black, for images) with probability p, from each row's
// own stream of c.Seed: occlusion by random pixels.
func PixelDropout(x *tensor.Tensor, p float64, c Config) (*tensor.Tensor, error) {
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("attack: dropout probability %v outside [0, 1]", p)
	}
	c = c.withDefaults()
	return corrupt(x, c, func(v float32, r *rand.Rand) float64 {
		if r.Float64() < p {
			return c.Min
		}
		return float64(v)
	})
}

// corrupt applies f to every value of x with its row's noise stream and
// clips to the input range.
func corrupt(x *tensor.Tensor, c Config, f func(v float32, r *rand.Rand) float64) (*tensor.Tensor, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	if x.Dims() != 2 {
		return nil, fmt.Errorf("attack: inputs of shape %v: want rows", x.Shape)
	}
	out := clone(x)
	lo, hi := ceil32(c.Min), floor32(c.Max)
	for i := range x.Rows() {
		r := c.rng(i, streamNoise)
		row := out.Row(i)
		for j, v := range row {
			row[j] = min(max(float32(f(v, r)), lo), hi)
		}
	}
	return out, nil
}
