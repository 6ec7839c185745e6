package topology

import (
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/internal/budget"
)

// Budget is a memory limit in bytes for the rules and generators (0:
// budget.Default(), half of the machine's memory). Its methods are the
// package's functions with that limit: each estimates what it will
// allocate from its arguments (the *Bytes functions below) and returns a
// *budget.Error before allocating anything when the estimate is over the
// limit. The package-level functions are the methods of Budget(0).
type Budget int64

func (b Budget) check(what string, need float64) error {
	return budget.Check(what, need, int64(b))
}

// AllToAll is Budget(0).AllToAll.
func AllToAll(pre, post int, autapses bool) (*CSR, error) {
	return Budget(0).AllToAll(pre, post, autapses)
}

// OneToOne is Budget(0).OneToOne.
func OneToOne(n int) (*CSR, error) { return Budget(0).OneToOne(n) }

// FixedProbability is Budget(0).FixedProbability.
func FixedProbability(pre, post int, p float64, autapses bool, r *rand.Rand) (*CSR, error) {
	return Budget(0).FixedProbability(pre, post, p, autapses, r)
}

// FixedInDegree is Budget(0).FixedInDegree.
func FixedInDegree(pre, post, k int, autapses bool, r *rand.Rand) (*CSR, error) {
	return Budget(0).FixedInDegree(pre, post, k, autapses, r)
}

// FromEdges is Budget(0).FromEdges.
func FromEdges(n int, edges [][2]int) (*Graph, error) { return Budget(0).FromEdges(n, edges) }

// Layered is Budget(0).Layered.
func Layered(sizes ...int) (*Graph, error) { return Budget(0).Layered(sizes...) }

// ErdosRenyi is Budget(0).ErdosRenyi.
func ErdosRenyi(n int, p float64, r *rand.Rand) (*Graph, error) {
	return Budget(0).ErdosRenyi(n, p, r)
}

// ErdosRenyiM is Budget(0).ErdosRenyiM.
func ErdosRenyiM(n, m int, r *rand.Rand) (*Graph, error) { return Budget(0).ErdosRenyiM(n, m, r) }

// WattsStrogatz is Budget(0).WattsStrogatz.
func WattsStrogatz(n, k int, p float64, r *rand.Rand) (*Graph, error) {
	return Budget(0).WattsStrogatz(n, k, p, r)
}

// BarabasiAlbert is Budget(0).BarabasiAlbert.
func BarabasiAlbert(n, m int, r *rand.Rand) (*Graph, error) {
	return Budget(0).BarabasiAlbert(n, m, r)
}

// Spatial is Budget(0).Spatial.
func Spatial(n, dims int, size, p0, lambda float64, r *rand.Rand) (*Graph, error) {
	return Budget(0).Spatial(n, dims, size, p0, lambda, r)
}

// Union is Budget(0).Union.
func Union(gs ...*Graph) (*Graph, error) { return Budget(0).Union(gs...) }

// The estimates below count the slices each rule allocates at its peak,
// in bytes, from its arguments alone: a CSR costs 8 bytes a row pointer
// and 4 an edge; an undirected graph is built from 8-byte keys listing
// each edge both ways, sorted, then turned into a CSR listing it from
// both ends. They work in float64, so that no product of sizes overflows.

// CSRBytes returns the size of a CSR with pre senders and edges edges.
func CSRBytes(pre int, edges float64) float64 { return 8*(float64(pre)+1) + 4*edges }

// keysBytes is the peak of building an n-node graph from directed keys:
// the keys, and the CSR made from them.
func keysBytes(n int, directed float64) float64 { return 8*directed + CSRBytes(n, directed) }

// mapBytes is a Go map of k small entries (measured with Go 1.26's
// maps: 200 bytes for a few entries, about 24 more for each).
func mapBytes(k float64) float64 { return 200 + 24*k }

// expectedEdges returns how many of pairs independent pairs of probability
// p a generator makes room for: the mean plus five standard deviations
// (exceeded once in 3.5 million draws), plus a few.
func expectedEdges(pairs, p float64) float64 {
	mean := pairs * p
	return min(pairs, mean+5*math.Sqrt(mean*(1-p))) + 16
}

// AllToAllBytes estimates AllToAll(pre, post, …).
func AllToAllBytes(pre, post int) float64 {
	return CSRBytes(pre, float64(pre)*float64(post))
}

// OneToOneBytes estimates OneToOne(n).
func OneToOneBytes(n int) float64 { return CSRBytes(n, float64(n)) }

// FixedProbabilityBytes estimates FixedProbability(pre, post, p, …): room
// for the expected synapses p·pre·post plus five standard deviations.
func FixedProbabilityBytes(pre, post int, p float64) float64 {
	return CSRBytes(pre, expectedEdges(float64(pre)*float64(post), p))
}

// FixedInDegreeBytes estimates FixedInDegree(pre, post, k, …): the
// senders drawn for each receiver, the CSR of post·k synapses and the
// fill pointers.
func FixedInDegreeBytes(pre, post, k int) float64 {
	edges := float64(post) * float64(k)
	return 4*edges + CSRBytes(pre, edges) + 8*float64(pre) + mapBytes(float64(k))
}

// FromEdgesBytes estimates FromEdges(n, edges) for m edges (and Union of
// graphs with m edges together).
func FromEdgesBytes(n, m int) float64 { return keysBytes(n, 2*float64(m)) }

// layeredEdges returns the edges of fully connected layers.
func layeredEdges(sizes []int) float64 {
	e := 0.0
	for l := 1; l < len(sizes); l++ {
		e += float64(sizes[l-1]) * float64(sizes[l])
	}
	return e
}

// LayeredBytes estimates Layered(sizes...).
func LayeredBytes(sizes ...int) float64 {
	n := 0.0
	for _, s := range sizes {
		n += float64(s)
	}
	return 8*(n+1) + 12*2*layeredEdges(sizes)
}

// ErdosRenyiBytes estimates ErdosRenyi(n, p, …): room for the expected
// p·n(n−1)/2 edges plus five standard deviations.
func ErdosRenyiBytes(n int, p float64) float64 {
	return keysBytes(n, 2*expectedEdges(float64(n)*float64(n-1)/2, p))
}

// ErdosRenyiMBytes estimates ErdosRenyiM(n, m, …): the set of edges drawn
// (a map, about 40 bytes an entry) and the graph.
func ErdosRenyiMBytes(n, m int) float64 {
	return 40*float64(m) + keysBytes(n, 2*float64(m))
}

// WattsStrogatzBytes estimates WattsStrogatz(n, k, …): a map of k
// neighbours per node while rewiring, then the graph.
func WattsStrogatzBytes(n, k int) float64 {
	return float64(n)*(8+mapBytes(float64(k))) + keysBytes(n, float64(n)*float64(k))
}

// BarabasiAlbertBytes estimates BarabasiAlbert(n, m, …): the list of edge
// ends preferential attachment draws from, and the graph.
func BarabasiAlbertBytes(n, m int) float64 {
	e := float64(m)*float64(m+1)/2 + float64(n-m-1)*float64(m)
	return 8*e + keysBytes(n, 2*e)
}

// SpatialEdges returns about how many edges Spatial(n, dims, size, p0,
// lambda) makes: a node's expected degree is the density n/size^dims
// times p0 times the integral of exp(−d/lambda) over the plane
// (2π·lambda²) or space (8π·lambda³), less at the box's walls, so this
// errs high.
func SpatialEdges(n, dims int, size, p0, lambda float64) float64 {
	reach := 2 * math.Pi * lambda * lambda
	if dims == 3 {
		reach = 8 * math.Pi * lambda * lambda * lambda
	}
	nf := float64(n)
	degree := min(nf-1, p0*nf/math.Pow(size, float64(dims))*reach)
	return nf * max(0, degree) / 2
}

// SpatialBytes estimates Spatial(n, dims, size, p0, lambda, …): the
// positions, the grid of cells that finds neighbours (a map entry per
// occupied cell and a growing list of its nodes), room for SpatialEdges
// plus five standard deviations, and the graph.
func SpatialBytes(n, dims int, size, p0, lambda float64) float64 {
	nf := float64(n)
	cells := math.Min(nf, math.Pow(max(1, math.Floor(size/(6*lambda))), float64(dims)))
	e := SpatialEdges(n, dims, size, p0, lambda)
	return 24*nf + 16*nf + 100*cells + keysBytes(n, 2*(e+5*math.Sqrt(e)))
}
