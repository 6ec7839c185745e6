package snn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestVectorKernelsMatchGo runs the vector and Go updates of the LIF models
// on the same random states (refractory, near threshold, one NaN) and
// requires identical bits and spikes, ranges not a multiple of 8 included.
func TestVectorKernelsMatchGo(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 kernels in this build or on this CPU; the Go loops are the only path")
	}
	r := rand.New(rand.NewPCG(1, 2))
	const n = 203
	fill := func(v, ge, gi, in []float32, ref []int32, vlo, vhi float32) {
		for i := range v {
			v[i] = vlo + (vhi-vlo)*r.Float32()
			ge[i], gi[i], in[i] = 50*r.Float32(), 100*r.Float32(), 200*r.Float32()
			ref[i] = int32(r.IntN(4)) // 0, 1 (last frozen step), 2, 3
		}
		v[17] = float32(math.NaN())
	}
	for _, rng := range [][2]int{{0, n}, {8, 96}, {16, 19}, {0, 7}} {
		lo, hi := rng[0], rng[1]
		t.Run("CondLIF", func(t *testing.T) {
			a, _ := NewCondLIF(n, COBAParams())
			fill(a.V, a.Ge, a.Gi, a.I, a.ref, -62, -48)
			b, _ := NewCondLIF(n, COBAParams())
			copy(b.V, a.V)
			copy(b.Ge, a.Ge)
			copy(b.Gi, a.Gi)
			copy(b.I, a.I)
			copy(b.ref, a.ref)
			a.Prepare(0.1, Stream{})
			b.Prepare(0.1, Stream{})
			sa := a.Step(0, lo, hi, nil)
			sb := b.stepEuler(lo, hi, nil)
			if hi-lo > 64 && len(sa) == 0 {
				t.Fatal("no spikes: the states do not exercise the threshold")
			}
			compare(t, "CondLIF", sa, sb, [][]float32{a.V, a.Ge, a.Gi}, [][]float32{b.V, b.Ge, b.Gi}, a.ref, b.ref)
		})
		t.Run("LIF", func(t *testing.T) {
			a, _ := NewLIF(n, CUBAParams())
			fill(a.V, a.Ge, a.Gi, a.I, a.ref, -60, -49)
			b, _ := NewLIF(n, CUBAParams())
			copy(b.V, a.V)
			copy(b.Ge, a.Ge)
			copy(b.Gi, a.Gi)
			copy(b.I, a.I)
			copy(b.ref, a.ref)
			a.Prepare(0.1, Stream{})
			b.Prepare(0.1, Stream{})
			sa := a.Step(0, lo, hi, nil)
			sb := b.stepExpGo(lo, hi, nil)
			if hi-lo > 64 && len(sa) == 0 {
				t.Fatal("no spikes: the states do not exercise the threshold")
			}
			compare(t, "LIF", sa, sb, [][]float32{a.V, a.Ge, a.Gi}, [][]float32{b.V, b.Ge, b.Gi}, a.ref, b.ref)
		})
	}
}

func compare(t *testing.T, name string, sa, sb []int32, va, vb [][]float32, ra, rb []int32) {
	t.Helper()
	if !slices.Equal(sa, sb) {
		t.Errorf("%s: vector spikes %v, Go spikes %v", name, sa, sb)
	}
	for k := range va {
		for i := range va[k] {
			if math.Float32bits(va[k][i]) != math.Float32bits(vb[k][i]) {
				t.Fatalf("%s: variable %d of neuron %d: vector %v, Go %v", name, k, i, va[k][i], vb[k][i])
			}
		}
	}
	if !slices.Equal(ra, rb) {
		t.Errorf("%s: refractory counters differ", name)
	}
}
