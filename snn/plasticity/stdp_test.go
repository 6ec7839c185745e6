package plasticity

import (
	"math"
	"testing"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

const dt = 0.1 // ms

// pairs returns a projection of n one-to-one synapses of weight w between
// two populations, for driving a rule by hand.
func pairs(t *testing.T, n int, w float32) *snn.Projection {
	t.Helper()
	src, err := snn.NewSpikeTrains(make([][]float64, n))
	if err != nil {
		t.Fatal(err)
	}
	lif, err := snn.NewLIF(n, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TauE: 5, TauI: 10})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := topology.OneToOne(n)
	var net snn.Network
	pre, post := net.AddPopulation("pre", src), net.AddPopulation("post", lif)
	p, err := net.Connect("p", pre, post, "ge", g, w, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// drive runs rule over steps, neuron i of pre firing at preStep[i] and of
// post at postStep[i].
func drive(t *testing.T, rule snn.Plasticity, p *snn.Projection, preStep, postStep []int64, steps int64) {
	t.Helper()
	if err := rule.Prepare(p, dt); err != nil {
		t.Fatal(err)
	}
	for n := range steps {
		var pre, post []int32
		for i := range preStep {
			if preStep[i] == n {
				pre = append(pre, int32(i))
			}
			if postStep[i] == n {
				post = append(post, int32(i))
			}
		}
		rule.Update(p, n, pre, post)
	}
}

// TestSTDPWindow: one pre and one post spike Δt apart change the weight by
// A+·e^(−Δt/τ+) for Δt > 0 and −A−·e^(Δt/τ−) for Δt < 0, the window of
// Bi & Poo (1998) as Song, Miller & Abbott (2000) model it.
func TestSTDPWindow(t *testing.T) {
	const aPlus, aMinus, tauPlus, tauMinus, w0 = 0.01, 0.0105, 20.0, 20.0, 0.5
	var deltas []int64 // in steps
	for d := int64(-600); d <= 600; d += 25 {
		deltas = append(deltas, d)
	}
	preStep, postStep := make([]int64, len(deltas)), make([]int64, len(deltas))
	for i, d := range deltas {
		preStep[i], postStep[i] = 1000, 1000+d
	}
	for _, mult := range []bool{false, true} {
		p := pairs(t, len(deltas), w0)
		rule := &STDP{APlus: aPlus, AMinus: aMinus, TauPlus: tauPlus, TauMinus: tauMinus, WMax: 1, Multiplicative: mult}
		drive(t, rule, p, preStep, postStep, 2000)
		for i, d := range deltas {
			ms := float64(d) * dt
			want := aPlus * math.Exp(-ms/tauPlus)
			if mult {
				want *= 1 - w0
			}
			if d < 0 {
				want = -aMinus * math.Exp(ms/tauMinus)
				if mult {
					want *= w0
				}
			}
			if got := float64(p.Weights[i]) - w0; math.Abs(got-want) > 1e-6 {
				t.Errorf("multiplicative %v, Δt = %.1f ms: Δw = %.6f, want %.6f", mult, ms, got, want)
			}
		}
	}
}

// TestSTDPBounds: additive STDP clips weights to [0, WMax].
func TestSTDPBounds(t *testing.T) {
	p := pairs(t, 2, 0.5)
	rule := &STDP{APlus: 1, AMinus: 1, TauPlus: 20, TauMinus: 20, WMax: 0.8}
	drive(t, rule, p, []int64{10, 20}, []int64{11, 19}, 30)
	if p.Weights[0] != 0.8 || p.Weights[1] != 0 {
		t.Errorf("weights %v, want [0.8 0]", p.Weights)
	}
}

// TestTripletRule checks the triplet rule's terms on a post–pre–post
// triplet against the formula written out, and that with pairs far apart
// it reduces to pair STDP with amplitudes A2±.
func TestTripletRule(t *testing.T) {
	r := Triplet{A2Plus: 5e-3, A3Plus: 6.2e-3, A2Minus: 7e-3, A3Minus: 2.3e-4, TauPlus: 16.8, TauMinus: 33.7, TauX: 101, TauY: 125, WMax: 10}
	const w0 = 1
	p := pairs(t, 1, w0)
	// post at 10 ms, pre at 15 ms, post at 20 ms.
	rule := r
	if err := rule.Prepare(p, dt); err != nil {
		t.Fatal(err)
	}
	for n := int64(0); n <= 300; n++ {
		var pre, post []int32
		if n == 100 || n == 200 {
			post = []int32{0}
		}
		if n == 150 {
			pre = []int32{0}
		}
		rule.Update(p, n, pre, post)
	}
	e := math.Exp
	// At the pre spike: o₁ = e^(−5/τ−), r₂ = 0 (no earlier pre spike).
	dep := e(-5/r.TauMinus) * (r.A2Minus + r.A3Minus*0)
	// At the second post spike: r₁ = e^(−5/τ+), o₂ = e^(−10/τy) from the first.
	pot := e(-5/r.TauPlus) * (r.A2Plus + r.A3Plus*e(-10/r.TauY))
	if got, want := float64(p.Weights[0]), w0-dep+pot; math.Abs(got-want) > 1e-6 {
		t.Errorf("post–pre–post triplet: w = %.7f, want %.7f", got, want)
	}

	// Frequency dependence (Pfister & Gerstner 2006, Fig. 2): 60 pairings
	// with pre 10 ms before post, repeated at 1 Hz and at 40 Hz, using
	// the visual-cortex all-to-all parameters; potentiation grows with
	// frequency where pair STDP would give the same change.
	vc := Triplet{A2Plus: 5e-10, A3Plus: 6.2e-3, A2Minus: 7e-3, A3Minus: 2.3e-4, TauPlus: 16.8, TauMinus: 33.7, TauX: 101, TauY: 125, WMax: 10}
	change := func(hz float64) float64 {
		p := pairs(t, 1, w0)
		rule := vc
		period := int64(math.Round(1000 / hz / dt))
		var preS, postS []int64
		for k := range int64(60) {
			preS = append(preS, 100+k*period)
			postS = append(postS, 100+k*period+100)
		}
		if err := rule.Prepare(p, dt); err != nil {
			t.Fatal(err)
		}
		for n := int64(0); n < 100+60*period+500; n++ {
			var pre, post []int32
			if len(preS) > 0 && preS[0] == n {
				pre, preS = []int32{0}, preS[1:]
			}
			if len(postS) > 0 && postS[0] == n {
				post, postS = []int32{0}, postS[1:]
			}
			rule.Update(p, n, pre, post)
		}
		return float64(p.Weights[0]) - w0
	}
	slow, fast := change(1), change(40)
	t.Logf("60 pairings, +10 ms: Δw = %.4f at 1 Hz, %.4f at 40 Hz", slow, fast)
	if !(fast > slow+0.1) || slow > 0.01 {
		t.Errorf("triplet rule: Δw %.4f at 1 Hz and %.4f at 40 Hz; want little at 1 Hz and clear potentiation at 40 Hz", slow, fast)
	}
}
