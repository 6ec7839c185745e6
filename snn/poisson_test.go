package snn

import (
	"fmt"
	"math"
	"testing"
)

// TestPoissonInputCountsAreBinomial draws Brunel's external drive in panel
// D (C_ext sources at 0.9·ν_thr, 0.9 events a step on average) at the
// full-size C_ext = 1000 and at 250 (N_E = 2500), and requires the per-step
// counts to have Binomial(C_ext, ν·dt)'s mean and variance and no
// covariance between consecutive steps of a neuron or between neighbouring
// neurons, each within 5 standard errors: the properties Brian2's
// PoissonInput has, and on which a fluctuation-driven network's rate
// depends.
func TestPoissonInputCountsAreBinomial(t *testing.T) {
	const n, steps = 2000, 1000
	m, err := NewLIF(n, LIFParams{TauM: 20, VThresh: 20, VReset: 10, TRef: 2, TauE: 1, TauI: 1})
	if err != nil {
		t.Fatal(err)
	}
	net := &Network{DT: 0.1}
	p := net.AddPopulation("x", m)
	for _, c := range []int{250, 1000} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			rate := 0.9 * 20 / (0.1 * float64(c) * 20) * 1000 // 0.9·ν_thr, Hz
			in := &PoissonInput{Pop: p, Var: "ge", N: c, Rate: rate, Weight: 1}
			if err := in.Prepare(0.1, NewStream(1, 1<<32)); err != nil {
				t.Fatal(err)
			}
			var s, s2, lag, cross float64
			prev := make([]float64, n)
			for st := range steps {
				clear(m.Ge)
				in.Apply(int64(st), 0, n)
				for i := range n {
					k := float64(m.Ge[i])
					s, s2 = s+k, s2+k*k
					if st > 0 {
						lag += k * prev[i]
					}
					if i > 0 {
						cross += k * float64(m.Ge[i-1])
					}
					prev[i] = k
				}
			}
			draws := float64(n * steps)
			q := rate * 0.1 / 1000
			mu, v := float64(c)*q, float64(c)*q*(1-q)
			mean := s / draws
			variance := s2/draws - mean*mean
			// Standard errors: of a mean, √(v/draws); of a variance,
			// √((μ4 − v²)/draws) ≈ √((v + 2v²)/draws) for a near-Poisson
			// count; of a covariance of independent counts, v/√draws.
			checks := []struct {
				name      string
				got, want float64
				se        float64
			}{
				{"mean", mean, mu, math.Sqrt(v / draws)},
				{"variance", variance, v, math.Sqrt((v + 2*v*v) / draws)},
				{"lag-1 covariance", lag/(draws-n) - mean*mean, 0, v / math.Sqrt(draws-n)},
				{"neighbour covariance", cross/(draws-steps) - mean*mean, 0, v / math.Sqrt(draws-steps)},
			}
			for _, ch := range checks {
				if math.Abs(ch.got-ch.want) > 5*ch.se {
					t.Errorf("%s = %.5f, want %.5f ± %.5f (5 SE)", ch.name, ch.got, ch.want, 5*ch.se)
				}
			}
		})
	}
}
