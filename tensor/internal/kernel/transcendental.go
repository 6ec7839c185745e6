package kernel

import "math"

// Elementwise exponential, sigmoid and tanh in float32. The Go functions
// below are the reference; on amd64 with AVX2 the slice kernels run eight
// lanes at a time in assembly that performs the same float32 operations in
// the same order (no fused multiply-add), so both give the same bits.

// expConsts are the constants of Exp32 as the assembly reads them; the Go
// code uses the same float32 values.
var expConsts = [...]float32{
	1.44269504088896341,                             // log2(e)
	0.693359375,                                     // ln2, high part (exact in float32)
	-2.12194440e-4,                                  // ln2, low part
	1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, // Taylor coefficients
	-87.33654, 88.72283, // input range kept finite
}

// Exp32 returns eˣ in float32 precision: x = k·ln2 + r with |r| ≤ ln2/2,
// eʳ by its degree-6 Taylor polynomial (truncation below 2⁻²⁴ there), and
// 2ᵏ through the exponent bits. Relative error ≤ 2e-7. Inputs are clamped
// to [−87.34, 88.72], so it returns about 1e-38 below and 3.4e38 above
// instead of 0 and +Inf.
func Exp32(x float32) float32 {
	c := &expConsts
	x = min(max(x, c[9]), c[10])
	t := x*c[0] + 0.5
	ki := int32(t)
	if float32(ki) > t { // floor
		ki--
	}
	k := float32(ki)
	r := x - k*c[1] - k*c[2]
	p := c[8] + r*(c[8]+r*(c[7]+r*(c[6]+r*(c[5]+r*(c[4]+r*c[3])))))
	return math.Float32frombits(math.Float32bits(p) + uint32(ki)<<23)
}

// Sigmoid32 returns 1/(1 + e⁻ˣ).
func Sigmoid32(x float32) float32 { return 1 / (1 + Exp32(-x)) }

// Tanh32 returns tanh(x) as (e²ˣ − 1)/(e²ˣ + 1), with x clamped to ±9 where
// tanh rounds to ±1, and the odd Taylor series x − x³/3 + 2x⁵/15 for
// |x| < 1/16, where the subtraction would cancel.
func Tanh32(x float32) float32 {
	if x > -0.0625 && x < 0.0625 {
		x2 := x * x
		return x * (1 - x2*(1.0/3-x2*(2.0/15)))
	}
	e := Exp32(2 * min(max(x, -9), 9))
	return (e - 1) / (e + 1)
}

// vecConsts broadcasts the constants the assembly reads, each to eight
// lanes: Exp32's, then the sign mask, ±9, 1/3, 2/15, ±1/16 and 2 of Tanh32.
var vecConsts = func() *[19][8]float32 {
	var c [19][8]float32
	vals := append(expConsts[:], math.Float32frombits(0x80000000), 9, -9, 1.0/3, 2.0/15, 0.0625, -0.0625, 2)
	for i, v := range vals {
		for l := range 8 {
			c[i][l] = v
		}
	}
	return &c
}()

// Sigmoid sets dst[i] = Sigmoid32(x[i]). It panics if dst is shorter.
func Sigmoid(dst, x []float32) {
	dst = dst[:len(x)]
	n := 0
	if haveAVX2FMA {
		n = len(x) &^ 7
		if n > 0 {
			sigmoidAVX2(&dst[0], &x[0], n, vecConsts)
		}
	}
	for i := n; i < len(x); i++ {
		dst[i] = Sigmoid32(x[i])
	}
}

// Tanh sets dst[i] = Tanh32(x[i]). It panics if dst is shorter.
func Tanh(dst, x []float32) {
	dst = dst[:len(x)]
	n := 0
	if haveAVX2FMA {
		n = len(x) &^ 7
		if n > 0 {
			tanhAVX2(&dst[0], &x[0], n, vecConsts)
		}
	}
	for i := n; i < len(x); i++ {
		dst[i] = Tanh32(x[i])
	}
}
