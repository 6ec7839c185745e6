package topology

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Part is the receivers [Lo, Hi) whose edges a rule keeps: a process
// that simulates only those neurons of a network split over processes
// stores only the synapses onto them. Whole(post) keeps every receiver.
//
// The rules' *Part methods draw from r exactly what the whole graph
// draws, in the same order, and skip (count, without storing) the edges
// onto other receivers: the edges they keep are the whole graph's edges
// onto [Lo, Hi), in the same order, and r is left where building the
// whole graph leaves it, so whatever is drawn from r afterwards is the
// same too. They allocate for the edges kept and per sender, not for the
// edges skipped; the time they take is the whole graph's.
type Part struct{ Lo, Hi int }

// Whole returns the part of post receivers that keeps them all.
func Whole(post int) Part { return Part{0, post} }

// check reports a part outside the post receivers.
func (pt Part) check(post int) error {
	if pt.Lo < 0 || pt.Lo > pt.Hi || pt.Hi > post {
		return fmt.Errorf("topology: receivers [%d, %d) are not a part of %d", pt.Lo, pt.Hi, post)
	}
	return nil
}

// whole reports whether pt keeps every one of post receivers.
func (pt Part) whole(post int) bool { return pt.Lo == 0 && pt.Hi == post }

// Fraction returns the share of post receivers pt keeps (1 for none).
func (pt Part) Fraction(post int) float64 {
	if post <= 0 {
		return 1
	}
	return float64(pt.Hi-pt.Lo) / float64(post)
}

// PartBytes estimates what a rule allocates for a part keeping fraction
// of the receivers (Part.Fraction) when the whole graph of pre senders is
// estimated at whole bytes (the *Bytes functions): the row pointers and
// the counts of skipped edges per sender (CSR.Outside) in full, the rest
// (edges, scratch per edge or receiver) in proportion.
func PartBytes(whole float64, pre int, fraction float64) float64 {
	if fraction >= 1 {
		return whole
	}
	rows := 8 * (float64(pre) + 1)
	return rows + 16*float64(pre) + max(0, fraction)*max(0, whole-rows)
}

// cut is what a part's builder keeps track of: the part, and per sender
// the whole graph's edges before and after the kept ones (nil for a
// whole graph).
type cut struct {
	lo, hi  int
	outside []int
}

func newCut(pt Part, pre, post int) cut {
	c := cut{lo: pt.Lo, hi: pt.Hi}
	if !pt.whole(post) {
		c.outside = make([]int, 2*pre)
	}
	return c
}

// keep reports whether the edge i→j is kept, counting it as outside
// otherwise.
func (c cut) keep(i, j int) bool {
	switch {
	case j < c.lo:
		c.outside[2*i]++
	case j >= c.hi:
		c.outside[2*i+1]++
	default:
		return true
	}
	return false
}

// finish records the part in g (nothing for a whole graph).
func (c cut) finish(g *CSR) *CSR {
	if c.outside != nil {
		g.Part, g.Outside = Part{c.lo, c.hi}, c.outside
	}
	return g
}

// onto names the part in a wiring's description ("" for the whole).
func (pt Part) onto(post int) string {
	if pt.whole(post) {
		return ""
	}
	return fmt.Sprintf(" onto receivers [%d, %d)", pt.Lo, pt.Hi)
}

// partEdges returns the room to reserve for the edges of a part keeping
// fraction of edges expected (the mean plus five standard deviations of
// a binomial, plus a few).
func partEdges(edges, fraction float64) int {
	mean := edges * fraction
	return int(min(edges, mean+5*math.Sqrt(mean*(1-min(1, fraction)))+16))
}

// AllToAllPart is AllToAll keeping only the edges onto part.
func (b Budget) AllToAllPart(pre, post int, autapses bool, part Part) (*CSR, error) {
	if err := checkSizes(pre, post); err != nil {
		return nil, err
	}
	if err := part.check(post); err != nil {
		return nil, err
	}
	if part.whole(post) {
		return b.AllToAll(pre, post, autapses)
	}
	need := PartBytes(AllToAllBytes(pre, post), pre, part.Fraction(post))
	if err := b.check(fmt.Sprintf("topology: all-to-all wiring of %d × %d onto receivers [%d, %d)", pre, post, part.Lo, part.Hi), need); err != nil {
		return nil, err
	}
	c := newCut(part, pre, post)
	g := &CSR{Pre: pre, Post: post, RowPtr: make([]int, pre+1)}
	g.Targets = make([]uint32, 0, pre*(part.Hi-part.Lo))
	for i := range pre {
		c.outside[2*i], c.outside[2*i+1] = part.Lo, post-part.Hi
		if !autapses && i < part.Lo {
			c.outside[2*i]--
		} else if !autapses && i >= part.Hi && i < post {
			c.outside[2*i+1]--
		}
		for j := part.Lo; j < part.Hi; j++ {
			if autapses || i != j {
				g.Targets = append(g.Targets, uint32(j))
			}
		}
		g.RowPtr[i+1] = len(g.Targets)
	}
	return c.finish(g), nil
}

// OneToOnePart is OneToOne keeping only the edges onto part.
func (b Budget) OneToOnePart(n int, part Part) (*CSR, error) {
	if err := checkSizes(n, n); err != nil {
		return nil, err
	}
	if err := part.check(n); err != nil {
		return nil, err
	}
	if part.whole(n) {
		return b.OneToOne(n)
	}
	need := PartBytes(OneToOneBytes(n), n, part.Fraction(n))
	if err := b.check(fmt.Sprintf("topology: one-to-one wiring of %d onto receivers [%d, %d)", n, part.Lo, part.Hi), need); err != nil {
		return nil, err
	}
	c := newCut(part, n, n)
	g := &CSR{Pre: n, Post: n, RowPtr: make([]int, n+1), Targets: make([]uint32, 0, part.Hi-part.Lo)}
	for i := range n {
		if c.keep(i, i) {
			g.Targets = append(g.Targets, uint32(i))
		}
		g.RowPtr[i+1] = len(g.Targets)
	}
	return c.finish(g), nil
}

// FixedProbabilityPart is FixedProbability keeping only the edges onto
// part: it draws every gap of every row, as the whole graph does.
func (b Budget) FixedProbabilityPart(pre, post int, p float64, autapses bool, part Part, r *rand.Rand) (*CSR, error) {
	if err := checkSizes(pre, post); err != nil {
		return nil, err
	}
	if err := part.check(post); err != nil {
		return nil, err
	}
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("topology: connection probability %v is outside [0, 1]", p)
	}
	what := fmt.Sprintf("topology: wiring of %d × %d with probability %v%s (about %.3g synapses)",
		pre, post, p, part.onto(post), float64(pre)*float64(part.Hi-part.Lo)*p)
	if err := b.check(what, PartBytes(FixedProbabilityBytes(pre, post, p), pre, part.Fraction(post))); err != nil {
		return nil, err
	}
	c := newCut(part, pre, post)
	g := &CSR{Pre: pre, Post: post, RowPtr: make([]int, pre+1)}
	g.Targets = make([]uint32, 0, int(expectedEdges(float64(pre)*float64(part.Hi-part.Lo), p)))
	logq := math.Log1p(-p)
	for i := range pre {
		if p > 0 {
			for j := -1; ; {
				// Skip ⌊ln U / ln(1−p)⌋ non-edges: the geometric gap.
				if p < 1 {
					skip := math.Floor(math.Log(1-r.Float64()) / logq)
					if skip >= float64(post) {
						break
					}
					j += int(skip)
				}
				j++
				if j >= post {
					break
				}
				if (autapses || i != j) && c.keep(i, j) {
					g.Targets = append(g.Targets, uint32(j))
				}
			}
		}
		g.RowPtr[i+1] = len(g.Targets)
	}
	return c.finish(g), nil
}

// FixedInDegreePart is FixedInDegree keeping only the edges onto part: it
// draws the senders of every receiver, as the whole graph does, and
// counts those of the receivers outside part per sender.
func (b Budget) FixedInDegreePart(pre, post, k int, autapses bool, part Part, r *rand.Rand) (*CSR, error) {
	if err := checkSizes(pre, post); err != nil {
		return nil, err
	}
	if err := part.check(post); err != nil {
		return nil, err
	}
	avail := pre
	if !autapses && pre == post {
		avail = pre - 1
	}
	if k < 0 || k > avail {
		return nil, fmt.Errorf("topology: in-degree %d is not possible with %d eligible senders", k, avail)
	}
	what := fmt.Sprintf("topology: wiring of %d receivers%s with %d senders each", post, part.onto(post), k)
	if err := b.check(what, PartBytes(FixedInDegreeBytes(pre, post, k), pre, part.Fraction(post))); err != nil {
		return nil, err
	}
	// Draw senders per receiver (Floyd's algorithm for k distinct values),
	// then transpose the kept ones into sender order with a counting pass.
	c := newCut(part, pre, post)
	kept := part.Hi - part.Lo
	senders := make([]uint32, kept*k)
	scratch := make([]uint32, k)
	chosen := make(map[uint32]struct{}, k)
	for j := range post {
		clear(chosen)
		out := scratch
		if j >= part.Lo && j < part.Hi {
			out = senders[(j-part.Lo)*k : (j-part.Lo+1)*k]
		}
		n := 0
		for m := avail - k; m < avail; m++ {
			t := uint32(r.IntN(m + 1))
			if _, dup := chosen[t]; dup {
				t = uint32(m)
			}
			chosen[t] = struct{}{}
			out[n] = t
			n++
		}
		if avail < pre { // skip the receiver itself: shift indices ≥ j up by one
			for q, s := range out {
				if int(s) >= j {
					out[q] = s + 1
				}
			}
		}
		if j < part.Lo || j >= part.Hi {
			for _, s := range out {
				c.keep(int(s), j) // counts it outside
			}
		}
	}
	g := &CSR{Pre: pre, Post: post, RowPtr: make([]int, pre+1), Targets: make([]uint32, kept*k)}
	for _, s := range senders {
		g.RowPtr[s+1]++
	}
	for i := range pre {
		g.RowPtr[i+1] += g.RowPtr[i]
	}
	fill := slices.Clone(g.RowPtr[:pre])
	for j := part.Lo; j < part.Hi; j++ {
		for _, s := range senders[(j-part.Lo)*k : (j-part.Lo+1)*k] {
			g.Targets[fill[s]] = uint32(j)
			fill[s]++
		}
	}
	return c.finish(g), nil
}

// FixedTotalPart is FixedTotal keeping only the edges onto part: it draws
// every sender and every receiver, as the whole graph does, and sorts the
// receivers kept.
func (b Budget) FixedTotalPart(pre, post, n int, autapses bool, part Part, r *rand.Rand) (*CSR, error) {
	if err := checkSizes(pre, post); err != nil {
		return nil, err
	}
	if err := part.check(post); err != nil {
		return nil, err
	}
	avail := post
	if !autapses && pre == post {
		avail = post - 1
	}
	switch {
	case n < 0:
		return nil, fmt.Errorf("topology: %d synapses: the total must not be negative", n)
	case n > 0 && (pre == 0 || avail <= 0):
		return nil, fmt.Errorf("topology: %d synapses between %d senders and %d eligible receivers", n, pre, avail)
	}
	frac := part.Fraction(post)
	what := fmt.Sprintf("topology: wiring of %d synapses between %d senders and %d receivers%s", n, pre, post, part.onto(post))
	if err := b.check(what, PartBytes(FixedTotalBytes(pre, post, n), pre, frac)); err != nil {
		return nil, err
	}
	c := newCut(part, pre, post)
	g := &CSR{Pre: pre, Post: post, RowPtr: make([]int, pre+1)}
	if n == 0 {
		g.Targets = []uint32{}
		return c.finish(g), nil
	}
	// The whole graph's row lengths, from the same draws.
	whole := make([]int, pre)
	for range n {
		whole[r.IntN(pre)]++
	}
	g.Targets = make([]uint32, 0, partEdges(float64(n), frac))
	var scratch []uint32
	for i := range pre {
		start := len(g.Targets)
		for range whole[i] {
			t := uint32(r.IntN(avail))
			if avail < post && int(t) >= i {
				t++
			}
			if c.keep(i, int(t)) {
				g.Targets = append(g.Targets, t)
			}
		}
		row := g.Targets[start:]
		if len(row) > len(scratch) {
			scratch = make([]uint32, len(row))
		}
		radixSort(row, scratch[:len(row)], post)
		g.RowPtr[i+1] = len(g.Targets)
	}
	return c.finish(g), nil
}
