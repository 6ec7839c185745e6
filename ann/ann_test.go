package ann_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
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
	lin := ann.NewDense(3, 4, ann.InitPyTorch, r)
	// The leaky read-out is smooth, so the finite-difference suite applies
	// (a spiking LIF layer's surrogate gradient has its own test).
	leaky := &ann.Leaky{In: 3, Out: 4, Beta: 0.9, W: lin.W, B: lin.B}
	cases := []struct {
		name  string
		layer ann.Layer
		shape []int
	}{
		{"dense", dense, []int{4, 7}},
		{"softmax", &ann.Softmax{}, []int{3, 6}},
		{"dropout", drop, []int{5, 8}},
		{"leaky", leaky, []int{2, 5, 3}},
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

func TestConvPoolNormGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	conv, err := ann.NewConv2D(tensor.ConvGeom{C: 2, H: 6, W: 5, KH: 3, KW: 2, StrideH: 1, StrideW: 2, PadH: 1, PadW: 1}, 3, ann.InitHe, r)
	if err != nil {
		t.Fatal(err)
	}
	for i := range conv.B.Value.Data {
		conv.B.Value.Data[i] = float32(r.Float64() - 0.5)
	}
	avg, _ := ann.NewPool2D(false, 2, 2, 3, 6, 4)
	bn2, _ := ann.NewBatchNorm(5)
	bn4, _ := ann.NewBatchNorm(3)
	for i := range 3 {
		bn4.Gamma.Value.Data[i], bn4.Beta.Value.Data[i] = 1+0.3*float32(i), 0.1*float32(i)
	}
	cases := []struct {
		name  string
		layer ann.Layer
		shape []int
	}{
		{"conv2d", conv, []int{3, 2, 6, 5}},
		{"avgpool", avg, []int{2, 3, 6, 4}},
		{"flatten", &ann.Reshape{Shape: []int{12}, Flat: true}, []int{2, 3, 2, 2}},
		{"batchnorm-2d", bn2, []int{6, 5}},
		{"batchnorm-4d", bn4, []int{4, 3, 2, 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { anntest.Layer(t, tc.name, tc.layer, tc.shape, 7) })
	}
}

// TestConvAgainstNaive compares Conv2D's forward pass with the definition
// of convolution (cross-correlation, as every framework computes it).
func TestConvAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	g := tensor.ConvGeom{C: 2, H: 5, W: 5, KH: 3, KW: 3, PadH: 1, PadW: 1}
	conv, _ := ann.NewConv2D(g, 2, ann.InitHe, r)
	x := tensor.New(2, 2, 5, 5)
	for i := range x.Data {
		x.Data[i] = float32(r.Float64())
	}
	y := conv.Forward(x, false)
	for n := range 2 {
		for f := range 2 {
			for i := range 5 {
				for j := range 5 {
					var s float64
					for c := range 2 {
						for a := range 3 {
							for b := range 3 {
								ii, jj := i+a-1, j+b-1
								if ii < 0 || ii >= 5 || jj < 0 || jj >= 5 {
									continue
								}
								s += float64(conv.W.Value.At(f, c, a, b)) * float64(x.At(n, c, ii, jj))
							}
						}
					}
					s += float64(conv.B.Value.Data[f])
					if d := math.Abs(s - float64(y.At(n, f, i, j))); d > 1e-5 {
						t.Fatalf("y[%d,%d,%d,%d] = %v, definition %v", n, f, i, j, y.At(n, f, i, j), s)
					}
				}
			}
		}
	}
}

// TestMaxPool checks the forward maximum and that the gradient reaches
// exactly the maximal input of each window.
func TestMaxPool(t *testing.T) {
	p, _ := ann.NewPool2D(true, 2, 2, 1, 4, 4)
	x := tensor.FromData([]float32{
		1, 5, 2, 0,
		3, 4, 9, 1,
		0, 0, 7, 8,
		6, 2, 3, 2}, 1, 1, 4, 4)
	y := p.Forward(x, true)
	if want := []float32{5, 9, 6, 8}; !slices.Equal(y.Data, want) {
		t.Errorf("max pool = %v, want %v", y.Data, want)
	}
	dx := p.Backward(tensor.FromData([]float32{1, 2, 3, 4}, 1, 1, 2, 2), true)
	want := []float32{0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 4, 3, 0, 0, 0}
	if !slices.Equal(dx.Data, want) {
		t.Errorf("max pool gradient = %v, want %v", dx.Data, want)
	}
}

// TestBatchNormModes: training normalises with the batch's statistics and
// moves the running ones; inference uses the running ones.
func TestBatchNormModes(t *testing.T) {
	bn, _ := ann.NewBatchNorm(1)
	x := tensor.FromData([]float32{1, 2, 3, 4}, 4, 1)
	y := bn.Forward(x, true)
	if m := tensor.Mean(y.Data); math.Abs(m) > 1e-6 {
		t.Errorf("training output mean %v, want 0", m)
	}
	// Running mean 0.9·0 + 0.1·2.5; running variance 0.9·1 + 0.1·(5/3).
	if got := bn.RunMean.Value.Data[0]; math.Abs(float64(got)-0.25) > 1e-6 {
		t.Errorf("running mean %v, want 0.25", got)
	}
	if got := bn.RunVar.Value.Data[0]; math.Abs(float64(got)-(0.9+0.1*5.0/3)) > 1e-6 {
		t.Errorf("running variance %v, want %v", got, 0.9+0.1*5.0/3)
	}
	y = bn.Forward(x, false)
	want := (1 - 0.25) / math.Sqrt(0.9+0.1*5.0/3+1e-5)
	if math.Abs(float64(y.Data[0])-want) > 1e-5 {
		t.Errorf("inference output %v, want %v", y.Data[0], want)
	}
}

func TestRecurrentGradients(t *testing.T) {
	for _, lstm := range []bool{false, true} {
		for _, seq := range []bool{false, true} {
			r := rand.New(rand.NewPCG(4, 4))
			l, err := ann.NewRecurrent(lstm, 5, 6, seq, r)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s sequence=%v", l.Kind(), seq)
			t.Run(name, func(t *testing.T) { anntest.Layer(t, name, l, []int{3, 4, 5}, 5) })
		}
	}
}

func TestSpecShapesAndCounts(t *testing.T) {
	for name, spec := range map[string]ann.Spec{
		"lenet5": ann.LeNet5(), "lstm": ann.RowSequence(true, 128), "rnn": ann.RowSequence(false, 128),
		"mlp": ann.MLP(784, []int{128}, ann.ReLU, 10, 0),
	} {
		net, err := spec.Build(1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := net.NumParams()
		for _, b := range net.Buffers() {
			got += b.Value.Len()
		}
		if c := spec.CountParams(); c != got {
			t.Errorf("%s: CountParams = %d, built network has %d", name, c, got)
		}
		if spec.Outputs() != 10 {
			t.Errorf("%s: %d outputs", name, spec.Outputs())
		}
	}
	// PyTorch's parameter counts for the same architectures.
	for name, want := range map[string]int{"lenet5": 61706, "lstm": 4*128*(28+128+2) + 1290} {
		spec := map[string]ann.Spec{"lenet5": ann.LeNet5(), "lstm": ann.RowSequence(true, 128)}[name]
		if got := spec.CountParams(); got != want {
			t.Errorf("%s has %d parameters, PyTorch's %d", name, got, want)
		}
	}
	bad := ann.Spec{Inputs: 784, Shape: []int{1, 28, 28}, Layers: []ann.LayerSpec{{Type: "conv2d", Filters: 4, Kernel: 3}, {Type: "dense", Units: 10}}}
	if _, err := bad.Build(1); err == nil || !strings.Contains(err.Error(), "layer 1 (dense)") || !strings.Contains(err.Error(), "flatten") {
		t.Errorf("dense after conv without flatten: %v, want an error naming layer 1 and suggesting flatten", err)
	}
}
