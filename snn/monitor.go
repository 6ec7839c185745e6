package snn

import (
	"fmt"
	"math"
	"slices"
)

// SpikeMonitor records every spike of a population as (step, index) pairs,
// 8 bytes per spike.
type SpikeMonitor struct {
	Pop   *Population
	DT    float64 // ms per step
	Steps []int32 // time step of each spike
	Index []int32 // neuron of each spike
	from  int64
}

// MonitorSpikes starts recording the spikes of p from the current step on.
func (s *Sim) MonitorSpikes(p *Population) (*SpikeMonitor, error) {
	if s.popOf(p) == nil {
		return nil, fmt.Errorf("snn: MonitorSpikes: population %s is not in the network", p.Name)
	}
	m := &SpikeMonitor{Pop: p, DT: s.DT, from: s.step}
	s.monitors = append(s.monitors, m)
	return m, nil
}

// record appends the spikes of step n to the spike monitors.
func (s *Sim) record(n int64, par int64) {
	for _, m := range s.monitors {
		ps := s.popOf(m.Pop)
		for _, sp := range ps.spikes[par] {
			for _, i := range sp {
				m.Steps = append(m.Steps, int32(n))
				m.Index = append(m.Index, i)
			}
		}
	}
}

// Len returns the number of recorded spikes.
func (m *SpikeMonitor) Len() int { return len(m.Index) }

// Time returns the time of spike k in ms (the start of the step in which
// the threshold was crossed, as Brian2 reports it).
func (m *SpikeMonitor) Time(k int) float64 { return float64(m.Steps[k]) * m.DT }

// Trains returns each neuron's spike times in ms.
func (m *SpikeMonitor) Trains() [][]float64 {
	trains := make([][]float64, m.Pop.Len())
	for k, i := range m.Index {
		trains[i] = append(trains[i], m.Time(k))
	}
	return trains
}

// MeanCV returns the mean coefficient of variation of the interspike
// intervals over neurons with at least three spikes after fromMS, and how
// many neurons qualified (as the Brian2 reference scripts compute it; CV
// uses the population standard deviation). A regular train has CV 0, a
// Poisson train CV 1.
func (m *SpikeMonitor) MeanCV(fromMS float64) (mean float64, neurons int) {
	var sum float64
	for _, tr := range m.Trains() {
		k := 0
		for k < len(tr) && tr[k] < fromMS {
			k++
		}
		tr = tr[k:]
		if len(tr) < 3 {
			continue
		}
		isi := make([]float64, len(tr)-1)
		var mu float64
		for j := range isi {
			isi[j] = tr[j+1] - tr[j]
			mu += isi[j]
		}
		mu /= float64(len(isi))
		if mu <= 0 {
			continue
		}
		var v float64
		for _, x := range isi {
			v += (x - mu) * (x - mu)
		}
		sum += math.Sqrt(v/float64(len(isi))) / mu
		neurons++
	}
	if neurons == 0 {
		return math.NaN(), 0
	}
	return sum / float64(neurons), neurons
}

// PopulationRate returns the population's firing rate in Hz in bins of
// binMS, from the monitor's start to the end of the last bin that was
// fully simulated up to untilMS.
func (m *SpikeMonitor) PopulationRate(binMS, untilMS float64) []float64 {
	stepsPerBin := max(1, int64(math.Round(binMS/m.DT)))
	nbins := int64(math.Round(untilMS/m.DT)-float64(m.from)) / stepsPerBin
	if nbins <= 0 {
		return nil
	}
	counts := make([]float64, nbins)
	for _, st := range m.Steps {
		if b := (int64(st) - m.from) / stepsPerBin; b < nbins {
			counts[b]++
		}
	}
	scale := 1000 / (float64(stepsPerBin) * m.DT * float64(m.Pop.Len()))
	for b := range counts {
		counts[b] *= scale
	}
	return counts
}

// StateMonitor samples one variable of chosen neurons every Every steps,
// at the start of the step (before integration), as Brian2's StateMonitor.
type StateMonitor struct {
	Pop     *Population
	Var     string
	Indices []int
	Every   int64       // sampling interval in steps (≥ 1)
	Times   []float64   // ms
	Values  [][]float32 // Values[sample][k] is neuron Indices[k]
	DT      float64

	owned  [][]int // positions in Indices owned by each worker
	first  int64   // step of the first sample
	target []float32
}

// MonitorState samples variable name of the neurons in indices every
// `every` steps from the current step on.
func (s *Sim) MonitorState(p *Population, name string, indices []int, every int) (*StateMonitor, error) {
	ps := s.popOf(p)
	if ps == nil {
		return nil, fmt.Errorf("snn: MonitorState: population %s is not in the network", p.Name)
	}
	target := p.Model.Var(name)
	if target == nil {
		return nil, fmt.Errorf("snn: MonitorState: population %s has no variable %q (has %v)", p.Name, name, p.Model.Vars())
	}
	if every < 1 {
		return nil, fmt.Errorf("snn: MonitorState: sampling every %d steps", every)
	}
	m := &StateMonitor{Pop: p, Var: name, Indices: slices.Clone(indices), Every: int64(every), DT: s.DT,
		owned: make([][]int, s.threads), first: s.step, target: target}
	for k, i := range indices {
		if i < 0 || i >= p.Len() {
			return nil, fmt.Errorf("snn: MonitorState: neuron %d of %s out of range [0, %d)", i, p.Name, p.Len())
		}
		for t := range s.threads {
			if i >= ps.bounds[t] && i < ps.bounds[t+1] {
				m.owned[t] = append(m.owned[t], k)
			}
		}
	}
	s.states = append(s.states, m)
	return m, nil
}

// grow makes room for the samples of steps [from, to) before a chunk runs,
// so workers only write into rows that exist.
func (m *StateMonitor) grow(from, to int64) {
	for n := from; n < to; n++ {
		if (n-m.first)%m.Every != 0 {
			continue
		}
		m.Times = append(m.Times, float64(n)*m.DT)
		m.Values = append(m.Values, make([]float32, len(m.Indices)))
	}
}

func (m *StateMonitor) sample(t int, n int64) {
	if (n-m.first)%m.Every != 0 {
		return
	}
	row := m.Values[(n-m.first)/m.Every]
	for _, k := range m.owned[t] {
		row[k] = m.target[m.Indices[k]]
	}
}
