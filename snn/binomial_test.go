package snn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBinomialTable checks that the tabulated sampler draws exactly what
// the recurrence draws, at the table's boundaries too.
func TestBinomialTable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		n int
		p float64
	}{
		{0, 0.5}, {1, 0.3}, {5, 0}, {5, 1}, {1600, 0.0008}, {2900, 0.0008}, {1000, 0.0015},
		{100, 0.5}, {20000, 0.3}, {1 << 20, 0.01}, {50, 0.999},
	} {
		b := newBinomialSampler(c.n, c.p)
		us := []float64{0, 1 - 0x1p-53, 0.5}
		for _, v := range b.cdf {
			us = append(us, v, math.Nextafter(v, 0), math.Nextafter(v, 1))
		}
		for range 20000 {
			us = append(us, r.Float64())
		}
		for _, u := range us {
			if u < 0 || u >= 1 {
				continue
			}
			if got, want := b.draw(u), b.drawLoop(u); got != want {
				t.Fatalf("Binomial(%d, %v): draw(%v) = %d, the recurrence %d", c.n, c.p, u, got, want)
			}
		}
	}
}

// TestPoissonInputApply checks PoissonInput.Apply, whose loop inlines the
// stream and the sampler's guide table, against the plain per-neuron draw
// (Stream.Uniform and the recurrence, drawLoop): the same bits for every
// neuron and step, in a worker's range, with refractory neurons skipped,
// for Poisson-like inputs, one certain source, none, and inputs whose draws
// run past the table.
func TestPoissonInputApply(t *testing.T) {
	for _, c := range []struct {
		n    int
		rate float64 // Hz, at dt = 0.1 ms
	}{
		{2100, 8}, {1600, 8}, {1, 10000}, {0, 8}, {3, 0}, {50, 9990}, {20000, 3000}, {1 << 20, 100},
	} {
		m, err := NewLIF(1000, LIFParams{CM: 250, TauM: 10, TauE: 0.5, TauI: 0.5, VThresh: -50, VRest: -65, VReset: -65})
		if err != nil {
			t.Fatal(err)
		}
		net := &Network{}
		in := &PoissonInput{Pop: net.AddPopulation("p", m), Var: "ge", N: c.n, Rate: c.rate, Weight: 0.25}
		if err := in.Prepare(0.1, NewStream(3, 7)); err != nil {
			t.Fatal(err)
		}
		gate := make([]int32, 1000)
		for i := range gate {
			if i%7 == 3 {
				gate[i] = 1
			}
		}
		in.gate, in.target = gate, make([]float32, 1000)
		want := make([]float32, 1000)
		ref := newBinomialSampler(c.n, c.rate*0.1/1000)
		const lo, hi = 8, 990 // blocks of 256 (uniformBits), the last not a multiple of 8
		for n := int64(0); n < 20; n++ {
			in.Apply(n, lo, hi)
			for i := lo; i < hi; i++ {
				if gate[i] == 0 {
					if k := ref.drawLoop(in.rng.Uniform(n, i)); k > 0 {
						want[i] += float32(k) * in.Weight
					}
				}
			}
		}
		if !slices.Equal(in.target, want) {
			for i := range want {
				if in.target[i] != want[i] {
					t.Fatalf("Binomial(%d, %v Hz): neuron %d received %v, the plain draws %v", c.n, c.rate, i, in.target[i], want[i])
				}
			}
		}
		if got := want[lo] + want[lo+1]; c.n > 0 && c.rate > 0 && got == 0 {
			t.Errorf("Binomial(%d, %v Hz): no input: the test compares nothing", c.n, c.rate)
		}
	}
}

// BenchmarkPoissonInput applies the microcircuit's L4E background (2100
// sources at 8 Hz) to 20,000 neurons per step.
func BenchmarkPoissonInput(b *testing.B) {
	m, _ := NewLIF(20000, LIFParams{CM: 250, TauM: 10, TauE: 0.5, TauI: 0.5, VThresh: -50, VRest: -65, VReset: -65})
	net := &Network{}
	in := &PoissonInput{Pop: net.AddPopulation("p", m), Var: "ge", N: 2100, Rate: 8, Weight: 87.8}
	if err := in.Prepare(0.1, NewStream(1, 1)); err != nil {
		b.Fatal(err)
	}
	n := int64(0)
	for b.Loop() {
		in.Apply(n, 0, 20000)
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/20000, "ns/neuron")
}

// TestUniformBits holds uniformBits (eight counters at a time with AVX2)
// to uniform, draw for draw, for every length up to past two vector loops,
// at steps whose counters wrap around 2⁶⁴.
func TestUniformBits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 40 {
		for _, step := range []int64{0, 1, r.Int64(), math.MaxInt64} {
			key, lo := r.Uint64(), r.IntN(1000)
			dst := make([]uint64, n)
			uniformBits(dst, key, uint64(step)*stepMul+uint64(lo))
			for i, m := range dst {
				if u, want := float64(m)*0x1p-53, uniform(key, step, lo+i); u != want {
					t.Fatalf("n %d, step %d, neuron %d: %v, want %v", n, step, lo+i, u, want)
				}
			}
		}
	}
}

// TestBinomialThresholds checks each integer threshold at[k] against the
// CDF entry it stands for: the uniform m·2⁻⁵³ reaches cdf[k] at m = at[k]
// and not one below, so comparing 53-bit integers draws what comparing
// floats draws, exactly.
func TestBinomialThresholds(t *testing.T) {
	for _, c := range []struct {
		n int
		p float64
	}{{2100, 8e-4}, {1600, 8e-4}, {50, 0.3}, {1, 0.5}, {10000, 1e-6}} {
		b := newBinomialSampler(c.n, c.p)
		if len(b.at) != len(b.cdf) {
			t.Fatalf("Binomial(%d, %v): %d thresholds for %d CDF entries", c.n, c.p, len(b.at), len(b.cdf))
		}
		for k, m := range b.at {
			if u := float64(m) * 0x1p-53; u < b.cdf[k] && m <= 1<<53 {
				t.Errorf("Binomial(%d, %v): at[%d] = %d gives %v, below cdf %v", c.n, c.p, k, m, u, b.cdf[k])
			}
			if m > 0 {
				if u := float64(m-1) * 0x1p-53; u >= b.cdf[k] {
					t.Errorf("Binomial(%d, %v): at[%d] − 1 = %d gives %v, already at cdf %v", c.n, c.p, k, m-1, u, b.cdf[k])
				}
			}
		}
	}
}
