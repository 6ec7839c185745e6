package tensor

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTensorBasics(t *testing.T) {
	x := New(2, 3)
	if x.Len() != 6 || x.Dims() != 2 || x.Rows() != 2 || x.Cols() != 3 {
		t.Fatalf("New(2, 3) = %v: Len %d Dims %d Rows %d Cols %d", x, x.Len(), x.Dims(), x.Rows(), x.Cols())
	}
	x.Set(5, 1, 2)
	if got := x.Data[5]; got != 5 {
		t.Errorf("Set(5, 1, 2) stored Data[5] = %v, want 5", got)
	}
	if got := x.At(1, 2); got != 5 {
		t.Errorf("At(1, 2) = %v, want 5", got)
	}
	if got := x.Row(1); !slices.Equal(got, []float32{0, 0, 5}) {
		t.Errorf("Row(1) = %v, want [0 0 5]", got)
	}
	y := x.Reshape(-1)
	if !slices.Equal(y.Shape, []int{6}) || &y.Data[0] != &x.Data[0] {
		t.Errorf("Reshape(-1) = %v sharing storage, want shape [6]", y.Shape)
	}
	if got := x.Reshape(3, -1).Shape; !slices.Equal(got, []int{3, 2}) {
		t.Errorf("Reshape(3, -1).Shape = %v, want [3 2]", got)
	}
	c := x.Clone()
	c.Data[0] = 9
	if x.Data[0] != 0 {
		t.Error("Clone shares storage with its source")
	}
}

func TestTensorPanics(t *testing.T) {
	x := New(2, 3)
	cases := map[string]func(){
		"negative dim":       func() { New(2, -1) },
		"FromData mismatch":  func() { FromData(make([]float32, 5), 2, 3) },
		"At out of range":    func() { x.At(2, 0) },
		"At wrong rank":      func() { x.At(1) },
		"Reshape mismatch":   func() { x.Reshape(4, -1) },
		"Rows of 1-D":        func() { New(3).Rows() },
		"MatMul inner dims":  func() { MatMul(New(2, 2), 1, New(2, 3), NoTrans, New(2, 2), NoTrans, 0) },
		"Add lengths differ": func() { Add(make([]float32, 2), make([]float32, 2), make([]float32, 3)) },
		"AddBias length":     func() { AddBias(x, make([]float32, 2)) },
		"Softmax shapes":     func() { SoftmaxRows(New(2, 3), New(3, 2)) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		})
	}
}

func TestMatMul(t *testing.T) {
	a := FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3)    // 2×3
	b := FromData([]float32{7, 8, 9, 10, 11, 12}, 3, 2) // 3×2
	tests := []struct {
		name   string
		a      *Tensor
		tA     Transpose
		b      *Tensor
		tB     Transpose
		rows   int
		cols   int
		want   []float32
		worked string
	}{
		{"AB", a, NoTrans, b, NoTrans, 2, 2, []float32{58, 64, 139, 154}, "[1 2 3;4 5 6]·[7 8;9 10;11 12]"},
		{"BA", b, NoTrans, a, NoTrans, 3, 3, []float32{39, 54, 69, 49, 68, 87, 59, 82, 105}, "by hand"},
		{"AᵀBᵀ", a, Trans, b, Trans, 3, 3, []float32{39, 49, 59, 54, 68, 82, 69, 87, 105}, "(BA)ᵀ"},
		{"AAᵀ", a, NoTrans, a, Trans, 2, 2, []float32{14, 32, 32, 77}, "Gram matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := New(tt.rows, tt.cols)
			MatMul(dst, 1, tt.a, tt.tA, tt.b, tt.tB, 0)
			if !slices.Equal(dst.Data, tt.want) {
				t.Errorf("MatMul %s = %v, want %v (%s)", tt.name, dst.Data, tt.want, tt.worked)
			}
		})
	}
}

func TestElementwise(t *testing.T) {
	a := []float32{1, -2, 3}
	b := []float32{4, 5, -6}
	dst := make([]float32, 3)
	tests := []struct {
		name string
		f    func()
		want []float32
	}{
		{"Add", func() { Add(dst, a, b) }, []float32{5, 3, -3}},
		{"Sub", func() { Sub(dst, a, b) }, []float32{-3, -7, 9}},
		{"Mul", func() { Mul(dst, a, b) }, []float32{4, -10, -18}},
		{"Scale", func() { Scale(dst, -2, a) }, []float32{-2, 4, -6}},
		{"AddScaled", func() { copy(dst, b); AddScaled(dst, 2, a) }, []float32{6, 1, 0}},
		{"Fill", func() { Fill(dst, 7) }, []float32{7, 7, 7}},
		{"Apply", func() { Apply(dst, a, func(v float32) float32 { return v * v }) }, []float32{1, 4, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f()
			if !slices.Equal(dst, tt.want) {
				t.Errorf("%s = %v, want %v", tt.name, dst, tt.want)
			}
		})
	}
	if got := Dot(a, b); got != -24 {
		t.Errorf("Dot(%v, %v) = %v, want -24", a, b, got)
	}
	x := FromData([]float32{1, 2, 3, 4}, 2, 2)
	AddBias(x, []float32{10, 20})
	if !slices.Equal(x.Data, []float32{11, 22, 13, 24}) {
		t.Errorf("AddBias = %v, want [11 22 13 24]", x.Data)
	}
}

func TestReductions(t *testing.T) {
	x := []float32{3, -1, 7, 7, 2}
	if got := Sum(x); got != 18 {
		t.Errorf("Sum = %v, want 18", got)
	}
	if got := Mean(x); got != 3.6 {
		t.Errorf("Mean = %v, want 3.6", got)
	}
	if v, i := Max(x); v != 7 || i != 2 {
		t.Errorf("Max = %v at %d, want 7 at 2 (first of ties)", v, i)
	}
	nan := float32(math.NaN())
	if i := ArgMax([]float32{nan, 1, 4, nan}); i != 2 {
		t.Errorf("ArgMax with NaNs = %d, want 2", i)
	}
	if got := Norm([]float32{3, 4}); got != 5 {
		t.Errorf("Norm(3,4) = %v, want 5", got)
	}
	if !math.IsNaN(Mean(nil)) {
		t.Error("Mean(nil) is not NaN")
	}
	m := FromData([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	col := make([]float32, 2)
	SumRows(col, m)
	if !slices.Equal(col, []float32{9, 12}) {
		t.Errorf("SumRows = %v, want [9 12]", col)
	}
}

func TestSoftmax(t *testing.T) {
	// Row 0 has a closed form; row 1 would overflow exp in float32 without
	// the max shift; row 2 has a logit far below the others, whose
	// probability underflows to 0 but whose log-probability stays finite.
	x := FromData([]float32{0, 0, math.Float32frombits(0x3f317218), 1000, 1001, 999, 0, 0, -200}, 3, 3)
	p := New(3, 3)
	SoftmaxRows(p, x)
	lp := New(3, 3)
	LogSoftmaxRows(lp, x)
	ln2 := math.Ln2
	want0 := []float64{0.25, 0.25, 0.5} // e^0, e^0, e^ln2 over their sum 4
	for j, w := range want0 {
		if d := math.Abs(float64(p.At(0, j)) - w); d > 1e-6 {
			t.Errorf("softmax[0][%d] = %v, want %v", j, p.At(0, j), w)
		}
	}
	if d := math.Abs(float64(lp.At(0, 2)) - (ln2 - math.Log(4))); d > 1e-6 {
		t.Errorf("logsoftmax[0][2] = %v, want ln2 − ln4", lp.At(0, 2))
	}
	for i := range 3 {
		var s float64
		for j := range 3 {
			v := p.At(i, j)
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("softmax[%d][%d] = %v", i, j, v)
			}
			s += float64(v)
			if l := lp.At(i, j); math.IsInf(float64(l), 0) || math.IsNaN(float64(l)) {
				t.Fatalf("logsoftmax[%d][%d] = %v, want finite", i, j, l)
			}
		}
		if math.Abs(s-1) > 1e-6 {
			t.Errorf("row %d of softmax sums to %v, want 1", i, s)
		}
	}
	// 1001 − logsumexp(1000, 1001, 999) = −log(1 + e⁻¹ + e⁻²).
	if want := -math.Log(1 + math.Exp(-1) + math.Exp(-2)); math.Abs(float64(lp.At(1, 1))-want) > 1e-5 {
		t.Errorf("logsoftmax[1][1] = %v, want %v", lp.At(1, 1), want)
	}
	if want := -200 - math.Log(2+math.Exp(-200)); math.Abs(float64(lp.At(2, 2))-want) > 1e-4 {
		t.Errorf("logsoftmax[2][2] = %v, want %v", lp.At(2, 2), want)
	}
	// In place.
	SoftmaxRows(x, x)
	if !slices.Equal(x.Data, p.Data) {
		t.Errorf("in-place SoftmaxRows = %v, want %v", x.Data, p.Data)
	}
}

// TestActivations checks each function against its closed form and each
// derivative against a central finite difference of the function.
func TestActivations(t *testing.T) {
	xs := []float32{-30, -3, -1, -0.25, 0.3, 1, 2.5, 30}
	slope := float32(0.01)
	tests := []struct {
		name  string
		f     func(dst, x []float32)
		deriv func(dst, x, y []float32)
		ref   func(x float64) float64
	}{
		{"sigmoid", Sigmoid, func(d, x, y []float32) { SigmoidDeriv(d, y) }, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{"tanh", Tanh, func(d, x, y []float32) { TanhDeriv(d, y) }, math.Tanh},
		{"relu", ReLU, func(d, x, y []float32) { ReLUDeriv(d, x) }, func(x float64) float64 { return math.Max(0, x) }},
		{"leaky", func(d, x []float32) { LeakyReLU(d, x, slope) }, func(d, x, y []float32) { LeakyReLUDeriv(d, x, slope) },
			func(x float64) float64 {
				if x > 0 {
					return x
				}
				return float64(slope) * x
			}},
		{"step", Step, func(d, x, y []float32) { clear(d) }, func(x float64) float64 {
			if x > 0 {
				return 1
			}
			return 0
		}},
	}
	const h = 1e-3
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := make([]float32, len(xs))
			tt.f(y, xs)
			d := make([]float32, len(xs))
			tt.deriv(d, xs, y)
			for i, x := range xs {
				if want := tt.ref(float64(x)); math.Abs(float64(y[i])-want) > 1e-6*(1+math.Abs(want)) {
					t.Errorf("%s(%v) = %v, want %v", tt.name, x, y[i], want)
				}
				fd := (tt.ref(float64(x)+h) - tt.ref(float64(x)-h)) / (2 * h)
				if math.Abs(float64(d[i])-fd) > 1e-4 {
					t.Errorf("%s'(%v) = %v, finite difference %v", tt.name, x, d[i], fd)
				}
			}
		})
	}
}

// naiveConv is the reference convolution: out[f][y][x] = Σ_c,i,j w[f][c][i][j]·in[c][y·s+i−p][x·s+j−p].
func naiveConv(img, w []float32, f int, g ConvGeom) []float32 {
	sh, sw := g.strides()
	oh, ow := g.OutH(), g.OutW()
	out := make([]float32, f*oh*ow)
	for o := range f {
		for y := range oh {
			for x := range ow {
				var s float64
				for c := range g.C {
					for i := range g.KH {
						for j := range g.KW {
							iy, ix := y*sh-g.PadH+i, x*sw-g.PadW+j
							if iy < 0 || iy >= g.H || ix < 0 || ix >= g.W {
								continue
							}
							s += float64(w[((o*g.C+c)*g.KH+i)*g.KW+j]) * float64(img[(c*g.H+iy)*g.W+ix])
						}
					}
				}
				out[(o*oh+y)*ow+x] = float32(s)
			}
		}
	}
	return out
}

func TestIm2ColConvolution(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	geoms := []ConvGeom{
		{C: 1, H: 28, W: 28, KH: 5, KW: 5, PadH: 2, PadW: 2}, // LeNet-5 conv1
		{C: 6, H: 14, W: 14, KH: 5, KW: 5},                   // LeNet-5 conv2
		{C: 3, H: 7, W: 9, KH: 3, KW: 2, StrideH: 2, StrideW: 3, PadH: 1, PadW: 2},
		{C: 2, H: 4, W: 4, KH: 4, KW: 4},
		{C: 1, H: 2, W: 2, KH: 5, KW: 5, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}, // kernel overhangs on both sides
		{C: 2, H: 9, W: 7, KH: 2, KW: 4, StrideH: 3, StrideW: 2, PadH: 0, PadW: 3},
	}
	for _, g := range geoms {
		const filters = 4
		img := randFloats(r, g.C*g.H*g.W)
		w := randFloats(r, filters*g.ColRows())
		col := make([]float32, g.ColRows()*g.ColCols())
		Im2Col(col, img, g)
		got := make([]float32, filters*g.ColCols())
		Gemm(NoTrans, NoTrans, filters, g.ColCols(), g.ColRows(), 1, w, g.ColRows(), col, g.ColCols(), 0, got, g.ColCols())
		want := naiveConv(img, w, filters, g)
		for i := range got {
			if d := math.Abs(float64(got[i] - want[i])); d > gemmTol(g.ColRows(), 1, 0) {
				t.Fatalf("%+v: conv via Im2Col[%d] = %v, naive %v", g, i, got[i], want[i])
			}
		}
		// Col2Im is the adjoint of Im2Col: ⟨Im2Col(x), y⟩ = ⟨x, Col2Im(y)⟩.
		y := randFloats(r, len(col))
		back := make([]float32, len(img))
		Col2Im(back, y, g)
		var lhs, rhs float64
		for i := range col {
			lhs += float64(col[i]) * float64(y[i])
		}
		for i := range img {
			rhs += float64(img[i]) * float64(back[i])
		}
		if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(lhs)) {
			t.Errorf("%+v: ⟨Im2Col(x), y⟩ = %v, ⟨x, Col2Im(y)⟩ = %v", g, lhs, rhs)
		}
	}
}

func TestConvGeomValidate(t *testing.T) {
	bad := []ConvGeom{
		{C: 0, H: 5, W: 5, KH: 3, KW: 3},
		{C: 1, H: 5, W: 5, KH: 0, KW: 3},
		{C: 1, H: 2, W: 5, KH: 3, KW: 3},
		{C: 1, H: 5, W: 5, KH: 3, KW: 3, PadH: -1},
	}
	for _, g := range bad {
		if g.Validate() == nil {
			t.Errorf("%+v.Validate() = nil, want an error", g)
		}
	}
	if err := (ConvGeom{C: 1, H: 2, W: 2, KH: 3, KW: 3, PadH: 1, PadW: 1}).Validate(); err != nil {
		t.Errorf("padded 3×3 over 2×2: %v", err)
	}
}

func TestReLUBackward(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	x := []float32{1, -1, 0, float32(math.Copysign(0, -1)), inf, -inf, nan, float32(math.Copysign(math.NaN(), -1)), 1e-45, -1e-45, 3.5, -2}
	dy := make([]float32, len(x))
	for i := range dy {
		dy[i] = float32(i + 1)
	}
	got := make([]float32, len(x))
	ReLUBackward(got, dy, x)
	for i, v := range x {
		want := float32(0)
		if v > 0 {
			want = dy[i]
		}
		if got[i] != want {
			t.Errorf("ReLUBackward at x = %v: %v, want %v", v, got[i], want)
		}
	}
}
