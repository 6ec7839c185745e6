package ann

import (
	"fmt"

	"github.com/neurite/neurite/tensor"
)

// Perceptron is Rosenblatt's (1958) perceptron: a weighted sum of the
// inputs against a threshold (here a bias), with a step output, trained by
// the perceptron rule w ← w + η·(t − y)·x, which changes the weights only
// when the output is wrong. It converges on linearly separable data (AND,
// OR) and provably never on XOR (Minsky & Papert 1969). With more than two
// classes it keeps one unit per class and predicts the largest sum; a
// mistake moves the true class's weights towards x and the predicted
// class's away (the multiclass perceptron).
type Perceptron struct {
	Inputs, Classes int
	W               *tensor.Tensor // units × inputs (units = 1 for two classes)
	B               []float32
	LR              float32 // η; 1 if zero
}

// NewPerceptron returns a perceptron with zero weights.
func NewPerceptron(inputs, classes int) (*Perceptron, error) {
	if inputs <= 0 || classes < 2 {
		return nil, fmt.Errorf("ann: perceptron with %d inputs and %d classes", inputs, classes)
	}
	units := classes
	if classes == 2 {
		units = 1
	}
	return &Perceptron{Inputs: inputs, Classes: classes, W: tensor.New(units, inputs), B: make([]float32, units)}, nil
}

func (p *Perceptron) lr() float32 {
	if p.LR == 0 {
		return 1
	}
	return p.LR
}

// PredictOne returns the class of one example.
func (p *Perceptron) PredictOne(x []float32) int {
	if p.W.Rows() == 1 {
		if tensor.Dot(p.W.Row(0), x)+p.B[0] > 0 { // step(w·x + b)
			return 1
		}
		return 0
	}
	best, cls := float32(0), 0
	for k := range p.W.Rows() {
		if s := tensor.Dot(p.W.Row(k), x) + p.B[k]; k == 0 || s > best {
			best, cls = s, k
		}
	}
	return cls
}

// Predict returns the class of each row of x.
func (p *Perceptron) Predict(x *tensor.Tensor) []int {
	out := make([]int, x.Rows())
	for i := range out {
		out[i] = p.PredictOne(x.Row(i))
	}
	return out
}

// Epoch applies the perceptron rule once to each example, in the given
// order, and returns how many it got wrong.
func (p *Perceptron) Epoch(x *tensor.Tensor, labels []int, order []int) int {
	mistakes := 0
	eta := p.lr()
	for _, i := range order {
		xi, t := x.Row(i), labels[i]
		y := p.PredictOne(xi)
		if y == t {
			continue
		}
		mistakes++
		if p.W.Rows() == 1 {
			d := eta * float32(t-y)
			tensor.AddScaled(p.W.Row(0), d, xi)
			p.B[0] += d
			continue
		}
		tensor.AddScaled(p.W.Row(t), eta, xi)
		p.B[t] += eta
		tensor.AddScaled(p.W.Row(y), -eta, xi)
		p.B[y] -= eta
	}
	return mistakes
}
