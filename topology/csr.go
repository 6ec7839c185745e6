package topology

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// CSR is a directed graph from Pre senders to Post receivers in compressed
// sparse row form, ordered by sender: the targets of sender i are
// Targets[RowPtr[i]:RowPtr[i+1]], in increasing order.
type CSR struct {
	Pre, Post int
	RowPtr    []int    // len Pre+1, RowPtr[0] = 0
	Targets   []uint32 // receiver index of each edge
	// Part is, for a graph built for a part of the receivers (the rules'
	// *Part methods), that part, and Outside holds, per sender i, how
	// many of the whole graph's edges come before its kept ones
	// (Outside[2i], onto receivers below Part.Lo) and after them
	// (Outside[2i+1], from Part.Hi on): what a builder needs to draw each
	// edge's weight or delay in the whole graph's order. Both are zero
	// for a whole graph.
	Part    Part
	Outside []int
}

// Edges returns the number of edges.
func (g *CSR) Edges() int { return len(g.Targets) }

// Row returns the targets of sender i.
func (g *CSR) Row(i int) []uint32 { return g.Targets[g.RowPtr[i]:g.RowPtr[i+1]] }

// Validate checks the invariants: row pointers non-decreasing from 0 to the
// edge count, targets in range and increasing within each row (no
// duplicates).
func (g *CSR) Validate() error {
	if len(g.RowPtr) != g.Pre+1 || g.RowPtr[0] != 0 || g.RowPtr[g.Pre] != len(g.Targets) {
		return fmt.Errorf("topology: CSR with %d senders has %d row pointers (first %v, last %v) for %d edges",
			g.Pre, len(g.RowPtr), first(g.RowPtr), last(g.RowPtr), len(g.Targets))
	}
	for i := range g.Pre {
		if g.RowPtr[i] > g.RowPtr[i+1] {
			return fmt.Errorf("topology: CSR row %d has negative length", i)
		}
		row := g.Row(i)
		for k, t := range row {
			if int(t) >= g.Post {
				return fmt.Errorf("topology: CSR row %d targets %d, but there are %d receivers", i, t, g.Post)
			}
			if k > 0 && row[k-1] >= t {
				return fmt.Errorf("topology: CSR row %d is not strictly increasing at %d", i, k)
			}
		}
	}
	return nil
}

func first(s []int) any {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}

func last(s []int) any {
	if len(s) == 0 {
		return "none"
	}
	return s[len(s)-1]
}

func checkSizes(pre, post int) error {
	if pre < 0 || post < 0 {
		return fmt.Errorf("topology: population sizes %d and %d must not be negative", pre, post)
	}
	if pre > math.MaxUint32 || post > math.MaxUint32 {
		return fmt.Errorf("topology: %d senders or %d receivers exceed the 2³² a CSR can index", pre, post)
	}
	return nil
}

// AllToAll connects every sender to every receiver. With autapses false and
// pre = post (one population onto itself), i→i is left out.
func (b Budget) AllToAll(pre, post int, autapses bool) (*CSR, error) {
	if err := checkSizes(pre, post); err != nil {
		return nil, err
	}
	if err := b.check(fmt.Sprintf("topology: all-to-all wiring of %d × %d", pre, post), AllToAllBytes(pre, post)); err != nil {
		return nil, err
	}
	g := &CSR{Pre: pre, Post: post, RowPtr: make([]int, pre+1)}
	g.Targets = make([]uint32, 0, pre*post)
	for i := range pre {
		for j := range post {
			if autapses || i != j {
				g.Targets = append(g.Targets, uint32(j))
			}
		}
		g.RowPtr[i+1] = len(g.Targets)
	}
	return g, nil
}

// OneToOne connects sender i to receiver i; pre and post must be equal.
func (b Budget) OneToOne(n int) (*CSR, error) {
	if err := checkSizes(n, n); err != nil {
		return nil, err
	}
	if err := b.check(fmt.Sprintf("topology: one-to-one wiring of %d", n), OneToOneBytes(n)); err != nil {
		return nil, err
	}
	g := &CSR{Pre: n, Post: n, RowPtr: make([]int, n+1), Targets: make([]uint32, n)}
	for i := range n {
		g.Targets[i] = uint32(i)
		g.RowPtr[i+1] = i + 1
	}
	return g, nil
}

// FixedProbability connects each (sender, receiver) pair independently with
// probability p (an Erdős–Rényi graph; Brian2's connect(p=…)). It draws the
// gaps between successive edges from a geometric distribution, so the work
// is proportional to the number of edges, not to pre·post.
func (b Budget) FixedProbability(pre, post int, p float64, autapses bool, r *rand.Rand) (*CSR, error) {
	return b.FixedProbabilityPart(pre, post, p, autapses, Whole(post), r)
}

// FixedInDegree gives every receiver exactly k distinct senders, chosen
// uniformly (without autapses when autapses is false and pre = post). The
// result is still ordered by sender.
func (b Budget) FixedInDegree(pre, post, k int, autapses bool, r *rand.Rand) (*CSR, error) {
	return b.FixedInDegreePart(pre, post, k, autapses, Whole(post), r)
}
