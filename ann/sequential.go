package ann

import (
	"fmt"

	"github.com/neurite/neurite/tensor"
)

// Hooks let a caller watch everything inside a network while it runs (the
// article: in artificial networks "all processes can be closely
// monitored"). Either function may be nil.
type Hooks struct {
	// Activation sees each layer's output after Forward.
	Activation func(layer int, kind string, out *tensor.Tensor)
	// Gradient sees each layer after Backward: the gradient reaching its
	// input (nil for the first layer) and its parameters with their
	// gradients.
	Gradient func(layer int, kind string, dInput *tensor.Tensor, params []*Param)
}

// Sequential is a stack of layers applied in order.
type Sequential struct {
	Layers []Layer
	Hooks  Hooks
	// InputShape, if set, is the shape of one example: flat input rows
	// are viewed as (N, InputShape…) before the first layer.
	InputShape []int
}

// Forward runs the batch through every layer.
func (s *Sequential) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	if len(s.InputShape) > 0 && x.Dims() == 2 {
		x = x.Reshape(append([]int{x.Shape[0]}, s.InputShape...)...)
	}
	for i, l := range s.Layers {
		x = l.Forward(x, train)
		if s.Hooks.Activation != nil {
			s.Hooks.Activation(i, l.Kind(), x)
		}
	}
	return x
}

// Backward propagates dLoss/dOutput back through the layers, leaving
// every parameter's gradient set. The first layer's input gradient is not
// computed.
func (s *Sequential) Backward(dy *tensor.Tensor) {
	for i := len(s.Layers) - 1; i >= 0; i-- {
		l := s.Layers[i]
		dy = l.Backward(dy, i > 0)
		if s.Hooks.Gradient != nil {
			s.Hooks.Gradient(i, l.Kind(), dy, l.Params())
		}
	}
}

// InputGradient propagates dLoss/dOutput back through every layer, the
// first included, after a Forward (in training or at inference), and
// returns dLoss/dInput as flat rows (batch, features) — what an
// adversarial attack follows — leaving every parameter's gradient set as
// Backward does. The result belongs to the first layer and is overwritten
// by its next Backward. It returns an error naming the first layer that
// gives no input gradient (a spike encoder with latency coding: a spike's
// time is a step function of its intensity).
func (s *Sequential) InputGradient(dy *tensor.Tensor) (*tensor.Tensor, error) {
	for i := len(s.Layers) - 1; i >= 0; i-- {
		l := s.Layers[i]
		dy = l.Backward(dy, true)
		if s.Hooks.Gradient != nil {
			s.Hooks.Gradient(i, l.Kind(), dy, l.Params())
		}
		if dy == nil {
			return nil, fmt.Errorf("ann: layer %d (%s) has no gradient with respect to its input", i, l.Kind())
		}
	}
	n := dy.Shape[0]
	return tensor.FromData(dy.Data, n, len(dy.Data)/max(n, 1)), nil
}

// Params returns every trainable parameter, layer by layer.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Buffers returns the layers' saved, untrained state (batch
// normalisation's running statistics), layer by layer.
func (s *Sequential) Buffers() []*Param {
	var bs []*Param
	for _, l := range s.Layers {
		if b, ok := l.(interface{ Buffers() []*Param }); ok {
			bs = append(bs, b.Buffers()...)
		}
	}
	return bs
}

// NumParams returns the number of trainable scalars.
func (s *Sequential) NumParams() int {
	n := 0
	for _, p := range s.Params() {
		n += p.Value.Len()
	}
	return n
}

// Predict returns the most likely class of each row of x (argmax of the
// outputs, or output > 0.5 for a single output unit).
func (s *Sequential) Predict(x *tensor.Tensor) []int {
	y := s.Forward(x, false)
	out := make([]int, y.Rows())
	for i := range out {
		row := y.Row(i)
		if len(row) == 1 {
			if row[0] > 0.5 {
				out[i] = 1
			}
			continue
		}
		out[i] = tensor.ArgMax(row)
	}
	return out
}

// Freeze fixes the parameters of the first n layers that have any (dense,
// convolutional, recurrent, batch normalisation; activations and pooling
// are not counted), so that training changes only the rest: fine-tuning a
// pretrained network on a new task. It returns an error if the network has
// fewer than n such layers.
func (s *Sequential) Freeze(n int) error {
	if n < 0 {
		return fmt.Errorf("ann: freeze %d layers", n)
	}
	done := 0
	for _, l := range s.Layers {
		if done == n {
			break
		}
		ps := l.Params()
		if len(ps) == 0 {
			continue
		}
		for _, p := range ps {
			p.Frozen = true
		}
		done++
	}
	if done < n {
		return fmt.Errorf("ann: cannot freeze %d layers: the network has %d with weights", n, done)
	}
	return nil
}

// DenseMACs returns the multiply–accumulates of one example's pass
// through the Linear (dense) layers, as each counts them (OpCounter; a
// Linear layer that is not an OpCounter adds nothing): the figure an
// artificial network's energy estimate multiplies. It runs nothing, so it
// leaves the layers as they are. CountOps counts every layer,
// convolutional, recurrent and spiking ones included, without this
// shortcut's assumption that only dense layers do work.
func (s *Sequential) DenseMACs() int {
	var macs float64
	for _, l := range s.Layers {
		lin, ok := l.(Linear)
		c, counts := l.(OpCounter)
		if !ok || !counts {
			continue
		}
		w, _ := lin.Linear()
		ops, _ := c.CountOps(OpInput{X: tensor.New(1, w.Value.Shape[1])})
		macs += ops.MACs
	}
	return int(macs)
}
