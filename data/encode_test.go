package data

import (
	"math"
	"slices"
	"testing"
)

func TestRateEncode(t *testing.T) {
	x := []float32{0, 0.5, 1, -0.2, 1.7, float32(math.NaN())}
	got := make([]float32, len(x))
	if err := RateEncode(got, x, 63.75); err != nil {
		t.Fatal(err)
	}
	if want := []float32{0, 31.875, 63.75, 0, 63.75, 0}; !slices.Equal(got, want) {
		t.Errorf("RateEncode = %v, want %v", got, want)
	}
	if RateEncode(got, x, -1) == nil || RateEncode(got, x, math.Inf(1)) == nil {
		t.Error("bad maximum rate accepted")
	}
}

func TestLatencyEncode(t *testing.T) {
	trains, err := LatencyEncode([]float32{1, 0.75, 0.1, 0}, 20, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0}, {5}, nil, nil}
	for i := range want {
		if !slices.Equal(trains[i], want[i]) {
			t.Errorf("train %d = %v, want %v", i, trains[i], want[i])
		}
	}
	if _, err := LatencyEncode(nil, 0, 0); err == nil {
		t.Error("tMax 0 accepted")
	}
	if _, err := LatencyEncode(nil, 10, 1); err == nil {
		t.Error("threshold 1 accepted")
	}
}
