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

// CountOps runs the examples of x (batch first, as Forward takes them)
// through the network with training off and returns the operations spent
// per example, as package energy defines them:
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
//     Leaky layer (its fan-out); the last spiking layer's spikes, read out
//     by SpikeCount, reach no synapse; a LIF or Leaky layer fed analog
//     values that change with time (a recurrent layer's sequence) costs
//     In·Out MACs per step;
//   - activations, softmax, dropout, reshapes, pooling, batch
//     normalisation and spike counting cost nothing.
//
// The examples run countBatch (500) at a time; as with any Forward, a
// rate-coding SpikeEncode advances its random stream, and the hooks are
// not called. It returns an error for an empty x and for a layer type it
// has no count for, and panics, as Forward does, on an input shape the
// network does not take.
func (s *Sequential) CountOps(x *tensor.Tensor) (energy.Ops, error) {
	if x == nil || x.Dims() == 0 || x.Shape[0] == 0 {
		return energy.Ops{}, fmt.Errorf("ann: count ops: no examples")
	}
	for i, l := range s.Layers {
		switch l.(type) {
		case *Dense, *Conv2D, *Recurrent, *SpikeEncode, *LIF, *Leaky,
			*Activation, *Softmax, *Dropout, *Reshape, *Pool2D, *BatchNorm, *SpikeCount:
		default:
			return energy.Ops{}, fmt.Errorf("ann: count ops: layer %d (%s): no operation count for this layer type", i, l.Kind())
		}
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
		sum = sum.Add(s.countBatch(h))
	}
	return energy.Ops{MACs: sum.MACs / float64(n), SynapticEvents: sum.SynapticEvents / float64(n),
		Spikes: sum.Spikes / float64(n), InputSpikes: sum.InputSpikes / float64(n)}, nil
}

// What a layer receives: analog values (the default), direct coding's
// constant current, or spikes.
const (
	analogIn = iota
	constantIn
	spikesIn
)

// countBatch runs one batch and returns its total operations (not per
// example).
func (s *Sequential) countBatch(h *tensor.Tensor) energy.Ops {
	var ops energy.Ops
	rows := float64(h.Shape[0])
	kind, pending := analogIn, 0.0 // what is in flight; spikes not yet delivered
	// receive charges the synapses of a layer of out neurons over time fed
	// x (N, T, in): events for spikes, MACs once for a constant current,
	// MACs at every step for an analog input that changes with time.
	receive := func(x *tensor.Tensor, in, out int) {
		switch kind {
		case spikesIn:
			ops.SynapticEvents += pending * float64(out)
		case constantIn:
			ops.MACs += rows * float64(in*out)
		default:
			ops.MACs += rows * float64(x.Shape[1]*in*out)
		}
		kind, pending = analogIn, 0
	}
	for _, l := range s.Layers {
		in := h
		h = l.Forward(h, false)
		switch l := l.(type) {
		case *Dense:
			ops.MACs += rows * float64(l.In*l.Out)
			kind, pending = analogIn, 0
		case *Conv2D:
			g := l.Geom
			ops.MACs += rows * float64(l.Filters*g.OutH()*g.OutW()*g.ColRows())
			kind, pending = analogIn, 0
		case *Recurrent:
			ops.MACs += rows * float64(in.Shape[1]*l.gates()*l.Hidden*(l.In+l.Hidden))
			kind, pending = analogIn, 0
		case *SpikeEncode:
			if l.Coding == DirectCoding {
				kind, pending = constantIn, 0
				break
			}
			k := float64(countNonZero(h.Data))
			ops.Spikes += k
			ops.InputSpikes += k
			kind, pending = spikesIn, k
		case *LIF:
			receive(in, l.In, l.Out)
			ops.Spikes += float64(l.Spikes)
			kind, pending = spikesIn, float64(l.Spikes)
		case *Leaky:
			receive(in, l.In, l.Out)
		case *Dropout, *Reshape:
			// the identity at inference: what is in flight passes through
		default:
			kind, pending = analogIn, 0
		}
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
