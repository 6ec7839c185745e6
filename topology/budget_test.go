package topology

import (
	"errors"
	"testing"

	"github.com/neurite/neurite/internal/budget"
)

// TestEstimates compares each generator's estimate with what it
// allocates at a moderate size (a few to tens of MB).
func TestEstimates(t *testing.T) {
	tests := []struct {
		name     string
		estimate float64
		build    func() error
	}{
		{"all-to-all", AllToAllBytes(1000, 2000), func() error { _, err := AllToAll(1000, 2000, true); return err }},
		{"one-to-one", OneToOneBytes(500000), func() error { _, err := OneToOne(500000); return err }},
		{"probability", FixedProbabilityBytes(4000, 4000, 0.1), func() error { _, err := FixedProbability(4000, 4000, 0.1, true, rng(1)); return err }},
		{"in-degree", FixedInDegreeBytes(4000, 4000, 200), func() error { _, err := FixedInDegree(4000, 4000, 200, true, rng(1)); return err }},
		{"layered", LayeredBytes(784, 512, 10), func() error { _, err := Layered(784, 512, 10); return err }},
		{"random", ErdosRenyiBytes(3000, 0.2), func() error { _, err := ErdosRenyi(3000, 0.2, rng(1)); return err }},
		{"random m", ErdosRenyiMBytes(20000, 200000), func() error { _, err := ErdosRenyiM(20000, 200000, rng(1)); return err }},
		{"small world", WattsStrogatzBytes(50000, 10), func() error { _, err := WattsStrogatz(50000, 10, 0.1, rng(1)); return err }},
		{"scale free", BarabasiAlbertBytes(100000, 5), func() error { _, err := BarabasiAlbert(100000, 5, rng(1)); return err }},
		{"spatial", SpatialBytes(20000, 2, 60, 0.5, 1), func() error { _, err := Spatial(20000, 2, 60, 0.5, 1, rng(1)); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			got := budget.Allocated(func() { err = tt.build() })
			if err != nil {
				t.Fatal(err)
			}
			r := tt.estimate / got
			if r > budget.Tolerance || r < 1/budget.Tolerance {
				t.Errorf("estimate %.3g bytes, allocated %.3g: ratio %.2f", tt.estimate, got, r)
			}
			t.Logf("estimate %.3g bytes, allocated %.3g: ratio %.2f", tt.estimate, got, r)
		})
	}
}

// TestRefusesHuge asks for graphs no machine holds and checks each is
// refused with a *budget.Error before anything sizeable is allocated.
func TestRefusesHuge(t *testing.T) {
	tests := []struct {
		name  string
		build func() error
	}{
		{"all-to-all", func() error { _, err := AllToAll(1<<20, 1<<22, true); return err }},
		{"probability", func() error { _, err := FixedProbability(1<<30, 1<<30, 1, true, rng(1)); return err }},
		{"in-degree", func() error { _, err := FixedInDegree(1<<30, 1<<30, 1<<20, true, rng(1)); return err }},
		{"one-to-one", func() error { _, err := OneToOne(math32 - 1); return err }},
		{"layered", func() error { _, err := Layered(1<<22, 1<<22); return err }},
		{"random", func() error { _, err := ErdosRenyi(1<<22, 1, rng(1)); return err }},
		{"random m", func() error { _, err := ErdosRenyiM(1<<31, 1<<40, rng(1)); return err }},
		{"small world", func() error { _, err := WattsStrogatz(1<<30, 1<<20, 0.1, rng(1)); return err }},
		{"scale free", func() error { _, err := BarabasiAlbert(1<<31, 1<<20, rng(1)); return err }},
		{"spatial", func() error { _, err := Spatial(1<<30, 2, 1, 1, 1, rng(1)); return err }},
		{"limit", func() error { _, err := Budget(1<<20).AllToAll(1000, 1000, true); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			got := budget.Allocated(func() { err = tt.build() })
			var be *budget.Error
			if !errors.As(err, &be) || !errors.Is(err, budget.ErrOverBudget) {
				t.Fatalf("error %v, want a *budget.Error", err)
			}
			if got > 1<<16 {
				t.Errorf("allocated %.0f bytes before refusing", got)
			}
		})
	}
}

const math32 = 1 << 32
