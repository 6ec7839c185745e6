package ann

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// Dropout zeroes each input with probability P during training and scales
// the survivors by 1/(1−P) ("inverted" dropout, Srivastava et al. 2014),
// so inference needs no rescaling: at inference the layer is the identity.
type Dropout struct {
	P float64

	src      *rand.PCG
	rng      *rand.Rand
	mask     []float32
	y, dx    *tensor.Tensor
	training bool
}

// NewDropout returns a dropout layer drawing its masks from a stream
// seeded by seed. It returns an error unless 0 ≤ p < 1.
func NewDropout(p float64, seed uint64) (*Dropout, error) {
	if !(p >= 0 && p < 1) {
		return nil, fmt.Errorf("ann: dropout probability %v: want 0 ≤ p < 1", p)
	}
	d := &Dropout{P: p}
	d.Reseed(seed)
	return d, nil
}

// Reseed restarts the mask stream (gradient checks use it to repeat a
// mask exactly).
func (d *Dropout) Reseed(seed uint64) {
	d.src = rand.NewPCG(seed, 0x64726f70)
	d.rng = rand.New(d.src)
}

// RNGState returns the position of the mask stream, and SetRNGState moves
// it back there: a checkpoint resumes with the masks it would have drawn.
func (d *Dropout) RNGState() ([]byte, error) { return d.src.MarshalBinary() }

// SetRNGState restores a position returned by RNGState.
func (d *Dropout) SetRNGState(b []byte) error {
	if err := d.src.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("ann: dropout random state: %w", err)
	}
	return nil
}

// Kind returns "dropout".
func (d *Dropout) Kind() string { return "dropout" }

// Params returns none.
func (d *Dropout) Params() []*Param { return nil }

// Passthrough returns true: dropout is the identity at inference.
func (d *Dropout) Passthrough() bool { return true }

// OutputShape returns in.
func (d *Dropout) OutputShape(in []int) []int { return slices.Clone(in) }

// NumValues returns 0.
func (d *Dropout) NumValues() int { return 0 }

// workspace returns the mask, per example.
func (d *Dropout) workspace(in []int) float64 { return countValues(in) }

// CountOps returns no operations and passes what its input carries on:
// dropout is the identity at inference.
func (d *Dropout) CountOps(in OpInput) (energy.Ops, Flow) { return energy.Ops{}, in.Flow }

// ExportONNX writes nothing: dropout is the identity at inference.
func (d *Dropout) ExportONNX(g ONNXGraph, i int, x string) (string, error) { return x, nil }

// dropoutFromSpec makes a "dropout" layer dropping with probability P,
// its masks drawn from a stream of its own (seed + index + 1), so that
// adding a layer elsewhere does not change them.
func dropoutFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	d, err := NewDropout(ls.P, c.seed+uint64(c.index)+1)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Forward drops inputs in training and passes them through otherwise.
func (d *Dropout) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	d.training = train
	if !train || d.P == 0 {
		return x
	}
	y := reuse(&d.y, x.Shape...)
	if cap(d.mask) < len(x.Data) {
		d.mask = make([]float32, len(x.Data))
	}
	d.mask = d.mask[:len(x.Data)]
	keep := float32(1 / (1 - d.P))
	for i, v := range x.Data {
		if d.rng.Float64() < d.P {
			d.mask[i], y.Data[i] = 0, 0
		} else {
			d.mask[i], y.Data[i] = keep, v*keep
		}
	}
	return y
}

// Backward applies the same mask to the gradient.
func (d *Dropout) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !needInput {
		return nil
	}
	if !d.training || d.P == 0 {
		return dy
	}
	dx := reuse(&d.dx, dy.Shape...)
	tensor.Mul(dx.Data, dy.Data, d.mask)
	return dx
}
