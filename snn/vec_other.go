//go:build !amd64 || purego

package snn

const haveAVX2 = false

func condEulerAVX2(v, ge, gi, in *float32, ref *int32, n int, c *condConsts, mask *uint8) {
	panic("snn: no assembly kernels in this build")
}

func lifExpAVX2(v, ge, gi, in *float32, ref *int32, n int, c *lifConsts, mask *uint8) {
	panic("snn: no assembly kernels in this build")
}

func uniformBitsAVX2(dst *uint64, n int, key, ctr uint64) {
	panic("snn: no assembly kernels in this build")
}
