package ann

import (
	"fmt"
	"slices"

	"github.com/neurite/neurite/tensor"
)

// Param is a trainable tensor and its gradient.
type Param struct {
	Name  string         // e.g. "0.weight", PyTorch's state_dict naming
	Value *tensor.Tensor // the weights
	Grad  *tensor.Tensor // dLoss/dValue after Backward, same shape
	// Frozen parameters keep their value: optimisers skip them.
	Frozen bool
}

func newParam(shape ...int) *Param {
	return &Param{Value: tensor.New(shape...), Grad: tensor.New(shape...)}
}

// Layer is one stage of a network. Layers work on batches: the first
// dimension of every tensor is the example.
type Layer interface {
	// Forward computes the output for the batch x. With train set it also
	// keeps what Backward needs and applies training-only behaviour
	// (dropout). The result belongs to the layer and is overwritten by the
	// next call; x must stay unchanged until Backward.
	Forward(x *tensor.Tensor, train bool) *tensor.Tensor
	// Backward takes dLoss/dOutput for the last training Forward, sets
	// the gradients of the layer's parameters, and returns dLoss/dInput,
	// or nil when needInput is false (the first layer's input gradient is
	// never used, so it is not computed).
	Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor
	// Params returns the trainable parameters (none for activations).
	Params() []*Param
	// Kind names the layer type ("dense", "relu", …).
	Kind() string
}

// Random is a layer that draws random numbers as it runs (dropout's
// masks, rate-coded spikes). A checkpoint saves each one's stream
// position so that a resumed run draws exactly what the uninterrupted one
// would have.
type Random interface {
	Layer
	RNGState() ([]byte, error)
	SetRNGState([]byte) error
}

// Optional interfaces. Packages that need to know what a layer computes
// (lesion, convert) ask for one of these, as io.Copy asks for
// io.WriterTo, instead of switching over concrete types; a layer type
// takes part by implementing the method, in its own file.

// Linear is a layer computing y = x·Wᵀ + b on flat rows and nothing else,
// W stored out × in (Dense): the units lesion removes and convert turns
// into integrate-and-fire neurons. A layer that transforms the sum further
// (LIF, Leaky) is not Linear. A Linear layer that is an OpCounter counts
// from the shape of its input alone (see OpInput).
type Linear interface {
	Layer
	// Linear returns the weights (out × in) and the biases (out).
	Linear() (w, b *Param)
}

// Activator is a layer applying an activation function to each value
// independently (Activation).
type Activator interface {
	Layer
	// Function returns the function applied.
	Function() Function
}

// Passthrough is a layer whose output at inference holds its input's
// values unchanged and in order, perhaps viewed in another shape (Dropout,
// Reshape): a package that rebuilds a network's computation on flat rows
// (convert) can leave it out.
type Passthrough interface {
	Layer
	// Passthrough reports whether Forward(x, false) returns the values of
	// x unchanged.
	Passthrough() bool
}

// reuse returns *t if it already has the given shape, else a new tensor
// of that shape stored into *t: layers keep their buffers across batches.
func reuse(t **tensor.Tensor, shape ...int) *tensor.Tensor {
	if *t == nil || !slices.Equal((*t).Shape, shape) {
		*t = tensor.New(shape...)
	}
	return *t
}

func mustRows(layer string, x *tensor.Tensor, cols int) {
	if x.Dims() != 2 || x.Cols() != cols {
		panic(fmt.Sprintf("ann: %s: input shape %v, want [batch %d]", layer, x.Shape, cols))
	}
}

// Sized is a layer that knows, from its configuration alone, the shape of
// what it outputs and how many values it stores. Every layer a Spec builds
// is Sized: Spec.Build, Spec.CountParams and Spec.Outputs ask the layers
// rather than keep tables of their own, and they can ask before any
// tensor is allocated.
type Sized interface {
	Layer
	// OutputShape returns the shape of one example's output for one
	// example's input of shape in, which must be the shape the layer was
	// made for. The result is the caller's to keep.
	OutputShape(in []int) []int
	// NumValues returns how many float32 values the layer stores: its
	// parameters' and its buffers' (batch normalisation's running
	// statistics), what a model file holds for it.
	NumValues() int
}
