package data

import (
	"fmt"
	"math"
)

// RateEncode sets dst[i] = maxRate·x[i] (Hz) for intensities x in [0, 1],
// clamping values outside that range: the rate code used to feed images to
// spiking networks (e.g. Diehl & Cook 2015 use 63.75 Hz for a white pixel,
// i.e. intensity/4 with intensities in 0–255). It panics if the lengths
// differ and returns an error for a negative or non-finite maxRate.
func RateEncode(dst, x []float32, maxRate float64) error {
	if len(dst) != len(x) {
		panic("data: RateEncode: slice lengths differ")
	}
	if !(maxRate >= 0) || math.IsInf(maxRate, 0) {
		return fmt.Errorf("data: RateEncode: maximum rate %v Hz", maxRate)
	}
	for i, v := range x {
		dst[i] = float32(maxRate * clamp01(float64(v)))
	}
	return nil
}

// LatencyEncode returns one spike train per value: a single spike at
// tMax·(1 − x) ms for intensity x in (threshold, 1], so the strongest
// inputs fire first, and no spike for x ≤ threshold (clamped to [0, 1]).
// It returns an error for a non-positive tMax or a threshold outside [0, 1).
func LatencyEncode(x []float32, tMax, threshold float64) ([][]float64, error) {
	if !(tMax > 0) || math.IsInf(tMax, 0) {
		return nil, fmt.Errorf("data: LatencyEncode: tMax = %v ms", tMax)
	}
	if !(threshold >= 0 && threshold < 1) {
		return nil, fmt.Errorf("data: LatencyEncode: threshold %v is outside [0, 1)", threshold)
	}
	trains := make([][]float64, len(x))
	for i, v := range x {
		if c := clamp01(float64(v)); c > threshold {
			trains[i] = []float64{tMax * (1 - c)}
		}
	}
	return trains, nil
}

func clamp01(v float64) float64 {
	if !(v > 0) { // NaN counts as 0
		return 0
	}
	return min(v, 1)
}
