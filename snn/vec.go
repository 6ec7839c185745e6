package snn

// Vectorised neuron updates. The hot loops of the LIF models run eight
// neurons at a time in AVX2 assembly on amd64 (vec_amd64.s), with the Go
// loops in lif.go and condlif.go as the reference and fallback. The
// assembly performs the same float32 operations in the same order, without
// fused multiply-adds, so both paths give the same bits (vec_test.go checks
// it); the choice never changes a simulation's result.

// lanes is the AVX2 vector width in float32s.
const lanes = 8

// vec8 is a constant broadcast to all lanes, laid out for a 256-bit load.
type vec8 [lanes]float32

func broadcast(x float32) vec8 {
	var v vec8
	for i := range v {
		v[i] = x
	}
	return v
}

// ivec8 is an int32 constant broadcast to all lanes.
type ivec8 [lanes]int32

func ibroadcast(x int32) ivec8 {
	var v ivec8
	for i := range v {
		v[i] = x
	}
	return v
}

// condConsts are the constants of the CondLIF Euler kernel. The field
// order is the assembly's memory layout.
type condConsts struct {
	dt, gl, el, ee, ei, invC, de, di, vth vec8
	one, refSteps                         ivec8
}

// lifConsts are the constants of the LIF exact-propagator kernel.
type lifConsts struct {
	vv, vge, vgi, vI, v1, gege, gigi, vth vec8
	one, refSteps                         ivec8
}

// spikesFromMask appends the neuron indices whose bits are set: mask[g]
// bit b is neuron base + 8g + b.
func spikesFromMask(spikes []int32, mask []uint8, base int) []int32 {
	for g, m := range mask {
		for m != 0 {
			b := 0
			for m&(1<<b) == 0 {
				b++
			}
			spikes = append(spikes, int32(base+lanes*g+b))
			m &^= 1 << b
		}
	}
	return spikes
}
