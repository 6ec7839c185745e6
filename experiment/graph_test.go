package experiment

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurite/neurite/internal/budget"
)

// graphTol is the tolerance of hand-computed graph metrics: sums of a few
// dozen terms, exact but for float64 rounding.
const graphTol = 1e-12

// TestGraphTiny measures graphs small enough to count by hand.
func TestGraphTiny(t *testing.T) {
	for _, tt := range []struct {
		name                   string
		s                      GraphSettings
		nodes, edges, maxDeg   int
		clustering, pathLength float64
		pathSamples            int
	}{
		// Layers 2 and 3: 6 edges; no triangles; of the 10 pairs, the 6
		// across layers are 1 apart and the 4 within a layer 2 apart.
		{"layered 2,3", GraphSettings{Kind: "layered", Layers: []int{2, 3}}, 5, 6, 3, 0, (6*1 + 4*2) / 10.0, 5},
		// A ring lattice of 20 nodes, 4 neighbours (p = 0, no rewiring):
		// C = 3(k−2)/(4(k−1)) = 1/2; a node d steps round the ring is
		// ⌈d/2⌉ hops away, 55 hops to the other 19 nodes in all.
		{"ring lattice", GraphSettings{Kind: "smallworld", N: 20, K: 4}, 20, 40, 4, 0.5, 55.0 / 19, 20},
		{"ring lattice, 3 path samples", GraphSettings{Kind: "smallworld", N: 20, K: 4, PathSamples: 3}, 20, 40, 4, 0.5, 55.0 / 19, 3},
		{"ring lattice, every node", GraphSettings{Kind: "smallworld", N: 20, K: 4, PathSamples: 3, AllPaths: true}, 20, 40, 4, 0.5, 55.0 / 19, 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Graph(context.Background(), tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Nodes != tt.nodes || rep.Edges != tt.edges || rep.MaxDegree != tt.maxDeg || rep.PathSamples != tt.pathSamples {
				t.Errorf("Graph(%+v): %d nodes, %d edges, max degree %d, %d path samples; want %d, %d, %d, %d",
					tt.s, rep.Nodes, rep.Edges, rep.MaxDegree, rep.PathSamples, tt.nodes, tt.edges, tt.maxDeg, tt.pathSamples)
			}
			if math.Abs(rep.Clustering-tt.clustering) > graphTol || math.Abs(rep.PathLength-tt.pathLength) > graphTol || rep.ConnectedFraction != 1 {
				t.Errorf("Graph(%+v): clustering %v, path length %v, connected %v; want %v, %v, 1",
					tt.s, rep.Clustering, rep.PathLength, rep.ConnectedFraction, tt.clustering, tt.pathLength)
			}
			if math.Abs(rep.MeanDegree-2*float64(tt.edges)/float64(tt.nodes)) > graphTol {
				t.Errorf("mean degree %v, want 2·%d/%d", rep.MeanDegree, tt.edges, tt.nodes)
			}
		})
	}
}

// TestGraphDefaultsAndSeed: smallworld measures σ against 5 random graphs
// unless told not to, the same seed gives the same numbers, and the plot
// is drawn.
func TestGraphDefaultsAndSeed(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "degrees.svg")
	s := GraphSettings{Kind: "smallworld", N: 200, K: 6, P: 0.1, Seed: 4, Plot: plot}
	a, err := Graph(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if a.RandomGraphs != 5 || a.Sigma == nil || *a.Sigma < 2 || a.PowerLawBoots != 25 || a.Threads < 1 {
		t.Errorf("smallworld defaults: %d random graphs, σ %v, %d bootstraps, %d threads; want 5, σ > 2, 25, ≥ 1",
			a.RandomGraphs, a.Sigma, a.PowerLawBoots, a.Threads)
	}
	if b, err := os.ReadFile(plot); err != nil || !strings.Contains(string(b), "<svg") {
		t.Errorf("no degree plot: %v", err)
	}
	s.Plot, s.Threads = "", 1
	b, err := Graph(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if a.Edges != b.Edges || a.Clustering != b.Clustering || a.PathLength != b.PathLength || *a.Sigma != *b.Sigma || a.Hubs != b.Hubs {
		t.Errorf("the same seed gave different graphs: %+v and %+v", a, b)
	}
	s.NoSigma, s.NoBootstrap = true, true
	c, err := Graph(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sigma != nil || c.RandomGraphs != 0 || c.PowerLawP != nil || c.PowerLawBoots != 0 {
		t.Errorf("NoSigma, NoBootstrap: σ %v against %d graphs, p %v from %d bootstraps; want none", c.Sigma, c.RandomGraphs, c.PowerLawP, c.PowerLawBoots)
	}
	if d := (GraphSettings{Kind: "random"}).WithDefaults(); d.RandomGraphs != 0 || d.N != 1000 || d.Bootstrap != 25 || d.P != 0 {
		t.Errorf("random's defaults %+v: want no σ, 1000 nodes, 25 bootstraps, P as given", d)
	}
}

// TestGraphSettingErrors: every setting Graph refuses is a *FieldError
// naming the Go field, before anything is built.
func TestGraphSettingErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		s     GraphSettings
		field string
	}{
		{"unknown kind", GraphSettings{Kind: "torus"}, "Kind"},
		{"negative nodes", GraphSettings{Kind: "random", N: -1}, "N"},
		{"odd degree", GraphSettings{Kind: "smallworld", K: 3}, "K"},
		{"degree as large as the ring", GraphSettings{Kind: "smallworld", N: 10, K: 10}, "K"},
		{"rewiring probability above 1", GraphSettings{Kind: "smallworld", P: 1.5}, "P"},
		{"edge probability NaN", GraphSettings{Kind: "random", P: math.NaN()}, "P"},
		{"attachment as large as the graph", GraphSettings{Kind: "scalefree", N: 3, M: 3}, "M"},
		{"four dimensions", GraphSettings{Kind: "spatial", Dims: 4}, "Dims"},
		{"negative box", GraphSettings{Kind: "spatial", Size: -1}, "Size"},
		{"infinite length constant", GraphSettings{Kind: "spatial", Lambda: math.Inf(1)}, "Lambda"},
		{"negative peak probability", GraphSettings{Kind: "spatial", P0: -0.5}, "P0"},
		{"one layer", GraphSettings{Kind: "layered", Layers: []int{5}}, "Layers"},
		{"empty layer", GraphSettings{Kind: "layered", Layers: []int{5, 0, 3}}, "Layers"},
		// Memory allowing, a graph too large to measure in hours.
		{"layers over the edge bound", GraphSettings{Kind: "layered", Layers: []int{20000, 20000}, MaxMemory: 1 << 50}, "Layers"},
		{"random graph over the edge bound", GraphSettings{Kind: "random", N: 1 << 20, P: 0.5, MaxMemory: 1 << 50}, "P"},
		{"negative path samples", GraphSettings{Kind: "random", PathSamples: -1}, "PathSamples"},
		{"negative bootstrap", GraphSettings{Kind: "random", Bootstrap: -1}, "Bootstrap"},
		{"negative random graphs", GraphSettings{Kind: "random", RandomGraphs: -2}, "RandomGraphs"},
		{"plot as PDF", GraphSettings{Kind: "random", Plot: "degrees.pdf"}, "Plot"},
		{"negative threads", GraphSettings{Kind: "layered", Layers: []int{2, 2}, Threads: -1}, "Threads"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Graph(context.Background(), tt.s)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Graph(%+v) = %v, want a *FieldError for %s", tt.s, err, tt.field)
			}
		})
	}
}

// TestGraphOverBudget: a graph estimated above MaxMemory is refused with
// a *budget.Error before anything is built.
func TestGraphOverBudget(t *testing.T) {
	for _, s := range []GraphSettings{
		{Kind: "layered", Layers: []int{100000, 100000}, MaxMemory: 1 << 30},
		{Kind: "random", N: 20000, P: 1, MaxMemory: 1 << 30},
		{Kind: "smallworld", N: 1000000, K: 100, MaxMemory: 1 << 30},
		{Kind: "scalefree", N: 1000000, M: 100, MaxMemory: 1 << 30},
		{Kind: "spatial", N: 1000000, Size: 1, P0: 0.5, MaxMemory: 1 << 30},
		{Kind: "smallworld", N: 20000, K: 10, P: 0.1, MaxMemory: 1 << 20},
	} {
		if _, err := Graph(context.Background(), s); !errors.Is(err, budget.ErrOverBudget) {
			t.Errorf("Graph(%+v) = %v, want a *budget.Error", s, err)
		}
	}
}
