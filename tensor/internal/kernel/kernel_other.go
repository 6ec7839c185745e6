//go:build !amd64 || purego

package kernel

const haveAVX2FMA = false

func micro4x24AVX2(k int, a, b *float32, ldb int, c *float32, ldc int, store bool) {
	panic("kernel: no assembly kernel")
}

func micro4x24StridedAVX2(k int, a, b *float32, ldb int, c *float32, ldc int, store bool) {
	panic("kernel: no assembly kernel")
}

func axpyAVX2(alpha float32, x, y *float32, n int) { panic("kernel: no assembly kernel") }

func dotAVX2(x, y *float32, n int) float32 { panic("kernel: no assembly kernel") }

func sigmoidAVX2(dst, x *float32, n int, c *[19][8]float32) { panic("kernel: no assembly kernel") }

func tanhAVX2(dst, x *float32, n int, c *[19][8]float32) { panic("kernel: no assembly kernel") }
