//go:build amd64 && !purego

package snn

import "golang.org/x/sys/cpu"

var haveAVX2 = cpu.X86.HasAVX2

// condEulerAVX2 advances n neurons (a multiple of 8) of a CondLIF by one
// Euler step and writes one spike-mask byte per 8 neurons.
//
//go:noescape
func condEulerAVX2(v, ge, gi, in *float32, ref *int32, n int, c *condConsts, mask *uint8)

// lifExpAVX2 advances n neurons (a multiple of 8) of an exponential-kernel
// LIF by its exact propagator and writes one spike-mask byte per 8 neurons.
//
//go:noescape
func lifExpAVX2(v, ge, gi, in *float32, ref *int32, n int, c *lifConsts, mask *uint8)

// uniformBitsAVX2 sets dst[i] to uniform's 53 bits for counter ctr+i under
// key, for i in [0, n), n a multiple of 8 (see uniformBits).
//
//go:noescape
func uniformBitsAVX2(dst *uint64, n int, key, ctr uint64)
