package tensor

import "github.com/neurite/neurite/tensor/internal/kernel"

// The slice kernels below take the destination first and panic when the
// lengths of their arguments differ. dst may alias an input.

func checkLen(op string, dst []float32, srcs ...[]float32) {
	for _, s := range srcs {
		if len(s) != len(dst) {
			panic("tensor: " + op + ": slice lengths differ")
		}
	}
}

// Add sets dst[i] = a[i] + b[i].
func Add(dst, a, b []float32) {
	checkLen("Add", dst, a, b)
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// Sub sets dst[i] = a[i] - b[i].
func Sub(dst, a, b []float32) {
	checkLen("Sub", dst, a, b)
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

// Mul sets dst[i] = a[i] * b[i].
func Mul(dst, a, b []float32) {
	checkLen("Mul", dst, a, b)
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

// Scale sets dst[i] = alpha * x[i].
func Scale(dst []float32, alpha float32, x []float32) {
	checkLen("Scale", dst, x)
	for i := range dst {
		dst[i] = alpha * x[i]
	}
}

// AddScaled sets dst[i] += alpha * x[i] (BLAS axpy).
func AddScaled(dst []float32, alpha float32, x []float32) {
	checkLen("AddScaled", dst, x)
	kernel.Axpy(alpha, x, dst)
}

// Fill sets every element of dst to v.
func Fill(dst []float32, v float32) {
	for i := range dst {
		dst[i] = v
	}
}

// Apply sets dst[i] = f(x[i]). It is the general elementwise map; the named
// kernels are faster for the common functions.
func Apply(dst, x []float32, f func(float32) float32) {
	checkLen("Apply", dst, x)
	for i := range dst {
		dst[i] = f(x[i])
	}
}

// Dot returns Σ a[i]·b[i], summed in a fixed order for a given length.
func Dot(a, b []float32) float32 {
	if len(a) != len(b) {
		panic("tensor: Dot: slice lengths differ")
	}
	return kernel.Dot(a, b)
}

// AddBias adds bias[j] to column j of every row of the 2-D tensor x. It
// panics if len(bias) is not the number of columns.
func AddBias(x *Tensor, bias []float32) {
	cols := x.Cols()
	if len(bias) != cols {
		panic("tensor: AddBias: bias length differs from column count")
	}
	for i := range x.Rows() {
		Add(x.Row(i), x.Row(i), bias)
	}
}
