package ann

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// Conv2D is a 2-D convolution over batches of images (N, C, H, W), with
// weights (F, C, KH, KW) and a bias per filter, as PyTorch's nn.Conv2d.
// The whole batch is unfolded by im2col into one wide matrix so that the
// convolution is a single GEMM (Chellapilla et al. 2006).
type Conv2D struct {
	Geom    tensor.ConvGeom // one input image and the kernel
	Filters int
	W, B    *Param

	x, y, dx           *tensor.Tensor
	col, yt, dyt, dcol *tensor.Tensor
}

// NewConv2D returns a convolution of filters kernels over images of geom,
// He-initialised (fan-in C·KH·KW) from r, or as PyTorch's default with
// InitPyTorch. It returns an error for an impossible geometry.
func NewConv2D(geom tensor.ConvGeom, filters int, init Init, r *rand.Rand) (*Conv2D, error) {
	c, err := newConv2D(geom, filters)
	if err != nil {
		return nil, err
	}
	c.init(init, r)
	return c, nil
}

// newConv2D checks the geometry and returns the layer without its tensors.
func newConv2D(geom tensor.ConvGeom, filters int) (*Conv2D, error) {
	if err := geom.Validate(); err != nil {
		return nil, err
	}
	if filters <= 0 {
		return nil, fmt.Errorf("ann: conv2d with %d filters", filters)
	}
	return &Conv2D{Geom: geom, Filters: filters}, nil
}

// init allocates the kernels and biases and draws them by init from r.
func (c *Conv2D) init(init Init, r *rand.Rand) {
	geom, filters := c.Geom, c.Filters
	c.W, c.B = newParam(filters, geom.C, geom.KH, geom.KW), newParam(filters)
	fanIn := float64(geom.ColRows())
	switch init {
	case InitPyTorch, InitXavier:
		a := 1 / math.Sqrt(fanIn)
		if init == InitXavier {
			a = math.Sqrt(6 / (fanIn + float64(filters*geom.KH*geom.KW)))
		}
		for i := range c.W.Value.Data {
			c.W.Value.Data[i] = float32((2*r.Float64() - 1) * a)
		}
		if init == InitPyTorch {
			for i := range c.B.Value.Data {
				c.B.Value.Data[i] = float32((2*r.Float64() - 1) / math.Sqrt(fanIn))
			}
		}
	default:
		s := math.Sqrt(2 / fanIn)
		for i := range c.W.Value.Data {
			c.W.Value.Data[i] = float32(r.NormFloat64() * s)
		}
	}
}

// conv2DFromSpec makes a "conv2d" layer over images [C H W]: Filters
// square kernels of side Kernel, moved by Stride, over the input padded by
// Padding, initialised by Init.
func conv2DFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("input shape %v: want an image [channels height width]", in)
	}
	init, err := checkInit(ls.Init)
	if err != nil {
		return nil, err
	}
	g := tensor.ConvGeom{C: in[0], H: in[1], W: in[2], KH: ls.Kernel, KW: ls.Kernel,
		StrideH: ls.Stride, StrideW: ls.Stride, PadH: ls.Padding, PadW: ls.Padding}
	l, err := newConv2D(g, ls.Filters)
	if err != nil {
		return nil, err
	}
	if c.alloc() {
		l.init(init, c.r)
		c.name(l.W, "weight")
		c.name(l.B, "bias")
	}
	return l, nil
}

// Kind returns "conv2d".
func (c *Conv2D) Kind() string { return "conv2d" }

// Params returns the kernels and the biases.
func (c *Conv2D) Params() []*Param { return []*Param{c.W, c.B} }

// OutShape returns (F, OutH, OutW).
func (c *Conv2D) OutShape() []int { return []int{c.Filters, c.Geom.OutH(), c.Geom.OutW()} }

// OutputShape returns OutShape: the layer is made for one image size.
func (c *Conv2D) OutputShape(in []int) []int { return c.OutShape() }

// NumValues returns F·C·KH·KW + F (math.MaxInt when it does not fit).
func (c *Conv2D) NumValues() int {
	g := c.Geom
	return satInt(float64(c.Filters)*float64(g.C)*float64(g.KH)*float64(g.KW) + float64(c.Filters))
}

// workspace returns the im2col columns and their gradient (C·KH·KW rows
// of OutH·OutW), and the transposed output and its gradient, per example.
func (c *Conv2D) workspace([]int) float64 {
	g := c.Geom
	cols := float64(g.C) * float64(g.KH) * float64(g.KW) * float64(g.OutH()) * float64(g.OutW())
	out := float64(c.Filters) * float64(g.OutH()) * float64(g.OutW())
	return 2*cols + 2*out
}

// CountOps returns F·OutH·OutW·C·KH·KW MACs per example.
func (c *Conv2D) CountOps(in OpInput) (energy.Ops, Flow) {
	g := c.Geom
	return energy.Ops{MACs: float64(in.X.Shape[0]) * float64(c.Filters*g.OutH()*g.OutW()*g.ColRows())}, Flow{}
}

// ExportONNX writes Conv with the kernels, biases, padding and strides.
func (c *Conv2D) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	geo := c.Geom
	w := g.Floats(fmt.Sprintf("%d.weight", i), c.W.Value.Shape, c.W.Value.Data)
	b := g.Floats(fmt.Sprintf("%d.bias", i), c.B.Value.Shape, c.B.Value.Data)
	return g.Op("Conv", []string{x, w, b},
		ONNXIntsAttr("kernel_shape", geo.KH, geo.KW),
		ONNXIntsAttr("pads", geo.PadH, geo.PadW, geo.PadH, geo.PadW),
		ONNXIntsAttr("strides", max(1, geo.StrideH), max(1, geo.StrideW))), nil
}

func (c *Conv2D) mustInput(x *tensor.Tensor) {
	g := c.Geom
	if x.Dims() != 4 || x.Shape[1] != g.C || x.Shape[2] != g.H || x.Shape[3] != g.W {
		panic(fmt.Sprintf("ann: conv2d: input shape %v, want [batch %d %d %d]", x.Shape, g.C, g.H, g.W))
	}
}

// Forward convolves the batch.
func (c *Conv2D) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	c.mustInput(x)
	g, f := c.Geom, c.Filters
	n, p, ckk, img := x.Shape[0], g.ColCols(), g.ColRows(), g.C*g.H*g.W
	col := reuse(&c.col, ckk, n*p)
	forEachExample(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			tensor.Im2ColAt(col.Data, n*p, i*p, x.Data[i*img:(i+1)*img], g)
		}
	})
	yt := reuse(&c.yt, f, n*p)
	tensor.Gemm(tensor.NoTrans, tensor.NoTrans, f, n*p, ckk, 1, c.W.Value.Data, ckk, col.Data, n*p, 0, yt.Data, n*p)
	y := reuse(&c.y, n, f, g.OutH(), g.OutW())
	forEachExample(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for k := range f {
				dst := y.Data[(i*f+k)*p : (i*f+k+1)*p]
				src := yt.Data[k*n*p+i*p : k*n*p+(i+1)*p]
				b := c.B.Value.Data[k]
				for j, v := range src {
					dst[j] = v + b
				}
			}
		}
	})
	c.x = x
	return y
}

// Backward sets the kernel and bias gradients and returns the input's.
func (c *Conv2D) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	g, f := c.Geom, c.Filters
	n, p, ckk, img := dy.Shape[0], g.ColCols(), g.ColRows(), g.C*g.H*g.W
	dyt := reuse(&c.dyt, f, n*p)
	forEachExample(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for k := range f {
				copy(dyt.Data[k*n*p+i*p:k*n*p+(i+1)*p], dy.Data[(i*f+k)*p:(i*f+k+1)*p])
			}
		}
	})
	tensor.Gemm(tensor.NoTrans, tensor.Trans, f, ckk, n*p, 1, dyt.Data, n*p, c.col.Data, n*p, 0, c.W.Grad.Data, ckk)
	forEachExample(f, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			c.B.Grad.Data[k] = float32(tensor.Sum(dyt.Data[k*n*p : (k+1)*n*p]))
		}
	})
	if !needInput {
		return nil
	}
	dcol := reuse(&c.dcol, ckk, n*p)
	tensor.Gemm(tensor.Trans, tensor.NoTrans, ckk, n*p, f, 1, c.W.Value.Data, ckk, dyt.Data, n*p, 0, dcol.Data, n*p)
	dx := reuse(&c.dx, c.x.Shape...)
	forEachExample(n, func(lo, hi int) {
		clear(dx.Data[lo*img : hi*img])
		for i := lo; i < hi; i++ {
			tensor.Col2ImAt(dx.Data[i*img:(i+1)*img], dcol.Data, n*p, i*p, g)
		}
	})
	return dx
}

// Pool2D is max or average pooling over Size×Size windows moved by Stride
// (Size if zero), per channel, on (N, C, H, W) batches.
type Pool2D struct {
	Max          bool // max pooling; average otherwise
	Size, Stride int
	C, H, W      int

	arg     []int32 // max pooling: flat input index of each output's maximum
	y, dx   *tensor.Tensor
	inShape []int
}

// NewPool2D returns a pooling layer for images of c channels, h×w pixels.
func NewPool2D(max bool, size, stride, c, h, w int) (*Pool2D, error) {
	if stride == 0 {
		stride = size
	}
	if size <= 0 || stride <= 0 || c <= 0 || size > h || size > w {
		return nil, fmt.Errorf("ann: pool %d×%d, stride %d over %d×%d×%d", size, size, stride, c, h, w)
	}
	return &Pool2D{Max: max, Size: size, Stride: stride, C: c, H: h, W: w}, nil
}

// Kind returns "maxpool" or "avgpool".
func (l *Pool2D) Kind() string {
	if l.Max {
		return "maxpool"
	}
	return "avgpool"
}

// Params returns none.
func (l *Pool2D) Params() []*Param { return nil }

// OutShape returns (C, OutH, OutW).
func (l *Pool2D) OutShape() []int {
	return []int{l.C, (l.H-l.Size)/l.Stride + 1, (l.W-l.Size)/l.Stride + 1}
}

// OutputShape returns OutShape: the layer is made for one image size.
func (l *Pool2D) OutputShape(in []int) []int { return l.OutShape() }

// NumValues returns 0.
func (l *Pool2D) NumValues() int { return 0 }

// workspace returns the index of each output's maximum, per example.
func (l *Pool2D) workspace(in []int) float64 { return countValues(l.OutShape()) }

// CountOps returns no operations: pooling is not counted.
func (l *Pool2D) CountOps(in OpInput) (energy.Ops, Flow) { return energy.Ops{}, Flow{} }

// ExportONNX writes MaxPool or AveragePool.
func (l *Pool2D) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	op := "AveragePool"
	if l.Max {
		op = "MaxPool"
	}
	return g.Op(op, []string{x}, ONNXIntsAttr("kernel_shape", l.Size, l.Size), ONNXIntsAttr("strides", l.Stride, l.Stride)), nil
}

// poolFromSpec makes a "maxpool" or "avgpool" layer over images
// [C H W]: windows of side Kernel moved by Stride (Kernel if zero).
func poolFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("input shape %v: want an image [channels height width]", in)
	}
	p, err := NewPool2D(ls.Type == "maxpool", ls.Kernel, ls.Stride, in[0], in[1], in[2])
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Forward pools each window.
func (l *Pool2D) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	if x.Dims() != 4 || x.Shape[1] != l.C || x.Shape[2] != l.H || x.Shape[3] != l.W {
		panic(fmt.Sprintf("ann: %s: input shape %v, want [batch %d %d %d]", l.Kind(), x.Shape, l.C, l.H, l.W))
	}
	o := l.OutShape()
	n, oh, ow := x.Shape[0], o[1], o[2]
	y := reuse(&l.y, n, l.C, oh, ow)
	if l.Max {
		if cap(l.arg) < len(y.Data) {
			l.arg = make([]int32, len(y.Data))
		}
		l.arg = l.arg[:len(y.Data)]
	}
	inv := 1 / float32(l.Size*l.Size)
	if l.Max && l.Size == 2 && l.Stride == 2 {
		forEachExample(n, func(lo, hi int) { l.max2(x, y, lo*l.C, hi*l.C, oh, ow) })
		l.inShape = x.Shape
		return y
	}
	for plane := range n * l.C {
		in := x.Data[plane*l.H*l.W:]
		for i := range oh {
			for j := range ow {
				out := plane*oh*ow + i*ow + j
				best, at := float32(math.Inf(-1)), 0
				var sum float32
				for a := range l.Size {
					row := (i*l.Stride + a) * l.W
					for b := range l.Size {
						k := row + j*l.Stride + b
						v := in[k]
						sum += v
						if v > best {
							best, at = v, k
						}
					}
				}
				if l.Max {
					y.Data[out], l.arg[out] = best, int32(plane*l.H*l.W+at)
				} else {
					y.Data[out] = sum * inv
				}
			}
		}
	}
	l.inShape = x.Shape
	return y
}

// max2 is max pooling over 2×2 windows with stride 2, the common case,
// without the general loops (ties go to the first maximum, as there).
func (l *Pool2D) max2(x, y *tensor.Tensor, planeLo, planeHi, oh, ow int) {
	hw := l.H * l.W
	for plane := planeLo; plane < planeHi; plane++ {
		base := plane * hw
		in := x.Data[base : base+hw]
		out := y.Data[plane*oh*ow : (plane+1)*oh*ow]
		arg := l.arg[plane*oh*ow : (plane+1)*oh*ow]
		for i := range oh {
			r0, r1 := in[2*i*l.W:(2*i+1)*l.W], in[(2*i+1)*l.W:(2*i+2)*l.W]
			for j := range ow {
				best, at := r0[2*j], 2*i*l.W+2*j
				if v := r0[2*j+1]; v > best {
					best, at = v, 2*i*l.W+2*j+1
				}
				if v := r1[2*j]; v > best {
					best, at = v, (2*i+1)*l.W+2*j
				}
				if v := r1[2*j+1]; v > best {
					best, at = v, (2*i+1)*l.W+2*j+1
				}
				out[i*ow+j], arg[i*ow+j] = best, int32(base+at)
			}
		}
	}
}

// Backward routes each output's gradient to its window: all of it to the
// maximum, or an equal share to every input of an average.
func (l *Pool2D) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !needInput {
		return nil
	}
	dx := reuse(&l.dx, l.inShape...)
	if l.Max {
		// Each example's maxima lie in its own planes, so examples split
		// across threads without sharing a pixel.
		in, out := l.C*l.H*l.W, len(dy.Data)/l.inShape[0]
		forEachExample(l.inShape[0], func(lo, hi int) {
			clear(dx.Data[lo*in : hi*in])
			for o := lo * out; o < hi*out; o++ {
				dx.Data[l.arg[o]] += dy.Data[o]
			}
		})
		return dx
	}
	clear(dx.Data)
	o := l.OutShape()
	oh, ow := o[1], o[2]
	inv := 1 / float32(l.Size*l.Size)
	for plane := range l.inShape[0] * l.C {
		d := dx.Data[plane*l.H*l.W:]
		for i := range oh {
			for j := range ow {
				g := dy.Data[plane*oh*ow+i*ow+j] * inv
				for a := range l.Size {
					row := (i*l.Stride + a) * l.W
					for b := range l.Size {
						d[row+j*l.Stride+b] += g
					}
				}
			}
		}
	}
	return dx
}

// Reshape views each example as Shape (without copying): flat rows of a
// dataset become images (C, H, W) or sequences (T, F), and images become
// flat vectors (Flatten).
type Reshape struct {
	Shape []int // per example
	Flat  bool  // the layer is a Flatten (for Kind)

	inShape []int
}

// Kind returns "flatten" or "reshape".
func (r *Reshape) Kind() string {
	if r.Flat {
		return "flatten"
	}
	return "reshape"
}

// Params returns none.
func (r *Reshape) Params() []*Param { return nil }

// Passthrough returns true: a reshape only views the values in another
// shape.
func (r *Reshape) Passthrough() bool { return true }

// OutputShape returns Shape.
func (r *Reshape) OutputShape(in []int) []int { return slices.Clone(r.Shape) }

// NumValues returns 0.
func (r *Reshape) NumValues() int { return 0 }

// CountOps returns no operations and passes what its input carries on.
func (r *Reshape) CountOps(in OpInput) (energy.Ops, Flow) { return energy.Ops{}, in.Flow }

// ExportONNX writes Flatten (from axis 1) for a flatten layer, else
// Reshape to (batch, Shape…).
func (r *Reshape) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	if r.Flat {
		return g.Op("Flatten", []string{x}, ONNXIntAttr("axis", 1)), nil
	}
	dims := []int64{-1}
	for _, d := range r.Shape {
		dims = append(dims, int64(d))
	}
	return g.Op("Reshape", []string{x, g.Int64s("shape", dims)}), nil
}

// flattenFromSpec makes a "flatten" layer: any input becomes a flat
// vector.
func flattenFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	return &Reshape{Shape: []int{product(in)}, Flat: true}, nil
}

// Forward returns x viewed as (N, Shape…).
func (r *Reshape) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	r.inShape = x.Shape
	return x.Reshape(append([]int{x.Shape[0]}, r.Shape...)...)
}

// Backward returns dy viewed in the input's shape.
func (r *Reshape) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !needInput {
		return nil
	}
	return dy.Reshape(r.inShape...)
}
