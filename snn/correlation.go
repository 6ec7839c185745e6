package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// CountCorrelation estimates how synchronous a population fires: the mean
// Pearson correlation coefficient between the spike counts of pairs of
// neurons in bins of fixed width, over a sample of the population's
// neurons, as the microcircuit's activity is validated (van Albada et al.
// 2018; Potjans & Diesmann 2014 use the same measure on 2 ms bins).
//
// It is a [SpikeSink]: handed a population's spikes as they come (Sim's
// StreamSpikes), it keeps only running sums, in memory that depends on the
// sample (m neurons: m(m−1)/2 pair sums) and not on simulated time. Only
// whole bins count, from step From on.
type CountCorrelation struct {
	Pop     *Population
	Neurons []int32 // the sampled neurons, increasing
	// BinSteps is the bin width in steps; From the first step counted.
	BinSteps int64
	From     int64

	pos     []int32 // neuron → position in Neurons, or −1
	bin     int64   // the bin being filled
	counts  []int64 // this bin's counts, by position
	touched []int32 // positions with a count in this bin
	sx, sxx []int64 // Σ count, Σ count² over flushed bins
	sxy     []int64 // Σ count_a·count_b, pairs a < b packed by row
}

// NewCountCorrelation samples up to sample neurons of p uniformly (all of
// them if it has fewer), drawn from seed, to correlate their counts in
// bins of binSteps steps from step from on.
func NewCountCorrelation(p *Population, sample int, binSteps, from int64, seed uint64) (*CountCorrelation, error) {
	if binSteps < 1 || sample < 2 || from < 0 {
		return nil, fmt.Errorf("snn: CountCorrelation: bins of %d steps over %d neurons from step %d", binSteps, sample, from)
	}
	n := p.Len()
	c := &CountCorrelation{Pop: p, BinSteps: binSteps, From: from, pos: make([]int32, n)}
	for i := range c.pos {
		c.pos[i] = -1
	}
	if sample >= n {
		for i := range n {
			c.Neurons = append(c.Neurons, int32(i))
		}
	} else {
		// Floyd's algorithm: sample distinct neurons in O(sample).
		r := rand.New(rand.NewPCG(seed, 0x636f7272))
		chosen := map[int32]bool{}
		for j := n - sample; j < n; j++ {
			t := int32(r.IntN(j + 1))
			if chosen[t] {
				t = int32(j)
			}
			chosen[t] = true
			c.Neurons = append(c.Neurons, t)
		}
		slices.Sort(c.Neurons)
	}
	m := len(c.Neurons)
	for k, i := range c.Neurons {
		c.pos[i] = int32(k)
	}
	c.counts, c.sx, c.sxx = make([]int64, m), make([]int64, m), make([]int64, m)
	c.sxy = make([]int64, m*(m-1)/2)
	return c, nil
}

// pair returns the index of pair (a, b), a < b, in sxy.
func (c *CountCorrelation) pair(a, b int) int {
	m := len(c.Neurons)
	return a*(2*m-a-1)/2 + (b - a - 1)
}

// WriteSpikes takes spikes in time order (SpikeSink).
func (c *CountCorrelation) WriteSpikes(steps []int64, index []int32) error {
	for k, st := range steps {
		if st < c.From {
			continue
		}
		a := c.pos[index[k]]
		if a < 0 {
			continue
		}
		if b := (st - c.From) / c.BinSteps; b != c.bin {
			c.flush() // bins between them had no sampled spike: nothing to add
			c.bin = b
		}
		if c.counts[a] == 0 {
			c.touched = append(c.touched, a)
		}
		c.counts[a]++
	}
	return nil
}

// flush adds the current bin to the sums.
func (c *CountCorrelation) flush() {
	slices.Sort(c.touched)
	for x, a := range c.touched {
		ca := c.counts[a]
		c.sx[a] += ca
		c.sxx[a] += ca * ca
		for _, b := range c.touched[x+1:] {
			c.sxy[c.pair(int(a), int(b))] += ca * c.counts[b]
		}
	}
	for _, a := range c.touched {
		c.counts[a] = 0
	}
	c.touched = c.touched[:0]
}

// Mean returns the mean correlation coefficient over the pairs of sampled
// neurons whose counts vary, counting the whole bins that end at or before
// step until, and the number of such pairs; 0, 0 when none. Spikes in a
// later, partial bin are left out. Call it once, after the last spikes.
func (c *CountCorrelation) Mean(until int64) (mean float64, pairs int) {
	whole := (until - c.From) / c.BinSteps
	if whole <= 0 {
		return 0, 0
	}
	if c.bin < whole { // the bin being filled is whole: count it
		c.flush()
		c.bin = whole
	}
	bins := float64(whole)
	m := len(c.Neurons)
	sd := make([]float64, m)
	for a := range m {
		mu := float64(c.sx[a]) / bins
		sd[a] = math.Sqrt(max(0, float64(c.sxx[a])/bins-mu*mu))
	}
	sum := 0.0
	for a := range m {
		if sd[a] == 0 {
			continue
		}
		for b := a + 1; b < m; b++ {
			if sd[b] == 0 {
				continue
			}
			cov := float64(c.sxy[c.pair(a, b)])/bins - float64(c.sx[a])/bins*float64(c.sx[b])/bins
			sum += cov / (sd[a] * sd[b])
			pairs++
		}
	}
	if pairs == 0 {
		return 0, 0
	}
	return sum / float64(pairs), pairs
}
