package snn

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
)

// SpikeMonitor records every spike of a population as (step, index) pairs,
// 8 bytes per spike: its memory grows with simulated time. For long runs,
// [SpikeStats] keeps the statistics and a [SpikeSink] takes the spikes as
// they come, both in memory that does not grow.
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

// record hands the spikes of step n to the spike monitors, statistics
// and the buffers of the sinks (which Run empties between chunks).
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
	for _, m := range s.stats {
		for _, sp := range m.ps.spikes[par] {
			m.add(n, sp)
		}
	}
	for _, st := range s.streams {
		for _, sp := range st.ps.spikes[par] {
			for _, i := range sp {
				st.steps = append(st.steps, n)
				st.index = append(st.index, i)
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
// many neurons qualified; NaN when none did. It is [SpikeStats.MeanCV]
// over the recorded spikes, to the bit.
func (m *SpikeMonitor) MeanCV(fromMS float64) (mean float64, neurons int) {
	st := newSpikeStats(m.Pop, m.DT, fromMS)
	for k := range m.Index {
		st.add(int64(m.Steps[k]), m.Index[k:k+1])
	}
	if mean, neurons = st.MeanCV(); neurons == 0 {
		return math.NaN(), 0
	}
	return mean, neurons
}

// SpikeStats keeps running statistics of a population's spikes in memory
// that does not grow with simulated time (about 56 bytes per neuron): each
// neuron's spike count, first and last spike, and the count, sum and sum
// of squares of its interspike intervals after CVFromMS, in whole steps.
// [SpikeStats.MeanCV] computes from these what [SpikeMonitor.MeanCV]
// computes from every spike.
type SpikeStats struct {
	Pop *Population
	DT  float64 // ms per step
	// CVFromMS is the time (ms) from which MeanCV counts spikes.
	CVFromMS float64
	// Count[i] is the number of spikes neuron i fired since monitoring
	// began.
	Count []int64
	// First[i] and Last[i] are the steps of neuron i's first and latest
	// spikes; −1 while it has not fired.
	First, Last []int64

	ps     *popState
	total  int64
	from   int64       // first step counted at all (MonitorStatsFrom)
	cvFrom int64       // first step MeanCV counts
	cvN    []int64     // spikes at or after cvFrom
	cvFirs []int64     // step of the first of them
	sq     [][2]uint64 // Σ isi² in steps², 128 bits (high, low)
}

// MonitorStats starts keeping the statistics of p's spikes from the
// current step on; MeanCV will count the spikes at or after cvFromMS.
func (s *Sim) MonitorStats(p *Population, cvFromMS float64) (*SpikeStats, error) {
	ps := s.popOf(p)
	if ps == nil {
		return nil, fmt.Errorf("snn: MonitorStats: population %s is not in the network", p.Name)
	}
	if math.IsNaN(cvFromMS) || math.IsInf(cvFromMS, 0) {
		return nil, fmt.Errorf("snn: MonitorStats: CV from %v ms", cvFromMS)
	}
	m := newSpikeStats(p, s.DT, cvFromMS)
	m.ps = ps
	s.stats = append(s.stats, m)
	return m, nil
}

// MonitorStatsFrom is MonitorStats counting only the spikes at or after
// fromMS (a warm-up left out): Count, First, Last and Spikes ignore the
// earlier ones. Intervals for MeanCV start at the later of fromMS and
// cvFromMS.
func (s *Sim) MonitorStatsFrom(p *Population, fromMS, cvFromMS float64) (*SpikeStats, error) {
	if math.IsNaN(fromMS) || math.IsInf(fromMS, 0) {
		return nil, fmt.Errorf("snn: MonitorStats: from %v ms", fromMS)
	}
	m, err := s.MonitorStats(p, max(fromMS, cvFromMS))
	if err != nil {
		return nil, err
	}
	m.from = firstStepAt(fromMS, s.DT)
	return m, nil
}

func newSpikeStats(p *Population, dt, cvFromMS float64) *SpikeStats {
	n := p.Len()
	m := &SpikeStats{Pop: p, DT: dt, CVFromMS: cvFromMS,
		Count: make([]int64, n), First: make([]int64, n), Last: make([]int64, n),
		cvN: make([]int64, n), cvFirs: make([]int64, n), sq: make([][2]uint64, n)}
	for i := range n {
		m.First[i], m.Last[i] = -1, -1
	}
	m.cvFrom = firstStepAt(cvFromMS, dt)
	return m
}

// firstStepAt returns the first step whose time, computed as
// SpikeMonitor.Time computes it, is at or after ms.
func firstStepAt(ms, dt float64) int64 {
	switch steps := math.Ceil(ms / dt); {
	case !(steps > 0): // NaN too: every spike counts
		return 0
	case steps >= 1<<62:
		return math.MaxInt64 // never reached
	default:
		n := int64(steps)
		for n > 0 && float64(n-1)*dt >= ms {
			n--
		}
		for float64(n)*dt < ms {
			n++
		}
		return n
	}
}

// add counts the spikes of neurons sp at step n.
func (m *SpikeStats) add(n int64, sp []int32) {
	if n < m.from {
		return
	}
	m.total += int64(len(sp))
	for _, i := range sp {
		if m.First[i] < 0 {
			m.First[i] = n
		}
		if n >= m.cvFrom {
			if m.cvN[i] == 0 {
				m.cvFirs[i] = n
			} else {
				// Σd² ≤ (Σd)² < 2¹²⁶: 128 bits always hold it.
				d := uint64(n - m.Last[i])
				hi, lo := bits.Mul64(d, d)
				var c uint64
				m.sq[i][1], c = bits.Add64(m.sq[i][1], lo, 0)
				m.sq[i][0] += hi + c
			}
			m.cvN[i]++
		}
		m.Last[i] = n
		m.Count[i]++
	}
}

// Spikes returns the number of spikes counted so far.
func (m *SpikeStats) Spikes() int64 { return m.total }

// MeanCV returns the mean coefficient of variation of the interspike
// intervals over neurons with at least three spikes at or after CVFromMS,
// and how many neurons qualified; the mean is 0 when none did. A regular
// train has CV 0, a Poisson train CV 1. As in the Brian2 reference
// scripts, CV uses the population standard deviation. It is computed
// exactly from the intervals in whole steps (CV does not depend on their
// unit) and rounded once, so a train regular to the step has CV exactly
// 0, where subtracting spike times rounded in ms leaves ~1e-16.
func (m *SpikeStats) MeanCV() (mean float64, neurons int) {
	var sum float64
	var num, t big.Int
	var f big.Float
	for i, k := range m.cvN {
		if k < 3 {
			continue
		}
		// With n intervals d_j summing to S1 = last − first and squares
		// summing to S2, CV = sqrt(n·S2 − S1²) / S1.
		s1 := m.Last[i] - m.cvFirs[i]
		if s1 <= 0 {
			continue
		}
		num.SetUint64(m.sq[i][0])
		num.Lsh(&num, 64)
		num.Or(&num, t.SetUint64(m.sq[i][1]))
		num.Mul(&num, t.SetInt64(k-1))
		t.SetInt64(s1)
		num.Sub(&num, t.Mul(&t, &t))
		v, _ := f.SetInt(&num).Float64()
		sum += math.Sqrt(max(0, v)) / float64(s1)
		neurons++
	}
	if neurons == 0 {
		return 0, 0
	}
	return sum / float64(neurons), neurons
}

// A SpikeSink takes a population's spikes while a simulation runs, so that
// they can be written out or reduced without being kept in memory.
type SpikeSink interface {
	// WriteSpikes takes the spikes of a chunk of steps, in time order and
	// within a step by neuron: neuron index[k] fired at step steps[k]. The
	// slices are reused once it returns. An error stops [Sim.Run], which
	// returns it.
	WriteSpikes(steps []int64, index []int32) error
}

// stream buffers a population's spikes for a sink during a chunk of steps.
type stream struct {
	ps    *popState
	sink  SpikeSink
	steps []int64
	index []int32
}

// StreamSpikes hands the spikes of p from the current step on to sink.
// Run calls sink between chunks of steps (never from a worker, and only
// with spikes), so memory holds one chunk's spikes at most.
func (s *Sim) StreamSpikes(p *Population, sink SpikeSink) error {
	ps := s.popOf(p)
	if ps == nil {
		return fmt.Errorf("snn: StreamSpikes: population %s is not in the network", p.Name)
	}
	if sink == nil {
		return fmt.Errorf("snn: StreamSpikes: population %s: nil sink", p.Name)
	}
	s.streams = append(s.streams, &stream{ps: ps, sink: sink})
	return nil
}

// flush hands each sink the spikes buffered since the last flush.
func (s *Sim) flush() error {
	for _, st := range s.streams {
		if len(st.index) == 0 {
			continue
		}
		err := st.sink.WriteSpikes(st.steps, st.index)
		st.steps, st.index = st.steps[:0], st.index[:0]
		if err != nil {
			return fmt.Errorf("snn: spikes of %s: %w", st.ps.pop.Name, err)
		}
	}
	return nil
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
