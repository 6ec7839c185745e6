package ann_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/ann/anntest"
	"github.com/neurite/neurite/tensor"
)

// TestInputGradient checks the gradient with respect to the input, at
// inference, of every kind of network an attack follows: dense, with
// dropout (off), convolutional with batch normalisation (by its running
// statistics), recurrent, and a spiking network's smooth parts (direct
// coding into a leaky read-out).
func TestInputGradient(t *testing.T) {
	cases := []struct {
		name    string
		spec    ann.Spec
		classes int
	}{
		{"mlp", ann.MLP(12, []int{8}, ann.Tanh, 3, 0.3), 3},
		{"cnn-batchnorm", ann.Spec{Inputs: 36, Shape: []int{1, 6, 6}, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
			{Type: "conv2d", Filters: 3, Kernel: 3, Padding: 1}, {Type: "batchnorm"}, {Type: "tanh"}, {Type: "avgpool", Kernel: 2},
			{Type: "flatten"}, {Type: "dense", Units: 4}}}, 4},
		{"lstm", ann.Spec{Inputs: 12, Shape: []int{3, 4}, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
			{Type: "lstm", Units: 5}, {Type: "dense", Units: 3}}}, 3},
		{"direct-leaky", ann.Spec{Inputs: 6, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
			{Type: "spike-encode", Steps: 4, Coding: ann.DirectCoding}, {Type: "leaky", Units: 3}}}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			net, err := tc.spec.Build(5)
			if err != nil {
				t.Fatal(err)
			}
			// Running statistics away from 0 and 1, so that the check
			// sees them used.
			for _, b := range net.Buffers() {
				for i := range b.Value.Data {
					b.Value.Data[i] = 0.5 + 0.1*float32(i)
				}
			}
			anntest.InputGradient(t, tc.name, net, ann.SoftmaxCrossEntropy{}, 3, tc.spec.Inputs, tc.classes, 2)
		})
	}
}

// TestInputGradientRateCoding: a rate-coded encoder passes the gradient
// of its expected spike train (the sum over steps), and latency coding
// has none, which InputGradient names.
func TestInputGradientRateCoding(t *testing.T) {
	for _, coding := range []ann.Coding{ann.RateCoding, ann.LatencyCoding} {
		net, err := ann.SpikingMLPLeaky(5, []int{4}, 3, 6, coding).Build(1)
		if err != nil {
			t.Fatal(err)
		}
		x := tensor.New(2, 5)
		r := rand.New(rand.NewPCG(1, 2))
		for i := range x.Data {
			x.Data[i] = float32(r.Float64())
		}
		var steps []float32 // the first LIF layer's input gradient, (2, 6, 5)
		net.Hooks.Gradient = func(layer int, _ string, dInput *tensor.Tensor, _ []*ann.Param) {
			if layer == 1 {
				steps = append([]float32(nil), dInput.Data...)
			}
		}
		out := net.Forward(x, false)
		dy := tensor.New(out.Shape...)
		ann.SoftmaxCrossEntropy{}.Eval(dy, out, []int{0, 2})
		dx, err := net.InputGradient(dy)
		if coding == ann.LatencyCoding {
			if err == nil || !strings.Contains(err.Error(), "spike-encode") {
				t.Errorf("latency coding: InputGradient error %v, want one naming the spike encoder", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if dx.Rows() != 2 || dx.Cols() != 5 {
			t.Fatalf("rate coding: gradient shape %v, want [2 5]", dx.Shape)
		}
		for i := range 2 {
			for j := range 5 {
				var want float32
				for s := range 6 {
					want += steps[(i*6+s)*5+j]
				}
				if got := dx.At(i, j); got != want {
					t.Errorf("rate coding: gradient[%d][%d] = %v, want the sum over steps %v", i, j, got, want)
				}
			}
		}
	}
}
