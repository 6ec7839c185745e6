package topology

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestRules(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name      string
		build     func() (*CSR, error)
		edges     int // exact count, or -1 when random
		autapses  bool
		inDegree  int // exact in-degree of every receiver, or -1
		outDegree int // exact out-degree of every sender, or -1
	}{
		{"all-to-all", func() (*CSR, error) { return AllToAll(5, 7, true) }, 35, true, 5, 7},
		{"all-to-all no autapses", func() (*CSR, error) { return AllToAll(6, 6, false) }, 30, false, 5, 5},
		{"one-to-one", func() (*CSR, error) { return OneToOne(9) }, 9, true, 1, 1},
		{"fixed in-degree", func() (*CSR, error) { return FixedInDegree(50, 40, 7, true, r) }, 280, true, 7, -1},
		{"fixed in-degree no autapses", func() (*CSR, error) { return FixedInDegree(30, 30, 29, false, r) }, 870, false, 29, 29},
		{"probability 1", func() (*CSR, error) { return FixedProbability(4, 6, 1, true, r) }, 24, true, 4, 6},
		{"probability 0", func() (*CSR, error) { return FixedProbability(4, 6, 0, true, r) }, 0, true, 0, 0},
		{"probability 0.3", func() (*CSR, error) { return FixedProbability(300, 300, 0.3, false, r) }, -1, false, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := tt.build()
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Validate(); err != nil {
				t.Fatal(err)
			}
			if tt.edges >= 0 && g.Edges() != tt.edges {
				t.Errorf("%d edges, want %d", g.Edges(), tt.edges)
			}
			in := make([]int, g.Post)
			for i := range g.Pre {
				row := g.Row(i)
				if tt.outDegree >= 0 && len(row) != tt.outDegree {
					t.Errorf("sender %d has out-degree %d, want %d", i, len(row), tt.outDegree)
				}
				for _, j := range row {
					in[j]++
					if !tt.autapses && int(j) == i {
						t.Errorf("autapse %d→%d", i, j)
					}
				}
			}
			for j, d := range in {
				if tt.inDegree >= 0 && d != tt.inDegree {
					t.Errorf("receiver %d has in-degree %d, want %d", j, d, tt.inDegree)
				}
			}
		})
	}
}

// TestFixedProbabilityStatistics checks the edge count against its binomial
// mean (within 5 standard deviations) and that every receiver column is
// equally likely: the geometric skipping must not favour early indices.
func TestFixedProbabilityStatistics(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	const pre, post, p = 2000, 500, 0.05
	g, err := FixedProbability(pre, post, p, true, r)
	if err != nil {
		t.Fatal(err)
	}
	mean, sd := float64(pre*post)*p, math.Sqrt(float64(pre*post)*p*(1-p))
	if d := math.Abs(float64(g.Edges()) - mean); d > 5*sd {
		t.Errorf("%d edges, want %v ± %v", g.Edges(), mean, 5*sd)
	}
	// Chi-square over the in-degrees of the first and second halves of
	// the receivers: their totals should match.
	var lo, hi int
	for _, j := range g.Targets {
		if int(j) < post/2 {
			lo++
		} else {
			hi++
		}
	}
	if d := math.Abs(float64(lo - hi)); d > 5*math.Sqrt(float64(lo+hi)) {
		t.Errorf("edges into first half %d, second half %d: not uniform", lo, hi)
	}
}

func TestRuleErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	if _, err := FixedProbability(3, 3, 1.5, true, r); err == nil {
		t.Error("probability 1.5 accepted")
	}
	if _, err := FixedProbability(3, 3, math.NaN(), true, r); err == nil {
		t.Error("probability NaN accepted")
	}
	if _, err := FixedInDegree(5, 5, 5, false, r); err == nil {
		t.Error("in-degree 5 from 4 eligible senders accepted")
	}
	if _, err := AllToAll(-1, 3, true); err == nil {
		t.Error("negative size accepted")
	}
	bad := &CSR{Pre: 2, Post: 3, RowPtr: []int{0, 2, 3}, Targets: []uint32{1, 1, 2}}
	if bad.Validate() == nil {
		t.Error("duplicate target passed Validate")
	}
	bad = &CSR{Pre: 1, Post: 2, RowPtr: []int{0, 1}, Targets: []uint32{2}}
	if bad.Validate() == nil {
		t.Error("out-of-range target passed Validate")
	}
}
