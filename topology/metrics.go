package topology

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat"
)

// DegreeHistogram returns counts[k] = the number of nodes of degree k.
func (g *Graph) DegreeHistogram() []int {
	maxDeg := 0
	for i := range g.N {
		maxDeg = max(maxDeg, g.Degree(i))
	}
	counts := make([]int, maxDeg+1)
	for i := range g.N {
		counts[g.Degree(i)]++
	}
	return counts
}

// MeanDegree returns the average degree 2·edges/N.
func (g *Graph) MeanDegree() float64 {
	if g.N == 0 {
		return 0
	}
	return 2 * float64(g.Edges()) / float64(g.N)
}

// Clustering returns the average local clustering coefficient (Watts &
// Strogatz 1998): for each node, the fraction of pairs of its neighbours
// that are themselves joined, averaged over all nodes, nodes with fewer
// than two neighbours counting 0 (as NetworkX's average_clustering).
func (g *Graph) Clustering() float64 {
	if g.N == 0 {
		return 0
	}
	mark := make([]bool, g.N)
	var sum float64
	for i := range g.N {
		nb := g.Neighbors(i)
		k := len(nb)
		if k < 2 {
			continue
		}
		for _, j := range nb {
			mark[j] = true
		}
		links := 0
		for _, j := range nb {
			for _, l := range g.Neighbors(int(j)) {
				if mark[l] {
					links++
				}
			}
		}
		for _, j := range nb {
			mark[j] = false
		}
		// Each link among neighbours was seen from both ends.
		sum += float64(links) / float64(k*(k-1))
	}
	return sum / float64(g.N)
}

// PathLength returns the characteristic path length: the mean number of
// edges on shortest paths between pairs of distinct nodes, over pairs that
// are connected, and the fraction of pairs that are. It runs a
// breadth-first search from every node when samples ≤ 0 or ≥ N, else
// from samples nodes drawn without replacement by r (an unbiased estimate
// for large graphs).
func (g *Graph) PathLength(samples int, r *rand.Rand) (mean, connected float64) {
	if g.N < 2 {
		return 0, 0
	}
	sources := make([]int, g.N)
	for i := range sources {
		sources[i] = i
	}
	if samples > 0 && samples < g.N {
		r.Shuffle(len(sources), func(i, j int) { sources[i], sources[j] = sources[j], sources[i] })
		sources = sources[:samples]
	}
	dist := make([]int32, g.N)
	queue := make([]uint32, 0, g.N)
	var total, pairs float64
	for _, s := range sources {
		for i := range dist {
			dist[i] = -1
		}
		dist[s] = 0
		queue = append(queue[:0], uint32(s))
		for h := 0; h < len(queue); h++ {
			u := queue[h]
			for _, v := range g.Neighbors(int(u)) {
				if dist[v] < 0 {
					dist[v] = dist[u] + 1
					total += float64(dist[v])
					pairs++
					queue = append(queue, v)
				}
			}
		}
	}
	possible := float64(len(sources)) * float64(g.N-1)
	if pairs == 0 {
		return 0, 0
	}
	return total / pairs, pairs / possible
}

// SmallWorld is the small-world coefficient σ = (C/C_rand)/(L/L_rand)
// (Humphries & Gurney 2008) of a graph against random graphs with the same
// numbers of nodes and edges: σ > 1 means clustered like a lattice yet
// with paths nearly as short as a random graph's.
type SmallWorld struct {
	Sigma                float64
	Clustering, Path     float64
	RandomClustering     float64
	RandomPath           float64
	RandomGraphs, Sample int
}

// SmallWorldSigma measures σ for g against graphs matched random G(n, m)
// graphs, estimating path lengths from sample sources (0: all).
func (g *Graph) SmallWorldSigma(graphs, sample int, r *rand.Rand) (SmallWorld, error) {
	if graphs < 1 {
		return SmallWorld{}, fmt.Errorf("topology: small-world coefficient against %d random graphs", graphs)
	}
	sw := SmallWorld{RandomGraphs: graphs, Sample: sample}
	sw.Clustering = g.Clustering()
	sw.Path, _ = g.PathLength(sample, r)
	for range graphs {
		rg, err := ErdosRenyiM(g.N, g.Edges(), r)
		if err != nil {
			return sw, err
		}
		l, _ := rg.PathLength(sample, r)
		sw.RandomClustering += rg.Clustering() / float64(graphs)
		sw.RandomPath += l / float64(graphs)
	}
	if sw.RandomClustering == 0 || sw.Path == 0 {
		return sw, fmt.Errorf("topology: small-world coefficient undefined (random clustering %v, path length %v)", sw.RandomClustering, sw.Path)
	}
	sw.Sigma = (sw.Clustering / sw.RandomClustering) / (sw.Path / sw.RandomPath)
	return sw, nil
}

// Hubs returns the nodes whose degree exceeds the mean by more than three
// standard deviations, most connected first, and the fraction of edge
// ends they hold: the "small portion of highly connected neurons".
func (g *Graph) Hubs() (hubs []int, share float64) {
	deg := make([]float64, g.N)
	for i := range deg {
		deg[i] = float64(g.Degree(i))
	}
	mean, sd := stat.MeanStdDev(deg, nil)
	var held float64
	for i, d := range deg {
		if d > mean+3*sd {
			hubs = append(hubs, i)
			held += d
		}
	}
	slices.SortFunc(hubs, func(a, b int) int { return g.Degree(b) - g.Degree(a) })
	if total := 2 * float64(g.Edges()); total > 0 {
		share = held / total
	}
	return hubs, share
}

// PowerLaw is a discrete power-law fit P(k) ∝ k^−Alpha for k ≥ XMin by
// the method of Clauset, Shalizi & Newman (2009): the exponent by maximum
// likelihood for each candidate XMin, XMin the candidate whose fit is
// closest to the data in Kolmogorov–Smirnov distance KS; P is the
// goodness-of-fit p-value from Bootstraps semi-parametric synthetic data
// sets (a power law is plausible when P ≥ 0.1), NaN if none were drawn.
type PowerLaw struct {
	Alpha      float64
	XMin       int
	KS         float64
	Tail       int // observations ≥ XMin
	P          float64
	Bootstraps int
}

// minTail is the fewest observations a candidate XMin must leave in the
// tail; smaller tails fit anything.
const minTail = 50

// FitPowerLaw fits a discrete power law to positive integer data (for
// example degrees; zeros are ignored) and, with bootstraps > 0, tests it.
// The exponent uses CSN's discrete approximation
// α = 1 + n/Σ ln(x/(XMin − ½)), accurate for XMin ≳ 6 and within a few
// percent below; the KS distance uses the exact discrete distribution
// (Hurwitz zeta).
func FitPowerLaw(data []int, bootstraps int, r *rand.Rand) (PowerLaw, error) {
	var xs []int
	for _, x := range data {
		if x > 0 {
			xs = append(xs, x)
		}
	}
	slices.Sort(xs)
	fit, err := fitSorted(xs)
	if err != nil {
		return fit, err
	}
	fit.P = math.NaN()
	if bootstraps <= 0 {
		return fit, nil
	}
	// Semi-parametric bootstrap (CSN §4.1): below XMin resample the data,
	// above it draw from the fitted law, refit, and count how often the
	// synthetic fit is worse than the real one.
	below := xs[:len(xs)-fit.Tail]
	worse := 0
	syn := make([]int, len(xs))
	for range bootstraps {
		for i := range syn {
			if len(below) > 0 && r.IntN(len(xs)) < len(below) {
				syn[i] = below[r.IntN(len(below))]
			} else {
				syn[i] = samplePowerLaw(fit.Alpha, fit.XMin, r)
			}
		}
		slices.Sort(syn)
		f, err := fitSorted(syn)
		if err == nil && f.KS >= fit.KS {
			worse++
		}
	}
	fit.P, fit.Bootstraps = float64(worse)/float64(bootstraps), bootstraps
	return fit, nil
}

// samplePowerLaw draws from the discrete power law by rounding the
// continuous one (CSN eq. D.6), accurate to a few percent, which is what
// the bootstrap needs.
func samplePowerLaw(alpha float64, xmin int, r *rand.Rand) int {
	x := (float64(xmin)-0.5)*math.Pow(1-r.Float64(), -1/(alpha-1)) + 0.5
	if x > 1e9 {
		return 1e9
	}
	return int(x)
}

// fitSorted fits sorted positive data.
func fitSorted(xs []int) (PowerLaw, error) {
	n := len(xs)
	if n < minTail {
		return PowerLaw{}, fmt.Errorf("topology: power-law fit of %d positive values: need at least %d", n, minTail)
	}
	// suffix[i] = Σ_{j ≥ i} ln xs[j], so each candidate's sum is O(1).
	suffix := make([]float64, n+1)
	for i := n - 1; i >= 0; i-- {
		suffix[i] = suffix[i+1] + math.Log(float64(xs[i]))
	}
	best := PowerLaw{KS: math.Inf(1)}
	for i := 0; i < n; {
		xmin := xs[i]
		tail := n - i
		if tail < minTail {
			break
		}
		alpha := 1 + float64(tail)/(suffix[i]-float64(tail)*math.Log(float64(xmin)-0.5))
		if alpha > 1 && !math.IsInf(alpha, 0) {
			if ks := ksDistance(xs[i:], alpha, xmin); ks < best.KS {
				best = PowerLaw{Alpha: alpha, XMin: xmin, KS: ks, Tail: tail}
			}
		}
		for i < n && xs[i] == xmin {
			i++
		}
	}
	if math.IsInf(best.KS, 1) {
		return best, fmt.Errorf("topology: no power law fits the data")
	}
	return best, nil
}

// ksDistance is the largest gap between the empirical CDF of the sorted
// tail and the discrete power law's, P(X < x) = 1 − ζ(α, x)/ζ(α, xmin),
// checked on both sides of every distinct value.
func ksDistance(tail []int, alpha float64, xmin int) float64 {
	n := float64(len(tail))
	z0 := mathext.Zeta(alpha, float64(xmin))
	var d float64
	for i := 0; i < len(tail); {
		v := tail[i]
		j := i
		for j < len(tail) && tail[j] == v {
			j++
		}
		zv := mathext.Zeta(alpha, float64(v))
		below := 1 - zv/z0                                   // P(X < v)
		atOrBelow := below + math.Pow(float64(v), -alpha)/z0 // P(X ≤ v)
		d = max(d, math.Abs(float64(i)/n-below), math.Abs(float64(j)/n-atOrBelow))
		i = j
	}
	return d
}
