package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// gemmTol bounds |got-want| for one element of a float32 GEMM whose inputs
// lie in [-1, 1): every product and partial sum rounds with relative error
// 2⁻²⁴ ≈ 6e-8, and a dot product of length k accumulates at most k such
// errors on a sum of magnitude at most k (Higham, Accuracy and Stability of
// Numerical Algorithms, §3.1). 1e-6·(k+1) leaves headroom for alpha, beta and
// the packing's folding of alpha into A.
func gemmTol(k int, alpha, beta float32) float64 {
	return 1e-6 * float64(k+1) * (1 + math.Abs(float64(alpha))) * (1 + math.Abs(float64(beta)))
}

// naiveGemm is the reference: the textbook triple loop in float64.
func naiveGemm(tA, tB Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				ai, bi := i*lda+p, p*ldb+j
				if tA {
					ai = p*lda + i
				}
				if tB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

type gemmCase struct {
	tA, tB      Transpose
	m, n, k     int
	alpha, beta float32
	pad         int // extra elements per row beyond the matrix width
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,m=%d,n=%d,k=%d,alpha=%g,beta=%g,pad=%d", tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

// operands builds A, B and C for a case, with leading dimensions padded.
func (tc gemmCase) operands(r *rand.Rand) (a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ar, ac := tc.m, tc.k
	if tc.tA {
		ar, ac = tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.tB {
		br, bc = tc.n, tc.k
	}
	lda, ldb, ldc = max(1, ac+tc.pad), max(1, bc+tc.pad), max(1, tc.n+tc.pad)
	return randFloats(r, ar*lda), lda, randFloats(r, br*ldb), ldb, randFloats(r, tc.m*ldc), ldc
}

func randFloats(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// checkGemm runs one case against the naive loop and reports the first
// element out of tolerance. Padding elements of C must stay untouched.
func checkGemm(t *testing.T, r *rand.Rand, tc gemmCase) {
	t.Helper()
	a, lda, b, ldb, c, ldc := tc.operands(r)
	if tc.beta == 0 {
		for i := range c {
			if i%ldc < tc.n {
				c[i] = float32(math.NaN()) // beta = 0 must not read C
			}
		}
	}
	want := append([]float32(nil), c...)
	naiveGemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
	got := append([]float32(nil), c...)
	Gemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
	tol := gemmTol(tc.k, tc.alpha, tc.beta)
	for i := range got {
		if i%ldc >= tc.n {
			if math.Float32bits(got[i]) != math.Float32bits(c[i]) {
				t.Fatalf("Gemm(%v) wrote padding C[%d]: %v, was %v", tc, i, got[i], c[i])
			}
			continue
		}
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= tol) {
			t.Fatalf("Gemm(%v): C[%d][%d] = %v, want %v (tolerance %g)", tc, i/ldc, i%ldc, got[i], want[i], tol)
		}
	}
}

var transposes = []struct{ tA, tB Transpose }{{NoTrans, NoTrans}, {Trans, NoTrans}, {NoTrans, Trans}, {Trans, Trans}}

func TestGemmShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	shapes := [][3]int{
		{0, 5, 3}, {5, 0, 3}, {4, 5, 0}, // empty products
		{1, 1, 1}, {1, 300, 17}, {300, 1, 17}, {7, 1, 300}, // vectors: 1×N, N×1
		{3, 4, 5}, {4, 33, 9}, {5, 17, 260}, // direct path (M ≤ 4)
		{4, 24, 1}, {4, 24, 256}, {8, 48, 512}, // exact register tiles, kc edges
		{7, 17, 3}, {13, 31, 257}, {97, 15, 33}, {95, 130, 70}, // one past/short of a tile or block
		{200, 5000, 9},                                 // more than one nc block of columns
		{64, 128, 784}, {64, 784, 128}, {784, 128, 64}, // the MLP's forward and backward shapes
		{6, 25, 50176}, {16, 150, 6400}, // convolution weight gradients: the reduction path
		{6, 50176, 25}, {16, 6400, 150}, // convolution forward: thin, B read in place
	}
	for _, s := range shapes {
		for _, tt := range transposes {
			for _, pad := range []int{0, 3} {
				checkGemm(t, r, gemmCase{tA: tt.tA, tB: tt.tB, m: s[0], n: s[1], k: s[2], alpha: 1, beta: 0, pad: pad})
			}
		}
	}
}

func TestGemmAlphaBeta(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0, 0}, {0, 1}, {0, -2}, {-1.5, 0.5}, {2, -1}, {0.25, 0}} {
		for _, tt := range transposes {
			for _, s := range [][3]int{{3, 9, 11}, {37, 41, 43}, {2, 5, 0}} {
				checkGemm(t, r, gemmCase{tA: tt.tA, tB: tt.tB, m: s[0], n: s[1], k: s[2], alpha: ab[0], beta: ab[1], pad: 1})
			}
		}
	}
}

// TestGemmDeterministic checks the promise that the bits of C do not depend
// on how many goroutines computed it, on shapes that split by rows and by
// columns, with and without edge tiles.
func TestGemmDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := rand.New(rand.NewPCG(3, 3))
	for _, s := range [][3]int{{300, 200, 300}, {37, 900, 129}, {1000, 20, 70}, {3, 500, 40}, {16, 150, 6400}} {
		for _, tt := range transposes {
			tc := gemmCase{tA: tt.tA, tB: tt.tB, m: s[0], n: s[1], k: s[2], alpha: 0.7, beta: 0.3}
			a, lda, b, ldb, c, ldc := tc.operands(r)
			var first []float32
			for _, procs := range []int{1, 2, 3, 5, 8} {
				runtime.GOMAXPROCS(procs)
				got := append([]float32(nil), c...)
				Gemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, got, ldc)
				if first == nil {
					first = got
					continue
				}
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
						t.Fatalf("Gemm(%v) with GOMAXPROCS=%d: C[%d] = %v, with 1: %v", tc, procs, i, got[i], first[i])
					}
				}
			}
		}
	}
}

func TestGemmPanics(t *testing.T) {
	buf := make([]float32, 100)
	cases := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Gemm(NoTrans, NoTrans, -1, 2, 2, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"lda too small", func() { Gemm(NoTrans, NoTrans, 2, 2, 3, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"A too short", func() { Gemm(NoTrans, NoTrans, 20, 2, 10, 1, buf, 10, buf, 2, 0, buf, 2) }},
		{"transposed B too short", func() { Gemm(NoTrans, Trans, 2, 20, 10, 1, buf, 10, buf, 10, 0, buf, 20) }},
		{"C too short", func() { Gemm(NoTrans, NoTrans, 2, 60, 1, 1, buf, 1, buf, 60, 0, buf, 60) }},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Gemm with %s did not panic", tt.name)
				}
			}()
			tt.f()
		})
	}
}

// FuzzGemm drives random shapes, transposes, paddings and scalars through
// Gemm and the naive loop.
func FuzzGemm(f *testing.F) {
	f.Add(uint8(7), uint8(17), uint8(5), uint8(0), uint8(1), int8(4), int8(0), uint64(1))
	f.Add(uint8(1), uint8(200), uint8(33), uint8(3), uint8(0), int8(-3), int8(2), uint64(2))
	f.Add(uint8(129), uint8(3), uint8(255), uint8(1), uint8(2), int8(1), int8(-1), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, trans, pad uint8, alpha, beta int8, seed uint64) {
		tc := gemmCase{
			tA: trans&1 != 0, tB: trans&2 != 0,
			m: int(m), n: int(n), k: int(k),
			alpha: float32(alpha) / 4, beta: float32(beta) / 4,
			pad: int(pad % 5),
		}
		checkGemm(t, rand.New(rand.NewPCG(seed, 0)), tc)
	})
}

// TestGemmPacked: products with a prepacked B equal Gemm's bit for bit,
// for every transpose and on shapes taking each path.
func TestGemmPacked(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, s := range [][3]int{{64, 512, 128}, {3, 40, 50}, {70, 300, 700}, {10, 20, 5000}, {129, 4200, 40}} {
		for _, tt := range transposes {
			tc := gemmCase{tA: tt.tA, tB: tt.tB, m: s[0], n: s[1], k: s[2], alpha: 0.5, beta: 0.25, pad: 1}
			a, lda, b, ldb, c, ldc := tc.operands(r)
			want := append([]float32(nil), c...)
			Gemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
			pb := PackB(tc.tB, tc.k, tc.n, b, ldb)
			got := append([]float32(nil), c...)
			GemmPacked(tc.tA, tc.m, tc.alpha, a, lda, pb, tc.beta, got, ldc)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v: packed C[%d] = %v, Gemm %v", tc, i, got[i], want[i])
				}
			}
		}
	}
}
