package budget

import (
	"errors"
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"4GiB", 4 << 30, true}, {"512MiB", 512 << 20, true}, {"1.5G", 3 << 29, true}, {"2GB", 2e9, true},
		{"1000000", 1e6, true}, {"64 KiB", 64 << 10, true}, {"8gib", 8 << 30, true},
		{"", 0, false}, {"0", 0, false}, {"-1G", 0, false}, {"lots", 0, false}, {"NaN", 0, false}, {"1e30TiB", 0, false},
	} {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := Check("a small thing", 100, 1000); err != nil {
		t.Errorf("100 B under a 1000 B limit: %v", err)
	}
	for _, need := range []float64{1001, -5, math.NaN(), math.Inf(1), 1e300} {
		err := Check("a big thing", need, 1000)
		var be *Error
		if !errors.As(err, &be) || !errors.Is(err, ErrOverBudget) || be.Limit != 1000 {
			t.Errorf("Check(%v) = %v, want an *Error over 1000 B", need, err)
		}
	}
	if d := Default(); d < 1<<20 {
		t.Errorf("Default() = %d, not a plausible limit", d)
	}
}

func TestFormat(t *testing.T) {
	for in, want := range map[int64]string{512: "512 B", 1536: "1.5 KiB", 3 << 30: "3 GiB", math.MaxInt64: "more than can be counted"} {
		if got := Format(in); got != want {
			t.Errorf("Format(%d) = %q, want %q", in, got, want)
		}
	}
}
