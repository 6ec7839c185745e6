package neurite_test

import (
	"context"
	"fmt"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
	"github.com/neurite/neurite/train"
)

// Simulate 100 leaky integrate-and-fire neurons driven by a constant input
// and coupled by sparse excitatory synapses.
func Example_simulateLIF() {
	params := snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TRef: 2, TauE: 5, TauI: 10}
	lif, err := snn.NewLIF(100, params)
	if err != nil {
		panic(err)
	}
	for i := range lif.I {
		lif.I[i] = 20 + 0.1*float32(i) // mV of drive: neurons 0…99 from 20 to 29.9
	}
	net := &snn.Network{DT: 0.1}
	pop := net.AddPopulation("lif", lif)
	// No random draws are involved in this wiring, so the output is fixed.
	g, _ := topology.AllToAll(100, 100, false)
	if _, err := net.Connect("recurrent", pop, pop, "ge", g, 0.05, 1.5); err != nil {
		panic(err)
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: 1})
	if err != nil {
		panic(err)
	}
	mon, _ := sim.MonitorSpikes(pop)
	if err := sim.Run(context.Background(), 1000, nil); err != nil {
		panic(err)
	}
	trains := mon.Trains()
	fmt.Println("every neuron fired:", mon.Len() > 0 && len(trains[0]) > 0)
	fmt.Println("more drive, more spikes:", len(trains[0]) < len(trains[50]) && len(trains[50]) < len(trains[99]))
	// Output:
	// every neuron fired: true
	// more drive, more spikes: true
}

// Train a two-layer network of sigmoid units on XOR, the function a single
// perceptron cannot learn (Minsky & Papert 1969).
func Example_trainXOR() {
	xor, _ := data.Logic("xor")
	spec := ann.MLP(2, []int{4}, ann.Sigmoid, 2, 0)
	net, err := spec.Build(1)
	if err != nil {
		panic(err)
	}
	opt, _ := optim.New("sgd", 2, 0, 0, false)
	_, err = train.Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, xor, nil,
		train.Config{Epochs: 2000, Batch: 4, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(net.Predict(xor.X), "want", xor.Labels)
	// Output: [0 1 1 0] want [0 1 1 0]
}
