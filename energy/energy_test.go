package energy

import (
	"math"
	"testing"
)

func TestJoules(t *testing.T) {
	tests := []struct {
		name string
		ops  Ops
		c    Costs
		want float64
	}{
		{"MACs only", Ops{MACs: 101_632}, Costs{MAC: PJPerMACFP32}, 101_632 * 4.6e-12},
		{"events only", Ops{SynapticEvents: 1e6, Spikes: 5e3, InputSpikes: 1e4}, Costs{SynapticEvent: PJPerEventLoihi}, 1e6 * 23.6e-12},
		{"both", Ops{MACs: 100, SynapticEvents: 1000}, Costs{MAC: 1, SynapticEvent: 2}, 100e-12 + 2000e-12},
		{"free", Ops{MACs: 100, SynapticEvents: 1000}, Costs{}, 0},
	}
	// Tolerance: a few float64 roundings of products near 1e-6 J.
	const tol = 1e-15
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Joules(tt.ops, tt.c); math.Abs(got-tt.want) > tol*math.Max(1, math.Abs(tt.want)) {
				t.Errorf("Joules(%+v, %+v) = %g, want %g", tt.ops, tt.c, got, tt.want)
			}
		})
	}
}

// TestJoulesMatchesHandProducts checks that a one-term cost gives exactly
// the product written out as n·pJ·1e-12, the form compare's tables used
// before the constants moved here, and that two terms give their sum.
func TestJoulesMatchesHandProducts(t *testing.T) {
	macs, events := 101_632.0, 3.21e6
	if got, want := Joules(Ops{MACs: macs}, Costs{MAC: PJPerMACFP32}), macs*PJPerMACFP32*1e-12; got != want {
		t.Errorf("Joules(MACs) = %v, want %v", got, want)
	}
	if got, want := Joules(Ops{SynapticEvents: events}, Costs{SynapticEvent: PJPerEventTrueNorth}), events*PJPerEventTrueNorth*1e-12; got != want {
		t.Errorf("Joules(events) = %v, want %v", got, want)
	}
	both := Joules(Ops{MACs: macs, SynapticEvents: events}, Costs{MAC: PJPerMACFP32, SynapticEvent: PJPerEventLoihi})
	if want := events*PJPerEventLoihi*1e-12 + macs*PJPerMACFP32*1e-12; both != want {
		t.Errorf("Joules(both) = %v, want %v", both, want)
	}
}

func TestConstants(t *testing.T) {
	// 250 W over 3 TMAC/s.
	if math.Abs(PJPerMACTitanX-250.0/3e12*1e12) > 1e-9 {
		t.Errorf("PJPerMACTitanX = %v, want 83.33", PJPerMACTitanX)
	}
	if PJPerMACFP32 != 3.7+0.9 {
		t.Errorf("PJPerMACFP32 = %v, want 3.7 + 0.9", PJPerMACFP32)
	}
}

func TestAdd(t *testing.T) {
	a := Ops{MACs: 1, SynapticEvents: 2, Spikes: 3, InputSpikes: 4}
	b := Ops{MACs: 10, SynapticEvents: 20, Spikes: 30, InputSpikes: 40}
	if got, want := a.Add(b), (Ops{11, 22, 33, 44}); got != want {
		t.Errorf("%+v.Add(%+v) = %+v, want %+v", a, b, got, want)
	}
}
