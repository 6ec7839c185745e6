package snn

import "math"

// Counter-based random numbers: a draw is a pure function of (key, step,
// index), so whichever worker updates a neuron draws the same number for it
// at the same step, and results do not depend on the thread count. The
// mixing function is SplitMix64's finaliser (Steele, Lea & Flood 2014),
// applied twice so that nearby counters give unrelated outputs.

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// streamKey derives a key for one random stream (an input, a projection)
// from the simulation seed and the stream's number.
func streamKey(seed uint64, stream uint64) uint64 {
	return mix64(seed*0x9e3779b97f4a7c15 ^ mix64(stream+0x632be59bd9b4e019))
}

// Stream is a counter-based random stream: Uniform and Normal return a
// number determined by the stream, the time step and the neuron index
// alone, so a model can draw for any neuron on any worker and get the
// same bits whatever the thread count. The zero Stream is valid.
type Stream struct{ key uint64 }

// NewStream returns the stream numbered id under a seed.
func NewStream(seed, id uint64) Stream { return Stream{streamKey(seed, id)} }

// Uniform returns a float64 in [0, 1) for (step, index).
func (s Stream) Uniform(step int64, index int) float64 { return uniform(s.key, step, index) }

// Normal returns a standard normal deviate for (step, index).
func (s Stream) Normal(step int64, index int) float64 { return normal(s.key, step, index) }

// stepMul spreads steps apart in the counter of uniform.
const stepMul = 0xd1b54a32d192ed03

// uniform returns a float64 in [0, 1) for (key, step, index).
func uniform(key uint64, step int64, index int) float64 {
	h := mix64(key ^ mix64(uint64(step)*stepMul+uint64(index)))
	return float64(h>>11) * 0x1p-53
}

// normal returns a standard normal deviate for (key, step, index), by the
// Box–Muller transform of two uniforms on separate counters.
func normal(key uint64, step int64, index int) float64 {
	u1 := uniform(key, step, 2*index)
	u2 := uniform(key, step, 2*index+1)
	return math.Sqrt(-2*math.Log(1-u1)) * math.Cos(2*math.Pi*u2)
}

// binomialSampler draws from Binomial(n, p) by inverting its CDF with one
// uniform. It is exact and fast when n·p is small (Poisson-like inputs, a
// few events per step). The CDF is tabulated once, by the same recurrence
// drawLoop runs, so a draw is a few comparisons and gives drawLoop's k to
// the bit; past the table (long for large n·p), draw goes on with the
// recurrence.
type binomialSampler struct {
	n        int
	p0, odds float64 // P(K = 0) and p/(1−p)
	// cdf[k] is P(K ≤ k) as the recurrence accumulates it, up to k = n,
	// the point where P(K = k) underflows to 0 (done set for both), or
	// binomialTable entries; prob is P(K = len(cdf)−1).
	cdf  []float64
	prob float64
	done bool
	// head is cdf's first 8 entries, +Inf past its end: most draws of a
	// Poisson-like input end there, found without a branch.
	head [8]float64
	// guide[g] is the draw for u = g/guideSize, where the search for any
	// u in [g/guideSize, (g+1)/guideSize) may start (nil when n ≤ 0 or
	// p ≥ 1, which draw handles without a table).
	guide []uint16
	// at[k] is the least m with m·2⁻⁵³ ≥ cdf[k]: for a uniform drawn as
	// u = m·2⁻⁵³ (uniform's 53 bits), u ≥ cdf[k] exactly when m ≥ at[k],
	// and the guide entry of u is m >> (53 − guideBits), so a draw needs
	// no floating point (PoissonInput.Apply).
	at []uint64
}

// guideSize is the number of entries of binomialSampler.guide: the
// guide entry of a uniform's 53 bits m is m >> (53 − guideBits).
const (
	guideBits = 10
	guideSize = 1 << guideBits
)

// binomialTable bounds the tabulated CDF (8 bytes an entry).
const binomialTable = 4096

func newBinomialSampler(n int, p float64) binomialSampler {
	if p >= 1 {
		return binomialSampler{n: n, p0: 0, odds: math.Inf(1)}
	}
	b := binomialSampler{n: n, p0: math.Pow(1-p, float64(n)), odds: p / (1 - p)}
	if n <= 0 {
		return b
	}
	prob := b.p0
	cdf := prob
	b.cdf = append(b.cdf, cdf)
	for k := 0; ; {
		if k >= n {
			b.done = true
			break
		}
		if len(b.cdf) == binomialTable {
			break
		}
		prob *= float64(n-k) / float64(k+1) * b.odds
		k++
		cdf += prob
		b.cdf = append(b.cdf, cdf)
		if prob == 0 {
			b.done = true
			break
		}
	}
	b.prob = prob
	// The first k with u < cdf[k] for u = g/guideSize is a lower bound on
	// the draw of every u ≥ g/guideSize, since the CDF increases.
	b.guide = make([]uint16, guideSize)
	k := 0
	for g := range b.guide {
		u := float64(g) / guideSize
		for k < len(b.cdf)-1 && u >= b.cdf[k] {
			k++
		}
		b.guide[g] = uint16(k)
	}
	b.at = make([]uint64, len(b.cdf))
	for k, c := range b.cdf {
		// c·2⁵³ is exact (a power of two), and at most 2⁵³ (plus rounding).
		b.at[k] = uint64(math.Ceil(c * 0x1p53))
	}
	for j := range b.head {
		b.head[j] = math.Inf(1)
		if j < len(b.cdf) {
			b.head[j] = b.cdf[j]
		}
	}
	return b
}

// atLeast returns 1 if u ≥ c, else 0, without a branch.
func atLeast(u, c float64) int {
	var i int
	if u >= c {
		i = 1
	}
	return i
}

// draw returns the sample for uniform u in [0, 1): drawLoop's, from the
// table.
func (b *binomialSampler) draw(u float64) int {
	if b.n <= 0 {
		return 0
	}
	if math.IsInf(b.odds, 1) {
		return b.n
	}
	// The CDF increases: the entries at most u are the first k.
	h := &b.head
	k := atLeast(u, h[0]) + atLeast(u, h[1]) + atLeast(u, h[2]) + atLeast(u, h[3]) +
		atLeast(u, h[4]) + atLeast(u, h[5]) + atLeast(u, h[6]) + atLeast(u, h[7])
	if k < len(b.cdf) && k < len(h) {
		return k // u < cdf[k]
	}
	if k == len(h) {
		for k, c := range b.cdf[len(h):] {
			if u < c {
				return len(h) + k
			}
		}
	}
	k = len(b.cdf) - 1
	if b.done {
		return k
	}
	// Past the table: the recurrence from where it stopped.
	prob, cdf := b.prob, b.cdf[k]
	for u >= cdf && k < b.n {
		prob *= float64(b.n-k) / float64(k+1) * b.odds
		k++
		cdf += prob
		if prob == 0 && cdf <= u {
			break
		}
	}
	return k
}

// drawLoop is draw without the table: the reference it is tested against.
func (b *binomialSampler) drawLoop(u float64) int {
	if b.n <= 0 {
		return 0
	}
	if math.IsInf(b.odds, 1) {
		return b.n
	}
	prob := b.p0
	cdf := prob
	k := 0
	for u >= cdf && k < b.n {
		prob *= float64(b.n-k) / float64(k+1) * b.odds
		k++
		cdf += prob
		if prob == 0 && cdf <= u { // lost to underflow deep in the tail
			break
		}
	}
	return k
}

// uniformBits sets dst[i] to the 53 bits of uniform(key, ·, ·) for counter
// ctr+i, mix64(key ^ mix64(ctr+i)) >> 11: the uniform is dst[i]·2⁻⁵³.
// With AVX2, eight counters at a time.
func uniformBits(dst []uint64, key, ctr uint64) {
	done := 0
	if haveAVX2 && len(dst) >= 8 {
		done = len(dst) &^ 7
		uniformBitsAVX2(&dst[0], done, key, ctr)
	}
	for i := done; i < len(dst); i++ {
		dst[i] = mix64(key^mix64(ctr+uint64(i))) >> 11
	}
}
