// Package anntest is the gradient conformance suite for neurite's
// artificial-network layers and losses: every layer's Backward, and every
// loss's gradient, must agree with central finite differences of its
// forward computation. New layers run it in one line (gonum's testblas
// idea):
//
//	func TestMyLayer(t testing.TB) { anntest.Layer(t, "mine", NewMine(…), []int{4, 7}, 1) }
package anntest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/tensor"
)

// Finite-difference settings. Layers compute in float32, so the step is
// large enough that rounding (~1e-7 relative per output, summed over the
// outputs) stays below the truncation error h² ≈ 1e-4 of the central
// difference; gradients must match to 2% or 2e-3 absolute.
const (
	h      = 1e-2
	relTol = 2e-2
	absTol = 2e-3
	// maxChecks bounds the elements checked per tensor (spread evenly),
	// so large layers stay fast.
	maxChecks = 200
)

// reseeder is implemented by stochastic layers (dropout) so that repeated
// forward passes can reuse one random mask.
type reseeder interface{ Reseed(seed uint64) }

// randomInput returns values in [−1, −0.1] ∪ [0.1, 1]: away from the kinks
// of ReLU, step and leaky ReLU at zero, where finite differences are
// meaningless.
func randomInput(r *rand.Rand, shape []int) *tensor.Tensor {
	x := tensor.New(shape...)
	for i := range x.Data {
		v := 0.1 + 0.9*r.Float64()
		if r.IntN(2) == 0 {
			v = -v
		}
		x.Data[i] = float32(v)
	}
	return x
}

// Layer checks l's Backward against finite differences of the scalar
// L = Σ dy ⊙ l.Forward(x) for a random x of shape inShape and random dy:
// the input gradient and every parameter's gradient. For an [ann.Sized]
// layer it also checks OutputShape against the shape Forward returns and
// NumValues against the parameters and buffers the layer holds.
func Layer(t testing.TB, name string, l ann.Layer, inShape []int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x6772616463686b))
	x := randomInput(r, inShape)
	forward := func() *tensor.Tensor {
		if s, ok := l.(reseeder); ok {
			s.Reseed(seed)
		}
		return l.Forward(x, true)
	}
	y := forward()
	if s, ok := l.(ann.Sized); ok {
		checkSized(t, name, s, inShape[1:], y.Shape[1:])
	}
	dy := tensor.New(y.Shape...)
	for i := range dy.Data {
		dy.Data[i] = float32(2*r.Float64() - 1)
	}
	objective := func() float64 {
		out := forward()
		var s float64
		for i, v := range out.Data {
			s += float64(v) * float64(dy.Data[i])
		}
		return s
	}
	forward()
	dx := l.Backward(dy, true)
	if dx == nil || len(dx.Data) != len(x.Data) {
		t.Fatalf("%s: Backward returned an input gradient of the wrong size", name)
	}
	analytic := tensor.New(x.Shape...)
	copy(analytic.Data, dx.Data)
	grads := map[*ann.Param][]float32{}
	for _, p := range l.Params() {
		grads[p] = append([]float32(nil), p.Grad.Data...)
	}
	compare(t, name+" input", x.Data, analytic.Data, objective)
	for _, p := range l.Params() {
		compare(t, name+" parameter "+p.Name, p.Value.Data, grads[p], objective)
	}
}

// checkSized checks that a layer's description of itself, which specs and
// model files rely on before any tensor exists, matches what it is: the
// output shape of one example, and the values of its parameters and
// buffers.
func checkSized(t testing.TB, name string, l ann.Sized, in, out []int) {
	t.Helper()
	if got := l.OutputShape(in); !slices.Equal(got, out) {
		t.Errorf("%s: OutputShape(%v) = %v, Forward returns %v per example", name, in, got, out)
	}
	ps := l.Params()
	if b, ok := l.(interface{ Buffers() []*ann.Param }); ok {
		ps = append(ps, b.Buffers()...)
	}
	n := 0
	for _, p := range ps {
		n += p.Value.Len()
	}
	if got := l.NumValues(); got != n {
		t.Errorf("%s: NumValues() = %d, the layer holds %d", name, got, n)
	}
}

// compare perturbs each checked element of values by ±h and compares the
// central difference of objective with the analytic gradient.
func compare(t testing.TB, what string, values, analytic []float32, objective func() float64) {
	t.Helper()
	stride := max(1, len(values)/maxChecks)
	for i := 0; i < len(values); i += stride {
		orig := values[i]
		values[i] = orig + h
		up := objective()
		values[i] = orig - h
		down := objective()
		values[i] = orig
		num := (up - down) / (2 * h)
		ana := float64(analytic[i])
		if d := math.Abs(num - ana); d > absTol+relTol*math.Max(math.Abs(num), math.Abs(ana)) {
			t.Errorf("%s: gradient[%d] = %.6g, finite difference %.6g", what, i, ana, num)
			return
		}
	}
}

// Loss checks a loss's gradient against finite differences of its value,
// at random predictions (probabilities in (0.05, 0.95) for losses on
// probabilities) and labels.
func Loss(t testing.TB, loss ann.Loss, rows, cols int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x6c6f7373))
	pred := tensor.New(rows, cols)
	for i := range pred.Data {
		pred.Data[i] = float32(0.05 + 0.9*r.Float64())
		if loss.Name() == "softmax-cross-entropy" {
			pred.Data[i] = float32(4*r.Float64() - 2)
		}
	}
	classes := max(cols, 2)
	labels := make([]int, rows)
	for i := range labels {
		labels[i] = r.IntN(classes)
	}
	grad := tensor.New(rows, cols)
	loss.Eval(grad, pred, labels)
	analytic := append([]float32(nil), grad.Data...)
	scratch := tensor.New(rows, cols)
	compare(t, loss.Name(), pred.Data, analytic, func() float64 { return loss.Eval(scratch, pred, labels) })
}

// Network checks a whole network through a loss: the gradient of the mean
// loss with respect to every parameter, as the training loop uses it.
func Network(t testing.TB, name string, net *ann.Sequential, loss ann.Loss, batch, inputs, classes int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x6e6574))
	x := randomInput(r, []int{batch, inputs})
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = r.IntN(classes)
	}
	var grad *tensor.Tensor
	objective := func() float64 {
		for _, l := range net.Layers {
			if s, ok := l.(reseeder); ok {
				s.Reseed(seed)
			}
		}
		out := net.Forward(x, true)
		if grad == nil {
			grad = tensor.New(out.Shape...)
		}
		return loss.Eval(grad, out, labels)
	}
	objective()
	net.Backward(grad)
	for _, p := range net.Params() {
		analytic := append([]float32(nil), p.Grad.Data...)
		compare(t, name+" "+p.Name, p.Value.Data, analytic, objective)
	}
}

// InputGradient checks a whole network's gradient with respect to its
// input at inference (dropout off, batch normalisation by its running
// statistics), as an adversarial attack follows it: the gradient of the
// mean loss that Sequential.InputGradient returns, element by element,
// against finite differences of the loss.
func InputGradient(t testing.TB, name string, net *ann.Sequential, loss ann.Loss, batch, inputs, classes int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x696e70))
	x := randomInput(r, []int{batch, inputs})
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = r.IntN(classes)
	}
	var grad *tensor.Tensor
	objective := func() float64 {
		out := net.Forward(x, false)
		if grad == nil {
			grad = tensor.New(out.Shape...)
		}
		return loss.Eval(grad, out, labels)
	}
	objective()
	dx, err := net.InputGradient(grad)
	if err != nil {
		t.Fatalf("%s: InputGradient: %v", name, err)
	}
	if !slices.Equal(dx.Shape, []int{batch, inputs}) {
		t.Fatalf("%s: InputGradient shape %v, want [%d %d]", name, dx.Shape, batch, inputs)
	}
	analytic := append([]float32(nil), dx.Data...)
	compare(t, name+" input", x.Data, analytic, objective)
}
