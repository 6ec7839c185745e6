package tensor

import (
	"fmt"
	"slices"
)

// Tensor is a dense, row-major array of float32 values. Data holds the
// elements with the last dimension varying fastest; len(Data) is always the
// product of Shape. The fields are exported so callers can hand Data to the
// slice kernels directly; code that changes Shape must keep that invariant.
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a zero-filled tensor of the given shape. It panics if a
// dimension is negative.
func New(shape ...int) *Tensor {
	return &Tensor{Shape: slices.Clone(shape), Data: make([]float32, numel(shape))}
}

// FromData returns a tensor of the given shape that uses data as its storage
// (no copy). It panics if len(data) is not the product of shape.
func FromData(data []float32, shape ...int) *Tensor {
	if n := numel(shape); n != len(data) {
		panic(fmt.Sprintf("tensor: FromData: shape %v needs %d elements, have %d", shape, n, len(data)))
	}
	return &Tensor{Shape: slices.Clone(shape), Data: data}
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Dims returns the number of dimensions.
func (t *Tensor) Dims() int { return len(t.Shape) }

// Rows returns the first dimension of a 2-D tensor; it panics otherwise.
func (t *Tensor) Rows() int { t.must2D("Rows"); return t.Shape[0] }

// Cols returns the second dimension of a 2-D tensor; it panics otherwise.
func (t *Tensor) Cols() int { t.must2D("Cols"); return t.Shape[1] }

// Row returns row i of a 2-D tensor as a slice sharing its storage.
func (t *Tensor) Row(i int) []float32 {
	c := t.Cols()
	return t.Data[i*c : (i+1)*c : (i+1)*c]
}

func (t *Tensor) must2D(op string) {
	if len(t.Shape) != 2 {
		panic(fmt.Sprintf("tensor: %s of a %d-D tensor %v, need 2-D", op, len(t.Shape), t.Shape))
	}
}

// offset returns the flat index of a multi-dimensional index.
func (t *Tensor) offset(idx []int) int {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("tensor: index %v for shape %v", idx, t.Shape))
	}
	off := 0
	for d, i := range idx {
		if i < 0 || i >= t.Shape[d] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", idx, t.Shape))
		}
		off = off*t.Shape[d] + i
	}
	return off
}

// At returns the element at the given index; it panics if the index is out
// of range or has the wrong number of dimensions.
func (t *Tensor) At(idx ...int) float32 { return t.Data[t.offset(idx)] }

// Set stores v at the given index; it panics like At.
func (t *Tensor) Set(v float32, idx ...int) { t.Data[t.offset(idx)] = v }

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: slices.Clone(t.Shape), Data: slices.Clone(t.Data)}
}

// Reshape returns a tensor with a new shape sharing t's storage. One
// dimension may be -1, meaning whatever makes the element count match. It
// panics if the counts cannot match.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = slices.Clone(shape)
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor: Reshape %v to %v: bad dimension", t.Shape, shape))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || len(t.Data)%known != 0 {
			panic(fmt.Sprintf("tensor: Reshape %v (%d elements) to %v", t.Shape, len(t.Data), shape))
		}
		shape[infer] = len(t.Data) / known
	}
	return FromData(t.Data, shape...)
}

// SameShape reports whether a and b have equal shapes.
func SameShape(a, b *Tensor) bool { return slices.Equal(a.Shape, b.Shape) }

// String formats small tensors in full and large ones by shape.
func (t *Tensor) String() string {
	if len(t.Data) > 64 {
		return fmt.Sprintf("Tensor%v", t.Shape)
	}
	return fmt.Sprintf("Tensor%v%v", t.Shape, t.Data)
}

// MatMul computes dst = alpha·op(a)·op(b) + beta·dst for 2-D tensors, with
// op as Gemm. It panics if a tensor is not 2-D or the shapes do not agree.
func MatMul(dst *Tensor, alpha float32, a *Tensor, tA Transpose, b *Tensor, tB Transpose, beta float32) {
	m, k := a.Rows(), a.Cols()
	if tA {
		m, k = k, m
	}
	kb, n := b.Rows(), b.Cols()
	if tB {
		kb, n = n, kb
	}
	if kb != k || dst.Rows() != m || dst.Cols() != n {
		panic(fmt.Sprintf("tensor: MatMul: op(a) is %d×%d, op(b) is %d×%d, dst is %v", m, k, kb, n, dst.Shape))
	}
	Gemm(tA, tB, m, n, k, alpha, a.Data, a.Cols(), b.Data, b.Cols(), beta, dst.Data, n)
}
