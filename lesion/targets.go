package lesion

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/snn"
)

// ANN lesions the hidden units of a multilayer network: the outputs of
// every linear layer (ann.Linear: Dense) but the last. Removing unit u of
// layer l zeroes its incoming weights and bias and its outgoing weights in
// the next linear layer; with ReLU, tanh or no activation its output is
// then 0 and it vanishes from the computation (a sigmoid unit would still
// send 0.5, so its outgoing weights are what cut it off). Layers that are
// not ann.Linear are left as they are.
type ANN struct {
	Net   *ann.Sequential
	units [][2]int // (index of the linear layer, unit) for each unit
	next  map[int]ann.Linear
}

// NewANN returns the hidden units of net as a Target. It returns an error
// if net has fewer than two linear layers, or if one does not feed the
// next unit for unit.
func NewANN(net *ann.Sequential) (*ANN, error) {
	var dense []int
	for i, l := range net.Layers {
		if _, ok := l.(ann.Linear); ok {
			dense = append(dense, i)
		}
	}
	if len(dense) < 2 {
		return nil, fmt.Errorf("lesion: the network has %d dense layers; hidden units need at least two", len(dense))
	}
	a := &ANN{Net: net, next: map[int]ann.Linear{}}
	for k, li := range dense[:len(dense)-1] {
		next := net.Layers[dense[k+1]].(ann.Linear)
		_, _, _, out := a.layer(li)
		_, _, in, _ := weights(next)
		if in != out {
			return nil, fmt.Errorf("lesion: dense layer %d feeds %d inputs of layer %d (%d units): only dense-to-dense stacks can be lesioned by unit", li, in, dense[k+1], out)
		}
		a.next[li] = next
		for u := range out {
			a.units = append(a.units, [2]int{li, u})
		}
	}
	return a, nil
}

// weights returns a linear layer's weights (out × in), biases and sizes.
func weights(l ann.Linear) (w, b *ann.Param, in, out int) {
	w, b = l.Linear()
	return w, b, w.Value.Shape[1], w.Value.Shape[0]
}

// layer returns the weights, biases and sizes of linear layer li.
func (a *ANN) layer(li int) (w, b *ann.Param, in, out int) {
	return weights(a.Net.Layers[li].(ann.Linear))
}

// Units returns the number of hidden units.
func (a *ANN) Units() int { return len(a.units) }

// Strength returns the summed magnitude of the unit's incoming and
// outgoing weights (every unit of a dense layer has the same degree, so
// the weights decide which are hubs).
func (a *ANN) Strength(u int) float64 {
	li, k := a.units[u][0], a.units[u][1]
	w, _, in, _ := a.layer(li)
	nw, _, nin, nout := weights(a.next[li])
	var s float64
	for _, v := range w.Value.Data[k*in : (k+1)*in] {
		s += math.Abs(float64(v))
	}
	for o := range nout {
		s += math.Abs(float64(nw.Value.Data[o*nin+k]))
	}
	return s
}

// RemoveUnits zeroes the units' weights in and out.
func (a *ANN) RemoveUnits(units []int) {
	for _, u := range units {
		li, k := a.units[u][0], a.units[u][1]
		w, b, in, _ := a.layer(li)
		nw, _, nin, nout := weights(a.next[li])
		clear(w.Value.Data[k*in : (k+1)*in])
		b.Value.Data[k] = 0
		for o := range nout {
			nw.Value.Data[o*nin+k] = 0
		}
	}
}

// Synapses returns the number of nonzero weights in the linear layers.
func (a *ANN) Synapses() int {
	n := 0
	for _, l := range a.Net.Layers {
		if d, ok := l.(ann.Linear); ok {
			w, _ := d.Linear()
			for _, v := range w.Value.Data {
				if v != 0 {
					n++
				}
			}
		}
	}
	return n
}

// RemoveSynapses zeroes each nonzero weight of the linear layers with
// probability frac.
func (a *ANN) RemoveSynapses(frac float64, r *rand.Rand) {
	for _, l := range a.Net.Layers {
		if d, ok := l.(ann.Linear); ok {
			w, _ := d.Linear()
			for i, v := range w.Value.Data {
				if v != 0 && r.Float64() < frac {
					w.Value.Data[i] = 0
				}
			}
		}
	}
}

// SNN lesions the neurons of some populations of a spiking network:
// removing a neuron deletes every synapse from or to it in every
// projection, so its spikes reach no one and nothing reaches it.
type SNN struct {
	Net    *snn.Network
	units  [][2]int // (population index, neuron)
	first  []int    // first unit of each lesionable population, by population index
	degree []int    // cached by Strength; nil after any removal
}

// NewSNN returns the neurons of the named populations (all if none are
// named) as a Target.
func NewSNN(net *snn.Network, populations ...string) (*SNN, error) {
	s := &SNN{Net: net, first: make([]int, len(net.Populations))}
	for k := range s.first {
		s.first[k] = -1
	}
	for k, p := range net.Populations {
		use := len(populations) == 0
		for _, name := range populations {
			use = use || p.Name == name
		}
		if !use {
			continue
		}
		s.first[k] = len(s.units)
		for i := range p.Len() {
			s.units = append(s.units, [2]int{k, i})
		}
	}
	if len(s.units) == 0 {
		return nil, fmt.Errorf("lesion: no neurons in populations %v", populations)
	}
	return s, nil
}

// Units returns the number of lesionable neurons.
func (s *SNN) Units() int { return len(s.units) }

// Population returns the population and index of unit u.
func (s *SNN) Population(u int) (*snn.Population, int) {
	return s.Net.Populations[s.units[u][0]], s.units[u][1]
}

// Strength returns the neuron's degree: synapses out plus synapses in.
func (s *SNN) Strength(u int) float64 {
	if s.degree == nil {
		s.degree = make([]int, len(s.units))
		for _, p := range s.Net.Projections {
			if k := s.firstOf(p.Pre); k >= 0 {
				for i := range p.Pre.Len() {
					s.degree[k+i] += p.RowPtr[i+1] - p.RowPtr[i]
				}
			}
			if k := s.firstOf(p.Post); k >= 0 {
				for _, t := range p.Targets {
					s.degree[k+int(t)]++
				}
			}
		}
	}
	return float64(s.degree[u])
}

// firstOf returns the unit number of pop's neuron 0, or −1 if pop is not
// lesionable.
func (s *SNN) firstOf(pop *snn.Population) int {
	for k, p := range s.Net.Populations {
		if p == pop {
			return s.first[k]
		}
	}
	return -1
}

// RemoveUnits deletes the neurons' synapses from every projection.
func (s *SNN) RemoveUnits(units []int) {
	gone := map[*snn.Population][]bool{}
	for _, u := range units {
		pop, i := s.Population(u)
		if gone[pop] == nil {
			gone[pop] = make([]bool, pop.Len())
		}
		gone[pop][i] = true
	}
	s.degree = nil
	for _, p := range s.Net.Projections {
		pre, post := gone[p.Pre], gone[p.Post]
		if pre == nil && post == nil {
			continue
		}
		filter(p, func(i int, t uint32) bool {
			return (pre == nil || !pre[i]) && (post == nil || !post[t])
		})
	}
}

// Synapses returns the synapses in the network.
func (s *SNN) Synapses() int { return s.Net.Synapses() }

// RemoveSynapses deletes each synapse with probability frac.
func (s *SNN) RemoveSynapses(frac float64, r *rand.Rand) {
	s.degree = nil
	for _, p := range s.Net.Projections {
		filter(p, func(int, uint32) bool { return r.Float64() >= frac })
	}
}

// filter keeps the synapses (pre i, target t) for which keep is true. It
// writes new rows rather than compacting the old ones, which the
// projection may share with its topology or with another projection.
func filter(p *snn.Projection, keep func(i int, t uint32) bool) {
	rowPtr := make([]int, len(p.RowPtr))
	targets := make([]uint32, 0, len(p.Targets))
	var weights []float32
	var delays []uint16
	for i := range p.Pre.Len() {
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			if !keep(i, p.Targets[s]) {
				continue
			}
			targets = append(targets, p.Targets[s])
			if p.Weights != nil {
				weights = append(weights, p.Weights[s])
			}
			if p.DelaySteps != nil {
				delays = append(delays, p.DelaySteps[s])
			}
		}
		rowPtr[i+1] = len(targets)
	}
	p.RowPtr, p.Targets = rowPtr, targets
	if p.Weights != nil {
		p.Weights = weights
	}
	if p.DelaySteps != nil {
		p.DelaySteps = delays
	}
	p.Rewired()
}
