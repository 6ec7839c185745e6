package attack

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/tensor"
)

// SPSA returns adversarial examples for the rows of x using the model's
// scores alone (Uesato et al. 2018). Each step estimates the gradient of
// the margin loss z_y − max_{k≠y} z_k (which is negative once the example
// is misclassified) from Samples random directions v ∈ {−1, +1}^d, each
// scored at x ± Delta·v (simultaneous perturbation stochastic
// approximation, Spall 1992), takes an Adam step (learning rate StepSize,
// β = 0.9 and 0.999, as Uesato et al.) down it and projects onto the ε-ball and the input
// range. An example stops as soon as it is misclassified. It returns the
// examples and the number of model queries (rows scored) spent on each.
func SPSA(m Model, x *tensor.Tensor, labels []int, c Config) (*tensor.Tensor, []int, error) {
	c, err := c.check(x, labels)
	if err != nil {
		return nil, nil, err
	}
	if c.StepSize == 0 {
		c.StepSize = 2.5 * c.Eps / float64(c.Steps)
	}
	adv := clone(x)
	queries := make([]int, x.Rows())
	if c.Eps == 0 {
		return adv, queries, nil
	}
	per := max(1, c.Batch/(2*c.Samples))
	d := x.Cols()
	err = chunks(x.Rows(), per, func(lo, hi int) error {
		n := hi - lo
		xs, as := rows(x, lo, hi), rows(adv, lo, hi)
		type state struct {
			m, v []float64
			done bool
		}
		st := make([]state, n)
		rngs := make([]*rand.Rand, n)
		for i := range n {
			st[i] = state{m: make([]float64, d), v: make([]float64, d)}
			rngs[i] = c.rng(lo+i, streamSPSA)
		}
		// Examples already misclassified need no attack.
		s := m.Scores(as)
		if s.Cols() < 2 {
			return fmt.Errorf("attack: SPSA needs a score per class; the model gives %d", s.Cols())
		}
		for i := range n {
			if labels[lo+i] < 0 || labels[lo+i] >= s.Cols() {
				return fmt.Errorf("attack: example %d has class %d; the model scores %d classes", lo+i, labels[lo+i], s.Cols())
			}
			queries[lo+i]++
			st[i].done = margin(s.Row(i), labels[lo+i]) < 0
		}
		probe := tensor.New(2*c.Samples*n, d)
		dirs := make([][]float32, n*c.Samples)
		for k := range dirs {
			dirs[k] = make([]float32, d)
		}
		g := make([]float64, d)
		for step := 1; step <= c.Steps; step++ {
			var active []int
			for i := range n {
				if !st[i].done {
					active = append(active, i)
				}
			}
			if len(active) == 0 {
				break
			}
			rowsUsed := 0
			for _, i := range active {
				a := as.Row(i)
				for k := range c.Samples {
					dir := dirs[i*c.Samples+k]
					for j := range dir {
						dir[j] = 1
						if rngs[i].Float64() < 0.5 {
							dir[j] = -1
						}
					}
					plus, minus := probe.Row(rowsUsed), probe.Row(rowsUsed+1)
					for j, v := range a {
						plus[j] = float32(float64(v) + c.Delta*float64(dir[j]))
						minus[j] = float32(float64(v) - c.Delta*float64(dir[j]))
					}
					rowsUsed += 2
				}
			}
			s := m.Scores(rows(probe, 0, rowsUsed))
			r := 0
			for _, i := range active {
				queries[lo+i] += 2 * c.Samples
				clear(g)
				for k := range c.Samples {
					up, down := margin(s.Row(r), labels[lo+i]), margin(s.Row(r+1), labels[lo+i])
					r += 2
					diff := (up - down) / (2 * c.Delta) / float64(c.Samples)
					for j, v := range dirs[i*c.Samples+k] {
						g[j] += diff * float64(v)
					}
				}
				adam(as.Row(i), g, st[i].m, st[i].v, step, c.StepSize)
				c.project(as.Row(i), xs.Row(i))
			}
			s = m.Scores(as)
			for _, i := range active {
				queries[lo+i]++
				st[i].done = margin(s.Row(i), labels[lo+i]) < 0
			}
		}
		return nil
	})
	return adv, queries, err
}

// margin returns the score of the true class minus the best other score:
// negative when the example is misclassified.
func margin(scores []float32, label int) float64 {
	best := math.Inf(-1)
	for k, v := range scores {
		if k != label {
			best = math.Max(best, float64(v))
		}
	}
	return float64(scores[label]) - best
}

// adam takes one Adam step (Kingma & Ba 2015) down the gradient g at the
// given step (from 1).
func adam(a []float32, g, m, v []float64, step int, lr float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	c1, c2 := 1-math.Pow(b1, float64(step)), 1-math.Pow(b2, float64(step))
	for j := range a {
		m[j] = b1*m[j] + (1-b1)*g[j]
		v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
		a[j] = float32(float64(a[j]) - lr*(m[j]/c1)/(math.Sqrt(v[j]/c2)+eps))
	}
}
