package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurite/neurite/snn"
)

// Growth chooses the partners of new synapses.
type Growth int

const (
	// GrowRandom joins uniformly chosen pairs.
	GrowRandom Growth = iota
	// GrowDistance joins a random presynaptic neuron to a target chosen
	// with probability ∝ exp(−d/Lambda) from the populations' Positions:
	// fibres reach nearby neurons first.
	GrowDistance
	// GrowActivity joins neurons in proportion to their recent firing
	// (rate traces), pre and post alike: co-active neurons wire together.
	GrowActivity
)

// Round records one structural update.
type Round struct {
	TimeMS   float64 `json:"time_ms"`
	Synapses int     `json:"synapses"`
	Pruned   int     `json:"pruned"`
	Created  int     `json:"created"`
}

// Structural is structural plasticity: every Every ms, synapses weaker
// than PruneBelow, or whose presynaptic neuron has not fired for
// PruneIdle ms (0: never), are removed, and Create new synapses of weight
// NewWeight are formed between partners chosen by Growth (never
// duplicating an existing synapse, nor joining a neuron to itself within
// one population). The projection's rows are rebuilt in place, in
// O(synapses) per round; nothing else in the network is touched. New
// synapses take the projection's uniform Delay. History records every
// round.
type Structural struct {
	Every      float64 // ms
	PruneBelow float32
	PruneIdle  float64 // ms
	Create     int
	Growth     Growth
	Lambda     float64 // GrowDistance: length constant, in the Positions' unit
	NewWeight  float32
	Seed       uint64
	// RateTau is the time constant of the rate traces GrowActivity
	// samples from (ms; 1000 if zero).
	RateTau float64

	History []Round

	dt         float64
	every      int64
	r          *rand.Rand
	src        *rand.PCG // r's source, saved with the state
	lastSpike  []int64   // step of each presynaptic neuron's last spike
	pre, post  trace
	delaySteps uint16
}

// Prepare checks the parameters.
func (r *Structural) Prepare(p *snn.Projection, dt float64) error {
	switch {
	case !(r.Every > 0):
		return fmt.Errorf("structural plasticity needs Every > 0 ms")
	case r.Create < 0 || r.PruneIdle < 0:
		return fmt.Errorf("structural plasticity: Create %d and PruneIdle %v must not be negative", r.Create, r.PruneIdle)
	case r.Growth == GrowDistance && (!(r.Lambda > 0) || p.Pre.Positions == nil || p.Post.Positions == nil):
		return fmt.Errorf("growth by distance needs Lambda > 0 and Positions on both populations")
	case r.Growth < GrowRandom || r.Growth > GrowActivity:
		return fmt.Errorf("structural plasticity: unknown growth rule %d", r.Growth)
	}
	p.PerSynapseWeights()
	r.dt, r.every = dt, max(1, int64(math.Round(r.Every/dt)))
	r.src = rand.NewPCG(r.Seed, 0x737472756374)
	r.r = rand.New(r.src)
	r.lastSpike = make([]int64, p.Pre.Len())
	tau := r.RateTau
	if tau == 0 {
		tau = 1000
	}
	r.pre, r.post = newTrace(p.Pre.Len(), tau, dt), newTrace(p.Post.Len(), tau, dt)
	if p.DelaySteps != nil {
		r.delaySteps = uint16(math.Round(p.Delay / dt))
	}
	return nil
}

// Update tracks activity and, every Every ms, prunes and grows.
func (r *Structural) Update(p *snn.Projection, n int64, pre, post []int32) {
	for _, i := range pre {
		r.lastSpike[i] = n
	}
	if r.Growth == GrowActivity {
		r.pre.advance(pre)
		r.post.advance(post)
	}
	if (n+1)%r.every != 0 {
		return
	}
	pruned, created := r.rewire(p, n)
	r.History = append(r.History, Round{TimeMS: float64(n+1) * r.dt, Synapses: p.Synapses(), Pruned: pruned, Created: created})
}

// rewire rebuilds the projection's rows without the pruned synapses and
// with the new ones merged in order.
func (r *Structural) rewire(p *snn.Projection, n int64) (pruned, created int) {
	idle := int64(math.Round(r.PruneIdle / r.dt))
	keep := func(i int, s int) bool {
		if p.Weights[s] < r.PruneBelow {
			return false
		}
		return idle == 0 || n-r.lastSpike[i] < idle
	}
	adds := r.choose(p)
	rowPtr := make([]int, len(p.RowPtr))
	targets := make([]uint32, 0, len(p.Targets)+len(adds))
	weights := make([]float32, 0, cap(targets))
	var delays []uint16
	if p.DelaySteps != nil {
		delays = make([]uint16, 0, cap(targets))
	}
	a := 0
	for i := range p.Pre.Len() {
		old := p.RowPtr[i]
		end := p.RowPtr[i+1]
		for {
			// Merge the surviving synapses of row i with its new ones.
			haveOld := old < end
			haveNew := a < len(adds) && adds[a][0] == i
			if !haveOld && !haveNew {
				break
			}
			if haveOld && (!haveNew || p.Targets[old] <= uint32(adds[a][1])) {
				if haveNew && p.Targets[old] == uint32(adds[a][1]) {
					a++ // already there: not a new synapse
					continue
				}
				if keep(i, old) {
					targets = append(targets, p.Targets[old])
					weights = append(weights, p.Weights[old])
					if delays != nil {
						delays = append(delays, p.DelaySteps[old])
					}
				} else {
					pruned++
				}
				old++
				continue
			}
			targets = append(targets, uint32(adds[a][1]))
			weights = append(weights, r.NewWeight)
			if delays != nil {
				delays = append(delays, r.delaySteps)
			}
			created++
			a++
		}
		rowPtr[i+1] = len(targets)
	}
	p.RowPtr, p.Targets, p.Weights, p.DelaySteps = rowPtr, targets, weights, delays
	p.Rewired()
	return pruned, created
}

// choose returns up to Create distinct new (pre, post) pairs sorted by
// pre then post; pairs that turn out to exist already are skipped by the
// merge.
func (r *Structural) choose(p *snn.Projection) [][2]int {
	nPre, nPost := p.Pre.Len(), p.Post.Len()
	self := p.Pre == p.Post
	if nPre == 0 || nPost == 0 || (self && nPre < 2) {
		return nil
	}
	var preCDF, postCDF []float64
	if r.Growth == GrowActivity {
		preCDF, postCDF = cumulative(r.pre.v), cumulative(r.post.v)
		if preCDF[len(preCDF)-1] == 0 || postCDF[len(postCDF)-1] == 0 {
			return nil // nobody has fired: no activity to follow
		}
	}
	seen := map[[2]int]bool{}
	var out [][2]int
	for tries := 0; len(out) < r.Create && tries < 20*r.Create; tries++ {
		var i, j int
		switch r.Growth {
		case GrowRandom:
			i, j = r.r.IntN(nPre), r.r.IntN(nPost)
		case GrowActivity:
			i, j = sample(preCDF, r.r), sample(postCDF, r.r)
		case GrowDistance:
			i = r.r.IntN(nPre)
			j = r.r.IntN(nPost)
			a, b := p.Pre.Positions[i], p.Post.Positions[j]
			d := math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
			if r.r.Float64() >= math.Exp(-d/r.Lambda) {
				continue
			}
		}
		if (self && i == j) || seen[[2]int{i, j}] {
			continue
		}
		seen[[2]int{i, j}] = true
		out = append(out, [2]int{i, j})
	}
	slices.SortFunc(out, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return out
}

func cumulative(v []float64) []float64 {
	c := make([]float64, len(v))
	var s float64
	for i, x := range v {
		s += x
		c[i] = s
	}
	return c
}

func sample(cdf []float64, r *rand.Rand) int {
	u := r.Float64() * cdf[len(cdf)-1]
	i, _ := slices.BinarySearch(cdf, u)
	return min(i, len(cdf)-1)
}
