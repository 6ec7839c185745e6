package ann_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/ann/anntest"
	"github.com/neurite/neurite/tensor"
)

func TestLayerGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	dense := ann.NewDense(7, 5, ann.InitXavier, r)
	for i := range dense.B.Value.Data {
		dense.B.Value.Data[i] = float32(r.Float64() - 0.5)
	}
	drop, _ := ann.NewDropout(0.3, 9)
	cases := []struct {
		name  string
		layer ann.Layer
		shape []int
	}{
		{"dense", dense, []int{4, 7}},
		{"softmax", &ann.Softmax{}, []int{3, 6}},
		{"dropout", drop, []int{5, 8}},
	}
	for _, f := range ann.Functions {
		a, err := ann.NewActivation(f)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			name  string
			layer ann.Layer
			shape []int
		}{string(f), a, []int{4, 6}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { anntest.Layer(t, tc.name, tc.layer, tc.shape, 3) })
	}
}

func TestLossGradients(t *testing.T) {
	for _, name := range []string{"softmax-cross-entropy", "mse", "bce"} {
		loss, err := ann.NewLoss(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			anntest.Loss(t, loss, 5, 4, 1)
			if name != "softmax-cross-entropy" {
				anntest.Loss(t, loss, 6, 1, 2) // a single output unit
			}
		})
	}
}

func TestMLPGradient(t *testing.T) {
	for _, act := range []ann.Function{ann.ReLU, ann.Sigmoid, ann.Tanh} {
		net, err := ann.MLP(6, []int{8, 5}, act, 3, 0.2).Build(4)
		if err != nil {
			t.Fatal(err)
		}
		anntest.Network(t, string(act), net, ann.SoftmaxCrossEntropy{}, 4, 6, 3, 5)
	}
}

// TestCrossEntropyStable checks that huge logits give a finite loss equal
// to the closed form, where a naive softmax-then-log would overflow.
func TestCrossEntropyStable(t *testing.T) {
	logits := tensor.FromData([]float32{1000, 0, -1000, 2, 1, 0}, 2, 3)
	grad := tensor.New(2, 3)
	loss := ann.SoftmaxCrossEntropy{}.Eval(grad, logits, []int{1, 0})
	// Row 0: −log softmax₁ = 1000 − 0 (to float precision); row 1: log(e²+e+1) − 2.
	want := (1000 + (math.Log(math.Exp(2)+math.E+1) - 2)) / 2
	if math.Abs(loss-want) > 1e-3 {
		t.Errorf("loss = %v, want %v", loss, want)
	}
	for _, g := range grad.Data {
		if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
			t.Fatalf("gradient %v", grad.Data)
		}
	}
}

func TestSpecErrors(t *testing.T) {
	bad := []ann.Spec{
		{Inputs: 0, Layers: []ann.LayerSpec{{Type: "dense", Units: 2}}},
		{Inputs: 3},
		{Inputs: 3, Layers: []ann.LayerSpec{{Type: "dense", Units: 0}}},
		{Inputs: 3, Layers: []ann.LayerSpec{{Type: "wobble"}}},
		{Inputs: 3, Layers: []ann.LayerSpec{{Type: "dropout", P: 1}}},
		{Inputs: 3, Layers: []ann.LayerSpec{{Type: "dense", Units: 2, Init: "zeros"}}},
		{Inputs: 3, Layers: []ann.LayerSpec{{Type: "dense", Units: 2}}, Loss: "hinge"},
	}
	for _, s := range bad {
		if _, err := s.Build(1); err == nil {
			t.Errorf("Build(%+v) succeeded", s)
		}
	}
	net, err := ann.MLP(784, []int{128}, ann.ReLU, 10, 0).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	if got := net.NumParams(); got != 784*128+128+128*10+10 {
		t.Errorf("784-128-10 has %d parameters, want 101770", got)
	}
	if p := net.Params(); p[0].Name != "0.weight" || p[3].Name != "2.bias" {
		t.Errorf("parameter names %q, %q: want PyTorch's 0.weight, 2.bias", p[0].Name, p[3].Name)
	}
}
