package convert

import (
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// TestOpsByHand runs a 2-2-3 network for 8 steps whose spikes can be
// counted on paper: the hidden layer copies its inputs (identity weights),
// the output layer has zero weights and never fires.
func TestOpsByHand(t *testing.T) {
	net := func(input string) *SNN {
		return &SNN{input: input, layers: []layer{
			{w: []float32{1, 0, 0, 1}, b: make([]float32, 2), in: 2, out: 2},
			{w: make([]float32, 6), b: make([]float32, 3), in: 2, out: 3},
		}}
	}
	const steps = 8
	tests := []struct {
		input string
		x     []float32
		want  energy.Ops
	}{
		// Currents 0.25 and 0.5 into the hidden neurons: 2 and 4 spikes
		// in 8 steps, each to 3 output neurons; the current costs 2·2 MACs
		// once.
		{"current", []float32{0.25, 0.5}, energy.Ops{MACs: 2 * 2, Spikes: 2 + 4, SynapticEvents: (2 + 4) * 3}},
		// Spike probabilities 1 and 0: input 0 fires at every step (8
		// spikes to 2 hidden neurons), so does hidden neuron 0 (8 spikes
		// to 3 output neurons).
		{"poisson", []float32{1, 0}, energy.Ops{Spikes: 8 + 8, InputSpikes: 8, SynapticEvents: 8*2 + 8*3}},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			d := &data.Dataset{X: tensor.FromData(tt.x, 1, 2), Labels: []int{0}, Classes: 3}
			res, err := net(tt.input).Run(d, steps, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Ops(); got != tt.want {
				t.Errorf("Run(%v).Ops() = %+v, want %+v", tt.x, got, tt.want)
			}
		})
	}
}
