package snn

import (
	"math"
	"math/rand/v2"
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
