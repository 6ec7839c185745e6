package snn_test

import (
	"fmt"

	"github.com/neurite/neurite/snn"
)

// Build each rank's share of Brunel's network for a simulation split over
// three processes: every rank holds every neuron but only the synapses
// onto its own, and together they hold the whole network's, once.
func ExampleShare() {
	whole, err := snn.Preset("brunel", snn.PresetOptions{N: 2000, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("whole: %d neurons, %d synapses\n", whole.Neurons(), whole.Synapses())
	sum := 0
	for rank := range 3 {
		share := snn.Share{Rank: rank, Ranks: 3}
		net, err := snn.Preset("brunel", snn.PresetOptions{N: 2000, Seed: 1, Share: share})
		if err != nil {
			panic(err)
		}
		sum += net.Synapses()
		exc := net.Populations[0]
		lo, hi := snn.RankRange(exc.Len(), rank, 3)
		fmt.Printf("rank %d: %d neurons, excitatory [%d, %d), about a third of the synapses: %v\n",
			rank, net.Neurons(), lo, hi, net.Synapses() > whole.Synapses()*3/10 && net.Synapses() < whole.Synapses()*37/100)
	}
	fmt.Println("all synapses, once:", sum == whole.Synapses())
	// Output:
	// whole: 2500 neurons, 625720 synapses
	// rank 0: 2500 neurons, excitatory [0, 664), about a third of the synapses: true
	// rank 1: 2500 neurons, excitatory [664, 1328), about a third of the synapses: true
	// rank 2: 2500 neurons, excitatory [1328, 2000), about a third of the synapses: true
	// all synapses, once: true
}
