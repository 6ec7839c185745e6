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

// FitScaling takes the reports of runs over one and several ranks (here
// written by hand: Simulate or SimulateRanks fill them) and separates the
// costs: compute from two runs of different rates, the exchange from two
// split runs moving different amounts of data.
func ExampleFitScaling() {
	run := func(neurons int, events int64, ranks int, wall float64, perExchange, bytes float64) *experiment.SimReport {
		r := &experiment.SimReport{Neurons: neurons, SynapticEvents: events, Ranks: ranks, SimMS: 100, DTMS: 0.1, WallSeconds: wall}
		if ranks > 1 {
			r.CommSeconds = perExchange * 66
			r.WallSeconds += r.CommSeconds
			r.Comm = &experiment.SimComm{Exchanges: 66, WindowSteps: 15, SecondsPerExchange: perExchange, BytesPerExchange: bytes}
		}
		return r
	}
	m, err := experiment.FitScaling([]*experiment.SimReport{
		run(5000, 1e7, 1, 0.065, 0, 0),         // 5000·1000 neuron-steps at 5 ns, 10⁷ events at 4 ns
		run(5000, 1e6, 1, 0.029, 0, 0),         // a slower regime
		run(5000, 1e7, 2, 0.0325, 60e-6, 4000), // each rank half; 40 µs + 10 ns per byte received
		run(5000, 1e6, 2, 0.0145, 42e-6, 400),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.1f ns per neuron-step, %.1f ns per event, %.0f µs latency, %.0f ns per byte\n",
		m.NeuronStepSeconds*1e9, m.EventSeconds*1e9, m.LatencySeconds*1e6, m.SecondsPerByte*1e9)
	// Output:
	// 5.0 ns per neuron-step, 4.0 ns per event, 40 µs latency, 10 ns per byte
}
