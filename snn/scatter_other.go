//go:build !amd64 || purego

package snn

// scatterAdd adds w[k] into buf[idx[k]] for each k of w, in order.
func scatterAdd(buf []float32, idx []uint32, w []float32) { scatterAddGo(buf, idx, w) }
