package kernel

// MR and NR are the micro-kernel's register tile: it updates an MR×NR block
// of C. 4×24 keeps twelve 8-wide accumulators, three vectors of B and one
// broadcast of A in the sixteen YMM registers of AVX2 (gen_micro.go says why
// 4×24 rather than the classic 6×16).
const (
	MR = 4
	NR = 24
)

//go:generate go run gen_micro.go

// Accelerated reports whether the assembly kernels are in use.
func Accelerated() bool { return haveAVX2FMA }

// Micro adds the product of a packed MR×k panel of A and a k×NR block of B
// whose rows are ldb apart (NR for a packed panel) to the MR×NR block of C
// that starts at c[0] with row stride ldc, or stores it there when store is
// set (C is then not read, so NaNs in it do not reach the result):
//
//	for r := range MR {
//		for j := range NR {
//			for p := range k {
//				c[r*ldc+j] += a[p*MR+r] * b[p*ldb+j]
//			}
//		}
//	}
//
// The sum over p is formed first, in order of p, then added to c, so the
// result for one element depends only on its own row of A and column of B
// and never on where the block sits inside a larger matrix.
// It panics if a, b or c is too short.
func Micro(k int, a, b []float32, ldb int, c []float32, ldc int, store bool) {
	if k <= 0 {
		if store {
			for r := range MR {
				clear(c[r*ldc : r*ldc+NR])
			}
		}
		return
	}
	if len(a) < k*MR || ldb < NR || len(b) < (k-1)*ldb+NR || ldc < NR || len(c) < (MR-1)*ldc+NR {
		panic("kernel: Micro: slice too short")
	}
	if haveAVX2FMA {
		if ldb == NR {
			micro4x24AVX2(k, &a[0], &b[0], ldb, &c[0], ldc, store)
		} else {
			micro4x24StridedAVX2(k, &a[0], &b[0], ldb, &c[0], ldc, store)
		}
		return
	}
	microGeneric(k, a, b, ldb, c, ldc, store)
}

// microGeneric is the portable micro-kernel. It walks the tile in 2×4
// sub-blocks whose eight sums, two values of A and four of B fit in the
// sixteen floating-point registers of amd64 or arm64, so the inner loop does
// eight multiply-adds per six loads with nothing spilled. Each element's sum
// still runs over p in order, as Micro documents.
func microGeneric(k int, a, b []float32, ldb int, c []float32, ldc int, store bool) {
	a, b = a[:k*MR], b[:(k-1)*ldb+NR]
	for r := 0; r < MR; r += 2 {
		for j := 0; j < NR; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			for p := range k {
				ap := a[p*MR+r : p*MR+r+2 : p*MR+r+2]
				bp := b[p*ldb+j : p*ldb+j+4 : p*ldb+j+4]
				a0, a1 := ap[0], ap[1]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
			}
			r0 := c[r*ldc+j : r*ldc+j+4 : r*ldc+j+4]
			r1 := c[(r+1)*ldc+j : (r+1)*ldc+j+4 : (r+1)*ldc+j+4]
			if store {
				r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
				r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
				continue
			}
			r0[0] += c00
			r0[1] += c01
			r0[2] += c02
			r0[3] += c03
			r1[0] += c10
			r1[1] += c11
			r1[2] += c12
			r1[3] += c13
		}
	}
}

// Axpy computes y[i] += alpha*x[i] for i < len(x). It panics if y is shorter
// than x.
func Axpy(alpha float32, x, y []float32) {
	if len(y) < len(x) {
		panic("kernel: Axpy: y shorter than x")
	}
	if len(x) == 0 {
		return
	}
	if haveAVX2FMA {
		axpyAVX2(alpha, &x[0], &y[0], len(x))
		return
	}
	axpyGeneric(alpha, x, y)
}

func axpyGeneric(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// Dot returns Σ x[i]*y[i] for i < len(x). The terms are summed in a fixed
// order that depends only on len(x). It panics if y is shorter than x.
func Dot(x, y []float32) float32 {
	if len(y) < len(x) {
		panic("kernel: Dot: y shorter than x")
	}
	if len(x) == 0 {
		return 0
	}
	if haveAVX2FMA {
		return dotAVX2(&x[0], &y[0], len(x))
	}
	return dotGeneric(x, y)
}

// dotGeneric keeps four partial sums so that long dot products lose less
// precision than with one running sum. Its rounding differs from the assembly
// version's (which keeps 32 partial sums), so callers that need the same bits
// across machines must not mix the two; within one process the choice is fixed.
func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}
