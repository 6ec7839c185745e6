package topology_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neurite/neurite/topology"
)

// Build only the edges onto receivers [500, 1000) of a fixed-total
// wiring: the same edges as the whole graph's onto them, from the same
// draws.
func ExampleBudget_FixedTotalPart() {
	whole, err := topology.FixedTotal(1000, 1000, 50000, false, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	part, err := topology.Budget(0).FixedTotalPart(1000, 1000, 50000, false, topology.Part{Lo: 500, Hi: 1000}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	onto := 0
	for _, t := range whole.Targets {
		if t >= 500 {
			onto++
		}
	}
	skipped := 0
	for _, n := range part.Outside {
		skipped += n
	}
	fmt.Println(part.Edges() == onto, part.Edges()+skipped == whole.Edges())
	fmt.Println(part.Row(0)[0] == whole.Row(0)[len(whole.Row(0))-part.RowPtr[1]])
	// Output:
	// true true
	// true
}
