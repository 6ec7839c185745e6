package topology

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

func TestFromEdges(t *testing.T) {
	g, err := FromEdges(4, [][2]int{{0, 1}, {1, 0}, {2, 2}, {3, 1}, {0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if g.Edges() != 2 || g.Degree(1) != 2 || g.Degree(2) != 0 {
		t.Errorf("edges %d, degrees %v; want 2 edges, degrees [1 2 0 1]", g.Edges(), g.Degrees())
	}
	if err := g.Adj.Validate(); err != nil {
		t.Error(err)
	}
	if _, err := FromEdges(3, [][2]int{{0, 3}}); err == nil {
		t.Error("an edge to node 3 of 3 was accepted")
	}
}

// TestGenerators checks each generator's size, symmetry and errors.
func TestGenerators(t *testing.T) {
	tests := []struct {
		name      string
		build     func() (*Graph, error)
		nodes     int
		edgesLo   int
		edgesHi   int
		wantError bool
	}{
		{"layered 784-128-10", func() (*Graph, error) { return Layered(784, 128, 10) }, 922, 784*128 + 1280, 784*128 + 1280, false},
		{"ring lattice", func() (*Graph, error) { return WattsStrogatz(100, 4, 0, rng(1)) }, 100, 200, 200, false},
		{"rewired keeps edges", func() (*Graph, error) { return WattsStrogatz(100, 4, 0.5, rng(1)) }, 100, 200, 200, false},
		{"G(n,m)", func() (*Graph, error) { return ErdosRenyiM(50, 100, rng(1)) }, 50, 100, 100, false},
		{"G(n,1)", func() (*Graph, error) { return ErdosRenyi(20, 1, rng(1)) }, 20, 190, 190, false},
		{"G(n,0)", func() (*Graph, error) { return ErdosRenyi(20, 0, rng(1)) }, 20, 0, 0, false},
		{"BA", func() (*Graph, error) { return BarabasiAlbert(1000, 3, rng(1)) }, 1000, 6 + 996*3, 6 + 996*3, false},
		{"spatial", func() (*Graph, error) { return Spatial(500, 2, 10, 0.5, 0.5, rng(1)) }, 500, 100, 5000, false},
		{"odd k", func() (*Graph, error) { return WattsStrogatz(100, 3, 0.1, rng(1)) }, 0, 0, 0, true},
		{"p > 1", func() (*Graph, error) { return ErdosRenyi(10, 1.5, rng(1)) }, 0, 0, 0, true},
		{"m ≥ n", func() (*Graph, error) { return BarabasiAlbert(3, 3, rng(1)) }, 0, 0, 0, true},
		{"4-D", func() (*Graph, error) { return Spatial(10, 4, 1, 1, 1, rng(1)) }, 0, 0, 0, true},
		{"empty layer", func() (*Graph, error) { return Layered(3, 0) }, 0, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := tc.build()
			if tc.wantError {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Adj.Validate(); err != nil {
				t.Fatal(err)
			}
			if g.N != tc.nodes || g.Edges() < tc.edgesLo || g.Edges() > tc.edgesHi {
				t.Errorf("%d nodes, %d edges; want %d nodes, %d–%d edges", g.N, g.Edges(), tc.nodes, tc.edgesLo, tc.edgesHi)
			}
			for u := range g.N { // symmetric, no self-loops
				for _, v := range g.Neighbors(u) {
					if int(v) == u || !contains(g.Neighbors(int(v)), uint32(u)) {
						t.Fatalf("edge %d–%d is a self-loop or one-way", u, v)
					}
				}
			}
		})
	}
}

func contains(s []uint32, x uint32) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// TestMetricsAgainstNaive compares clustering with a triangle count over
// all triples and path length with gonum's Floyd–Warshall.
func TestMetricsAgainstNaive(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		g, _ := ErdosRenyi(60, 0.08, rng(seed))
		var want float64
		for i := range g.N {
			nb := g.Neighbors(i)
			k := len(nb)
			if k < 2 {
				continue
			}
			tri := 0
			for a := range nb {
				for b := a + 1; b < k; b++ {
					if contains(g.Neighbors(int(nb[a])), nb[b]) {
						tri++
					}
				}
			}
			want += float64(tri) / float64(k*(k-1)/2)
		}
		want /= float64(g.N)
		if got := g.Clustering(); math.Abs(got-want) > 1e-12 {
			t.Errorf("seed %d: clustering %v, triple count %v", seed, got, want)
		}

		ug := simple.NewUndirectedGraph()
		for i := range g.N {
			ug.AddNode(simple.Node(i))
		}
		for u := range g.N {
			for _, v := range g.Neighbors(u) {
				if int(v) > u {
					ug.SetEdge(simple.Edge{F: simple.Node(u), T: simple.Node(v)})
				}
			}
		}
		all, _ := path.FloydWarshall(ug)
		var sum, pairs float64
		for u := range g.N {
			for v := range g.N {
				if u != v {
					if w := all.Weight(int64(u), int64(v)); !math.IsInf(w, 1) {
						sum += w
						pairs++
					}
				}
			}
		}
		mean, conn := g.PathLength(0, nil)
		if math.Abs(mean-sum/pairs) > 1e-9 || math.Abs(conn-pairs/float64(g.N*(g.N-1))) > 1e-12 {
			t.Errorf("seed %d: path length %v over %v of pairs; Floyd–Warshall %v over %v", seed, mean, conn, sum/pairs, pairs/float64(g.N*(g.N-1)))
		}
	}
}

// TestWattsStrogatzCurves: at p = 0 clustering and path length equal the
// ring lattice's closed forms; over p clustering follows Barrat & Weigt's
// C(p) ≈ C(0)(1−p)³ and the path length collapses long before the
// clustering does (Watts & Strogatz 1998, Fig. 2).
func TestWattsStrogatzCurves(t *testing.T) {
	const n, k = 1000, 10
	c0 := 3 * float64(k-2) / (4 * float64(k-1))
	var l0 float64
	for d := 1; d < n; d++ {
		l0 += math.Ceil(float64(min(d, n-d)) / (k / 2))
	}
	l0 /= n - 1
	lattice, _ := WattsStrogatz(n, k, 0, rng(1))
	if got := lattice.Clustering(); math.Abs(got-c0) > 1e-12 {
		t.Errorf("lattice clustering %v, want %v", got, c0)
	}
	if got, _ := lattice.PathLength(0, nil); math.Abs(got-l0) > 1e-9 {
		t.Errorf("lattice path length %v, want %v", got, l0)
	}
	for _, p := range []float64{0.001, 0.01, 0.1, 0.3, 1} {
		g, _ := WattsStrogatz(n, k, p, rng(2))
		c := g.Clustering()
		if want := c0 * math.Pow(1-p, 3); math.Abs(c-want) > 0.03 {
			t.Errorf("p = %v: clustering %v, Barrat–Weigt %v", p, c, want)
		}
		l, _ := g.PathLength(200, rng(3))
		t.Logf("p = %v: C/C(0) = %.3f, L/L(0) = %.3f", p, c/c0, l/l0)
		if p == 0.01 && (l/l0 > 0.5 || c/c0 < 0.9) {
			t.Errorf("p = 0.01: L/L(0) = %.3f and C/C(0) = %.3f; Watts & Strogatz show ≈ 0.2–0.3 and ≈ 0.97", l/l0, c/c0)
		}
	}
}

// TestErdosRenyiStatistics: the edge count and the clustering of G(n, p)
// match their expectations, p·n(n−1)/2 and p.
func TestErdosRenyiStatistics(t *testing.T) {
	const n, p = 2000, 0.01
	g, _ := ErdosRenyi(n, p, rng(4))
	mean := p * n * (n - 1) / 2
	if sd := math.Sqrt(mean * (1 - p)); math.Abs(float64(g.Edges())-mean) > 4*sd {
		t.Errorf("%d edges, expected %v ± %v", g.Edges(), mean, sd)
	}
	if c := g.Clustering(); math.Abs(c-p) > 0.003 {
		t.Errorf("clustering %v, expected ≈ %v", c, p)
	}
}

// TestSpatialProbability: the fraction of pairs joined at each distance
// follows p0·exp(−d/λ).
func TestSpatialProbability(t *testing.T) {
	const p0, lambda = 0.8, 1.0
	g, err := Spatial(3000, 2, 30, p0, lambda, rng(5))
	if err != nil {
		t.Fatal(err)
	}
	var pairs, joined [4]float64
	for i := range g.N {
		for j := i + 1; j < g.N; j++ {
			d := math.Hypot(g.Pos[i][0]-g.Pos[j][0], g.Pos[i][1]-g.Pos[j][1])
			if b := int(d); b < len(pairs) {
				pairs[b]++
				if contains(g.Neighbors(i), uint32(j)) {
					joined[b]++
				}
			}
		}
	}
	for b := range pairs {
		// The expectation over a bin of distances weighted by ring area.
		var num, den float64
		for s := range 100 {
			d := float64(b) + (float64(s)+0.5)/100
			num += d * p0 * math.Exp(-d/lambda)
			den += d
		}
		want, got := num/den, joined[b]/pairs[b]
		if sd := math.Sqrt(want * (1 - want) / pairs[b]); math.Abs(got-want) > 5*sd {
			t.Errorf("distance %d–%d: %.4f of pairs joined, want %.4f ± %.4f", b, b+1, got, want, sd)
		}
	}
}

// TestPowerLawFit recovers the exponent of data drawn from a power law,
// accepts it by the bootstrap test, and rejects uniform data. (Light
// tails such as the exponential are not reliably rejected: the fit retreats
// to the last few dozen points, where any law fits; CSN's §4 says as much.)
func TestPowerLawFit(t *testing.T) {
	r := rng(6)
	law := make([]int, 20000)
	for i := range law {
		law[i] = samplePowerLaw(2.5, 5, r)
	}
	fit, err := FitPowerLaw(law, 40, r)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fit.Alpha-2.5) > 0.05 || fit.XMin < 4 || fit.XMin > 8 || fit.P < 0.1 {
		t.Errorf("power-law data: α = %.3f, xmin = %d, p = %.2f; want α ≈ 2.5, xmin ≈ 5, p ≥ 0.1", fit.Alpha, fit.XMin, fit.P)
	}
	uni := make([]int, 20000)
	for i := range uni {
		uni[i] = 1 + r.IntN(200)
	}
	fit, err = FitPowerLaw(uni, 40, r)
	if err != nil {
		t.Fatal(err)
	}
	if fit.P >= 0.1 {
		t.Errorf("uniform data accepted as a power law: α = %.3f, xmin = %d, p = %.2f", fit.Alpha, fit.XMin, fit.P)
	}
	if _, err := FitPowerLaw([]int{1, 2, 3}, 0, r); err == nil {
		t.Error("a fit of three values succeeded")
	}
}

// TestBarabasiAlbertExponent: at N = 100k the degree distribution's
// maximum-likelihood exponent is close to the theoretical 3, and the
// network has hubs.
func TestBarabasiAlbertExponent(t *testing.T) {
	g, err := BarabasiAlbert(100000, 3, rng(7))
	if err != nil {
		t.Fatal(err)
	}
	fit, err := FitPowerLaw(g.Degrees(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("α = %.3f, xmin = %d, KS = %.4f, tail %d", fit.Alpha, fit.XMin, fit.KS, fit.Tail)
	if math.Abs(fit.Alpha-3) > 0.25 {
		t.Errorf("Barabási–Albert exponent %.3f (xmin %d), want ≈ 3", fit.Alpha, fit.XMin)
	}
	hubs, share := g.Hubs()
	if len(hubs) == 0 || share < 0.02 || g.Degree(hubs[0]) < 100 {
		t.Errorf("%d hubs holding %.3f of edge ends", len(hubs), share)
	}
}

// TestSmallWorldSigma: a Watts–Strogatz graph at p = 0.1 is a small world
// (σ well above 1); a random graph is not (σ ≈ 1).
func TestSmallWorldSigma(t *testing.T) {
	ws, _ := WattsStrogatz(1000, 10, 0.1, rng(8))
	sw, err := ws.SmallWorldSigma(3, 0, rng(9))
	if err != nil {
		t.Fatal(err)
	}
	er, _ := ErdosRenyiM(1000, 5000, rng(10))
	rnd, err := er.SmallWorldSigma(3, 0, rng(11))
	if err != nil {
		t.Fatal(err)
	}
	if sw.Sigma < 5 || math.Abs(rnd.Sigma-1) > 0.3 {
		t.Errorf("σ(Watts–Strogatz p = 0.1) = %.2f, σ(random) = %.2f", sw.Sigma, rnd.Sigma)
	}
}
