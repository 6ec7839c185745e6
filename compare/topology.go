package compare

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/topology"
)

// wiring compares the layered ANN's wiring with small-world and
// scale-free graphs, and measures how an ANN copes with sparsity.
func wiring(e *env) (Difference, error) {
	m, err := measureTopology(e, e.p.Topology)
	if err != nil {
		return Difference{}, err
	}
	return presentTopology(m), nil
}

// topologyData is what the topology experiment measures.
type topologyData struct {
	Settings topologySettings
	// Graphs are the layered ANN, the random graph, the small world and
	// the scale-free graph, in that order.
	Graphs []graphData
	// MLPAccuracy is the trained MLP's test accuracy; Pruned its accuracy
	// with each fraction of Settings.Sparsity zeroed.
	MLPAccuracy float64
	Pruned      []float64
	MLPArch     string
}

// graphData is one graph's measures.
type graphData struct {
	Name, Key        string
	Nodes, Edges     int
	DegreeHistogram  []int
	Clustering, Path float64
	Hubs             int
	// Sigma is the small-world coefficient (small world and scale-free
	// graphs only), PowerLaw the degree fit (scale-free only).
	Sigma    *float64
	PowerLaw *topology.PowerLaw
}

func measureTopology(e *env, s topologySettings) (topologyData, error) {
	m := topologyData{Settings: s}
	mlp, err := e.trainedMLP()
	if err != nil {
		return m, err
	}
	e.progress("topology: building and measuring graphs")
	layered, err := topology.Layered(append(append([]int{784}, mlp.Settings.Hidden...), 10)...)
	if err != nil {
		return m, err
	}
	ws, err := topology.WattsStrogatz(s.SmallWorldN, s.SmallWorldK, s.SmallWorldP, e.rng(1))
	if err != nil {
		return m, err
	}
	ba, err := topology.BarabasiAlbert(s.ScaleFreeN, s.ScaleFreeM, e.rng(2))
	if err != nil {
		return m, err
	}
	er, err := topology.ErdosRenyiM(s.SmallWorldN, ws.Edges(), e.rng(3))
	if err != nil {
		return m, err
	}
	for _, c := range []struct {
		name, key string
		g         *topology.Graph
	}{{"ANN " + arch(mlp.Settings) + " (layered)", "layered", layered}, {"random G(n, m)", "random", er},
		{"Watts–Strogatz small world", "smallworld", ws}, {"Barabási–Albert scale-free", "scalefree", ba}} {
		samples := 0
		if c.g.N > s.SampleAbove {
			samples = s.PathSources
		}
		g := graphData{Name: c.name, Key: c.key, Nodes: c.g.N, Edges: c.g.Edges(), DegreeHistogram: c.g.DegreeHistogram(), Clustering: c.g.Clustering()}
		g.Path, _ = c.g.PathLength(samples, e.rng(4)) // the connected fraction is not reported
		hubs, _ := c.g.Hubs()                         // nor the hubs' share of edges
		g.Hubs = len(hubs)
		if c.key == "smallworld" || c.key == "scalefree" {
			sw, err := c.g.SmallWorldSigma(s.SigmaGraphs, samples, e.rng(5))
			if err != nil {
				return m, err
			}
			g.Sigma = &sw.Sigma
		}
		// Only the scale-free graph is claimed to follow a power law; a
		// fit to the others' narrow degree ranges would mean nothing.
		if c.key == "scalefree" {
			fit, err := topology.FitPowerLaw(c.g.Degrees(), 0, nil)
			if err != nil {
				return m, err
			}
			g.PowerLaw = &fit
		}
		m.Graphs = append(m.Graphs, g)
	}

	// Sparsity: prune the trained MLP's smallest weights without retraining.
	e.progress("topology: pruning the trained MLP")
	m.MLPAccuracy, m.MLPArch = mlp.TestAccuracy, arch(mlp.Settings)
	for _, sp := range s.Sparsity {
		net, err := mlp.Spec.Build(e.o.Seed)
		if err != nil {
			return m, err
		}
		for i, p := range net.Params() {
			copy(p.Value.Data, mlp.Net.Params()[i].Value.Data)
		}
		pruneSmallest(net, sp)
		m.Pruned = append(m.Pruned, accuracy(net, e.test))
	}
	return m, nil
}

// graphFamily colours a graph by what it models: the MLP's layers are
// artificial, the small-world and scale-free graphs model biological
// wiring, the random graph neither.
func graphFamily(name string) string {
	switch {
	case strings.HasPrefix(name, "ANN"):
		return Artificial
	case strings.Contains(name, "small world"), strings.Contains(name, "scale-free"):
		return Biological
	}
	return ""
}

func presentTopology(tm topologyData) Difference {
	d := Difference{Metrics: map[string]float64{}}
	m := d.Metrics
	fig := Figure{Title: "Degree distributions", XLabel: "degree k", YLabel: "fraction of nodes with degree ≥ k", LogX: true, LogY: true,
		Caption: "Complementary cumulative degree distributions. The ANN's " + tm.MLPArch + " layers give " + distinctDegrees(tm.Graphs[0].DegreeHistogram) + " only; the random graph's degrees cluster around the mean; the small world's too; the scale-free graph follows a straight line on log–log axes (a power law) with hubs far out in the tail."}
	table := Table{Title: "Graph measures", Columns: []string{"network", "nodes", "edges", "clustering", "path length", "σ (vs random)", "power-law α (x_min)", "hubs"}}
	for _, g := range tm.Graphs {
		s := Series{Name: g.Name, Points: true, Family: graphFamily(g.Name)}
		total := float64(g.Nodes)
		atLeast := total
		for k, cnt := range g.DegreeHistogram {
			if k > 0 && cnt > 0 {
				s.X = append(s.X, float64(k))
				s.Y = append(s.Y, atLeast/total)
			}
			atLeast -= float64(cnt)
		}
		fig.Series = append(fig.Series, s)
		m[g.Key+"_clustering"], m[g.Key+"_path_length"], m[g.Key+"_hubs"] = g.Clustering, g.Path, float64(g.Hubs)
		m[g.Key+"_nodes"], m[g.Key+"_edges"] = float64(g.Nodes), float64(g.Edges)
		sigma := "—"
		if g.Sigma != nil {
			m[g.Key+"_sigma"] = *g.Sigma
			sigma = f("%.2f", *g.Sigma)
		}
		alpha := "—"
		if g.PowerLaw != nil {
			m[g.Key+"_powerlaw_alpha"], m[g.Key+"_powerlaw_xmin"] = g.PowerLaw.Alpha, float64(g.PowerLaw.XMin)
			alpha = f("%.2f", g.PowerLaw.Alpha) + " (" + itoa(g.PowerLaw.XMin) + ")"
		}
		table.Rows = append(table.Rows, []string{g.Name, itoa(g.Nodes), itoa(g.Edges), f("%.4f", g.Clustering), f("%.2f", g.Path), sigma, alpha, itoa(g.Hubs)})
	}
	d.Figures = append(d.Figures, fig)
	d.Tables = append(d.Tables, table)

	base := tm.MLPAccuracy
	prune := Series{Name: "accuracy after magnitude pruning (no retraining)", Family: Artificial}
	for k, s := range tm.Settings.Sparsity {
		acc := tm.Pruned[k]
		prune.X, prune.Y = append(prune.X, 100*s), append(prune.Y, acc)
		m[f("pruned_%.0f_accuracy", 100*s)] = acc
		if acc >= base-0.01 {
			m["pruned_max_sparsity_within_1pp"] = s
		}
	}
	d.Figures = append(d.Figures, Figure{Title: "An ANN made sparse", XLabel: "weights set to zero (%)", YLabel: "MNIST test accuracy",
		Caption: f("The trained %s MLP (%.2f%% intact) with its smallest-magnitude weights zeroed (a pruning mask), evaluated without retraining.", tm.MLPArch, 100*base),
		Series:  []Series{prune}})
	d.Sources = []string{
		"Small-world networks: Watts & Strogatz (1998), Nature 393:440–442; σ: Humphries & Gurney (2008), PLoS ONE 3:e0002051.",
		"Scale-free networks: Barabási & Albert (1999), Science 286:509–512; power-law fits: Clauset, Shalizi & Newman (2009), SIAM Rev. 51:661–703.",
	}
	s := tm.Settings
	d.Method = f("Graphs are generated in this run (seeded): the MLP's layers as an undirected graph, Watts–Strogatz n = %d, k = %d, p = %g, ", s.SmallWorldN, s.SmallWorldK, s.SmallWorldP) +
		f("Barabási–Albert n = %d, m = %d, and a random graph with the small world's node and edge counts. ", s.ScaleFreeN, s.ScaleFreeM) +
		f("Clustering is the mean local coefficient, path length the mean shortest path (from %d sampled sources above %d nodes), σ against %d matched random graphs, ", s.PathSources, s.SampleAbove, s.SigmaGraphs) +
		"the power law fitted by maximum likelihood (CSN). Pruning zeroes the given fraction of weights of smallest magnitude in every dense layer of the trained MLP."
	d.Meaning = f("The layered ANN has no clustering at all (%.2f: no triangles in a feed-forward stack) and only a handful of distinct degrees, where the small world keeps ", m["layered_clustering"]) +
		f("a lattice's clustering (%.2f) with near-random path lengths (σ = ", m["smallworld_clustering"]) + f("%.1f) and the scale-free graph has hubs and a power-law tail (α ≈ ", m["smallworld_sigma"]) +
		f("%.2f). The MLP keeps its accuracy within one point with up to ", m["scalefree_powerlaw_alpha"]) +
		f("%.0f%% of its weights zeroed, even without retraining: much of its full connectivity is redundant.", 100*m["pruned_max_sparsity_within_1pp"])
	d.Status = "measured"
	return d
}

// distinctDegrees lists the degrees a histogram holds, e.g. "2 degrees (128, 794)".
func distinctDegrees(hist []int) string {
	var ks []string
	for k, n := range hist {
		if n > 0 {
			ks = append(ks, itoa(k))
		}
	}
	return f("%d degrees (%s)", len(ks), strings.Join(ks, ", "))
}

// pruneSmallest zeroes the fraction s of each dense layer's weights with
// the smallest magnitude.
func pruneSmallest(net *ann.Sequential, s float64) {
	for _, l := range net.Layers {
		dl, ok := l.(*ann.Dense)
		if !ok {
			continue
		}
		w := dl.W.Value.Data
		idx := seq(len(w))
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(math.Abs(float64(w[a])), math.Abs(float64(w[b]))) })
		for _, i := range idx[:int(s*float64(len(w)))] {
			w[i] = 0
		}
	}
}
