package plasticity

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

// TestOjaFindsFirstPrincipalComponent: on correlated Gaussian inputs,
// Oja's rule converges to the unit eigenvector of the input covariance
// with the largest eigenvalue (computed by gonum's EigenSym).
func TestOjaFindsFirstPrincipalComponent(t *testing.T) {
	const dim = 5
	r := rand.New(rand.NewPCG(1, 2))
	// x = A·z with z standard normal: covariance A·Aᵀ.
	a := mat.NewDense(dim, dim, nil)
	for i := range dim {
		for j := range dim {
			a.Set(i, j, r.NormFloat64()*float64(dim-j))
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1, a)
	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		t.Fatal("eigendecomposition failed")
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	pc := mat.Col(nil, dim-1, &vecs) // eigenvalues ascend
	scale := math.Sqrt(eig.Values(nil)[dim-1])

	o := Oja{Rate: 0.002 / (scale * scale), W: make([]float64, dim)}
	for i := range o.W {
		o.W[i] = r.NormFloat64() * 0.1
	}
	z, x := make([]float64, dim), make([]float64, dim)
	for range 200000 {
		for i := range z {
			z[i] = r.NormFloat64()
		}
		for i := range x {
			x[i] = 0
			for j := range dim {
				x[i] += a.At(i, j) * z[j]
			}
		}
		o.Step(x)
	}
	var dot, norm float64
	for i := range dim {
		dot += o.W[i] * pc[i]
		norm += o.W[i] * o.W[i]
	}
	if math.Abs(math.Abs(dot)-1) > 0.01 || math.Abs(math.Sqrt(norm)-1) > 0.02 {
		t.Errorf("Oja weights %v: |w| = %.4f, |cos| with the first principal component %v = %.4f", o.W, math.Sqrt(norm), pc, math.Abs(dot))
	}
}

// poissonDriven returns a network of n inputs (Poisson at rates[i] Hz)
// projecting all-to-all onto m LIF neurons with weight w (nS-free "v"
// jumps in mV), the projection to make plastic.
func poissonDriven(t *testing.T, rates []float64, m int, w float32) (*snn.Network, *snn.Projection) {
	t.Helper()
	var net snn.Network
	src, err := snn.NewPoissonGroup(len(rates), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rates {
		src.Rates[i] = float32(r)
	}
	lif, err := snn.NewLIF(m, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -54, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
	if err != nil {
		t.Fatal(err)
	}
	in, out := net.AddPopulation("in", src), net.AddPopulation("out", lif)
	g, _ := topology.AllToAll(len(rates), m, true)
	p, err := net.Connect("in→out", in, out, "v", g, w, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &net, p
}

func simulate(t *testing.T, net *snn.Network, ms float64, threads int) *snn.Sim {
	t.Helper()
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: 3, Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), ms, nil); err != nil {
		t.Fatal(err)
	}
	return sim
}

// TestScalingReachesTarget: neurons driven far above the target rate scale
// their inputs down until they fire near it.
func TestScalingReachesTarget(t *testing.T) {
	rates := make([]float64, 200)
	for i := range rates {
		rates[i] = 10
	}
	net, p := poissonDriven(t, rates, 10, 1.0)
	rule := &Scaling{Target: 5, Tau: 1000, Every: 100, Gain: 0.1}
	p.Plasticity = rule
	sim := simulate(t, net, 30000, 1)
	before := sim.SpikeCount(p.Post)
	if err := sim.Run(context.Background(), 10000, nil); err != nil {
		t.Fatal(err)
	}
	hz := float64(sim.SpikeCount(p.Post)-before) / 10 / 10 // 10 neurons, 10 s
	if math.Abs(hz-5) > 1.5 {
		t.Errorf("after scaling the neurons fire at %.2f Hz, target 5 Hz", hz)
	}
}

// TestRateHebbFavoursActiveInputs: synapses from inputs that fire more
// (and so drive their target more) grow more than those from quiet ones,
// and Oja's term keeps them bounded.
func TestRateHebbFavoursActiveInputs(t *testing.T) {
	rates := make([]float64, 100)
	for i := range rates {
		rates[i] = 2
		if i < 20 {
			rates[i] = 30
		}
	}
	net, p := poissonDriven(t, rates, 4, 1.2)
	p.Plasticity = &RateHebb{Rate: 2e-4, Tau: 500, WMax: 5}
	simulate(t, net, 20000, 1)
	var active, quiet float64
	for i := range 100 {
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			if i < 20 {
				active += float64(p.Weights[s]) / 80
			} else {
				quiet += float64(p.Weights[s]) / 320
			}
		}
	}
	t.Logf("mean weight from 30 Hz inputs %.3f, from 2 Hz inputs %.3f", active, quiet)
	if !(active > 2*quiet) || active >= 5 {
		t.Errorf("mean weight from 30 Hz inputs %.3f, from 2 Hz inputs %.3f", active, quiet)
	}
}

// TestPlasticityThreadInvariant: STDP inside the simulator gives the same
// weights on 1 or 3 threads.
func TestPlasticityThreadInvariant(t *testing.T) {
	var want []float32
	for _, threads := range []int{1, 3} {
		rates := make([]float64, 64)
		for i := range rates {
			rates[i] = 15
		}
		net, p := poissonDriven(t, rates, 24, 1.2)
		p.Plasticity = Chain{&STDP{APlus: 0.01, AMinus: 0.0105, TauPlus: 20, TauMinus: 20, WMax: 3}}
		simulate(t, net, 2000, threads)
		if want == nil {
			want = slices.Clone(p.Weights)
			continue
		}
		if !slices.Equal(p.Weights, want) {
			t.Fatalf("weights after STDP on %d threads differ from 1 thread", threads)
		}
	}
	changed := 0
	for _, w := range want {
		if w != 1.2 {
			changed++
		}
	}
	if changed < len(want)/2 {
		t.Errorf("STDP changed only %d of %d weights", changed, len(want))
	}
}
