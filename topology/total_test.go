package topology

import (
	"math"
	"slices"
	"testing"

	"github.com/neurite/neurite/internal/budget"
)

func TestFixedTotal(t *testing.T) {
	tests := []struct {
		name      string
		pre, post int
		n         int
		autapses  bool
	}{
		{"square", 500, 500, 40000, true},
		{"no autapses", 300, 300, 30000, false},
		{"wide", 50, 3000, 20000, true},
		{"long rows", 4, 70000, 400000, true}, // three radix passes
		{"empty", 10, 10, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := FixedTotal(tt.pre, tt.post, tt.n, tt.autapses, rng(3))
			if err != nil {
				t.Fatal(err)
			}
			if g.Edges() != tt.n {
				t.Fatalf("FixedTotal(%d, %d, %d) made %d synapses, want %d", tt.pre, tt.post, tt.n, g.Edges(), tt.n)
			}
			perTarget := make([]int, tt.post)
			for i := range tt.pre {
				row := g.Row(i)
				if !slices.IsSorted(row) {
					t.Fatalf("row %d is not sorted", i)
				}
				for _, j := range row {
					if int(j) >= tt.post {
						t.Fatalf("row %d targets %d of %d", i, j, tt.post)
					}
					if !tt.autapses && int(j) == i {
						t.Fatalf("autapse %d→%d with autapses false", i, j)
					}
					perTarget[j]++
				}
			}
			if tt.n == 0 {
				return
			}
			// Receivers are drawn uniformly: each one's count is
			// Binomial(n, 1/post); a χ² over all receivers stays within
			// six standard deviations of its mean (post − 1 degrees).
			// (Without autapses too: a receiver is left out for 1/pre of
			// the synapses and drawn more often among the rest.)
			mean := float64(tt.n) / float64(tt.post)
			chi2 := 0.0
			for _, c := range perTarget {
				chi2 += (float64(c) - mean) * (float64(c) - mean) / mean
			}
			dof := float64(tt.post - 1)
			if math.Abs(chi2-dof) > 6*math.Sqrt(2*dof) {
				t.Errorf("χ² of receiver counts = %.0f, want about %.0f", chi2, dof)
			}
		})
	}
}

func TestFixedTotalSeed(t *testing.T) {
	a, _ := FixedTotal(200, 300, 5000, false, rng(7))
	b, _ := FixedTotal(200, 300, 5000, false, rng(7))
	if !slices.Equal(a.RowPtr, b.RowPtr) || !slices.Equal(a.Targets, b.Targets) {
		t.Error("FixedTotal with one seed made two different graphs")
	}
}

func TestFixedTotalErrors(t *testing.T) {
	for _, tt := range []struct {
		name      string
		pre, post int
		n         int
		autapses  bool
	}{
		{"negative", 10, 10, -1, true},
		{"no senders", 0, 10, 5, true},
		{"only autapses", 1, 1, 5, false},
	} {
		if _, err := FixedTotal(tt.pre, tt.post, tt.n, tt.autapses, rng(1)); err == nil {
			t.Errorf("%s: FixedTotal(%d, %d, %d, %v) = nil error", tt.name, tt.pre, tt.post, tt.n, tt.autapses)
		}
	}
}

func TestFixedTotalEstimate(t *testing.T) {
	var err error
	got := budget.Allocated(func() { _, err = FixedTotal(4000, 4000, 1_600_000, true, rng(1)) })
	if err != nil {
		t.Fatal(err)
	}
	if r := FixedTotalBytes(4000, 4000, 1_600_000) / got; r < 1/budget.Tolerance || r > budget.Tolerance {
		t.Errorf("FixedTotalBytes = %.3g, FixedTotal allocated %.3g", FixedTotalBytes(4000, 4000, 1_600_000), got)
	}
}

func TestRadixSort(t *testing.T) {
	r := rng(5)
	for _, limit := range []int{1, 200, 256, 257, 65536, 70000, 1 << 24, math.MaxUint32} {
		for _, n := range []int{0, 10, 63, 64, 1000} {
			keys := make([]uint32, n)
			for k := range keys {
				keys[k] = uint32(r.Int64N(int64(limit)))
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			radixSort(keys, make([]uint32, n), limit)
			if !slices.Equal(keys, want) {
				t.Errorf("radixSort(%d keys below %d) is not sorted", n, limit)
			}
		}
	}
}

func BenchmarkFixedTotal(b *testing.B) {
	b.ReportAllocs()
	const n = 2_000_000
	for b.Loop() {
		if _, err := FixedTotal(20000, 20000, n, true, rng(1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "synapses/s")
}
