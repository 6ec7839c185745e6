package tensor

import (
	"fmt"
	"math"
)

// Sum returns Σ x[i], accumulated in float64 so that long sums of float32
// values do not drift.
func Sum(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}

// Mean returns the arithmetic mean of x, or NaN for an empty slice.
func Mean(x []float32) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return Sum(x) / float64(len(x))
}

// Norm returns the Euclidean norm √(Σ x[i]²), accumulated in float64.
func Norm(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// Max returns the largest element and its index (the first if tied). It
// panics on an empty slice. NaNs are ignored unless every element is NaN.
func Max(x []float32) (float32, int) {
	if len(x) == 0 {
		panic("tensor: Max of an empty slice")
	}
	best, at := x[0], 0
	for i, v := range x[1:] {
		if v > best || (best != best && v == v) {
			best, at = v, i+1
		}
	}
	return best, at
}

// ArgMax returns the index of the largest element of x (see Max).
func ArgMax(x []float32) int {
	_, i := Max(x)
	return i
}

// SumRows sets dst[j] = Σ_i x[i][j] over the rows of the 2-D tensor x: the
// bias gradient of a dense layer. It panics if len(dst) is not the column
// count.
func SumRows(dst []float32, x *Tensor) {
	if len(dst) != x.Cols() {
		panic(fmt.Sprintf("tensor: SumRows: dst has %d elements, x has %d columns", len(dst), x.Cols()))
	}
	clear(dst)
	for i := range x.Rows() {
		Add(dst, dst, x.Row(i))
	}
}

// SoftmaxRows sets each row of dst to the softmax of the same row of x,
// exp(x_j − max) / Σ exp(x_k − max); subtracting the row maximum keeps every
// exponent ≤ 0, so large logits cannot overflow. dst may be x.
func SoftmaxRows(dst, x *Tensor) {
	checkSameShape("SoftmaxRows", dst, x)
	for i := range x.Rows() {
		in, out := x.Row(i), dst.Row(i)
		m, _ := Max(in)
		var s float64
		for j, v := range in {
			e := math.Exp(float64(v - m))
			out[j] = float32(e)
			s += e
		}
		inv := float32(1 / s)
		for j := range out {
			out[j] *= inv
		}
	}
}

// LogSoftmaxRows sets each row of dst to log softmax of the same row of x,
// x_j − max − log Σ exp(x_k − max): finite even when softmax would round to
// zero, which is what a stable cross-entropy needs. dst may be x.
func LogSoftmaxRows(dst, x *Tensor) {
	checkSameShape("LogSoftmaxRows", dst, x)
	for i := range x.Rows() {
		in, out := x.Row(i), dst.Row(i)
		m, _ := Max(in)
		var s float64
		for _, v := range in {
			s += math.Exp(float64(v - m))
		}
		shift := float64(m) + math.Log(s)
		for j, v := range in {
			out[j] = float32(float64(v) - shift)
		}
	}
}

func checkSameShape(op string, a, b *Tensor) {
	if !SameShape(a, b) {
		panic(fmt.Sprintf("tensor: %s: shapes %v and %v differ", op, a.Shape, b.Shape))
	}
}
