package ann

import (
	"fmt"
	"math"

	"github.com/neurite/neurite/tensor"
)

// Loss measures predictions against class labels.
type Loss interface {
	// Eval returns the loss averaged over the batch and writes
	// dLoss/dPred into grad, a tensor of pred's shape.
	Eval(grad, pred *tensor.Tensor, labels []int) float64
	// Name returns the loss's name ("softmax-cross-entropy", "mse", "bce").
	Name() string
}

// NewLoss returns a loss by name.
func NewLoss(name string) (Loss, error) {
	switch name {
	case "softmax-cross-entropy", "cross-entropy", "":
		return SoftmaxCrossEntropy{}, nil
	case "mse":
		return MSE{}, nil
	case "bce":
		return BCE{}, nil
	}
	return nil, fmt.Errorf("ann: unknown loss %q (have softmax-cross-entropy, mse, bce)", name)
}

// target returns the desired output k of an example with the given label:
// one-hot over the columns, or the label itself for a single output.
func target(label, k, cols int) float32 {
	if cols == 1 {
		return float32(label)
	}
	if k == label {
		return 1
	}
	return 0
}

func checkLabels(name string, pred *tensor.Tensor, labels []int) {
	if pred.Dims() != 2 || pred.Rows() != len(labels) {
		panic(fmt.Sprintf("ann: %s: predictions %v for %d labels", name, pred.Shape, len(labels)))
	}
}

// SoftmaxCrossEntropy is the cross-entropy of the softmax of the logits,
// fused: it is computed through log-softmax, which stays finite for any
// logits, and its gradient is (softmax − one-hot)/batch (PyTorch's
// CrossEntropyLoss).
type SoftmaxCrossEntropy struct{}

// Name returns "softmax-cross-entropy".
func (SoftmaxCrossEntropy) Name() string { return "softmax-cross-entropy" }

// Eval computes the mean cross-entropy and its gradient.
func (SoftmaxCrossEntropy) Eval(grad, logits *tensor.Tensor, labels []int) float64 {
	checkLabels("softmax cross-entropy", logits, labels)
	for _, l := range labels {
		if l < 0 || l >= logits.Cols() {
			panic(fmt.Sprintf("ann: softmax cross-entropy: label %d for %d outputs", l, logits.Cols()))
		}
	}
	tensor.LogSoftmaxRows(grad, logits)
	var loss float64
	inv := 1 / float32(len(labels))
	for i, l := range labels {
		row := grad.Row(i)
		loss -= float64(row[l])
		for j, lp := range row {
			p := float32(math.Exp(float64(lp)))
			if j == l {
				p--
			}
			row[j] = p * inv
		}
	}
	return loss / float64(len(labels))
}

// MSE is the mean squared error against one-hot targets (or the label, for
// one output), averaged over all elements as PyTorch's MSELoss.
type MSE struct{}

// Name returns "mse".
func (MSE) Name() string { return "mse" }

// Eval computes the mean squared error and its gradient.
func (MSE) Eval(grad, pred *tensor.Tensor, labels []int) float64 {
	checkLabels("mse", pred, labels)
	cols := pred.Cols()
	scale := 1 / float64(len(pred.Data))
	var loss float64
	for i, l := range labels {
		p, g := pred.Row(i), grad.Row(i)
		for k := range p {
			d := float64(p[k] - target(l, k, cols))
			loss += d * d
			g[k] = float32(2 * d * scale)
		}
	}
	return loss * scale
}

// BCE is the binary cross-entropy of probabilities (sigmoid outputs)
// against one-hot targets (or the label, for one output), averaged over
// all elements. Probabilities are clamped to [1e-7, 1 − 1e-7] so the loss
// stays finite.
type BCE struct{}

// Name returns "bce".
func (BCE) Name() string { return "bce" }

// Eval computes the mean binary cross-entropy and its gradient.
func (BCE) Eval(grad, pred *tensor.Tensor, labels []int) float64 {
	checkLabels("bce", pred, labels)
	const eps = 1e-7
	cols := pred.Cols()
	scale := 1 / float64(len(pred.Data))
	var loss float64
	for i, l := range labels {
		p, g := pred.Row(i), grad.Row(i)
		for k := range p {
			q := math.Min(math.Max(float64(p[k]), eps), 1-eps)
			t := float64(target(l, k, cols))
			loss -= t*math.Log(q) + (1-t)*math.Log(1-q)
			g[k] = float32((q - t) / (q * (1 - q)) * scale)
		}
	}
	return loss * scale
}
