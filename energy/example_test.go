package energy_test

import (
	"fmt"

	"github.com/neurite/neurite/energy"
)

// A 784-128-10 MLP needs 784·128 + 128·10 MACs per image. A spiking
// network doing the same job with Poisson input fires, say, 2000 input
// spikes and 300 hidden spikes per image: (2000·128 + 300·10) synaptic
// events. Which is cheaper depends on the hardware's cost per operation.
func ExampleJoules() {
	mlp := energy.Ops{MACs: 784*128 + 128*10}
	snn := energy.Ops{Spikes: 2000 + 300, InputSpikes: 2000, SynapticEvents: 2000*128 + 300*10}
	fmt.Printf("MLP, fp32 arithmetic: %.3g J\n", energy.Joules(mlp, energy.Costs{MAC: energy.PJPerMACFP32}))
	fmt.Printf("MLP, Titan X at peak: %.3g J\n", energy.Joules(mlp, energy.Costs{MAC: energy.PJPerMACTitanX}))
	fmt.Printf("SNN on Loihi:         %.3g J\n", energy.Joules(snn, energy.Costs{SynapticEvent: energy.PJPerEventLoihi}))
	// Output:
	// MLP, fp32 arithmetic: 4.68e-07 J
	// MLP, Titan X at peak: 8.47e-06 J
	// SNN on Loihi:         6.11e-06 J
}
