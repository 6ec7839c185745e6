package plasticity

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

// TestStructuralKeepsStorageConsistent drives thousands of prune/grow
// rounds with random weights and spikes and checks after each that every
// synapse is listed once, rows are sorted, arrays agree, the count equals
// the previous count − pruned + created, and the synapse set equals an
// independent model of what should survive.
func TestStructuralKeepsStorageConsistent(t *testing.T) {
	for _, growth := range []Growth{GrowRandom, GrowActivity, GrowDistance} {
		const n = 40
		r := rand.New(rand.NewPCG(uint64(growth), 1))
		g, _ := topology.FixedProbability(n, n, 0.1, false, r)
		var net snn.Network
		lif, _ := snn.NewLIF(n, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TauE: 5, TauI: 10})
		pop := net.AddPopulation("pop", lif)
		pop.Positions = make([][3]float64, n)
		for i := range pop.Positions {
			pop.Positions[i] = [3]float64{r.Float64(), r.Float64(), 0}
		}
		p, err := net.Connect("rec", pop, pop, "ge", g, 0.5, 0)
		if err != nil {
			t.Fatal(err)
		}
		p.DelaySteps = make([]uint16, p.Synapses()) // exercise the delay array too
		rule := &Structural{Every: 0.1, PruneBelow: 0.2, Create: 12, Growth: growth, Lambda: 0.3, NewWeight: 0.5, Seed: 9, RateTau: 5}
		if err := rule.Prepare(p, 0.1); err != nil {
			t.Fatal(err)
		}
		model := map[[2]int]bool{}
		for i := range n {
			for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
				model[[2]int{i, int(p.Targets[s])}] = true
			}
		}
		for round := range 3000 {
			// Random weights decide what is weak; random spikes drive
			// activity-based growth.
			for s := range p.Weights {
				p.Weights[s] = r.Float32()
			}
			for i := range n {
				for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
					if p.Weights[s] < 0.2 {
						delete(model, [2]int{i, int(p.Targets[s])})
					}
				}
			}
			var spikes []int32
			for i := range n {
				if r.IntN(4) == 0 {
					spikes = append(spikes, int32(i))
				}
			}
			before := p.Synapses()
			gen := p.Generation()
			rule.Update(p, int64(round), spikes, spikes)
			last := rule.History[len(rule.History)-1]
			if p.Generation() != gen+1 || last.Synapses != p.Synapses() || p.Synapses() != before-last.Pruned+last.Created {
				t.Fatalf("%v round %d: %d synapses, was %d, pruned %d, created %d (history says %d)",
					growth, round, p.Synapses(), before, last.Pruned, last.Created, last.Synapses)
			}
			if len(p.Weights) != p.Synapses() || len(p.DelaySteps) != p.Synapses() || p.RowPtr[n] != p.Synapses() {
				t.Fatalf("round %d: arrays disagree", round)
			}
			got := map[[2]int]bool{}
			for i := range n {
				row := p.Targets[p.RowPtr[i]:p.RowPtr[i+1]]
				for k, j := range row {
					if k > 0 && row[k-1] >= j {
						t.Fatalf("round %d: row %d unsorted or duplicated: %v", round, i, row)
					}
					if int(j) == i {
						t.Fatalf("round %d: autapse on %d", round, i)
					}
					got[[2]int{i, int(j)}] = true
				}
			}
			// Everything the model kept must survive; the rest is new.
			for e := range model {
				if !got[e] {
					t.Fatalf("round %d: synapse %v was lost", round, e)
				}
			}
			if len(got)-len(model) != last.Created {
				t.Fatalf("round %d: %d synapses beyond the survivors, %d created", round, len(got)-len(model), last.Created)
			}
			model = got
		}
	}
}

// TestStructuralInSimulator runs STDP and structural plasticity together
// inside the simulator: the synapse count changes, the history records it,
// and the run is the same on 1 and 2 threads.
func TestStructuralInSimulator(t *testing.T) {
	var want []uint32
	var hist []Round
	for _, threads := range []int{1, 2} {
		rates := make([]float64, 80)
		for i := range rates {
			rates[i] = 20
		}
		net, p := poissonDriven(t, rates, 16, 1.0)
		g, _ := topology.FixedProbability(80, 16, 0.3, true, rand.New(rand.NewPCG(1, 1)))
		p.RowPtr, p.Targets, p.Weight = g.RowPtr, g.Targets, 1.0
		st := &Structural{Every: 100, PruneBelow: 0.9, Create: 20, Growth: GrowActivity, NewWeight: 1, Seed: 2}
		p.Plasticity = Chain{&STDP{APlus: 0.01, AMinus: 0.012, TauPlus: 20, TauMinus: 20, WMax: 2}, st}
		sim, err := snn.NewSim(net, snn.SimOptions{Seed: 4, Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.Run(context.Background(), 3000, nil); err != nil {
			t.Fatal(err)
		}
		if len(st.History) != 30 {
			t.Fatalf("%d structural rounds in 3 s, want 30", len(st.History))
		}
		if want == nil {
			want, hist = slices.Clone(p.Targets), st.History
			continue
		}
		if !slices.Equal(p.Targets, want) || !slices.Equal(st.History, hist) {
			t.Fatalf("structural plasticity on %d threads differs from 1 thread", threads)
		}
	}
	created, pruned := 0, 0
	for _, h := range hist {
		created += h.Created
		pruned += h.Pruned
	}
	if created == 0 || pruned == 0 {
		t.Errorf("over 3 s: %d synapses created, %d pruned", created, pruned)
	}
}
