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

// Micro adds the product of a packed MR×k panel of A and a packed k×NR panel
// of B to the MR×NR block of C that starts at c[0] with row stride ldc:
//
//	for r := range MR {
//		for j := range NR {
//			for p := range k {
//				c[r*ldc+j] += a[p*MR+r] * b[p*NR+j]
//			}
//		}
//	}
//
// The sum over p is formed first, in order of p, then added to c, so the
// result for one element depends only on its own row of A and column of B
// and never on where the block sits inside a larger matrix.
// It panics if a, b or c is too short.
func Micro(k int, a, b, c []float32, ldc int) {
	if k <= 0 {
		return
	}
	if len(a) < k*MR || len(b) < k*NR || ldc < NR || len(c) < (MR-1)*ldc+NR {
		panic("kernel: Micro: slice too short")
	}
	if haveAVX2FMA {
		micro4x24AVX2(k, &a[0], &b[0], &c[0], ldc)
		return
	}
	microGeneric(k, a, b, c, ldc)
}

// microGeneric is the portable micro-kernel. Accumulating each row in a
// local array lets the compiler keep the tile out of c until the end.
func microGeneric(k int, a, b, c []float32, ldc int) {
	var acc [MR][NR]float32
	for p := range k {
		ap := a[p*MR : p*MR+MR : p*MR+MR]
		bp := (*[NR]float32)(b[p*NR : p*NR+NR])
		for r := range MR {
			ar := ap[r]
			row := &acc[r]
			for j := range NR {
				row[j] += ar * bp[j]
			}
		}
	}
	for r := range MR {
		cr := (*[NR]float32)(c[r*ldc : r*ldc+NR])
		for j := range NR {
			cr[j] += acc[r][j]
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
