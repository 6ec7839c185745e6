package ann

import (
	"fmt"
	"math"
	"slices"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// BatchNorm normalises each feature (for (N, F) inputs) or each channel
// (for (N, C, H, W) inputs) to zero mean and unit variance over the batch,
// then scales by γ and shifts by β (Ioffe & Szegedy 2015). In training it
// uses the batch's statistics and updates running averages (momentum 0.1,
// unbiased variance, as PyTorch); at inference it uses the running
// averages.
type BatchNorm struct {
	Features        int
	Eps, Momentum   float64 // 1e-5 and 0.1 if zero
	Gamma, Beta     *Param
	RunMean, RunVar *Param // running statistics: saved with the model, never trained

	xhat, y, dx *tensor.Tensor
	invStd      []float32
	inShape     []int
	training    bool // the last Forward normalised by the batch's statistics
}

// NewBatchNorm returns a batch-normalisation layer over features features
// (or channels), with γ = 1, β = 0, running mean 0 and variance 1.
func NewBatchNorm(features int) (*BatchNorm, error) {
	b, err := newBatchNorm(features)
	if err != nil {
		return nil, err
	}
	b.init()
	return b, nil
}

// newBatchNorm checks the size and returns the layer without its tensors.
func newBatchNorm(features int) (*BatchNorm, error) {
	if features <= 0 {
		return nil, fmt.Errorf("ann: batchnorm over %d features", features)
	}
	return &BatchNorm{Features: features}, nil
}

// init allocates γ = 1, β = 0, running mean 0 and variance 1.
func (b *BatchNorm) init() {
	f := b.Features
	b.Gamma, b.Beta, b.RunMean, b.RunVar = newParam(f), newParam(f), newParam(f), newParam(f)
	tensor.Fill(b.Gamma.Value.Data, 1)
	tensor.Fill(b.RunVar.Value.Data, 1)
	b.RunMean.Frozen, b.RunVar.Frozen = true, true
}

// batchNormFromSpec makes a "batchnorm" layer over the first dimension of
// the input: the features of a vector, the channels of an image.
func batchNormFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	b, err := newBatchNorm(in[0])
	if err != nil {
		return nil, err
	}
	if c.alloc() {
		b.init()
		c.name(b.Gamma, "weight")
		c.name(b.Beta, "bias")
		c.name(b.RunMean, "running_mean")
		c.name(b.RunVar, "running_var")
	}
	return b, nil
}

// Kind returns "batchnorm".
func (b *BatchNorm) Kind() string { return "batchnorm" }

// Params returns γ and β.
func (b *BatchNorm) Params() []*Param { return []*Param{b.Gamma, b.Beta} }

// Buffers returns the running mean and variance.
func (b *BatchNorm) Buffers() []*Param { return []*Param{b.RunMean, b.RunVar} }

// OutputShape returns in: normalising keeps the shape.
func (b *BatchNorm) OutputShape(in []int) []int { return slices.Clone(in) }

// NumValues returns 4·Features: γ, β and the running mean and variance.
func (b *BatchNorm) NumValues() int { return 4 * b.Features }

// workspace returns the normalised inputs, per example.
func (b *BatchNorm) workspace(in []int) float64 { return countValues(in) }

// CountOps returns no operations: normalisation is not counted.
func (b *BatchNorm) CountOps(in OpInput) (energy.Ops, Flow) { return energy.Ops{}, Flow{} }

// ExportONNX writes BatchNormalization with the running statistics, what
// Forward uses at inference.
func (b *BatchNorm) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	in := []string{x}
	for k, p := range []*Param{b.Gamma, b.Beta, b.RunMean, b.RunVar} {
		in = append(in, g.Floats(fmt.Sprintf("%d.bn%d", i, k), p.Value.Shape, p.Value.Data))
	}
	return g.Op("BatchNormalization", in, ONNXFloatAttr("epsilon", or(b.Eps, 1e-5))), nil
}

// layout returns the batch size, the per-example spatial size and checks
// the feature dimension.
func (b *BatchNorm) layout(x *tensor.Tensor) (n, spatial int) {
	if x.Dims() < 2 || x.Shape[1] != b.Features {
		panic(fmt.Sprintf("ann: batchnorm: input shape %v, want [batch %d …]", x.Shape, b.Features))
	}
	n, spatial = x.Shape[0], 1
	for _, d := range x.Shape[2:] {
		spatial *= d
	}
	return n, spatial
}

// Forward normalises the batch.
func (b *BatchNorm) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	n, sp := b.layout(x)
	f := b.Features
	eps, mom := or(b.Eps, 1e-5), or(b.Momentum, 0.1)
	y := reuse(&b.y, x.Shape...)
	xhat := reuse(&b.xhat, x.Shape...)
	if len(b.invStd) != f {
		b.invStd = make([]float32, f)
	}
	count := float64(n * sp)
	for c := range f {
		var mean, v float64
		if train {
			for i := range n {
				for _, val := range x.Data[(i*f+c)*sp : (i*f+c+1)*sp] {
					mean += float64(val)
				}
			}
			mean /= count
			for i := range n {
				for _, val := range x.Data[(i*f+c)*sp : (i*f+c+1)*sp] {
					d := float64(val) - mean
					v += d * d
				}
			}
			v /= count
			unbiased := v
			if count > 1 {
				unbiased = v * count / (count - 1)
			}
			b.RunMean.Value.Data[c] = float32((1-mom)*float64(b.RunMean.Value.Data[c]) + mom*mean)
			b.RunVar.Value.Data[c] = float32((1-mom)*float64(b.RunVar.Value.Data[c]) + mom*unbiased)
		} else {
			mean, v = float64(b.RunMean.Value.Data[c]), float64(b.RunVar.Value.Data[c])
		}
		inv := float32(1 / math.Sqrt(v+eps))
		b.invStd[c] = inv
		m, g, be := float32(mean), b.Gamma.Value.Data[c], b.Beta.Value.Data[c]
		for i := range n {
			lo, hi := (i*f+c)*sp, (i*f+c+1)*sp
			for k := lo; k < hi; k++ {
				h := (x.Data[k] - m) * inv
				xhat.Data[k] = h
				y.Data[k] = g*h + be
			}
		}
	}
	b.inShape, b.training = x.Shape, train
	return y
}

func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// Backward sets dγ, dβ and returns dx for the training-mode forward:
// dx = γ·σ⁻¹/m·(m·dy − Σdy − x̂·Σ(dy·x̂)) per feature, m values each.
// After an inference Forward the statistics are constants, and
// dx = γ·σ⁻¹·dy (what an attack on a trained network follows).
func (b *BatchNorm) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !b.training {
		return b.backwardFixed(dy, needInput)
	}
	n, sp := b.layout(dy)
	f := b.Features
	m := float32(n * sp)
	var dx *tensor.Tensor
	if needInput {
		dx = reuse(&b.dx, b.inShape...)
	}
	for c := range f {
		var sumDy, sumDyXhat float64
		for i := range n {
			lo, hi := (i*f+c)*sp, (i*f+c+1)*sp
			for k := lo; k < hi; k++ {
				sumDy += float64(dy.Data[k])
				sumDyXhat += float64(dy.Data[k]) * float64(b.xhat.Data[k])
			}
		}
		b.Gamma.Grad.Data[c] = float32(sumDyXhat)
		b.Beta.Grad.Data[c] = float32(sumDy)
		if dx == nil {
			continue
		}
		scale := b.Gamma.Value.Data[c] * b.invStd[c] / m
		sd, sdx := float32(sumDy), float32(sumDyXhat)
		for i := range n {
			lo, hi := (i*f+c)*sp, (i*f+c+1)*sp
			for k := lo; k < hi; k++ {
				dx.Data[k] = scale * (m*dy.Data[k] - sd - b.xhat.Data[k]*sdx)
			}
		}
	}
	return dx
}

// backwardFixed is Backward after an inference Forward, which normalised
// by the running statistics.
func (b *BatchNorm) backwardFixed(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	n, sp := b.layout(dy)
	f := b.Features
	var dx *tensor.Tensor
	if needInput {
		dx = reuse(&b.dx, b.inShape...)
	}
	for c := range f {
		var sumDy, sumDyXhat float64
		scale := b.Gamma.Value.Data[c] * b.invStd[c]
		for i := range n {
			lo, hi := (i*f+c)*sp, (i*f+c+1)*sp
			for k := lo; k < hi; k++ {
				sumDy += float64(dy.Data[k])
				sumDyXhat += float64(dy.Data[k]) * float64(b.xhat.Data[k])
				if dx != nil {
					dx.Data[k] = scale * dy.Data[k]
				}
			}
		}
		b.Gamma.Grad.Data[c] = float32(sumDyXhat)
		b.Beta.Grad.Data[c] = float32(sumDy)
	}
	return dx
}
