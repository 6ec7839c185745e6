package diehlcook

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// State is what a network carries from one presentation to the next
// besides its weights, thresholds and labels: with them, everything that
// decides what it does next. A network given another's State (SetState)
// and the same W and Theta presents the following images exactly as the
// other would, bit for bit, which is what a training checkpoint needs.
type State struct {
	// Now is the number of time steps simulated, rests included.
	Now int
	// The excitatory and inhibitory neurons' potentials (mV), their
	// excitatory and inhibitory conductances (in units of the leak
	// conductance), and the step of each neuron's last spike (−1: none).
	VExc, GeExc, GiExc []float64
	VInh, GeInh, GiInh []float64
	LastExc, LastInh   []int
	// InputLast is the step of each input's last spike (−1: none), from
	// which its presynaptic trace is read.
	InputLast []int
	// Post1 and Post2 are the excitatory neurons' postsynaptic traces, in
	// [0, 1].
	Post1, Post2 []float64
	// Random is the position of the stream the Poisson input spikes are
	// drawn from (math/rand/v2's PCG, as its MarshalBinary writes it).
	Random []byte
	// Spikes, InhibitorySpikes and InputSpikes count the spikes simulated
	// and Events the synaptic events; Evaluate reports how much they grow.
	Spikes, InhibitorySpikes, InputSpikes, Events int64
}

// State returns a copy of the network's simulation state.
func (net *Net) State() State {
	rng, err := net.src.MarshalBinary()
	if err != nil {
		panic("diehlcook: " + err.Error()) // PCG's never fails
	}
	s := State{Now: net.now, Random: rng, InputSpikes: net.inSpikes}
	s.VExc, s.GeExc, s.GiExc, s.LastExc = slices.Clone(net.exc.v), slices.Clone(net.exc.ge), slices.Clone(net.exc.gi), lastSpikes(net.exc.last)
	s.VInh, s.GeInh, s.GiInh, s.LastInh = slices.Clone(net.inh.v), slices.Clone(net.inh.ge), slices.Clone(net.inh.gi), lastSpikes(net.inh.last)
	s.Post1, s.Post2 = slices.Clone(net.post1), slices.Clone(net.post2)
	if len(net.workers) > 0 {
		s.InputLast = lastSpikes(net.workers[0].preT)
	} else {
		s.InputLast = make([]int, net.In)
		for i := range s.InputLast {
			s.InputLast[i] = -1
		}
	}
	s.Spikes, s.Events = net.counters()
	s.InhibitorySpikes = net.inhibitorySpikes()
	return s
}

// lastSpikes returns the steps of last spikes with never as −1.
func lastSpikes(steps []int) []int {
	out := make([]int, len(steps))
	for i, t := range steps {
		if t == never {
			t = -1
		}
		out[i] = t
	}
	return out
}

// SetState puts the network in state s (copied), as State returned it
// from a network of the same parameters and inputs. It returns an error,
// and leaves the network as it was, if s cannot be such a state (Check).
func (net *Net) SetState(s State) error {
	if err := s.Check(net.P, net.In); err != nil {
		return err
	}
	src := &rand.PCG{}
	if err := src.UnmarshalBinary(s.Random); err != nil {
		return fmt.Errorf("diehlcook: state's random stream: %w", err)
	}
	*net.src = *src
	net.now, net.inSpikes = s.Now, s.InputSpikes
	set := func(l *layer, v, ge, gi []float64, last []int) {
		copy(l.v, v)
		copy(l.ge, ge)
		copy(l.gi, gi)
		for j, t := range last {
			l.last[j] = stepOrNever(t)
		}
	}
	set(&net.exc, s.VExc, s.GeExc, s.GiExc, s.LastExc)
	set(&net.inh, s.VInh, s.GeInh, s.GiInh, s.LastInh)
	copy(net.post1, s.Post1)
	copy(net.post2, s.Post2)
	net.split()
	for k, w := range net.workers {
		for i, t := range s.InputLast {
			w.preT[i] = stepOrNever(t)
		}
		w.spikes, w.events, w.inhSpikes = 0, 0, 0
		if k == 0 {
			w.spikes, w.events, w.inhSpikes = s.Spikes, s.Events, s.InhibitorySpikes
		}
	}
	return nil
}

func stepOrNever(t int) int {
	if t < 0 {
		return never
	}
	return t
}

// MaxSteps is the most time steps a State may say were simulated: 2⁵³,
// so that every step count is exact in a float64 (a file stores them so).
const MaxSteps = 1 << 53

// Check reports whether s can be the state of a network of parameters p
// and in inputs: every slice of the right length (Neurons, or in for
// InputLast), Now in [0, MaxSteps], every last spike −1 or a step before
// Now, potentials and conductances finite, traces in [0, 1], counters not
// negative and a random stream PCG can read.
func (s State) Check(p Params, in int) error {
	n := p.Neurons
	for _, f := range []struct {
		name string
		len  int
	}{{"VExc", len(s.VExc)}, {"GeExc", len(s.GeExc)}, {"GiExc", len(s.GiExc)}, {"LastExc", len(s.LastExc)},
		{"VInh", len(s.VInh)}, {"GeInh", len(s.GeInh)}, {"GiInh", len(s.GiInh)}, {"LastInh", len(s.LastInh)},
		{"Post1", len(s.Post1)}, {"Post2", len(s.Post2)}} {
		if f.len != n {
			return fmt.Errorf("diehlcook: state's %s has %d values for %d neurons", f.name, f.len, n)
		}
	}
	if len(s.InputLast) != in {
		return fmt.Errorf("diehlcook: state's InputLast has %d values for %d inputs", len(s.InputLast), in)
	}
	if s.Now < 0 || s.Now > MaxSteps {
		return fmt.Errorf("diehlcook: state at step %d, want 0 to 2⁵³", s.Now)
	}
	for _, f := range []struct {
		name  string
		steps []int
	}{{"LastExc", s.LastExc}, {"LastInh", s.LastInh}, {"InputLast", s.InputLast}} {
		for i, t := range f.steps {
			if t < -1 || t >= s.Now {
				return fmt.Errorf("diehlcook: state's %s[%d] is step %d; want −1 (none) or a step before %d", f.name, i, t, s.Now)
			}
		}
	}
	for _, f := range []struct {
		name  string
		v     []float64
		trace bool // in [0, 1]; else any finite number
	}{{"VExc", s.VExc, false}, {"GeExc", s.GeExc, false}, {"GiExc", s.GiExc, false}, {"VInh", s.VInh, false},
		{"GeInh", s.GeInh, false}, {"GiInh", s.GiInh, false}, {"Post1", s.Post1, true}, {"Post2", s.Post2, true}} {
		for j, v := range f.v {
			switch {
			case f.trace && !(v >= 0 && v <= 1):
				return fmt.Errorf("diehlcook: state's %s[%d] is %v, want a trace in [0, 1]", f.name, j, v)
			case math.IsNaN(v) || math.IsInf(v, 0):
				return fmt.Errorf("diehlcook: state's %s[%d] is %v, want a finite number", f.name, j, v)
			}
		}
	}
	if s.Spikes < 0 || s.InhibitorySpikes < 0 || s.InputSpikes < 0 || s.Events < 0 {
		return fmt.Errorf("diehlcook: state's counters %d, %d, %d, %d: want none negative", s.Spikes, s.InhibitorySpikes, s.InputSpikes, s.Events)
	}
	if err := (&rand.PCG{}).UnmarshalBinary(s.Random); err != nil {
		return fmt.Errorf("diehlcook: state's random stream: %w", err)
	}
	return nil
}
