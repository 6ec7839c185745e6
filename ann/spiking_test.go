package ann

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurite/neurite/tensor"
)

// TestLIFForwardBackwardAgainstReference runs a LIF layer and compares its
// spikes and gradients with a direct scalar transcription of the
// equations: v_t = βv_{t−1} + W·x_t + b − θs_{t−1}, s_t = [v_t ≥ θ],
// δv_t = g_t/(1 + k|v_t − θ|)² + βδv_{t+1}, ∂W = Σ δv_t x_tᵀ, ∂b = Σ δv_t,
// ∂x_t = Wᵀδv_t.
func TestLIFForwardBackwardAgainstReference(t *testing.T) {
	const n, T, in, out = 3, 7, 5, 4
	const beta, th, k = 0.9, 1.0, 25.0
	r := rand.New(rand.NewPCG(1, 2))
	l := NewLIF(NewDense(in, out, InitPyTorch, r), beta, th, k)
	for i := range l.W.Value.Data {
		l.W.Value.Data[i] *= 3 // enough drive to spike
	}
	x := tensor.New(n, T, in)
	for i := range x.Data {
		if r.Float64() < 0.5 {
			x.Data[i] = 1
		}
	}
	dy := tensor.New(n, T, out)
	for i := range dy.Data {
		dy.Data[i] = float32(r.NormFloat64())
	}
	s := l.Forward(x, true)
	dx := l.Backward(dy, true)

	W, b := l.W.Value.Data, l.B.Value.Data
	dW, db := make([]float64, out*in), make([]float64, out)
	spikes := 0
	for i := range n {
		v := make([][]float64, T)
		fired := make([][]float64, T)
		for tt := range T {
			v[tt], fired[tt] = make([]float64, out), make([]float64, out)
			for j := range out {
				cur := float64(b[j])
				for q := range in {
					cur += float64(W[j*in+q]) * float64(x.Data[(i*T+tt)*in+q])
				}
				var prev, sp float64
				if tt > 0 {
					prev, sp = v[tt-1][j], fired[tt-1][j]
				}
				v[tt][j] = beta*prev + cur - th*sp
				if v[tt][j] >= th {
					fired[tt][j] = 1
					spikes++
				}
				if got := float64(s.Data[(i*T+tt)*out+j]); got != fired[tt][j] {
					t.Fatalf("example %d step %d neuron %d: spike %v, reference %v (v = %v)", i, tt, j, got, fired[tt][j], v[tt][j])
				}
			}
		}
		dv := make([]float64, out)
		for tt := T - 1; tt >= 0; tt-- {
			for j := range out {
				u := k * math.Abs(v[tt][j]-th)
				dv[j] = float64(dy.Data[(i*T+tt)*out+j])/((1+u)*(1+u)) + beta*dv[j]
				db[j] += dv[j]
				for q := range in {
					dW[j*in+q] += dv[j] * float64(x.Data[(i*T+tt)*in+q])
				}
			}
			for q := range in {
				var want float64
				for j := range out {
					want += float64(W[j*in+q]) * dv[j]
				}
				if got := float64(dx.Data[(i*T+tt)*in+q]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
					t.Fatalf("∂x[%d][%d][%d] = %v, reference %v", i, tt, q, got, want)
				}
			}
		}
	}
	if spikes == 0 || spikes == n*T*out {
		t.Fatalf("%d spikes of %d: the test does not exercise the threshold", spikes, n*T*out)
	}
	for i, want := range dW {
		if got := float64(l.W.Grad.Data[i]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
			t.Fatalf("∂W[%d] = %v, reference %v", i, got, want)
		}
	}
	for j, want := range db {
		if got := float64(l.B.Grad.Data[j]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
			t.Fatalf("∂b[%d] = %v, reference %v", j, got, want)
		}
	}
}

// TestSpikeEncoding: rate coding fires with the intensity's probability,
// latency coding once and earlier for brighter inputs, direct coding
// repeats the value; the same seed gives the same spikes.
func TestSpikeEncoding(t *testing.T) {
	x := tensor.FromData([]float32{0, 0.25, 0.9, 1}, 1, 4)
	const T = 4000
	rate := &SpikeEncode{Steps: T, Coding: RateCoding, Seed: 5}
	y := rate.Forward(x, true)
	for j, p := range []float64{0, 0.25, 0.9, 1} {
		n := 0.0
		for tt := range T {
			n += float64(y.Data[tt*4+j])
		}
		if sd := math.Sqrt(p * (1 - p) / T); math.Abs(n/T-p) > 5*sd+1e-9 {
			t.Errorf("rate coding of %v fired at %v", p, n/T)
		}
	}
	again := (&SpikeEncode{Steps: T, Coding: RateCoding, Seed: 5}).Forward(x, true)
	for i := range again.Data {
		if again.Data[i] != y.Data[i] {
			t.Fatal("the same seed gave different spikes")
		}
	}
	lat := (&SpikeEncode{Steps: 10, Coding: LatencyCoding}).Forward(x, true)
	first := func(j int) int {
		for tt := range 10 {
			if lat.Data[tt*4+j] == 1 {
				return tt
			}
		}
		return -1
	}
	if first(0) != -1 || !(first(3) <= first(2) && first(2) < first(1)) {
		t.Errorf("latency coding first spikes %d %d %d %d", first(0), first(1), first(2), first(3))
	}
	dir := (&SpikeEncode{Steps: 3, Coding: DirectCoding}).Forward(x, true)
	if dir.Data[2*4+2] != 0.9 {
		t.Errorf("direct coding gave %v at step 2", dir.Data[2*4+2])
	}
}
