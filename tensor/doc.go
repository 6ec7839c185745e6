// Package tensor provides float32 dense row-major arrays and the numeric
// kernels neurite's networks compute with: matrix multiplication (GEMM),
// im2col/col2im for convolution, bias addition, row-wise softmax and
// log-softmax, reductions, elementwise maps, and activation functions with
// their derivatives.
//
// # Overview
//
// A [Tensor] is a shape and a flat []float32. Kernels that need a shape
// (MatMul, SoftmaxRows, SumRows, AddBias) take tensors; elementwise kernels
// (Add, ReLU, Sigmoid, …) take slices, destination first, so they apply to
// a whole tensor's Data or to one row alike. Destinations may alias inputs.
//
// # GEMM
//
// [Gemm] computes C = αop(A)op(B) + βC with the structure of GotoBLAS and
// BLIS (Goto & van de Geijn 2008; Van Zee & van de Geijn 2015): operands are
// packed into contiguous panels sized for the caches, and a register-tiled
// micro-kernel does the arithmetic. On amd64 with AVX2 and FMA the
// micro-kernel is hand-tuned assembly (tensor/internal/kernel), chosen at
// run time; elsewhere, or when built with the purego tag, a portable Go
// kernel runs. Transposed operands are handled while packing, never by
// materialising a transpose. Products with at most four rows (batch-1
// inference, single recurrent steps) skip packing and use vector kernels.
//
// # Concurrency and determinism
//
// Gemm splits C into bands over runtime.GOMAXPROCS(0) goroutines (never the
// k dimension) and sums every element in an order fixed by the shapes alone,
// so results are bit-identical for any GOMAXPROCS. The neurite command sets
// GOMAXPROCS from --threads. All other kernels run on the calling goroutine.
//
// # Errors
//
// Kernels panic, with a message starting "tensor:", when shapes or lengths
// do not match: these are programming errors inside a hot path. Code that
// builds shapes from user input validates them first ([ConvGeom.Validate]).
package tensor
