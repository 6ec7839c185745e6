//go:build amd64 && !purego

package snn

// scatterAdd adds w[k] into buf[idx[k]] for each k of w, in order, as
// scatterAddGo does, prefetching the entry scatterAhead events ahead. idx
// must hold scatterAhead entries past len(w), and every index of the
// first len(w) must lie in buf (the callers check each as they gather
// it): the kernel checks no bounds.
func scatterAdd(buf []float32, idx []uint32, w []float32) {
	if len(w) == 0 {
		return
	}
	if len(idx) < len(w)+scatterAhead || len(buf) == 0 {
		panic("snn: scatterAdd: short index array")
	}
	scatterAddPrefetch(&buf[0], &idx[0], &w[0], len(w))
}

//go:noescape
func scatterAddPrefetch(buf *float32, idx *uint32, w *float32, n int)
