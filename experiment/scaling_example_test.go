package experiment_test

import (
	"fmt"

	"github.com/neurite/neurite/experiment"
)

// A model with the costs of a fitted run (FitScaling) predicts Brunel's
// network of 12,500 neurons at 20 Hz over 1 and 4 ranks: the compute
// divides by 4, the exchange appears.
func ExampleScalingModel_Predict() {
	m := experiment.ScalingModel{NeuronStepSeconds: 3e-9, EventSeconds: 4e-9, LatencySeconds: 20e-6, SecondsPerByte: 1e-9}
	for _, ranks := range []int{1, 4} {
		total, compute, comm := m.Predict(experiment.ScalingWorkload{Neurons: 12500, Synapses: 15.6e6, RateHz: 20, DTMS: 0.1, WindowSteps: 15, Ranks: ranks})
		fmt.Printf("%d ranks: %.3f s per biological second (%.3f compute, %.3f exchange)\n", ranks, total, compute, comm)
	}
	// Output:
	// 1 ranks: 1.623 s per biological second (1.623 compute, 0.000 exchange)
	// 4 ranks: 0.433 s per biological second (0.406 compute, 0.027 exchange)
}
