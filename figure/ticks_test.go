package figure

import (
	"fmt"
	"slices"
	"testing"
)

func TestPowerTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []string
	}{
		{1e-3, 1, []string{"10⁻³", "10⁻²", "10⁻¹", "10⁰"}},
		{0.8, 1200, []string{"10⁰", "10¹", "10²", "10³"}},
		{3, 40, []string{"5", "10¹", "20"}},                                           // under two decades: 2× and 5× too
		{1e-12, 1e12, []string{"10⁻¹²", "10⁻⁸", "10⁻⁴", "10⁰", "10⁴", "10⁸", "10¹²"}}, // 25 decades: every fourth
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (PowerTicks{}).Ticks(tt.lo, tt.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("PowerTicks.Ticks(%g, %g) labels = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestNumberTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   []string
	}{
		{0, 50, []string{"0", "25", "50"}},
		{0.5, 0.85, []string{"0.5", "0.6", "0.7", "0.8"}},
		{-1, 1, []string{"−1", "0", "1"}},
		{0, 0.03, []string{"0", "0.01", "0.02", "0.03"}},
		{0, 3e7, []string{"0", "10⁷", "2×10⁷", "3×10⁷"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (NumberTicks{}).Ticks(tt.lo, tt.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("NumberTicks.Ticks(%g, %g) labels = %q, want %q", tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestSciLabel(t *testing.T) {
	for v, want := range map[float64]string{1e14: "10¹⁴", 9.83e8: "9.83×10⁸", -2e-5: "−2×10⁻⁵", 0: "0", 1: "10⁰"} {
		if got := SciLabel(v); got != want {
			t.Errorf("SciLabel(%g) = %q, want %q", v, got, want)
		}
	}
}

func ExampleSciLabel() {
	fmt.Println(SciLabel(1e14), SciLabel(9.83e8), SciLabel(2.5e-7))
	// Output:
	// 10¹⁴ 9.83×10⁸ 2.5×10⁻⁷
}
