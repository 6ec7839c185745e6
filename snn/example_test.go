package snn_test

import (
	"context"
	"fmt"

	"github.com/neurite/neurite/snn"
)

// Build and run the Brette et al. (2007) COBA benchmark.
func ExampleCOBA() {
	net, err := snn.COBA(4000, 1)
	if err != nil {
		panic(err)
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: 1})
	if err != nil {
		panic(err)
	}
	if err := sim.Run(context.Background(), 200, nil); err != nil {
		panic(err)
	}
	exc := net.Populations[0]
	fmt.Printf("%d neurons, %d synapses; the excitatory cells fired\n", net.Neurons(), net.Synapses())
	fmt.Println(sim.SpikeCount(exc) > 0)
	// Output:
	// 4000 neurons, 320100 synapses; the excitatory cells fired
	// true
}
