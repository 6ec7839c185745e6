package tensor

import (
	"math"
	"testing"
)

// TestExp32 compares exp32 with math.Exp over the float32 range.
func TestExp32(t *testing.T) {
	worst := 0.0
	for x := -87.0; x <= 88.5; x += 0.0137 {
		got := float64(exp32(float32(x)))
		want := math.Exp(float64(float32(x)))
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
		}
	}
	if worst > 4e-7 {
		t.Errorf("exp32 relative error up to %g, want ≤ 4e-7", worst)
	}
	if exp32(-100) != 0 || !math.IsInf(float64(exp32(100)), 1) || exp32(0) != 1 {
		t.Errorf("exp32 limits: %v %v %v", exp32(-100), exp32(100), exp32(0))
	}
}

func BenchmarkExp32(b *testing.B) {
	x := float32(0.3)
	var s float32
	for b.Loop() {
		s += exp32(x)
	}
	_ = s
}

// TestFastActivations sweeps sigmoid and tanh against math's float64
// functions: absolute error ≤ 3e-7 (values lie in (−1, 1), float32
// resolution there is 6e-8).
func TestFastActivations(t *testing.T) {
	var ws, wt float64
	for x := -20.0; x <= 20; x += 0.00731 {
		v := float32(x)
		ws = math.Max(ws, math.Abs(float64(sigmoid(v))-1/(1+math.Exp(-float64(v)))))
		wt = math.Max(wt, math.Abs(float64(tanh32(v))-math.Tanh(float64(v))))
	}
	if ws > 3e-7 || wt > 3e-7 {
		t.Errorf("largest errors: sigmoid %g, tanh %g; want ≤ 3e-7", ws, wt)
	}
}
