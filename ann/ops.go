package ann

import (
	"fmt"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// countBatch is the number of examples CountOps runs at once. Rate-coded
// spikes depend on how the examples are batched (SpikeEncode's stream is
// keyed by the call and the position in the batch), so it is fixed: the
// same examples always give the same counts.
const countBatch = 500

// Signal is what a layer's input carries, as operation counting sees it:
// it decides what a layer with synapses pays to receive it.
type Signal int

const (
	// AnalogSignal is values that may change at every step: a MAC per
	// synapse per step (and per example). It is the zero Signal.
	AnalogSignal Signal = iota
	// CurrentSignal is direct coding's constant current: the same at
	// every step, so a MAC per synapse once per example.
	CurrentSignal
	// SpikeSignal is spikes: a synaptic event per spike per synapse it
	// reaches.
	SpikeSignal
)

// Flow is what one layer hands the next while operations are counted.
type Flow struct {
	// Signal is what the values are.
	Signal Signal
	// Pending is how many spikes of the batch are in flight: counted in
	// energy.Ops.Spikes when they were fired, not yet delivered to any
	// synapse. Only a SpikeSignal has any.
	Pending float64
}

// Receive returns the operations of delivering f, carried by x (N, T,
// in), to the synapses of a layer of out neurons with in inputs each:
// one synaptic event per pending spike per neuron (the spikes' fan-out);
// in·out MACs per example for a constant current, computed once; in·out
// MACs per example and step for analog values.
func (f Flow) Receive(x *tensor.Tensor, in, out int) energy.Ops {
	rows := float64(x.Shape[0])
	switch f.Signal {
	case SpikeSignal:
		return energy.Ops{SynapticEvents: f.Pending * float64(out)}
	case CurrentSignal:
		return energy.Ops{MACs: rows * float64(in*out)}
	default:
		return energy.Ops{MACs: rows * float64(x.Shape[1]*in*out)}
	}
}

// OpInput is what a layer's operation count depends on besides the layer
// itself (and what its last Forward left in it, such as LIF.Spikes).
type OpInput struct {
	// X is the batch the layer's last Forward(X, false) received and Y
	// what it returned. Y is nil, and X a batch the layer never ran, when
	// the count is asked without running the layer, which only a layer
	// whose count depends on X's shape alone allows: DenseMACs asks every
	// Linear layer so.
	X, Y *tensor.Tensor
	// Flow is what X carries.
	Flow
}

// OpCounter is a layer that counts the operations it spends, as package
// energy defines them. Every layer type of this package is one; a network
// with a layer that is not cannot be counted.
type OpCounter interface {
	Layer
	// CountOps returns the operations the layer spent on the whole batch
	// in.X (not per example), and what its output carries. A layer with
	// synapses pays for in.Flow (Flow.Receive); a layer whose output holds
	// its input's values returns in.Flow, so that spikes in flight reach
	// the next layer with synapses; a layer that fires spikes counts them
	// and returns them pending; any other layer returns the zero Flow
	// (analog values), dropping spikes that reach no synapse.
	CountOps(in OpInput) (energy.Ops, Flow)
}

// CountOps runs the examples of x (batch first, as Forward takes them)
// through the network with training off and returns the operations spent
// per example, as package energy defines them. Each layer counts its own
// (OpCounter), told what its input carries by the layer before it:
//
//   - Dense, Conv2D and Recurrent layers cost MACs: In·Out,
//     F·OutH·OutW·C·KH·KW and T·G·H·(In + H) (G = 4 gates for an LSTM, 1
//     for an RNN) per example;
//   - a SpikeEncode layer with rate or latency coding produces input
//     spikes (counted in Spikes and InputSpikes); one with direct coding
//     produces a constant current, which costs the next LIF or Leaky layer
//     In·Out MACs once per example (it is the same at every step);
//   - a LIF layer's spikes count in Spikes; every spike, the input's
//     included, costs one synaptic event per neuron of the next LIF or
//     Leaky layer (its fan-out), passing through dropout and reshapes; the
//     last spiking layer's spikes, read out by SpikeCount, reach no
//     synapse; a LIF or Leaky layer fed analog values that change with
//     time (a recurrent layer's sequence) costs In·Out MACs per step;
//   - activations, softmax, dropout, reshapes, pooling, batch
//     normalisation and spike counting cost nothing.
//
// The examples run countBatch (500) at a time; as with any Forward, a
// rate-coding SpikeEncode advances its random stream, and the hooks are
// not called. It returns an error for an empty x and for a layer that is
// not an OpCounter, and panics, as Forward does, on an input shape the
// network does not take.
func (s *Sequential) CountOps(x *tensor.Tensor) (energy.Ops, error) {
	if x == nil || x.Dims() == 0 || x.Shape[0] == 0 {
		return energy.Ops{}, fmt.Errorf("ann: count ops: no examples")
	}
	counters := make([]OpCounter, len(s.Layers))
	for i, l := range s.Layers {
		c, ok := l.(OpCounter)
		if !ok {
			return energy.Ops{}, fmt.Errorf("ann: count ops: layer %d (%s): no operation count for this layer type", i, l.Kind())
		}
		counters[i] = c
	}
	n := x.Shape[0]
	per := len(x.Data) / n
	var sum energy.Ops
	for lo := 0; lo < n; lo += countBatch {
		hi := min(lo+countBatch, n)
		h := tensor.FromData(x.Data[lo*per:hi*per], append([]int{hi - lo}, x.Shape[1:]...)...)
		if len(s.InputShape) > 0 && h.Dims() == 2 {
			h = h.Reshape(append([]int{hi - lo}, s.InputShape...)...)
		}
		sum = sum.Add(countLayers(counters, h))
	}
	return energy.Ops{MACs: sum.MACs / float64(n), SynapticEvents: sum.SynapticEvents / float64(n),
		Spikes: sum.Spikes / float64(n), InputSpikes: sum.InputSpikes / float64(n)}, nil
}

// countLayers runs one batch h through the layers and returns its total
// operations (not per example).
func countLayers(layers []OpCounter, h *tensor.Tensor) energy.Ops {
	var ops energy.Ops
	var f Flow // what h carries
	for _, l := range layers {
		x := h
		h = l.Forward(x, false)
		o, next := l.CountOps(OpInput{X: x, Y: h, Flow: f})
		ops, f = ops.Add(o), next
	}
	return ops
}

func countNonZero(v []float32) int {
	n := 0
	for _, x := range v {
		if x != 0 {
			n++
		}
	}
	return n
}

// Spiking reports whether the network has a layer of spiking neurons
// (LIF), whose spikes CountOps counts.
func (s *Sequential) Spiking() bool {
	for _, l := range s.Layers {
		if _, ok := l.(*LIF); ok {
			return true
		}
	}
	return false
}
