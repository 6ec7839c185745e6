package data

import (
	"fmt"

	"github.com/neurite/neurite/tensor"
)

// SpikeNoise corrupts spike trains as an unreliable channel would: each
// spike is lost with probability Drop, and each spike kept arrives a whole
// number of steps early or late, drawn uniformly from [−Jitter, Jitter] (a
// spike moved outside the train is lost). The zero value changes nothing.
//
// Every decision is drawn from a counter-based stream keyed by Seed and
// the spike's example, step and input, so a spike meets the same fate in
// whichever order, batch or thread it is asked about: a simulator that
// makes its input spikes step by step (package convert) and one that
// corrupts a whole train at once (a network's spike encoder) agree.
type SpikeNoise struct {
	Drop   float64 // probability a spike is lost, in [0, 1]
	Jitter int     // largest shift of a spike, in steps (0: none)
	Seed   uint64
}

// Active reports whether n changes anything.
func (n SpikeNoise) Active() bool { return n.Drop > 0 || n.Jitter > 0 }

// Validate checks that Drop is a probability and Jitter is not negative.
func (n SpikeNoise) Validate() error {
	if !(n.Drop >= 0 && n.Drop <= 1) {
		return fmt.Errorf("data: spike drop probability %v outside [0, 1]", n.Drop)
	}
	if n.Jitter < 0 || n.Jitter > 1<<20 {
		return fmt.Errorf("data: spike jitter %d steps: want 0 to 2^20", n.Jitter)
	}
	return nil
}

// Fate returns what becomes of a spike of example i at step t on input j:
// whether it survives, and the shift (in steps) it arrives with.
func (n SpikeNoise) Fate(i, t, j int) (keep bool, shift int) {
	h := mixSpike(n.Seed ^ mixSpike(uint64(i)*0x9e3779b97f4a7c15^uint64(t)*0xd1b54a32d192ed03^uint64(j)*0xbf58476d1ce4e5b9))
	if n.Drop > 0 && float64(h>>11)*0x1p-53 < n.Drop {
		return false, 0
	}
	if n.Jitter == 0 {
		return true, 0
	}
	h = mixSpike(h ^ 0x6a09e667f3bcc908)
	span := uint64(2*n.Jitter + 1)
	return true, int(h%span) - n.Jitter
}

// Arrivals returns how many spikes reach step t of example i's input j,
// given fired(s) reporting whether that input spiked at step s of the
// uncorrupted train (asked only for s within Jitter steps of t, and
// within [0, steps)).
func (n SpikeNoise) Arrivals(i, t, j, steps int, fired func(s int) bool) int {
	count := 0
	for s := max(0, t-n.Jitter); s <= min(steps-1, t+n.Jitter); s++ {
		if !fired(s) {
			continue
		}
		if keep, shift := n.Fate(i, s, j); keep && s+shift == t {
			count++
		}
	}
	return count
}

// Apply corrupts spike trains (examples, steps, inputs) in place: x[i][t][j]
// becomes the number of spikes arriving at step t (a value may reach 2
// where moved spikes meet; graded inputs other than 0 and 1 are treated
// as spikes of that size). It panics unless x has three dimensions.
func (n SpikeNoise) Apply(x *tensor.Tensor) {
	if x.Dims() != 3 {
		panic(fmt.Sprintf("data: SpikeNoise.Apply: shape %v, want [examples steps inputs]", x.Shape))
	}
	if !n.Active() {
		return
	}
	N, T, F := x.Shape[0], x.Shape[1], x.Shape[2]
	out := make([]float32, T*F)
	for i := range N {
		train := x.Data[i*T*F : (i+1)*T*F]
		clear(out)
		for t := range T {
			for j := range F {
				v := train[t*F+j]
				if v == 0 {
					continue
				}
				if keep, shift := n.Fate(i, t, j); keep && t+shift >= 0 && t+shift < T {
					out[(t+shift)*F+j] += v
				}
			}
		}
		copy(train, out)
	}
}

// mixSpike is SplitMix64's finaliser.
func mixSpike(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
