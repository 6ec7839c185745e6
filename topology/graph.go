package topology

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Graph is an undirected simple graph (no self-loops, no parallel edges)
// on N nodes, stored as sorted adjacency lists: Adj is a symmetric CSR that
// lists every edge from both ends. Pos, when the generator placed the
// nodes in space, holds their coordinates (the third is 0 in 2-D).
type Graph struct {
	N   int
	Adj *CSR
	Pos [][3]float64
}

// Edges returns the number of undirected edges.
func (g *Graph) Edges() int { return g.Adj.Edges() / 2 }

// Degree returns the degree of node i.
func (g *Graph) Degree(i int) int { return g.Adj.RowPtr[i+1] - g.Adj.RowPtr[i] }

// Neighbors returns the neighbours of node i in increasing order.
func (g *Graph) Neighbors(i int) []uint32 { return g.Adj.Row(i) }

// Degrees returns every node's degree.
func (g *Graph) Degrees() []int {
	d := make([]int, g.N)
	for i := range d {
		d[i] = g.Degree(i)
	}
	return d
}

// Projection returns the graph as the simulator's connections: each
// undirected edge becomes a synapse in both directions.
func (g *Graph) Projection() *CSR { return g.Adj }

// FromEdges builds a graph on n nodes from undirected edges given as pairs
// (in either order); self-loops and repeated edges are dropped. It returns
// an error for an endpoint outside [0, n).
func (b Budget) FromEdges(n int, edges [][2]int) (*Graph, error) {
	if n < 0 || n > math.MaxUint32 {
		return nil, fmt.Errorf("topology: graph of %d nodes", n)
	}
	if err := b.check(fmt.Sprintf("topology: graph of %d nodes and %d edges", n, len(edges)), FromEdgesBytes(n, len(edges))); err != nil {
		return nil, err
	}
	keys := make([]uint64, 0, 2*len(edges))
	for _, e := range edges {
		u, v := e[0], e[1]
		if u < 0 || v < 0 || u >= n || v >= n {
			return nil, fmt.Errorf("topology: edge (%d, %d) outside the %d nodes", u, v, n)
		}
		if u == v {
			continue
		}
		keys = append(keys, uint64(u)<<32|uint64(v), uint64(v)<<32|uint64(u))
	}
	return fromKeys(n, keys), nil
}

// fromKeys builds the graph from directed (from<<32 | to) keys listing
// each edge both ways, possibly repeated.
func fromKeys(n int, keys []uint64) *Graph {
	slices.Sort(keys)
	keys = slices.Compact(keys)
	adj := &CSR{Pre: n, Post: n, RowPtr: make([]int, n+1), Targets: make([]uint32, len(keys))}
	for i, k := range keys {
		adj.RowPtr[k>>32+1]++
		adj.Targets[i] = uint32(k)
	}
	for i := range n {
		adj.RowPtr[i+1] += adj.RowPtr[i]
	}
	return &Graph{N: n, Adj: adj}
}

// Layered returns the wiring of a fully connected feed-forward network:
// every unit of each layer joined to every unit of the next (an artificial
// network's topology, as an undirected graph for comparison).
func (b Budget) Layered(sizes ...int) (*Graph, error) {
	n := 0
	for _, s := range sizes {
		if s <= 0 {
			return nil, fmt.Errorf("topology: layer of %d units", s)
		}
		if n += s; n > math.MaxUint32 {
			return nil, fmt.Errorf("topology: layers %v: more than 2³² units", sizes)
		}
	}
	if err := b.check(fmt.Sprintf("topology: layered graph %v (%.3g edges)", sizes, layeredEdges(sizes)), LayeredBytes(sizes...)); err != nil {
		return nil, err
	}
	// Each edge both ways, as fromKeys wants them: no edge list first.
	keys := make([]uint64, 0, int(2*layeredEdges(sizes)))
	start := 0
	for l := 0; l+1 < len(sizes); l++ {
		next := start + sizes[l]
		for i := range sizes[l] {
			for j := range sizes[l+1] {
				u, v := uint64(start+i), uint64(next+j)
				keys = append(keys, u<<32|v, v<<32|u)
			}
		}
		start = next
	}
	return fromKeys(n, keys), nil
}

// ErdosRenyi returns G(n, p): each of the n(n−1)/2 possible edges present
// independently with probability p, drawn by geometric skipping in
// O(n + edges).
func (b Budget) ErdosRenyi(n int, p float64, r *rand.Rand) (*Graph, error) {
	if err := checkSizes(n, n); err != nil {
		return nil, err
	}
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("topology: edge probability %v outside [0, 1]", p)
	}
	pairs := float64(n) * float64(n-1) / 2
	if err := b.check(fmt.Sprintf("topology: random graph of %d nodes with edge probability %v (about %.3g edges)", n, p, pairs*p), ErdosRenyiBytes(n, p)); err != nil {
		return nil, err
	}
	var keys []uint64
	if p > 0 {
		keys = make([]uint64, 0, int(2*expectedEdges(pairs, p)))
		// Walk the pairs (v, w), w < v, in order, jumping over the absent
		// ones (Batagelj & Brandes 2005).
		lp := math.Log1p(-p)
		v, w := 1, -1
		for v < n {
			skip := 0
			if p < 1 {
				gap := math.Floor(math.Log1p(-r.Float64()) / lp)
				if gap >= pairs {
					break // past the last pair (and too large for an int)
				}
				skip = int(gap)
			}
			w += 1 + skip
			for w >= v && v < n {
				w -= v
				v++
			}
			if v < n {
				keys = append(keys, uint64(v)<<32|uint64(w), uint64(w)<<32|uint64(v))
			}
		}
	}
	return fromKeys(n, keys), nil
}

// ErdosRenyiM returns G(n, m): m distinct edges drawn uniformly, the
// random graph matched to another's size (the reference for the
// small-world coefficient).
func (b Budget) ErdosRenyiM(n, m int, r *rand.Rand) (*Graph, error) {
	if err := checkSizes(n, n); err != nil {
		return nil, err
	}
	if m < 0 || m > n*(n-1)/2 {
		return nil, fmt.Errorf("topology: %d edges do not fit in a simple graph of %d nodes", m, n)
	}
	if err := b.check(fmt.Sprintf("topology: random graph of %d nodes and %d edges", n, m), ErdosRenyiMBytes(n, m)); err != nil {
		return nil, err
	}
	seen := make(map[uint64]bool, m)
	keys := make([]uint64, 0, 2*m)
	for len(seen) < m {
		u, v := r.IntN(n), r.IntN(n)
		if u == v {
			continue
		}
		u, v = min(u, v), max(u, v)
		k := uint64(u)<<32 | uint64(v)
		if seen[k] {
			continue
		}
		seen[k] = true
		keys = append(keys, k, uint64(v)<<32|uint64(u))
	}
	return fromKeys(n, keys), nil
}

// WattsStrogatz returns the small-world graph of Watts & Strogatz (1998):
// a ring of n nodes each joined to its k nearest neighbours (k even), then
// each edge's far end rewired with probability p to a uniformly chosen
// node, avoiding self-loops and duplicates. p = 0 is the regular lattice
// (high clustering, long paths), p = 1 nearly a random graph.
func (b Budget) WattsStrogatz(n, k int, p float64, r *rand.Rand) (*Graph, error) {
	if err := checkSizes(n, n); err != nil {
		return nil, err
	}
	if k <= 0 || k%2 != 0 || k >= n {
		return nil, fmt.Errorf("topology: Watts–Strogatz degree k = %d: want an even number in [2, n = %d)", k, n)
	}
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("topology: rewiring probability %v outside [0, 1]", p)
	}
	if err := b.check(fmt.Sprintf("topology: small-world graph of %d nodes of degree %d", n, k), WattsStrogatzBytes(n, k)); err != nil {
		return nil, err
	}
	adj := make([]map[int]bool, n)
	for i := range adj {
		adj[i] = make(map[int]bool, k)
	}
	link := func(u, v int) { adj[u][v], adj[v][u] = true, true }
	for i := range n {
		for j := 1; j <= k/2; j++ {
			link(i, (i+j)%n)
		}
	}
	// Rewire lap by lap as in the original paper: first every edge to the
	// nearest clockwise neighbour, then the next nearest, and so on.
	for j := 1; j <= k/2; j++ {
		for i := range n {
			t := (i + j) % n
			if !adj[i][t] || r.Float64() >= p {
				continue
			}
			if len(adj[i]) >= n-1 {
				continue // nowhere new to go
			}
			nt := r.IntN(n)
			for nt == i || adj[i][nt] {
				nt = r.IntN(n)
			}
			delete(adj[i], t)
			delete(adj[t], i)
			link(i, nt)
		}
	}
	keys := make([]uint64, 0, n*k)
	for u, nb := range adj {
		for v := range nb {
			keys = append(keys, uint64(u)<<32|uint64(v))
		}
	}
	return fromKeys(n, keys), nil
}

// BarabasiAlbert returns a scale-free graph by preferential attachment
// (Barabási & Albert 1999): starting from m+1 fully connected nodes, each
// new node links to m distinct existing nodes chosen with probability
// proportional to their degree. The degree distribution tends to
// P(k) ∝ k^−3. It runs in O(n·m) by drawing from the list of edge
// endpoints, where each node appears once per edge it has.
func (b Budget) BarabasiAlbert(n, m int, r *rand.Rand) (*Graph, error) {
	if err := checkSizes(n, n); err != nil {
		return nil, err
	}
	if m < 1 || m >= n {
		return nil, fmt.Errorf("topology: Barabási–Albert with m = %d edges per new node: want 1 ≤ m < n = %d", m, n)
	}
	if err := b.check(fmt.Sprintf("topology: scale-free graph of %d nodes with %d edges each", n, m), BarabasiAlbertBytes(n, m)); err != nil {
		return nil, err
	}
	ends := make([]uint32, 0, 2*(m*(m+1)/2+(n-m-1)*m))
	keys := make([]uint64, 0, cap(ends))
	add := func(u, v int) {
		ends = append(ends, uint32(u), uint32(v))
		keys = append(keys, uint64(u)<<32|uint64(v), uint64(v)<<32|uint64(u))
	}
	for u := 0; u <= m; u++ {
		for v := u + 1; v <= m; v++ {
			add(u, v)
		}
	}
	chosen := make([]int, 0, m)
	for v := m + 1; v < n; v++ {
		chosen = chosen[:0]
		for len(chosen) < m {
			u := int(ends[r.IntN(len(ends))])
			if !slices.Contains(chosen, u) {
				chosen = append(chosen, u)
			}
		}
		for _, u := range chosen {
			add(u, v)
		}
	}
	return fromKeys(n, keys), nil
}

// Spatial places n nodes uniformly in a cube of side size (a square when
// dims is 2) and joins each pair at distance d with probability
// p0·exp(−d/lambda), the distance-dependent wiring of cortex (most
// connections local, a few long). Pairs further apart than 6·lambda
// (probability below 0.25% of p0) are not considered, which lets a grid of
// cells find candidate pairs in O(n) for sparse wiring. The positions are
// kept in Pos, in the units of size and lambda, for conduction delays.
func (b Budget) Spatial(n, dims int, size, p0, lambda float64, r *rand.Rand) (*Graph, error) {
	if err := checkSizes(n, n); err != nil {
		return nil, err
	}
	switch {
	case dims != 2 && dims != 3:
		return nil, fmt.Errorf("topology: spatial wiring in %d dimensions: want 2 or 3", dims)
	case !(size > 0) || !(lambda > 0) || math.IsInf(size, 0) || math.IsInf(lambda, 0):
		return nil, fmt.Errorf("topology: spatial wiring with size %v and length constant %v: both must be positive", size, lambda)
	case !(p0 >= 0 && p0 <= 1):
		return nil, fmt.Errorf("topology: spatial peak probability %v outside [0, 1]", p0)
	}
	edges := SpatialEdges(n, dims, size, p0, lambda)
	if err := b.check(fmt.Sprintf("topology: spatial graph of %d nodes (about %.3g edges)", n, edges), SpatialBytes(n, dims, size, p0, lambda)); err != nil {
		return nil, err
	}
	pos := make([][3]float64, n)
	for i := range pos {
		for d := range dims {
			pos[i][d] = r.Float64() * size
		}
	}
	cut := 6 * lambda
	cells := max(1, int(size/cut))
	cellOf := func(x float64) int { return min(cells-1, int(x/size*float64(cells))) }
	grid := map[[3]int][]int{}
	for i, p := range pos {
		c := [3]int{cellOf(p[0]), cellOf(p[1]), 0}
		if dims == 3 {
			c[2] = cellOf(p[2])
		}
		grid[c] = append(grid[c], i)
	}
	keys := make([]uint64, 0, int(2*(edges+5*math.Sqrt(edges))))
	dz := 0
	if dims == 3 {
		dz = 1
	}
	for i, p := range pos {
		c := [3]int{cellOf(p[0]), cellOf(p[1]), 0}
		if dims == 3 {
			c[2] = cellOf(p[2])
		}
		for ox := -1; ox <= 1; ox++ {
			for oy := -1; oy <= 1; oy++ {
				for oz := -dz; oz <= dz; oz++ {
					for _, j := range grid[[3]int{c[0] + ox, c[1] + oy, c[2] + oz}] {
						if j <= i {
							continue // each pair once, in a fixed order
						}
						d := math.Sqrt(sq(p[0]-pos[j][0]) + sq(p[1]-pos[j][1]) + sq(p[2]-pos[j][2]))
						if d <= cut && r.Float64() < p0*math.Exp(-d/lambda) {
							keys = append(keys, uint64(i)<<32|uint64(j), uint64(j)<<32|uint64(i))
						}
					}
				}
			}
		}
	}
	g := fromKeys(n, keys)
	g.Pos = pos
	return g, nil
}

func sq(x float64) float64 { return x * x }

// Union returns the graph with the edges of all the given graphs, which
// must have the same number of nodes: mixtures such as local spatial
// wiring plus a few random long-range links. Positions come from the first
// graph that has them.
func (b Budget) Union(gs ...*Graph) (*Graph, error) {
	if len(gs) == 0 {
		return nil, fmt.Errorf("topology: union of no graphs")
	}
	n := gs[0].N
	total := 0
	for _, g := range gs {
		if g.N != n {
			return nil, fmt.Errorf("topology: union of graphs with %d and %d nodes", n, g.N)
		}
		total += g.Edges()
	}
	if err := b.check(fmt.Sprintf("topology: union of %d graphs (%d edges)", len(gs), total), FromEdgesBytes(n, total)); err != nil {
		return nil, err
	}
	keys := make([]uint64, 0, 2*total)
	var pos [][3]float64
	for _, g := range gs {
		for u := range n {
			for _, v := range g.Neighbors(u) {
				keys = append(keys, uint64(u)<<32|uint64(v))
			}
		}
		if pos == nil {
			pos = g.Pos
		}
	}
	out := fromKeys(n, keys)
	out.Pos = pos
	return out, nil
}
