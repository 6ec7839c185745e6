package continual

import (
	"math"
	"testing"
)

// exact is the tolerance of metrics computed from a few decimal
// fractions: float64 rounding of a handful of additions.
const exact = 1e-12

// TestMetrics checks ACC, BWT and FWT on hand-built matrices, each worked
// out by hand in the comments.
func TestMetrics(t *testing.T) {
	for _, tt := range []struct {
		name          string
		r             [][]float64
		b             []float64
		acc, bwt, fwt float64
	}{
		{
			// Each task learnt perfectly, then forgotten completely: the
			// class-incremental baseline's pattern.
			name: "complete forgetting",
			r:    [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
			b:    []float64{0, 0, 0},
			acc:  1.0 / 3, bwt: -1, fwt: 0,
		},
		{
			name: "nothing forgotten",
			r:    [][]float64{{0.9, 0.1, 0.1}, {0.9, 0.8, 0.1}, {0.9, 0.8, 0.7}},
			b:    []float64{0.1, 0.1, 0.1},
			acc:  0.8, bwt: 0, fwt: 0,
		},
		{
			// ACC = (0.5+0.6+0.9)/3; BWT = ((0.5−0.9) + (0.6−0.8))/2 = −0.3;
			// FWT = ((0.3−0.1) + (0.5−0.2))/2 = 0.25.
			name: "partial forgetting, positive forward transfer",
			r:    [][]float64{{0.9, 0.3, 0.2}, {0.7, 0.8, 0.5}, {0.5, 0.6, 0.9}},
			b:    []float64{0.1, 0.1, 0.2},
			acc:  2.0 / 3, bwt: -0.3, fwt: 0.25,
		},
		{
			// Later learning improves an earlier task: BWT > 0.
			name: "backward transfer",
			r:    [][]float64{{0.6, 0.5}, {0.8, 0.9}},
			b:    []float64{0.5, 0.6},
			acc:  0.85, bwt: 0.2, fwt: -0.1,
		},
		{
			name: "one task",
			r:    [][]float64{{0.75}},
			b:    []float64{0.1},
			acc:  0.75, bwt: 0, fwt: 0,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := AverageAccuracy(tt.r); math.Abs(got-tt.acc) > exact {
				t.Errorf("AverageAccuracy = %v, want %v", got, tt.acc)
			}
			if got := BackwardTransfer(tt.r); math.Abs(got-tt.bwt) > exact {
				t.Errorf("BackwardTransfer = %v, want %v", got, tt.bwt)
			}
			if got := ForwardTransfer(tt.r, tt.b); math.Abs(got-tt.fwt) > exact {
				t.Errorf("ForwardTransfer = %v, want %v", got, tt.fwt)
			}
		})
	}
}

// TestMetricsPanicOnBadShapes: a matrix that is not square, or initial
// accuracies of the wrong length, are programming errors.
func TestMetricsPanicOnBadShapes(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"empty", func() { AverageAccuracy(nil) }},
		{"ragged", func() { BackwardTransfer([][]float64{{1, 0}, {1}}) }},
		{"rectangular", func() { AverageAccuracy([][]float64{{1, 0, 0}, {1, 1, 0}}) }},
		{"short b", func() { ForwardTransfer([][]float64{{1, 0}, {1, 1}}, []float64{0}) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tt.name)
				}
			}()
			tt.f()
		})
	}
}
