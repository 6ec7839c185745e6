//go:build amd64 && !purego

package kernel

import "golang.org/x/sys/cpu"

// haveAVX2FMA is fixed at start-up: x/sys/cpu also checks that the OS saves
// the YMM registers.
var haveAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func micro4x24AVX2(k int, a, b *float32, ldb int, c *float32, ldc int, store bool)

//go:noescape
func micro4x24StridedAVX2(k int, a, b *float32, ldb int, c *float32, ldc int, store bool)

//go:noescape
func axpyAVX2(alpha float32, x, y *float32, n int)

//go:noescape
func dotAVX2(x, y *float32, n int) float32

//go:noescape
func sigmoidAVX2(dst, x *float32, n int, c *[19][8]float32)

//go:noescape
func tanhAVX2(dst, x *float32, n int, c *[19][8]float32)
