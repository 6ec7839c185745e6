// Package kernel holds the innermost loops of neurite's float32 GEMM: the
// register-tiled micro-kernel of the BLIS/GotoBLAS structure, and the vector
// primitives (axpy, dot) of the small-matrix path.
//
// Every kernel has a portable Go version (the reference) and, on amd64 CPUs
// with AVX2 and FMA, a hand-written assembly version chosen at run time by
// CPU feature detection. Building with the purego tag, or on any other
// architecture, uses only the Go versions. Tests hold both to the same
// naive loops.
//
// # Packed layout
//
// The micro-kernel reads operands packed by package tensor: a panel of A
// holds MR rows, stored k-major (a[p*MR+r] is row r at depth p); a panel of
// B holds NR columns, also k-major (b[p*NR+j]). Packing makes both streams
// contiguous so the kernel loads only what it uses, in order.
package kernel
