package data

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurite/neurite/tensor"
)

// TestSpikeNoise: a whole train corrupted at once (Apply) and one asked
// step by step (Arrivals) agree; about Drop of the spikes are lost; kept
// spikes move at most Jitter steps; the zero value changes nothing.
func TestSpikeNoise(t *testing.T) {
	const N, T, F = 3, 20, 50
	r := rand.New(rand.NewPCG(1, 2))
	x := tensor.New(N, T, F)
	total := 0
	for k := range x.Data {
		if r.Float64() < 0.3 {
			x.Data[k] = 1
			total++
		}
	}
	orig := append([]float32(nil), x.Data...)
	SpikeNoise{}.Apply(x)
	for k := range x.Data {
		if x.Data[k] != orig[k] {
			t.Fatal("the zero SpikeNoise changed a spike")
		}
	}
	n := SpikeNoise{Drop: 0.25, Jitter: 2, Seed: 7}
	n.Apply(x)
	var kept float32
	for i := range N {
		for s := range T {
			for j := range F {
				got := x.Data[(i*T+s)*F+j]
				kept += got
				want := n.Arrivals(i, s, j, T, func(u int) bool { return orig[(i*T+u)*F+j] != 0 })
				if got != float32(want) {
					t.Fatalf("example %d step %d input %d: Apply gives %v spikes, Arrivals %d", i, s, j, got, want)
				}
			}
		}
	}
	// Spikes lost: dropped (1/4) or shifted out of the train (near its ends).
	if frac := 1 - float64(kept)/float64(total); math.Abs(frac-0.25) > 0.06 {
		t.Errorf("lost %.3f of the spikes, want about 0.25 (+ a few shifted out)", frac)
	}
	for i := range 1000 {
		if keep, shift := n.Fate(0, i, i); keep && (shift < -2 || shift > 2) {
			t.Fatalf("Fate shift %d outside ±2", shift)
		}
	}
	if (SpikeNoise{Drop: 1.5}).Validate() == nil || (SpikeNoise{Jitter: -1}).Validate() == nil {
		t.Error("Validate accepted a drop probability above 1 or a negative jitter")
	}
}
