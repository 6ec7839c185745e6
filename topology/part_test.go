package topology

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// restrict is the reference for the *Part rules: the whole graph g with
// only the edges onto [lo, hi) left, and per sender the edges left out
// before and after them, counted naively.
func restrict(g *CSR, lo, hi int) (rowPtr []int, targets []uint32, outside []int) {
	rowPtr = []int{0}
	outside = make([]int, 2*g.Pre)
	for i := range g.Pre {
		for _, t := range g.Row(i) {
			switch {
			case int(t) < lo:
				outside[2*i]++
			case int(t) >= hi:
				outside[2*i+1]++
			default:
				targets = append(targets, t)
			}
		}
		rowPtr = append(rowPtr, len(targets))
	}
	return rowPtr, targets, outside
}

// TestPartRules checks that each rule built for a part of the receivers
// keeps exactly the whole graph's edges onto them, counts the others per
// sender, and leaves the generator where the whole graph leaves it.
func TestPartRules(t *testing.T) {
	type rule func(part Part, r *rand.Rand) (*CSR, error)
	const pre, post = 97, 130
	rules := []struct {
		name string
		pre  int
		post int
		make rule
	}{
		{"all", pre, post, func(pt Part, _ *rand.Rand) (*CSR, error) { return Budget(0).AllToAllPart(pre, post, true, pt) }},
		{"all-no-autapses", post, post, func(pt Part, _ *rand.Rand) (*CSR, error) {
			return Budget(0).AllToAllPart(post, post, false, pt)
		}},
		{"one-to-one", post, post, func(pt Part, _ *rand.Rand) (*CSR, error) { return Budget(0).OneToOnePart(post, pt) }},
		{"probability", pre, post, func(pt Part, r *rand.Rand) (*CSR, error) {
			return Budget(0).FixedProbabilityPart(pre, post, 0.1, true, pt, r)
		}},
		{"probability-no-autapses", post, post, func(pt Part, r *rand.Rand) (*CSR, error) {
			return Budget(0).FixedProbabilityPart(post, post, 0.3, false, pt, r)
		}},
		{"probability-1", pre, post, func(pt Part, r *rand.Rand) (*CSR, error) {
			return Budget(0).FixedProbabilityPart(pre, post, 1, true, pt, r)
		}},
		{"in-degree", pre, post, func(pt Part, r *rand.Rand) (*CSR, error) {
			return Budget(0).FixedInDegreePart(pre, post, 11, true, pt, r)
		}},
		{"in-degree-no-autapses", post, post, func(pt Part, r *rand.Rand) (*CSR, error) {
			return Budget(0).FixedInDegreePart(post, post, 40, false, pt, r)
		}},
		{"total", pre, post, func(pt Part, r *rand.Rand) (*CSR, error) {
			return Budget(0).FixedTotalPart(pre, post, 20000, true, pt, r)
		}},
		{"total-no-autapses", post, post, func(pt Part, r *rand.Rand) (*CSR, error) {
			return Budget(0).FixedTotalPart(post, post, 900, false, pt, r)
		}},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			whole, err := tt.make(Whole(tt.post), r)
			if err != nil {
				t.Fatal(err)
			}
			next := r.Uint64()
			if whole.Outside != nil {
				t.Errorf("whole graph: Outside = %v, want nil", whole.Outside)
			}
			for _, pt := range []Part{{0, 0}, {0, 8}, {8, 64}, {64, tt.post}, {40, 41}, {tt.post, tt.post}} {
				r := rand.New(rand.NewPCG(7, 8))
				g, err := tt.make(pt, r)
				if err != nil {
					t.Fatalf("part %v: %v", pt, err)
				}
				if got := r.Uint64(); got != next {
					t.Errorf("part %v: the generator is left elsewhere than by the whole graph", pt)
				}
				rowPtr, targets, outside := restrict(whole, pt.Lo, pt.Hi)
				if !slices.Equal(g.RowPtr, rowPtr) || !slices.Equal(g.Targets, targets) {
					t.Errorf("part %v: %d edges in rows %v…, want the whole graph's %d onto it", pt, len(g.Targets), head(g.RowPtr), len(targets))
				}
				if !slices.Equal(g.Outside, outside) {
					t.Errorf("part %v: Outside = %v…, want %v…", pt, head(g.Outside), head(outside))
				}
				if g.Part != pt || g.Pre != whole.Pre || g.Post != whole.Post {
					t.Errorf("part %v: graph says part %v, %d → %d", pt, g.Part, g.Pre, g.Post)
				}
			}
		})
	}
}

func head(s []int) []int { return s[:min(len(s), 8)] }

func TestPartRefused(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, pt := range []Part{{-1, 3}, {5, 4}, {0, 11}} {
		if _, err := Budget(0).FixedTotalPart(10, 10, 5, true, pt, r); err == nil {
			t.Errorf("FixedTotalPart(part %v of 10) = nil error", pt)
		}
	}
	// A part's estimate is its share: the whole graph is over the limit,
	// the part within it.
	const limit = 1 << 20
	if _, err := Budget(limit).FixedTotal(100, 100000, 500000, true, r); err == nil {
		t.Fatalf("FixedTotal of 2 MB within %d bytes = nil error", limit)
	}
	if _, err := Budget(limit).FixedTotalPart(100, 100000, 500000, true, Part{0, 10000}, r); err != nil {
		t.Errorf("FixedTotalPart of a tenth: %v", err)
	}
}
