package plasticity_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/plasticity"
	"github.com/neurite/neurite/topology"
)

// A sheet of 400 neurons wired by distance (most links local), conduction
// delays from their positions, Poisson drive, and synapses that learn by
// STDP and are pruned and regrown by co-activity while the network runs.
func Example() {
	r := rand.New(rand.NewPCG(1, 1))
	// 400 neurons in a 2 mm square; p(d) = 0.3·exp(−d/0.2 mm).
	g, err := topology.Spatial(400, 2, 2, 0.3, 0.2, r)
	if err != nil {
		panic(err)
	}
	var net snn.Network
	lif, _ := snn.NewLIF(400, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -54, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
	sheet := net.AddPopulation("sheet", lif)
	sheet.Positions = g.Pos // mm
	rec, err := net.Connect("recurrent", sheet, sheet, "v", g.Projection(), 0.5, 0)
	if err != nil {
		panic(err)
	}
	// Unmyelinated axons, 0.5 m/s, plus 0.5 ms at the synapse.
	if err := snn.SetAnatomicalDelays(rec, 0.1, snn.Conduction{Velocity: 0.5, Synaptic: 0.5}); err != nil {
		panic(err)
	}
	net.Inputs = append(net.Inputs, &snn.PoissonInput{Pop: sheet, Var: "v", N: 100, Rate: 9, Weight: 0.5})
	growth := &plasticity.Structural{Every: 250, PruneBelow: 0.05, Create: 50, Growth: plasticity.GrowActivity, NewWeight: 0.5, Seed: 1}
	rec.Plasticity = plasticity.Chain{
		&plasticity.STDP{APlus: 0.01, AMinus: 0.0105, TauPlus: 20, TauMinus: 20, WMax: 1},
		growth,
	}
	sim, err := snn.NewSim(&net, snn.SimOptions{Seed: 1})
	if err != nil {
		panic(err)
	}
	start := rec.Synapses()
	if err := sim.Run(context.Background(), 1000, nil); err != nil {
		panic(err)
	}
	fmt.Println("structural rounds:", len(growth.History))
	fmt.Println("synapse count changed:", rec.Synapses() != start)
	// Output:
	// structural rounds: 4
	// synapse count changed: true
}
