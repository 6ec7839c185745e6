package snn

import (
	"fmt"
	"math"
	"slices"
)

// SpikeTrains is a population that fires at given times: the way to feed
// recorded or hand-made spike trains into a network. It has no state
// variables and ignores input.
type SpikeTrains struct {
	Times [][]float64 // Times[i] lists neuron i's spike times in ms

	steps  [][]int64 // spike steps per neuron, sorted
	cursor []int
}

// NewSpikeTrains returns a population of len(times) neurons, neuron i firing
// at times[i] (ms). It returns an error for negative or non-finite times.
func NewSpikeTrains(times [][]float64) (*SpikeTrains, error) {
	for i, tr := range times {
		for _, t := range tr {
			if !(t >= 0) || math.IsInf(t, 0) {
				return nil, fmt.Errorf("snn: SpikeTrains: neuron %d has spike time %v ms", i, t)
			}
		}
	}
	return &SpikeTrains{Times: times}, nil
}

// Len returns the number of neurons.
func (s *SpikeTrains) Len() int { return len(s.Times) }

// Vars returns no variables.
func (s *SpikeTrains) Vars() []string { return nil }

// Var returns nil: spike trains have no state.
func (s *SpikeTrains) Var(string) []float32 { return nil }

// Prepare rounds the spike times to steps (several spikes in one step
// count once).
func (s *SpikeTrains) Prepare(dt float64, _ Stream) error {
	if err := positive("SpikeTrains", "dt", dt); err != nil {
		return err
	}
	s.steps = make([][]int64, len(s.Times))
	s.cursor = make([]int, len(s.Times))
	for i, tr := range s.Times {
		st := make([]int64, 0, len(tr))
		for _, t := range tr {
			st = append(st, int64(math.Round(t/dt)))
		}
		slices.Sort(st)
		s.steps[i] = slices.Compact(st)
	}
	return nil
}

// Step emits the neurons with a spike at step n.
func (s *SpikeTrains) Step(n int64, lo, hi int, spikes []int32) []int32 {
	for i := lo; i < hi; i++ {
		st, c := s.steps[i], s.cursor[i]
		for c < len(st) && st[c] < n {
			c++
		}
		if c < len(st) && st[c] == n {
			spikes = append(spikes, int32(i))
			c++
		}
		s.cursor[i] = c
	}
	return spikes
}

// Reset does nothing.
func (s *SpikeTrains) Reset([]int32) {}

// PoissonGroup is a population of independent Poisson spike generators:
// each neuron fires in a step of dt with probability Rate·dt. Rates may
// differ between neurons and may be changed between runs (rate coding of
// data, for instance).
type PoissonGroup struct {
	Rates []float32 // Hz, per neuron (≥ 0)

	dt  float64
	rng Stream
}

// NewPoissonGroup returns n generators firing at rate Hz.
func NewPoissonGroup(n int, rate float64) (*PoissonGroup, error) {
	if n < 0 {
		return nil, fmt.Errorf("snn: PoissonGroup: %d neurons", n)
	}
	if err := nonNegative("PoissonGroup", "rate", rate); err != nil {
		return nil, err
	}
	g := &PoissonGroup{Rates: make([]float32, n)}
	for i := range g.Rates {
		g.Rates[i] = float32(rate)
	}
	return g, nil
}

// Len returns the number of generators.
func (g *PoissonGroup) Len() int { return len(g.Rates) }

// Vars lists the one variable, "rate" (Hz).
func (g *PoissonGroup) Vars() []string { return []string{"rate"} }

// Var returns the rates for "rate", else nil.
func (g *PoissonGroup) Var(name string) []float32 {
	if name == "rate" {
		return g.Rates
	}
	return nil
}

// Prepare checks the rates against the step.
func (g *PoissonGroup) Prepare(dt float64, rng Stream) error {
	for i, r := range g.Rates {
		if !(r >= 0) || float64(r)*dt/1000 > 1 {
			return fmt.Errorf("snn: PoissonGroup: neuron %d rate %v Hz: must be in [0, %v] for dt = %v ms", i, r, 1000/dt, dt)
		}
	}
	g.dt, g.rng = dt, rng
	return nil
}

// Step fires each generator with probability rate·dt.
func (g *PoissonGroup) Step(n int64, lo, hi int, spikes []int32) []int32 {
	scale := g.dt / 1000
	for i := lo; i < hi; i++ {
		if g.rng.Uniform(n, i) < float64(g.Rates[i])*scale {
			spikes = append(spikes, int32(i))
		}
	}
	return spikes
}

// Reset does nothing.
func (g *PoissonGroup) Reset([]int32) {}
