package attack

import (
	"errors"
	"fmt"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
)

// ErrNoGradient is wrapped by the error of a model that has no gradient
// with respect to its input for an attack to follow.
var ErrNoGradient = errors.New("attack: the model has no input gradient to follow")

// Model is a classifier as an attack sees it.
type Model interface {
	// Scores returns the class scores (rows × classes) of the rows of x,
	// inputs as the data holds them (pixels in [0, 1]); a row's predicted
	// class is its largest score, the first of equals. x is not changed;
	// the result may be overwritten by the next call.
	Scores(x *tensor.Tensor) *tensor.Tensor
}

// Differentiable is a Model with a gradient.
type Differentiable interface {
	Model
	// Gradient writes into g, a tensor of x's shape, the gradient with
	// respect to each row of x of that example's loss against its label
	// (row i of g is ∂L_i/∂x_i: losses summed over the batch, not
	// averaged).
	Gradient(g, x *tensor.Tensor, labels []int) error
}

// Net is a network trained by backpropagation (or through a surrogate
// gradient) as an attack sees it: inputs in the data's units, standardised
// by Norm (nil: none) before the network, its loss the network's own
// (Loss; nil: softmax cross-entropy). Make one with [NewNet].
type Net struct {
	Net  *ann.Sequential
	Norm *data.Normalizer
	Loss ann.Loss
	// Spikes, when active, corrupts the spike trains a spiking network's
	// encoder makes (rate or latency coding) before its first spiking
	// layer sees them: spikes dropped and jittered, keyed by each example's
	// row in the batch scored.
	Spikes data.SpikeNoise

	x, dy *tensor.Tensor
}

// NewNet wraps a network for attacks. It returns an error wrapping
// ErrNoGradient when the network has no gradient with respect to its
// input, naming the layer and why: a step activation (Rosenblatt's
// perceptron) is flat everywhere, and a latency-coded spike encoder turns
// intensities into spike times, a step function; such a network can still
// be scored, and attacked by SPSA, through [NewScorer].
func NewNet(net *ann.Sequential, inputs int, norm *data.Normalizer, loss ann.Loss) (*Net, error) {
	n, err := NewScorer(net, inputs, norm, loss)
	if err != nil {
		return nil, err
	}
	for i, l := range net.Layers {
		if e, ok := l.(*ann.SpikeEncode); ok && e.Coding == ann.LatencyCoding {
			return nil, fmt.Errorf("%w: layer %d codes intensities as spike times (latency coding), a step function of the intensity", ErrNoGradient, i)
		}
		if a, ok := l.(ann.Activator); ok && a.Function() == ann.Step {
			return nil, fmt.Errorf("%w: layer %d is a step function, whose gradient is zero wherever it is defined", ErrNoGradient, i)
		}
	}
	// Ask the layers for an input gradient once, on one example: a layer
	// that cannot give one says so by name.
	probe := tensor.New(1, inputs)
	out := net.Forward(probe, false)
	if _, err := net.InputGradient(tensor.New(out.Shape...)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoGradient, err)
	}
	return n, nil
}

// NewScorer wraps a network taking rows of inputs values to be scored
// only (by SPSA, or as the target of a transfer attack), whether or not it
// has a gradient.
func NewScorer(net *ann.Sequential, inputs int, norm *data.Normalizer, loss ann.Loss) (*Net, error) {
	if net == nil || len(net.Layers) == 0 || inputs < 1 {
		return nil, errors.New("attack: no network")
	}
	if loss == nil {
		loss = ann.SoftmaxCrossEntropy{}
	}
	n := &Net{Net: net, Norm: norm, Loss: loss}
	if norm != nil {
		if err := norm.Validate(inputs); err != nil {
			return nil, fmt.Errorf("attack: %w", err)
		}
	}
	return n, nil
}

// Scores runs the network on the rows of x at inference.
func (n *Net) Scores(x *tensor.Tensor) *tensor.Tensor {
	return n.forward(n.standardise(x))
}

// Gradient returns the gradient of each example's loss with respect to
// its raw input.
func (n *Net) Gradient(g, x *tensor.Tensor, labels []int) error {
	if x.Rows() != len(labels) || g.Rows() != x.Rows() || g.Cols() != x.Cols() {
		panic(fmt.Sprintf("attack: gradient of %v inputs into %v for %d labels", x.Shape, g.Shape, len(labels)))
	}
	out := n.forward(n.standardise(x))
	dy := reuseTensor(&n.dy, out.Shape...)
	n.Loss.Eval(dy, out, labels)
	// The loss averages over the batch; each example's own loss is rows
	// times its share.
	tensor.Scale(dy.Data, float32(x.Rows()), dy.Data)
	dx, err := n.Net.InputGradient(dy)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoGradient, err)
	}
	copy(g.Data, dx.Data)
	if n.Norm != nil {
		// ∂L/∂pixel = ∂L/∂x_std · ∂x_std/∂pixel = ∂L/∂x_std / σ.
		k := len(n.Norm.Std)
		for i := range g.Rows() {
			row := g.Row(i)
			for j := range row {
				row[j] /= n.Norm.Std[j%k]
			}
		}
	}
	return nil
}

// standardise returns x normalised as the network was trained, in a
// buffer of n's (x itself when there is no normaliser).
func (n *Net) standardise(x *tensor.Tensor) *tensor.Tensor {
	if n.Norm == nil {
		return x
	}
	b := reuseTensor(&n.x, x.Shape...)
	copy(b.Data, x.Data)
	for i := range b.Rows() {
		n.Norm.Row(b.Row(i))
	}
	return b
}

// forward runs the network, corrupting the encoded spike trains when
// Spikes asks and the network encodes spikes.
func (n *Net) forward(x *tensor.Tensor) *tensor.Tensor {
	enc, ok := n.Net.Layers[0].(*ann.SpikeEncode)
	if !n.Spikes.Active() || !ok || enc.Coding == ann.DirectCoding {
		return n.Net.Forward(x, false)
	}
	y := enc.Forward(x, false)
	n.Spikes.Apply(y)
	for _, l := range n.Net.Layers[1:] {
		y = l.Forward(y, false)
	}
	return y
}

// EncodesSpikes reports whether the network's input is turned into spike
// trains (rate or latency coding) that Spikes can corrupt.
func (n *Net) EncodesSpikes() bool {
	enc, ok := n.Net.Layers[0].(*ann.SpikeEncode)
	return ok && enc.Coding != ann.DirectCoding
}

// reuseTensor returns *t if it has the given shape, else a new tensor of
// that shape stored into *t.
func reuseTensor(t **tensor.Tensor, shape ...int) *tensor.Tensor {
	if *t == nil || !sameShape((*t).Shape, shape) {
		*t = tensor.New(shape...)
	}
	return *t
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
