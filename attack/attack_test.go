package attack_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/attack"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

// smallNet returns a 6-5-3 tanh network with seeded weights behind a
// normaliser that is not the identity, and inputs in (0.2, 0.8) with
// labels, away from the pixel range's ends so that nothing is clipped.
func smallNet(t *testing.T, rowsN int) (*attack.Net, *tensor.Tensor, []int) {
	t.Helper()
	net, err := ann.MLP(6, []int{5}, ann.Tanh, 3, 0).Build(3)
	if err != nil {
		t.Fatal(err)
	}
	norm := &data.Normalizer{Mean: []float32{0.3}, Std: []float32{0.4}}
	m, err := attack.NewNet(net, 6, norm, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 5))
	x := tensor.New(rowsN, 6)
	for i := range x.Data {
		x.Data[i] = float32(0.2 + 0.6*r.Float64())
	}
	labels := make([]int, rowsN)
	for i := range labels {
		labels[i] = r.IntN(3)
	}
	return m, x, labels
}

// loss returns example i's cross-entropy under m, in float64.
func loss(m attack.Model, x *tensor.Tensor, i, label int) float64 {
	s := m.Scores(tensor.FromData(append([]float32(nil), x.Row(i)...), 1, x.Cols())).Row(0)
	var z float64
	mx := math.Inf(-1)
	for _, v := range s {
		mx = math.Max(mx, float64(v))
	}
	for _, v := range s {
		z += math.Exp(float64(v) - mx)
	}
	return -(float64(s[label]) - mx - math.Log(z))
}

// finiteDifference returns the central-difference gradient of example i's
// loss with respect to its raw input (step h, in pixel units).
func finiteDifference(m attack.Model, x *tensor.Tensor, i, label int, h float32) []float64 {
	g := make([]float64, x.Cols())
	row := x.Row(i)
	for j := range row {
		orig := row[j]
		hi, lo := orig+h, orig-h
		row[j] = hi
		up := loss(m, x, i, label)
		row[j] = lo
		down := loss(m, x, i, label)
		row[j] = orig
		g[j] = (up - down) / (float64(hi) - float64(lo))
	}
	return g
}

// TestGradientIsPixelGradient: the gradient Net returns is each example's
// loss gradient with respect to raw pixels, through the normaliser.
func TestGradientIsPixelGradient(t *testing.T) {
	m, x, labels := smallNet(t, 4)
	g := tensor.New(x.Shape...)
	if err := m.Gradient(g, x, labels); err != nil {
		t.Fatal(err)
	}
	for i := range x.Rows() {
		num := finiteDifference(m, x, i, labels[i], 1e-2)
		for j, want := range num {
			// float32 forward passes: the central difference is good to
			// about 1e-3 at this step (truncation h² and rounding 1e-7/h).
			if got := float64(g.At(i, j)); math.Abs(got-want) > 2e-3+2e-2*math.Abs(want) {
				t.Errorf("gradient[%d][%d] = %.5g, finite difference %.5g", i, j, got, want)
			}
		}
	}
}

// TestFGSMFollowsFiniteDifferenceSign: FGSM moves every pixel by ε in the
// direction of the sign of a finite-difference gradient of the loss.
func TestFGSMFollowsFiniteDifferenceSign(t *testing.T) {
	m, x, labels := smallNet(t, 5)
	const eps = 0.05
	adv, err := attack.FGSM(m, x, labels, attack.Config{Eps: eps})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i := range x.Rows() {
		num := finiteDifference(m, x, i, labels[i], 1e-2)
		for j, g := range num {
			if math.Abs(g) < 1e-3 { // too small for the difference to know its sign
				continue
			}
			step := float64(adv.At(i, j)) - float64(x.At(i, j))
			if math.Copysign(1, g) != math.Copysign(1, step) || math.Abs(math.Abs(step)-eps) > 1e-6 {
				t.Errorf("pixel [%d][%d]: FGSM step %.6g, finite-difference gradient %.5g: want ±%g along its sign", i, j, step, g, eps)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d pixels checked", checked)
	}
	// The step raises the loss.
	for i := range x.Rows() {
		if before, after := loss(m, x, i, labels[i]), loss(m, adv, i, labels[i]); !(after > before) {
			t.Errorf("example %d: loss %v after FGSM, %v before", i, after, before)
		}
	}
}

// TestPGDStaysInBallAndRange is a property test: for random networks,
// inputs (pixels at the range's ends included), ε, norms, step sizes and
// seeds, every PGD example lies in [0, 1] and within ε of its input,
// exactly, in float64 arithmetic on the float32 values.
func TestPGDStaysInBallAndRange(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for trial := range 40 {
		net, err := ann.MLP(10, []int{6}, ann.ReLU, 3, 0).Build(uint64(trial))
		if err != nil {
			t.Fatal(err)
		}
		m, err := attack.NewNet(net, 10, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		x := tensor.New(7, 10)
		for k := range x.Data {
			switch r.IntN(4) {
			case 0:
				x.Data[k] = 0
			case 1:
				x.Data[k] = 1
			default:
				x.Data[k] = float32(r.Float64())
			}
		}
		labels := make([]int, 7)
		for i := range labels {
			labels[i] = r.IntN(3)
		}
		c := attack.Config{Eps: []float64{0.01, 0.1, 0.3, 0.7, 3}[r.IntN(5)], Norm: []attack.Norm{attack.LInf, attack.L2}[r.IntN(2)],
			Steps: 1 + r.IntN(12), StepSize: r.Float64() * 0.5, Seed: r.Uint64(), Batch: 1 + r.IntN(8)}
		adv, err := attack.PGD(m, x, labels, c)
		if err != nil {
			t.Fatal(err)
		}
		linf, l2 := attack.Distances(x, adv)
		for i := range x.Rows() {
			d := linf[i]
			if c.Norm == attack.L2 {
				d = l2[i]
			}
			if d > c.Eps {
				t.Fatalf("trial %d (%+v): example %d is %v from its input, beyond ε", trial, c, i, d)
			}
		}
		for k, v := range adv.Data {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("trial %d (%+v): value %d = %v outside [0, 1]", trial, c, k, v)
			}
		}
	}
}

// trained returns a small MLP trained on two separable clouds of 16
// pixels in [0, 1], with test examples.
func trained(t *testing.T) (*attack.Net, *tensor.Tensor, []int) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 1))
	make := func(n int) *data.Dataset {
		d := &data.Dataset{X: tensor.New(n, 16), Labels: make([]int, n), Classes: 2}
		for i := range n {
			c := i % 2
			d.Labels[i] = c
			for j := range 16 {
				centre := 0.35
				if (j < 8) == (c == 1) {
					centre = 0.65
				}
				d.X.Data[i*16+j] = float32(min(1, max(0, centre+0.12*r.NormFloat64())))
			}
		}
		return d
	}
	trainSet, test := make(400), make(100)
	net, err := ann.MLP(16, []int{16}, ann.ReLU, 2, 0).Build(2)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := optim.SGD{LR: 0.1}.New()
	if _, err := train.Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, trainSet, nil, train.Config{Epochs: 10, Batch: 20, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	m, err := attack.NewNet(net, 16, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, test.X, test.Labels
}

func accuracy(m attack.Model, x *tensor.Tensor, labels []int) float64 {
	pred := attack.Predict(m, x, 0)
	n := 0
	for i, p := range pred {
		if p == labels[i] {
			n++
		}
	}
	return float64(n) / float64(len(labels))
}

// TestAttacksDefeatATrainedNet: on a network that classifies its test
// clouds well, FGSM, PGD (L∞ and L2) and SPSA at a large ε each bring the
// accuracy down, PGD at least as far as FGSM; Gaussian noise of the same
// size does far less.
func TestAttacksDefeatATrainedNet(t *testing.T) {
	m, x, labels := trained(t)
	clean := accuracy(m, x, labels)
	if clean < 0.95 {
		t.Fatalf("clean accuracy %v, want ≥ 0.95", clean)
	}
	fgsm, err := attack.FGSM(m, x, labels, attack.Config{Eps: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	pgd, err := attack.PGD(m, x, labels, attack.Config{Eps: 0.2, Steps: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pgd2, err := attack.PGD(m, x, labels, attack.Config{Eps: 1.2, Norm: attack.L2, Steps: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	spsa, queries, err := attack.SPSA(m, x, labels, attack.Config{Eps: 0.2, Steps: 20, Samples: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	noisy, err := attack.Gaussian(x, 0.2, attack.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	a := map[string]float64{"fgsm": accuracy(m, fgsm, labels), "pgd": accuracy(m, pgd, labels), "pgd-l2": accuracy(m, pgd2, labels),
		"spsa": accuracy(m, spsa, labels), "noise": accuracy(m, noisy, labels)}
	for _, k := range []string{"fgsm", "pgd", "pgd-l2", "spsa"} {
		if !(a[k] < 0.3) {
			t.Errorf("%s at ε = 0.2: accuracy %v (clean %v), want below 0.3", k, a[k], clean)
		}
	}
	if a["pgd"] > a["fgsm"] {
		t.Errorf("PGD accuracy %v above FGSM's %v", a["pgd"], a["fgsm"])
	}
	if a["noise"] < 0.8 {
		t.Errorf("Gaussian noise σ = 0.2: accuracy %v, want ≥ 0.8 (noise is not an attack)", a["noise"])
	}
	if q := slices.Max(queries); q > 1+20*(2*16+1) || q < 1 {
		t.Errorf("SPSA spent up to %d queries on an example, want 1 to %d", q, 1+20*(2*16+1))
	}
}

// TestAttacksAreDeterministic: the same seed gives the same bits whatever
// the thread count and batch size; another seed gives other examples.
func TestAttacksAreDeterministic(t *testing.T) {
	m, x, labels := trained(t)
	run := func(threads, batch int, seed uint64) (pgd, spsa *tensor.Tensor) {
		prev := runtime.GOMAXPROCS(threads)
		defer runtime.GOMAXPROCS(prev)
		var err error
		if pgd, err = attack.PGD(m, x, labels, attack.Config{Eps: 0.1, Steps: 5, Seed: seed, Batch: batch}); err != nil {
			t.Fatal(err)
		}
		if spsa, _, err = attack.SPSA(m, x, labels, attack.Config{Eps: 0.1, Steps: 3, Samples: 4, Seed: seed, Batch: batch}); err != nil {
			t.Fatal(err)
		}
		return pgd, spsa
	}
	p1, s1 := run(1, 256, 7)
	p2, s2 := run(4, 16, 7)
	if !slices.Equal(p1.Data, p2.Data) || !slices.Equal(s1.Data, s2.Data) {
		t.Error("the same seed gave different examples on 1 and 4 threads with other batch sizes")
	}
	p3, _ := run(1, 256, 8)
	if slices.Equal(p1.Data, p3.Data) {
		t.Error("seeds 7 and 8 gave the same random starts")
	}
}

// TestNoGradientIsNamed: a step activation and a latency-coded encoder
// have no gradient to follow, and NewNet says which layer and why.
func TestNoGradientIsNamed(t *testing.T) {
	step, err := ann.Spec{Inputs: 4, Loss: "mse", Layers: []ann.LayerSpec{{Type: "dense", Units: 1}, {Type: "step"}}}.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	latency, err := ann.SpikingMLPLeaky(4, []int{3}, 2, 5, ann.LatencyCoding).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	for name, net := range map[string]*ann.Sequential{"step": step, "latency": latency} {
		_, err := attack.NewNet(net, 4, nil, nil)
		if !errors.Is(err, attack.ErrNoGradient) {
			t.Errorf("%s: NewNet error %v, want ErrNoGradient", name, err)
		}
		if _, err := attack.NewScorer(net, 4, nil, nil); err != nil {
			t.Errorf("%s: NewScorer: %v", name, err)
		}
	}
}

// TestSpikeNoiseReachesTheSpikes: a rate-coded network scored with every
// input spike dropped sees nothing, whatever the image.
func TestSpikeNoiseReachesTheSpikes(t *testing.T) {
	net, err := ann.SpikingMLPLeaky(4, []int{3}, 2, 5, ann.RateCoding).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := attack.NewScorer(net, 4, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !m.EncodesSpikes() {
		t.Fatal("a rate-coded network does not encode spikes")
	}
	m.Spikes = data.SpikeNoise{Drop: 1}
	a := tensor.FromData([]float32{1, 1, 1, 1, 0, 0, 0, 0}, 2, 4)
	s := m.Scores(a)
	if !slices.Equal(s.Row(0), s.Row(1)) {
		t.Errorf("with every spike dropped, a white and a black image score %v and %v", s.Row(0), s.Row(1))
	}
}

func TestConfigRejectsBadSettings(t *testing.T) {
	m, x, labels := smallNet(t, 2)
	for _, c := range []attack.Config{{Eps: -1}, {Eps: math.NaN()}, {Eps: 0.1, Norm: "l1"}, {Eps: 0.1, Steps: -2}, {Eps: 0.1, Min: 1, Max: 0.5}} {
		if _, err := attack.PGD(m, x, labels, c); err == nil {
			t.Errorf("PGD accepted %+v", c)
		}
	}
	bad := tensor.FromData([]float32{0.5, 0.5, 1.5, 0.5, 0.5, 0.5}, 1, 6)
	if _, err := attack.FGSM(m, bad, []int{0}, attack.Config{Eps: 0.1}); err == nil {
		t.Error("FGSM accepted an input outside [0, 1]")
	}
}
