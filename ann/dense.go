package ann

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// Dense is a fully connected layer, y = x·Wᵀ + b, with W stored
// out × in as PyTorch's nn.Linear stores it.
type Dense struct {
	In, Out int
	W, B    *Param

	x, y, dx *tensor.Tensor
}

// Init is a weight initialisation scheme.
type Init string

const (
	// InitHe draws W from N(0, 2/in) (He et al. 2015), for ReLU networks.
	InitHe Init = "he"
	// InitXavier draws W from U(±√(6/(in+out))) (Glorot & Bengio 2010),
	// for sigmoid and tanh networks.
	InitXavier Init = "xavier"
	// InitPyTorch draws W and b from U(±1/√in), nn.Linear's default.
	InitPyTorch Init = "pytorch"
)

// NewDense returns an in → out layer initialised by init from r; biases
// start at zero except under InitPyTorch.
func NewDense(in, out int, init Init, r *rand.Rand) *Dense {
	d := &Dense{In: in, Out: out}
	d.init(init, r)
	return d
}

// init allocates the weights and biases and draws them by init from r.
func (d *Dense) init(init Init, r *rand.Rand) {
	in, out := d.In, d.Out
	d.W, d.B = newParam(out, in), newParam(out)
	w := d.W.Value.Data
	switch init {
	case InitXavier:
		a := math.Sqrt(6 / float64(in+out))
		for i := range w {
			w[i] = float32((2*r.Float64() - 1) * a)
		}
	case InitPyTorch:
		a := 1 / math.Sqrt(float64(in))
		for i := range w {
			w[i] = float32((2*r.Float64() - 1) * a)
		}
		for i := range d.B.Value.Data {
			d.B.Value.Data[i] = float32((2*r.Float64() - 1) * a)
		}
	default: // InitHe
		s := math.Sqrt(2 / float64(in))
		for i := range w {
			w[i] = float32(r.NormFloat64() * s)
		}
	}
}

// denseFromSpec makes a "dense" layer: Units outputs from a flat input,
// initialised by Init.
func denseFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("input shape %v is not flat: add a flatten layer before it", in)
	}
	if ls.Units <= 0 {
		return nil, fmt.Errorf("units = %d, must be positive", ls.Units)
	}
	init, err := checkInit(ls.Init)
	if err != nil {
		return nil, err
	}
	d := &Dense{In: in[0], Out: ls.Units}
	if c.alloc() {
		d.init(init, c.r)
		c.name(d.W, "weight")
		c.name(d.B, "bias")
	}
	return d, nil
}

// Kind returns "dense".
func (d *Dense) Kind() string { return "dense" }

// Params returns the weight and the bias.
func (d *Dense) Params() []*Param { return []*Param{d.W, d.B} }

// Linear returns W and B: a Dense layer is the ann.Linear layer.
func (d *Dense) Linear() (w, b *Param) { return d.W, d.B }

// OutputShape returns [Out].
func (d *Dense) OutputShape(in []int) []int { return []int{d.Out} }

// NumValues returns Out·In + Out (math.MaxInt when it does not fit).
func (d *Dense) NumValues() int { return satInt(float64(d.Out)*float64(d.In) + float64(d.Out)) }

// CountOps returns In·Out MACs per example, from the shape of in.X
// alone (in.Y may be nil).
func (d *Dense) CountOps(in OpInput) (energy.Ops, Flow) {
	return energy.Ops{MACs: float64(in.X.Shape[0]) * float64(d.In*d.Out)}, Flow{}
}

// ExportONNX writes Gemm(x, W, b) with transB = 1.
func (d *Dense) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	w := g.Floats(fmt.Sprintf("%d.weight", i), d.W.Value.Shape, d.W.Value.Data)
	b := g.Floats(fmt.Sprintf("%d.bias", i), d.B.Value.Shape, d.B.Value.Data)
	return g.Op("Gemm", []string{x, w, b}, ONNXIntAttr("transB", 1)), nil
}

// Forward computes x·Wᵀ + b.
func (d *Dense) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	mustRows("dense", x, d.In)
	y := reuse(&d.y, x.Rows(), d.Out)
	for i := range y.Rows() {
		copy(y.Row(i), d.B.Value.Data)
	}
	tensor.MatMul(y, 1, x, tensor.NoTrans, d.W.Value, tensor.Trans, 1)
	d.x = x
	return y
}

// Backward sets dW = dyᵀ·x and db = Σ dy, and returns dx = dy·W.
func (d *Dense) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	tensor.MatMul(d.W.Grad, 1, dy, tensor.Trans, d.x, tensor.NoTrans, 0)
	tensor.SumRows(d.B.Grad.Data, dy)
	if !needInput {
		return nil
	}
	dx := reuse(&d.dx, dy.Rows(), d.In)
	tensor.MatMul(dx, 1, dy, tensor.NoTrans, d.W.Value, tensor.NoTrans, 0)
	return dx
}
