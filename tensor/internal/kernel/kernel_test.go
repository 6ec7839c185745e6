package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// tol is the float32 tolerance for sums of up to a few hundred products of
// values in [-1, 1): each term rounds at ~6e-8 relative, the sum of |terms| is
// at most k, so a bound of k·1e-6 is loose enough for any order of summation.
func tol(k int) float64 { return float64(k+1) * 1e-6 }

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

func TestMicro(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 13, 64, 255} {
		for _, ldb := range []int{NR, NR + 5} {
			for _, ldc := range []int{NR, NR + 3} {
				for _, store := range []bool{false, true} {
					a := randSlice(r, k*MR)
					b := randSlice(r, max(k-1, 0)*ldb+NR)
					c0 := randSlice(r, (MR-1)*ldc+NR)
					want := append([]float32(nil), c0...)
					for i := range MR {
						for j := range NR {
							var s float64
							for p := range k {
								s += float64(a[p*MR+i]) * float64(b[p*ldb+j])
							}
							if store {
								want[i*ldc+j] = float32(s)
							} else {
								want[i*ldc+j] = float32(float64(want[i*ldc+j]) + s)
							}
						}
					}
					var got []float32
					impls := map[string]func(){
						"dispatch": func() { Micro(k, a, b, ldb, got, ldc, store) },
					}
					if k > 0 {
						impls["generic"] = func() { microGeneric(k, a, b, ldb, got, ldc, store) }
					}
					for name, f := range impls {
						got = append([]float32(nil), c0...)
						if store {
							// Stored tiles must not read C: NaNs there stay out.
							for i := range MR {
								for j := range NR {
									got[i*ldc+j] = float32(math.NaN())
								}
							}
						}
						f()
						for i := range got {
							if d := math.Abs(float64(got[i] - want[i])); !(d <= tol(k)) {
								t.Fatalf("%s k=%d ldb=%d ldc=%d store=%v: c[%d] = %v, want %v", name, k, ldb, ldc, store, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

func TestAxpyDot(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 3, 7, 8, 9, 31, 32, 33, 100, 1000} {
		x := randSlice(r, n)
		y0 := randSlice(r, n+2) // longer y must be allowed and left alone past n
		alpha := r.Float32()*4 - 2

		y := append([]float32(nil), y0...)
		Axpy(alpha, x, y)
		for i := range y {
			want := y0[i]
			if i < n {
				want = float32(float64(y0[i]) + float64(alpha)*float64(x[i]))
			}
			if d := math.Abs(float64(y[i] - want)); d > 4e-7*(1+math.Abs(float64(want))) {
				t.Fatalf("Axpy n=%d: y[%d] = %v, want %v", n, i, y[i], want)
			}
		}

		var want float64
		for i := range n {
			want += float64(x[i]) * float64(y0[i])
		}
		for name, got := range map[string]float32{"dispatch": Dot(x, y0), "generic": dotGeneric(x, y0)} {
			if d := math.Abs(float64(got) - want); d > tol(n) {
				t.Fatalf("%s Dot n=%d = %v, want %v", name, n, got, want)
			}
		}
	}
}

func TestShortSlicesPanic(t *testing.T) {
	cases := map[string]func(){
		"Micro a": func() { Micro(2, make([]float32, MR), make([]float32, 2*NR), NR, make([]float32, MR*NR), NR, false) },
		"Micro c": func() { Micro(1, make([]float32, MR), make([]float32, NR), NR, make([]float32, NR), NR, false) },
		"Micro b": func() {
			Micro(2, make([]float32, 2*MR), make([]float32, 2*NR), 2*NR, make([]float32, MR*NR), NR, false)
		},
		"Axpy": func() { Axpy(1, make([]float32, 3), make([]float32, 2)) },
		"Dot":  func() { Dot(make([]float32, 3), make([]float32, 2)) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with a short slice did not panic", name)
				}
			}()
			f()
		})
	}
}

// TestTranscendental checks Exp32, Sigmoid32 and Tanh32 against float64
// math, and the vector kernels against the scalar Go functions bit for bit
// (including NaN, infinities and the clamping edges).
func TestTranscendental(t *testing.T) {
	var xs []float32
	for x := -100.0; x <= 100; x += 0.0371 {
		xs = append(xs, float32(x))
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 0.0625, -0.0625, 9, -9, 1e-30, -1e-30,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()))
	var we, ws, wt float64
	for _, x := range xs {
		if x > -87 && x < 88 {
			want := math.Exp(float64(x))
			we = math.Max(we, math.Abs(float64(Exp32(x))-want)/want)
		}
		if !math.IsNaN(float64(x)) {
			ws = math.Max(ws, math.Abs(float64(Sigmoid32(x))-1/(1+math.Exp(-float64(x)))))
			wt = math.Max(wt, math.Abs(float64(Tanh32(x))-math.Tanh(float64(x))))
		}
	}
	if we > 3e-7 || ws > 3e-7 || wt > 3e-7 {
		t.Errorf("largest errors: exp %g (relative), sigmoid %g, tanh %g; want ≤ 3e-7", we, ws, wt)
	}
	gotS, gotT := make([]float32, len(xs)), make([]float32, len(xs))
	Sigmoid(gotS, xs)
	Tanh(gotT, xs)
	for i, x := range xs {
		if math.Float32bits(gotS[i]) != math.Float32bits(Sigmoid32(x)) || math.Float32bits(gotT[i]) != math.Float32bits(Tanh32(x)) {
			t.Fatalf("x = %v: vector sigmoid %v tanh %v, scalar %v %v", x, gotS[i], gotT[i], Sigmoid32(x), Tanh32(x))
		}
	}
}
