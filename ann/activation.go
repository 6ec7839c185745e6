package ann

import (
	"fmt"
	"slices"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// Function names an activation function.
type Function string

// The activation functions.
const (
	Identity  Function = "identity"
	Step      Function = "step"       // Rosenblatt's threshold: 1 if x > 0
	Sigmoid   Function = "sigmoid"    // 1/(1+e⁻ˣ)
	Tanh      Function = "tanh"       //
	ReLU      Function = "relu"       // max(0, x)
	LeakyReLU Function = "leaky-relu" // x, or slope·x below 0
)

// Functions lists the activation functions by name.
var Functions = []Function{Identity, Step, Sigmoid, Tanh, ReLU, LeakyReLU}

// Activation applies a function elementwise. Its gradient uses the
// derivative from package tensor; the step function's is zero almost
// everywhere, so a network of step units cannot learn by backpropagation
// (which is why the perceptron has its own rule).
type Activation struct {
	Func  Function
	Slope float32 // LeakyReLU's slope below zero (0.01 if zero)

	x, y, dx *tensor.Tensor
}

// NewActivation returns an activation layer, or an error for an unknown
// function.
func NewActivation(f Function) (*Activation, error) {
	for _, g := range Functions {
		if f == g {
			return &Activation{Func: f}, nil
		}
	}
	return nil, fmt.Errorf("ann: unknown activation %q (have %v)", f, Functions)
}

// Kind returns the function's name.
func (a *Activation) Kind() string { return string(a.Func) }

// Params returns none.
func (a *Activation) Params() []*Param { return nil }

// Function returns Func.
func (a *Activation) Function() Function { return a.Func }

// OutputShape returns in.
func (a *Activation) OutputShape(in []int) []int { return slices.Clone(in) }

// NumValues returns 0.
func (a *Activation) NumValues() int { return 0 }

// CountOps returns no operations: an activation function is not counted.
func (a *Activation) CountOps(in OpInput) (energy.Ops, Flow) { return energy.Ops{}, Flow{} }

// ExportONNX writes the function's operator (the identity writes none;
// the step is Cast(Greater(x, 0))).
func (a *Activation) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	switch a.Func {
	case Identity:
		return x, nil
	case ReLU:
		return g.Op("Relu", []string{x}), nil
	case Sigmoid:
		return g.Op("Sigmoid", []string{x}), nil
	case Tanh:
		return g.Op("Tanh", []string{x}), nil
	case LeakyReLU:
		return g.Op("LeakyRelu", []string{x}, ONNXFloatAttr("alpha", float64(a.slope()))), nil
	case Step:
		zero := g.Floats("zero", nil, []float32{0})
		return g.Op("Cast", []string{g.Op("Greater", []string{x, zero})}, ONNXIntAttr("to", 1)), nil
	}
	return "", fmt.Errorf("no ONNX operator for activation %q", a.Func)
}

// activationFromSpec makes an activation layer: the spec's Type names the
// function (Slope is leaky ReLU's). It is the spec's fallback, so an
// unknown type is reported as an unknown activation.
func activationFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	a, err := NewActivation(Function(ls.Type))
	if err != nil {
		return nil, err
	}
	a.Slope = float32(ls.Slope)
	return a, nil
}

func (a *Activation) slope() float32 {
	if a.Slope == 0 {
		return 0.01
	}
	return a.Slope
}

// Forward applies the function.
func (a *Activation) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	y := reuse(&a.y, x.Shape...)
	forEachRange(len(x.Data), func(lo, hi int) { a.forward(y.Data[lo:hi], x.Data[lo:hi]) })
	a.x = x
	return y
}

func (a *Activation) forward(y, x []float32) {
	switch a.Func {
	case Identity:
		copy(y, x)
	case Step:
		tensor.Step(y, x)
	case Sigmoid:
		tensor.Sigmoid(y, x)
	case Tanh:
		tensor.Tanh(y, x)
	case ReLU:
		tensor.ReLU(y, x)
	case LeakyReLU:
		tensor.LeakyReLU(y, x, a.slope())
	default:
		panic("ann: activation " + string(a.Func))
	}
}

// Backward multiplies dy by the derivative at the last input.
func (a *Activation) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !needInput {
		return nil
	}
	dx := reuse(&a.dx, dy.Shape...)
	forEachRange(len(dx.Data), func(lo, hi int) {
		a.backward(dx.Data[lo:hi], dy.Data[lo:hi], a.x.Data[lo:hi], a.y.Data[lo:hi])
	})
	return dx
}

// backward sets dx from dy and the input x and output y it was computed at.
func (a *Activation) backward(dx, dy, x, y []float32) {
	switch a.Func {
	case Identity:
		copy(dx, dy)
		return
	case Step:
		clear(dx)
		return
	case ReLU:
		// One pass instead of a derivative then a product.
		tensor.ReLUBackward(dx, dy, x)
		return
	case Sigmoid:
		tensor.SigmoidDeriv(dx, y)
	case Tanh:
		tensor.TanhDeriv(dx, y)
	case LeakyReLU:
		tensor.LeakyReLUDeriv(dx, x, a.slope())
	}
	tensor.Mul(dx, dx, dy)
}

// Softmax turns each row into probabilities. Use it for outputs read as
// probabilities; for training with cross-entropy, the fused
// SoftmaxCrossEntropy loss on the logits is more stable.
type Softmax struct {
	y, dx *tensor.Tensor
}

// Kind returns "softmax".
func (s *Softmax) Kind() string { return "softmax" }

// Params returns none.
func (s *Softmax) Params() []*Param { return nil }

// OutputShape returns in.
func (s *Softmax) OutputShape(in []int) []int { return slices.Clone(in) }

// NumValues returns 0.
func (s *Softmax) NumValues() int { return 0 }

// CountOps returns no operations: softmax is not counted.
func (s *Softmax) CountOps(in OpInput) (energy.Ops, Flow) { return energy.Ops{}, Flow{} }

// ExportONNX writes Softmax over the last axis.
func (s *Softmax) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	return g.Op("Softmax", []string{x}, ONNXIntAttr("axis", -1)), nil
}

// softmaxFromSpec makes a "softmax" layer.
func softmaxFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	return &Softmax{}, nil
}

// Forward computes the row-wise softmax.
func (s *Softmax) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	y := reuse(&s.y, x.Shape...)
	tensor.SoftmaxRows(y, x)
	return y
}

// Backward returns dx = y ⊙ (dy − Σⱼ dyⱼ yⱼ), row by row.
func (s *Softmax) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !needInput {
		return nil
	}
	dx := reuse(&s.dx, dy.Shape...)
	for i := range dy.Rows() {
		y, g, out := s.y.Row(i), dy.Row(i), dx.Row(i)
		dot := tensor.Dot(y, g)
		for j := range out {
			out[j] = y[j] * (g[j] - dot)
		}
	}
	return dx
}
