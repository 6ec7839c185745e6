package ann_test

import (
	"slices"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/tensor"
)

// TestSpecAsksTheLayers builds specs using every layer type and checks
// that each layer's own description (OutputShape, NumValues) is what it
// turns out to be, and that CountParams and Outputs, which ask the layers
// without building anything, agree with the built network, and that
// every layer counts its own operations (OpCounter). The
// "lstm-sequence" case is one the old hand-kept count got wrong (it took
// the step count of a sequence output from the hidden size).
func TestSpecAsksTheLayers(t *testing.T) {
	type L = ann.LayerSpec
	specs := []struct {
		name string
		spec ann.Spec
	}{
		{"mlp", ann.MLP(12, []int{8, 6}, ann.LeakyReLU, 3, 0.2)},
		{"lenet5", ann.LeNet5()},
		{"conv", ann.Spec{Inputs: 2 * 9 * 9, Shape: []int{2, 9, 9}, Layers: []L{
			{Type: "conv2d", Filters: 4, Kernel: 3, Stride: 2, Padding: 1}, {Type: "batchnorm"}, {Type: "relu"},
			{Type: "avgpool", Kernel: 2, Stride: 1}, {Type: "maxpool", Kernel: 2}, {Type: "flatten"},
			{Type: "batchnorm"}, {Type: "dense", Units: 4}, {Type: "softmax"}}}},
		{"lstm-sequence", ann.Spec{Inputs: 6 * 5, Shape: []int{6, 5}, Layers: []L{
			{Type: "lstm", Units: 7, Sequence: true}, {Type: "rnn", Units: 3, Sequence: true},
			{Type: "flatten"}, {Type: "dense", Units: 3}}}},
		{"rnn", ann.RowSequence(false, 5)},
		{"spiking", ann.SpikingMLP(10, []int{6}, 3, 4, ann.DirectCoding)},
		{"spiking-leaky", ann.SpikingMLPLeaky(10, []int{6, 5}, 3, 4, ann.RateCoding)},
	}
	for _, c := range specs {
		t.Run(c.name, func(t *testing.T) {
			net, err := c.spec.Build(1)
			if err != nil {
				t.Fatal(err)
			}
			shape := []int{c.spec.Inputs}
			if len(c.spec.Shape) > 0 {
				shape = c.spec.Shape
			}
			x := tensor.New(append([]int{2}, shape...)...)
			for i := range x.Data {
				x.Data[i] = float32(i%5) / 5
			}
			total := 0
			for i, l := range net.Layers {
				s, ok := l.(ann.Sized)
				if !ok {
					t.Fatalf("layer %d (%s) is not ann.Sized", i, l.Kind())
				}
				if _, ok := l.(ann.OpCounter); !ok {
					t.Errorf("layer %d (%s) is not ann.OpCounter: CountOps cannot count it", i, l.Kind())
				}
				want := s.OutputShape(shape)
				x = l.Forward(x, false)
				if !slices.Equal(x.Shape[1:], want) {
					t.Errorf("layer %d (%s): OutputShape(%v) = %v, Forward gives %v", i, l.Kind(), shape, want, x.Shape[1:])
				}
				n := 0
				for _, p := range l.Params() {
					n += p.Value.Len()
				}
				if b, ok := l.(interface{ Buffers() []*ann.Param }); ok {
					for _, p := range b.Buffers() {
						n += p.Value.Len()
					}
				}
				if s.NumValues() != n {
					t.Errorf("layer %d (%s): NumValues() = %d, holds %d", i, l.Kind(), s.NumValues(), n)
				}
				total += n
				shape = want
			}
			if got := c.spec.CountParams(); got != total {
				t.Errorf("CountParams() = %d, the network holds %d", got, total)
			}
			if got, want := c.spec.Outputs(), x.Len()/2; got != want {
				t.Errorf("Outputs() = %d, want %d", got, want)
			}
		})
	}
}
