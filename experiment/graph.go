package experiment

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/neurite/neurite/figure"
	"github.com/neurite/neurite/topology"
)

// GraphKinds lists the kinds of wiring [Graph] builds.
var GraphKinds = []string{"smallworld", "scalefree", "random", "spatial", "layered"}

// GraphSettings configure [Graph]. Zero fields take the defaults written
// on them ([GraphSettings.WithDefaults] fills them in), except the
// probabilities P and P0, whose zero is a graph of its own.
type GraphSettings struct {
	// Kind is the wiring to build, one of GraphKinds:
	//
	//	smallworld  Watts–Strogatz: a ring of N nodes each joined to its K
	//	            nearest neighbours, each edge rewired with probability P
	//	scalefree   Barabási–Albert: each new node links to M others by
	//	            preferential attachment
	//	random      Erdős–Rényi G(N, P)
	//	spatial     N nodes uniform in a Dims-dimensional box of side Size,
	//	            pairs at distance d joined with probability P0·exp(−d/Lambda)
	//	layered     the fully connected layers of an artificial network
	Kind string
	// N is the number of nodes (default 1000); layered takes its nodes
	// from Layers.
	N int
	// K is smallworld's number of ring neighbours of each node, even and
	// in [2, N) (default 10).
	K int
	// M is scalefree's number of edges of each new node, in [1, N)
	// (default 3).
	M int
	// P is smallworld's rewiring probability and random's edge
	// probability, in [0, 1]. It has no default: p = 0 is Watts and
	// Strogatz's regular lattice, one end of the sweep from order to
	// randomness, so 0 means 0 (neurite graph's --p is 0.1).
	P float64
	// Dims is spatial's number of dimensions, 2 (default) or 3; Size the
	// side of its box in the units of Lambda (default 10); Lambda the
	// length constant of the connection probability (default 1).
	Dims         int
	Size, Lambda float64
	// P0 is spatial's connection probability at distance 0, in [0, 1]; as
	// P, it has no default (neurite graph's --p0 is 0.5).
	P0 float64
	// Layers are layered's layer sizes, at least two (default 784, 128,
	// 10: an MNIST MLP).
	Layers []int
	// PathSamples is the number of breadth-first searches, from distinct
	// nodes drawn at random, that estimate the characteristic path length
	// (default 0: every node for graphs of up to 5000 nodes, 200 above).
	// AllPaths searches from every node whatever the size.
	PathSamples int
	AllPaths    bool
	// Bootstrap is the number of synthetic data sets for the power law's
	// goodness-of-fit p-value (default 25); NoBootstrap leaves the
	// p-value out.
	Bootstrap   int
	NoBootstrap bool
	// RandomGraphs is the number of matched random graphs the small-world
	// coefficient σ is measured against (default 5 for smallworld, 0 for
	// the other kinds: no σ); NoSigma leaves σ out for smallworld too.
	RandomGraphs int
	NoSigma      bool
	// Plot, when set, is a .svg or .png file for the degree distribution
	// on log–log axes, with the fitted power law.
	Plot string
	// Seed draws the graph, the path-length sources, the bootstrap sets
	// and the random graphs.
	Seed uint64
	// Threads is the number of worker threads (0: all cores).
	Threads int
	// MaxMemory is the memory the job may use, in bytes (0: half of the
	// machine's memory): a request estimated to need more is refused with
	// a *budget.Error before anything is allocated.
	MaxMemory int64
	Reporting
}

// GraphReport is what [Graph] measured; its JSON is `neurite graph
// --json`'s. The power-law fields are absent when the fit failed
// (PowerLawError says why), the σ fields when no random graphs were
// asked for.
type GraphReport struct {
	Kind              string   `json:"kind"`
	Nodes             int      `json:"nodes"`
	Edges             int      `json:"edges"`
	MeanDegree        float64  `json:"mean_degree"`
	MaxDegree         int      `json:"max_degree"`
	Clustering        float64  `json:"clustering"`
	PathLength        float64  `json:"path_length"`
	PathSamples       int      `json:"path_samples"`
	ConnectedFraction float64  `json:"connected_fraction"`
	PowerLawAlpha     *float64 `json:"powerlaw_alpha,omitempty"`
	PowerLawXMin      *int     `json:"powerlaw_xmin,omitempty"`
	PowerLawKS        *float64 `json:"powerlaw_ks,omitempty"`
	PowerLawTail      *int     `json:"powerlaw_tail,omitempty"`
	PowerLawP         *float64 `json:"powerlaw_p,omitempty"`
	PowerLawBoots     int      `json:"powerlaw_bootstraps"`
	PowerLawError     string   `json:"powerlaw_error,omitempty"`
	Hubs              int      `json:"hubs"`
	HubEdgeShare      float64  `json:"hub_edge_share"`
	Sigma             *float64 `json:"sigma,omitempty"`
	RandomGraphs      int      `json:"random_graphs"`
	RandomClustering  *float64 `json:"random_clustering,omitempty"`
	RandomPathLength  *float64 `json:"random_path_length,omitempty"`
	Seed              uint64   `json:"seed"`
	Threads           int      `json:"threads"`
	BuildSeconds      float64  `json:"build_seconds"`
	WallSeconds       float64  `json:"wall_seconds"`
	Plot              string   `json:"plot,omitempty"`

	// Graph is the graph measured.
	Graph *topology.Graph `json:"-"`
}

// maxGraphEdges bounds the edges Graph builds, whatever the memory: the
// clustering and path lengths of a larger graph would take hours.
const maxGraphEdges = 1 << 27

// WithDefaults returns s with its zero fields set to their defaults, the
// only place they are written.
func (s GraphSettings) WithDefaults() GraphSettings {
	orInt(&s.N, 1000)
	orInt(&s.K, 10)
	orInt(&s.M, 3)
	orInt(&s.Dims, 2)
	if s.Size == 0 {
		s.Size = 10
	}
	if s.Lambda == 0 {
		s.Lambda = 1
	}
	if s.Layers == nil {
		s.Layers = []int{784, 128, 10}
	}
	orInt(&s.Bootstrap, 25)
	if s.NoBootstrap {
		s.Bootstrap = 0
	}
	if s.Kind == "smallworld" {
		// σ is the point of a small-world graph; five random graphs
		// estimate C_rand and L_rand to about 1%.
		orInt(&s.RandomGraphs, 5)
	}
	if s.NoSigma {
		s.RandomGraphs = 0
	}
	return s
}

func (s GraphSettings) validate() error {
	switch {
	case !slices.Contains(GraphKinds, s.Kind):
		return fieldErr("Kind", s.Kind, "want one of %s", strings.Join(GraphKinds, ", "))
	case s.N < 1:
		return fieldErr("N", s.N, "must be at least 1")
	case s.PathSamples < 0:
		return fieldErr("PathSamples", s.PathSamples, "must not be negative")
	case s.Bootstrap < 0:
		return fieldErr("Bootstrap", s.Bootstrap, "must not be negative")
	case s.RandomGraphs < 0:
		return fieldErr("RandomGraphs", s.RandomGraphs, "must not be negative")
	}
	if ext := strings.ToLower(filepath.Ext(s.Plot)); s.Plot != "" && ext != ".svg" && ext != ".png" {
		return fieldErr("Plot", s.Plot, "want a .svg or .png file")
	}
	if err := checkFile("Plot", s.Plot); err != nil {
		return err
	}
	if err := s.validateKind(); err != nil {
		return err
	}
	if err := s.checkMemory(); err != nil {
		return err
	}
	if field, value, edges := s.expectedEdges(); edges > maxGraphEdges {
		return fieldErr(field, value, "a %s graph of about %.3g edges is more than the %d edges neurite measures (that would take hours)", s.Kind, edges, maxGraphEdges)
	}
	return nil
}

// validateKind checks the settings of s.Kind's generator.
func (s GraphSettings) validateKind() error {
	probability := func(field string, p float64) error {
		if !(p >= 0 && p <= 1) {
			return fieldErr(field, p, "want a probability in [0, 1]")
		}
		return nil
	}
	switch s.Kind {
	case "smallworld":
		if s.K < 2 || s.K%2 != 0 || s.K >= s.N {
			return fieldErr("K", s.K, "want an even number in [2, N = %d)", s.N)
		}
		return probability("P", s.P)
	case "scalefree":
		if s.M < 1 || s.M >= s.N {
			return fieldErr("M", s.M, "want 1 ≤ M < N = %d", s.N)
		}
	case "random":
		return probability("P", s.P)
	case "spatial":
		switch {
		case s.Dims != 2 && s.Dims != 3:
			return fieldErr("Dims", s.Dims, "want 2 or 3")
		case !(s.Size > 0) || math.IsInf(s.Size, 0):
			return fieldErr("Size", s.Size, "must be positive and finite")
		case !(s.Lambda > 0) || math.IsInf(s.Lambda, 0):
			return fieldErr("Lambda", s.Lambda, "must be positive and finite")
		}
		return probability("P0", s.P0)
	case "layered":
		if len(s.Layers) < 2 || slices.Min(s.Layers) < 1 {
			return fieldErr("Layers", s.Layers, "want at least two positive sizes")
		}
	}
	return nil
}

// expectedEdges returns about how many edges the graph of a valid s has,
// and the setting that makes it large.
func (s GraphSettings) expectedEdges() (field string, value any, edges float64) {
	n := float64(s.N)
	switch s.Kind {
	case "smallworld":
		return "K", s.K, n * float64(s.K) / 2
	case "scalefree":
		return "M", s.M, n * float64(s.M)
	case "random":
		return "P", s.P, s.P * n * (n - 1) / 2
	case "layered":
		for l := 1; l < len(s.Layers); l++ {
			edges += float64(s.Layers[l-1]) * float64(s.Layers[l])
		}
		return "Layers", s.Layers, edges
	}
	return "N", s.N, topology.SpatialEdges(s.N, s.Dims, s.Size, s.P0, s.Lambda)
}

// Graph builds the wiring s describes and measures it: degrees, the
// Clauset–Shalizi–Newman power-law fit of the degree distribution
// (exponent, x_min, KS distance, and a bootstrap p-value), the mean local
// clustering coefficient, the characteristic path length, hubs, and the
// small-world coefficient σ = (C/C_rand)/(L/L_rand) against matched random
// graphs. It draws the degree distribution when s.Plot asks. The same Seed
// gives the same numbers. Settings it cannot use give a *[FieldError]; a
// degree distribution the power law cannot be fitted to is reported in
// PowerLawError, not as an error.
func Graph(ctx context.Context, s GraphSettings) (*GraphReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s = s.WithDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	var rep *GraphReport
	err := withThreads(s.Threads, func() error {
		var err error
		rep, err = measureGraph(ctx, s)
		return err
	})
	return rep, err
}

// buildGraph makes the graph of a validated s.
func buildGraph(s GraphSettings, r *rand.Rand) (*topology.Graph, error) {
	b := topology.Budget(s.MaxMemory)
	switch s.Kind {
	case "smallworld":
		return b.WattsStrogatz(s.N, s.K, s.P, r)
	case "scalefree":
		return b.BarabasiAlbert(s.N, s.M, r)
	case "random":
		return b.ErdosRenyi(s.N, s.P, r)
	case "spatial":
		return b.Spatial(s.N, s.Dims, s.Size, s.P0, s.Lambda, r)
	default:
		return b.Layered(s.Layers...)
	}
}

// measureGraph builds and measures the graph of a validated s. Every
// random draw comes from one generator, in a fixed order: the graph, the
// path-length sources, the bootstrap sets, the random graphs.
func measureGraph(ctx context.Context, s GraphSettings) (*GraphReport, error) {
	start := time.Now()
	r := rand.New(rand.NewPCG(s.Seed, 0x6772617068)) // "graph"
	g, err := buildGraph(s, r)
	if err != nil {
		return nil, err
	}
	rep := &GraphReport{Kind: s.Kind, Nodes: g.N, Edges: g.Edges(), MeanDegree: g.MeanDegree(), Seed: s.Seed, Threads: threadsOr(s.Threads),
		BuildSeconds: time.Since(start).Seconds(), RandomGraphs: s.RandomGraphs, Plot: s.Plot, Graph: g}
	s.logf("graph %s: %d nodes, %d edges built in %.2fs; measuring\n", s.Kind, g.N, g.Edges(), rep.BuildSeconds)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hist := g.DegreeHistogram()
	rep.MaxDegree = len(hist) - 1
	samples := s.PathSamples // 0: every node
	switch {
	case s.AllPaths:
		samples = 0
	case samples == 0 && g.N > 5000:
		samples = 200
	}
	rep.PathSamples = g.N
	if samples > 0 && samples < g.N {
		rep.PathSamples = samples
	}
	rep.Clustering = g.Clustering()
	rep.PathLength, rep.ConnectedFraction = g.PathLength(samples, r)
	hubs, share := g.Hubs()
	rep.Hubs, rep.HubEdgeShare = len(hubs), share
	series := figure.DegreeSeries{Name: s.Kind, Counts: hist}
	if fit, err := topology.FitPowerLaw(g.Degrees(), s.Bootstrap, r); err != nil {
		rep.PowerLawError = err.Error()
	} else {
		rep.PowerLawAlpha, rep.PowerLawXMin, rep.PowerLawKS, rep.PowerLawTail = &fit.Alpha, &fit.XMin, &fit.KS, &fit.Tail
		if fit.Bootstraps > 0 {
			rep.PowerLawP, rep.PowerLawBoots = &fit.P, fit.Bootstraps
		}
		series.Alpha, series.XMin = fit.Alpha, fit.XMin
	}
	if s.RandomGraphs > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sw, err := g.SmallWorldSigma(s.RandomGraphs, samples, r)
		if err != nil {
			return nil, err
		}
		rep.Sigma, rep.RandomClustering, rep.RandomPathLength = &sw.Sigma, &sw.RandomClustering, &sw.RandomPath
	}
	if s.Plot != "" {
		title := fmt.Sprintf("%s: %d nodes, %d edges", s.Kind, g.N, g.Edges())
		if err := figure.DegreePlot(s.Plot, title, []figure.DegreeSeries{series}); err != nil {
			return nil, err
		}
	}
	rep.WallSeconds = time.Since(start).Seconds()
	return rep, nil
}
