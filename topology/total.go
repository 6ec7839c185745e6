package topology

import (
	"math/rand/v2"
	"slices"
)

// FixedTotal makes exactly n synapses, each joining a sender and a
// receiver drawn uniformly and independently, with replacement (NEST's
// fixed_total_number rule with multapses allowed): a pair may be joined
// more than once, so a row's targets are non-decreasing rather than
// strictly increasing, and Validate, which checks for unique edges,
// refuses such a graph. With autapses false and pre = post, a synapse's
// receiver is drawn among the others, as NEST redraws i→i.
//
// The senders are drawn first (n draws, counted per sender), then each
// sender's receivers, which are sorted in place by a radix sort: the work
// is O(n) and nothing but the CSR is allocated beyond a scratch row and
// a count per sender.
func (b Budget) FixedTotal(pre, post, n int, autapses bool, r *rand.Rand) (*CSR, error) {
	return b.FixedTotalPart(pre, post, n, autapses, Whole(post), r)
}

// FixedTotal is Budget(0).FixedTotal.
func FixedTotal(pre, post, n int, autapses bool, r *rand.Rand) (*CSR, error) {
	return Budget(0).FixedTotal(pre, post, n, autapses, r)
}

// FixedTotalBytes estimates FixedTotal(pre, post, n, …): the CSR of n
// synapses and a scratch row as long as the longest (counted as n/pre plus
// room for its spread, at most n).
func FixedTotalBytes(pre, post, n int) float64 {
	edges := float64(max(0, n))
	row := edges
	if pre > 0 {
		row = min(edges, 2*edges/float64(pre)+64)
	}
	return CSRBytes(pre, edges) + 4*row
}

// radixSort sorts keys below limit in place, least significant byte
// first, using scratch (as long as keys). Short rows go to the standard
// sort, which is faster below a few dozen keys.
func radixSort(keys, scratch []uint32, limit int) {
	if len(keys) < 64 {
		slices.Sort(keys)
		return
	}
	src, dst := keys, scratch
	passes := 0
	for shift := uint(0); shift < 32 && (limit-1)>>shift > 0; shift += 8 {
		var count [257]int
		for _, k := range src {
			count[(k>>shift)&0xff+1]++
		}
		for d := 1; d < 257; d++ {
			count[d] += count[d-1]
		}
		for _, k := range src {
			d := (k >> shift) & 0xff
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
		passes++
	}
	if passes%2 == 1 {
		copy(keys, src)
	}
}
