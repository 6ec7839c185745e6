package snn

import (
	"slices"
	"testing"
)

// TestCurrentApply checks Current.Apply, whose constant case is a plain
// fill, against its definition: Amplitude + Bias[i] + Sigma·ξ between
// Start and Stop, zero outside, in a worker's range only.
func TestCurrentApply(t *testing.T) {
	const n, dt = 40, 0.1
	bias := make([]float64, n)
	for i := range bias {
		bias[i] = float64(i) / 8
	}
	tests := []struct {
		name string
		c    Current
	}{
		{"constant", Current{Amplitude: 376.5}},
		{"window", Current{Amplitude: -2.5, Start: 0.3, Stop: 0.7}},
		{"bias", Current{Amplitude: 1, Bias: bias}},
		{"noise", Current{Amplitude: 1, Sigma: 0.5, Start: 0.2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewLIF(n, LIFParams{CM: 250, TauM: 10, TauE: 0.5, TauI: 0.5, VThresh: -50, VRest: -65, VReset: -65})
			if err != nil {
				t.Fatal(err)
			}
			net := &Network{}
			c := tt.c
			c.Pop = net.AddPopulation("p", m)
			if err := c.Prepare(dt, NewStream(5, 9)); err != nil {
				t.Fatal(err)
			}
			const lo, hi = 8, 32
			for step := int64(0); step < 10; step++ {
				for i := range c.target {
					c.target[i] = 99 // Apply must set its range, and only it
				}
				c.Apply(step, lo, hi)
				want := make([]float32, n)
				for i := range want {
					tm := float64(step) * dt
					switch {
					case i < lo || i >= hi:
						want[i] = 99
					case tm < c.Start || (c.Stop != 0 && tm >= c.Stop):
						want[i] = 0
					default:
						v := c.Amplitude + c.Sigma*c.rng.Normal(step, i)
						if c.Bias != nil {
							v = c.Amplitude + c.Bias[i] + c.Sigma*c.rng.Normal(step, i)
						}
						want[i] = float32(v)
					}
				}
				if !slices.Equal(c.target, want) {
					t.Fatalf("step %d: Apply set %v, want %v", step, c.target, want)
				}
			}
		})
	}
}
