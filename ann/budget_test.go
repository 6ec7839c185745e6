package ann

import (
	"errors"
	"testing"

	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/tensor"
)

// TestFootprint builds networks, runs one training step (forward,
// backward) on a batch, and compares what that allocated with the
// estimate for the same batch without optimizer state.
func TestFootprint(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		batch int
	}{
		{"mlp", MLP(784, []int{1024, 256}, ReLU, 10, 0.2), 64},
		{"mlp wide batch", MLP(784, []int{128}, ReLU, 10, 0), 2048},
		{"lenet5", LeNet5(), 32},
		{"lstm", RowSequence(true, 256), 32},
		{"snn", SpikingMLPLeaky(784, []int{256}, 10, 10, RateCoding), 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tt.spec.Footprint()
			if err != nil {
				t.Fatal(err)
			}
			x := tensor.New(tt.batch, tt.spec.Inputs)
			for i := range x.Data {
				x.Data[i] = float32(i%7) / 7
			}
			labels := make([]int, tt.batch)
			loss := SoftmaxCrossEntropy{}
			got := budget.Allocated(func() {
				net, err := tt.spec.Build(1)
				if err != nil {
					t.Fatal(err)
				}
				out := net.Forward(x, true)
				grad := tensor.New(out.Shape...)
				loss.Eval(grad, out, labels)
				net.Backward(grad)
			}) + 4*float64(len(x.Data)) // the batch, made before
			want := f.Bytes(tt.batch, 0)
			r := want / got
			t.Logf("%.4g values, %.4g per example: estimate %.3g bytes, allocated %.3g: ratio %.2f", f.Values, f.PerExample, want, got, r)
			if r > budget.Tolerance || r < 1/budget.Tolerance {
				t.Errorf("estimate %.3g bytes, allocated %.3g: ratio %.2f", want, got, r)
			}
		})
	}
}

// TestBuildRefusesHuge checks that specs too large for any machine give a
// *budget.Error from Build, before anything sizeable is allocated.
func TestBuildRefusesHuge(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		limit int64
	}{
		{"dense 1e12", Spec{Inputs: 784, Layers: []LayerSpec{{Type: "dense", Units: 1_000_000_000_000}, {Type: "relu"}, {Type: "dense", Units: 10}}}, 0},
		{"hidden 1e8", MLP(784, []int{100_000_000}, ReLU, 10, 0), 0},
		{"product overflows", Spec{Inputs: 1 << 40, Layers: []LayerSpec{{Type: "dense", Units: 1 << 40}}}, 0},
		{"conv", Spec{Inputs: 1 << 30, Shape: []int{1, 1 << 15, 1 << 15}, Layers: []LayerSpec{{Type: "conv2d", Filters: 1 << 20, Kernel: 3}}}, 0},
		{"lstm", Spec{Inputs: 28 * 28, Shape: []int{28, 28}, Layers: []LayerSpec{{Type: "lstm", Units: 1 << 30}}}, 0},
		{"limit", MLP(784, []int{1024}, ReLU, 10, 0), 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			got := budget.Allocated(func() { _, err = tt.spec.BuildWithin(1, tt.limit) })
			var be *budget.Error
			if !errors.As(err, &be) || !errors.Is(err, budget.ErrOverBudget) {
				t.Fatalf("error %v, want a *budget.Error", err)
			}
			if got > 1<<16 {
				t.Errorf("allocated %.0f bytes before refusing", got)
			}
		})
	}
}
