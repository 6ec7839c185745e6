package snn

import (
	"fmt"

	"github.com/neurite/neurite/topology"
)

// Population is a named group of neurons of one model.
type Population struct {
	Name  string
	Model Model
	// Positions, in mm, place the neurons in space (optional; used for
	// conduction delays computed from distance, see Network.AnatomicalDelays).
	Positions [][3]float64
}

// Len returns the number of neurons.
func (p *Population) Len() int { return p.Model.Len() }

// Projection is a set of synapses from one population to another, stored
// as sender-ordered compressed rows: the synapses of presynaptic neuron i
// are [RowPtr[i], RowPtr[i+1]) in Targets, Weights and DelaySteps. A
// synapse costs 4 bytes (its uint32 target) when all share one weight, 8
// with its own float32 weight, plus 2 when delays differ between synapses.
// Spike propagation reads a presynaptic neuron's row from memory on every
// spike, so in large networks these bytes are the speed.
type Projection struct {
	Name      string
	Pre, Post *Population
	// Target names the postsynaptic variable each spike adds its weight
	// to: "ge" or "gi" for synaptic inputs, "v" for a delta synapse
	// (an instantaneous voltage jump), "I" for a current.
	Target  string
	RowPtr  []int
	Targets []uint32
	// Weight is every synapse's weight, in the unit of Target, when
	// Weights is nil.
	Weight float32
	// Weights, if not nil, holds each synapse's own weight; see
	// PerSynapseWeights.
	Weights []float32
	// Delay is the transmission delay in ms shared by all synapses, used
	// when DelaySteps is nil. It is rounded to whole time steps.
	Delay float64
	// DelaySteps, if not nil, holds each synapse's delay in time steps.
	DelaySteps []uint16
	// STP, if not nil, scales each spike's weights by Tsodyks–Markram
	// short-term depression and facilitation.
	STP *STP
	// Plasticity, if not nil, changes the weights (and, for structural
	// rules, the synapses) while the network runs; see package
	// snn/plasticity.
	Plasticity Plasticity

	rewired    bool    // rows changed since the simulator last looked
	generation int     // how many times the rows were rewired
	pk         *packed // the compact form of the synapses (see Compact)
}

// Rewired tells the simulator that the rows (RowPtr, Targets, Weights,
// DelaySteps) were replaced by a structural rule during Update. The new
// rows must be valid and their delays must fit the delays the simulation
// started with: none longer than the longest, none shorter than the
// shortest.
func (p *Projection) Rewired() { p.rewired, p.generation = true, p.generation+1 }

// Generation counts the calls to Rewired: rules that index the synapses
// (by postsynaptic neuron, say) rebuild their index when it changes.
func (p *Projection) Generation() int { return p.generation }

// Plasticity is a learning rule acting on one projection inside the
// simulation. The simulator calls Prepare once from NewSim, then Update
// once per step n, after that step's spikes have been delivered and before
// the next step's are: pre and post are the neurons of the two populations
// that fired at step n, in increasing order. Update runs on one goroutine
// while no other reads the projection, so a rule may change weights and
// rows freely (call Projection.Rewired after changing rows); results do
// not depend on the thread count.
type Plasticity interface {
	Prepare(p *Projection, dt float64) error
	Update(p *Projection, n int64, pre, post []int32)
}

// Synapses returns the number of synapses.
func (p *Projection) Synapses() int {
	if p.pk != nil && p.pk.t16 != nil {
		return len(p.pk.t16)
	}
	return len(p.Targets)
}

// PerSynapseWeights gives every synapse its own weight, initialised to the
// shared Weight, and returns them for the caller to set (random weights,
// plasticity). A compact projection is expanded first (see Expand).
func (p *Projection) PerSynapseWeights() []float32 {
	p.Expand()
	if p.Weights == nil {
		p.Weights = make([]float32, len(p.Targets))
		for i := range p.Weights {
			p.Weights[i] = p.Weight
		}
	}
	return p.Weights
}

// WeightOf returns the weight of synapse s.
func (p *Projection) WeightOf(s int) float32 {
	if p.pk != nil && p.pk.q != nil {
		return p.pk.weight(s)
	}
	if p.Weights == nil {
		return p.Weight
	}
	return p.Weights[s]
}

// Bytes returns the memory the projection's synapses occupy.
func (p *Projection) Bytes() int {
	b := 8*len(p.RowPtr) + 4*len(p.Targets) + 4*len(p.Weights) + 2*len(p.DelaySteps)
	if p.pk != nil {
		b += p.pk.bytes()
	}
	if p.STP != nil {
		b += 24 * p.Pre.Len() // u, r and the last spike's step
	}
	return b
}

// Network is a set of populations, the projections between them and the
// inputs driving them. Build it, then simulate it with NewSim.
type Network struct {
	DT          float64 // time step, ms (> 0); 0.1 if zero
	Populations []*Population
	Projections []*Projection
	Inputs      []Input
	// Share, when it names one rank of several, says that the
	// projections hold only that rank's synapses, those onto its own
	// neurons (see Share, Spec.BuildShare): NewSim then runs the network
	// only as that rank of a Cluster of Share.Ranks. Zero: the whole
	// network.
	Share Share
}

// AddPopulation adds a model under a name and returns the population.
func (n *Network) AddPopulation(name string, m Model) *Population {
	p := &Population{Name: name, Model: m}
	n.Populations = append(n.Populations, p)
	return p
}

// Connect adds a projection from pre to post wired by g, every synapse
// with the same weight and delay (ms); call PerSynapseWeights on the result
// to vary weights. It returns an error if g's sizes do not match the
// populations or post has no variable named target.
func (n *Network) Connect(name string, pre, post *Population, target string, g *topology.CSR, weight float32, delay float64) (*Projection, error) {
	if g.Pre != pre.Len() || g.Post != post.Len() {
		return nil, fmt.Errorf("snn: projection %s: graph is %d→%d, populations %s and %s have %d and %d neurons",
			name, g.Pre, g.Post, pre.Name, post.Name, pre.Len(), post.Len())
	}
	p := &Projection{Name: name, Pre: pre, Post: post, Target: target, RowPtr: g.RowPtr, Targets: g.Targets, Weight: weight, Delay: delay}
	if err := p.validate(); err != nil {
		return nil, err
	}
	n.Projections = append(n.Projections, p)
	return p, nil
}

// Synapses returns the total number of synapses.
func (n *Network) Synapses() int {
	s := 0
	for _, p := range n.Projections {
		s += p.Synapses()
	}
	return s
}

// Neurons returns the total number of neurons.
func (n *Network) Neurons() int {
	s := 0
	for _, p := range n.Populations {
		s += p.Len()
	}
	return s
}

func (n *Network) dt() float64 {
	if n.DT == 0 {
		return 0.1
	}
	return n.DT
}

func (p *Projection) validate() error {
	name := p.Name
	if p.Pre == nil || p.Post == nil {
		return fmt.Errorf("snn: projection %s: missing pre- or postsynaptic population", name)
	}
	if p.Post.Model.Var(p.Target) == nil {
		return fmt.Errorf("snn: projection %s: population %s has no variable %q (has %v)", name, p.Post.Name, p.Target, p.Post.Model.Vars())
	}
	nsyn := p.Synapses()
	if len(p.RowPtr) != p.Pre.Len()+1 || p.RowPtr[len(p.RowPtr)-1] != nsyn {
		return fmt.Errorf("snn: projection %s: %d row pointers for %d presynaptic neurons and %d synapses",
			name, len(p.RowPtr), p.Pre.Len(), nsyn)
	}
	if p.Weights != nil && len(p.Weights) != nsyn {
		return fmt.Errorf("snn: projection %s: %d weights for %d synapses", name, len(p.Weights), nsyn)
	}
	if p.DelaySteps != nil && len(p.DelaySteps) != nsyn {
		return fmt.Errorf("snn: projection %s: %d delays for %d synapses", name, len(p.DelaySteps), nsyn)
	}
	if pk := p.pk; pk != nil && ((pk.q != nil && len(pk.q) != nsyn) || (pk.d8 != nil && len(pk.d8) != nsyn) ||
		(pk.t16 != nil && p.Post.Len() > MaxCompactTargets)) {
		return fmt.Errorf("snn: projection %s: compact synapses do not match its %d synapses", name, nsyn)
	}
	if err := nonNegative("projection "+name, "Delay", p.Delay); err != nil {
		return err
	}
	post := uint32(p.Post.Len())
	for i := range p.Pre.Len() {
		a, b := p.RowPtr[i], p.RowPtr[i+1]
		if a > b {
			return fmt.Errorf("snn: projection %s: row %d has negative length", name, i)
		}
		prev := uint32(0)
		for s := a; s < b; s++ {
			t := p.target(s)
			if t >= post || t < prev {
				return fmt.Errorf("snn: projection %s: row %d is out of range or unsorted at synapse %d", name, i, s-a)
			}
			prev = t
		}
	}
	if p.STP != nil {
		return p.STP.validate()
	}
	return nil
}

// delaySteps returns the delay in steps of synapse s.
func (p *Projection) delaySteps(s int, uniform int) int {
	if p.pk != nil && p.pk.d8 != nil {
		return int(p.pk.d8[s])
	}
	if p.DelaySteps != nil {
		return int(p.DelaySteps[s])
	}
	return uniform
}

// minDelaySteps returns the shortest delay of the projection in steps
// (MaxDelaySteps + 1 when it has per-synapse delays but no synapses).
func (p *Projection) minDelaySteps(dt float64) int {
	if p.pk != nil && p.pk.d8 != nil {
		m := uint8(255)
		for _, d := range p.pk.d8 {
			m = min(m, d)
		}
		if len(p.pk.d8) == 0 {
			return MaxDelaySteps + 1
		}
		return int(m)
	}
	if p.DelaySteps == nil {
		return delaySteps(p.Delay, dt)
	}
	m := MaxDelaySteps + 1
	for _, d := range p.DelaySteps {
		m = min(m, int(d))
	}
	return m
}

// maxDelaySteps returns the longest delay of the projection in steps
// (MaxDelaySteps + 1 for any longer).
func (p *Projection) maxDelaySteps(dt float64) int {
	if p.pk != nil && p.pk.d8 != nil {
		return p.pk.maxD
	}
	if p.DelaySteps == nil {
		return delaySteps(p.Delay, dt)
	}
	m := 0
	for _, d := range p.DelaySteps {
		m = max(m, int(d))
	}
	return m
}
