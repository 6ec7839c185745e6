package snn

import "fmt"

// Spreading a spike's synapses over a ring buffer with per-synapse delays
// is a read-modify-write at a random place in megabytes of buffers for
// each synapse: in Potjans & Diesmann's microcircuit, 28 MB and 6.5·10⁸
// events per simulated second, which wait on memory. Done in one loop,
// each event's address computation and weight decoding sit between its
// miss and the next, and the processor keeps few misses in flight. So
// the events are gathered first, as (buffer index, weight) pairs in a
// small scratch array that stays in cache, and added in a second, tight
// loop (scatterAdd) that on amd64 also prefetches the buffer entry of
// the event scatterAhead places ahead. The additions happen in the order
// the events were gathered, each the same float32 sum, so the results
// are the bits of the single loop.

// scatterBatch is the number of events gathered before they are added:
// 8 KB of scratch per worker, which stays in the first-level cache.
const scatterBatch = 1024

// scatterAhead is how many events ahead scatterAdd prefetches (amd64).
const scatterAhead = 16

// scatter gathers one worker's events for one ring buffer.
type scatter struct {
	// idx holds buffer indices; scatterAhead entries past the batch let
	// the kernel read ahead without a bounds check (entries beyond the
	// gathered ones are stale: a prefetch of them is only a hint, and
	// never faults).
	idx []uint32
	w   []float32
	n   int // events gathered
}

func newScatter() scatter {
	return scatter{idx: make([]uint32, scatterBatch+scatterAhead), w: make([]float32, scatterBatch)}
}

// quantised gathers the events of synapses with targets tg, compact
// weights q (w = w0 + dw·q) and delays d8 in steps, into buf whose slot d
// steps ahead starts at off[d]; it adds them whenever the batch is full.
func (sc *scatter) quantised(buf []float32, tg, q []uint16, d8 []uint8, off *[256]int, w0, dw float32) {
	for len(tg) > 0 {
		c := min(len(tg), scatterBatch-sc.n)
		idx, w := sc.idx[sc.n:sc.n+c], sc.w[sc.n:sc.n+c]
		qc, dc := q[:c], d8[:c]
		for k, j := range tg[:c] {
			x := off[dc[k]] + int(j)
			if uint(x) >= uint(len(buf)) {
				outside(x, len(buf))
			}
			idx[k] = uint32(x)
			w[k] = float32(qc[k])*dw + w0
		}
		sc.n += c
		tg, q, d8 = tg[c:], q[c:], d8[c:]
		if sc.n == scatterBatch {
			sc.flush(buf)
		}
	}
}

// shared is quantised for synapses sharing the weight wt.
func (sc *scatter) shared(buf []float32, tg []uint16, d8 []uint8, off *[256]int, wt float32) {
	for len(tg) > 0 {
		c := min(len(tg), scatterBatch-sc.n)
		idx, w := sc.idx[sc.n:sc.n+c], sc.w[sc.n:sc.n+c]
		dc := d8[:c]
		for k, j := range tg[:c] {
			x := off[dc[k]] + int(j)
			if uint(x) >= uint(len(buf)) {
				outside(x, len(buf))
			}
			idx[k] = uint32(x)
			w[k] = wt
		}
		sc.n += c
		tg, d8 = tg[c:], d8[c:]
		if sc.n == scatterBatch {
			sc.flush(buf)
		}
	}
}

// outside panics on an event outside its buffer: a broken invariant of
// the compact arrays, which scatterAdd would otherwise write past.
func outside(x, n int) {
	panic(fmt.Sprintf("snn: event at %d outside a delay buffer of %d", x, n))
}

// flush adds the gathered events into buf, in order.
func (sc *scatter) flush(buf []float32) {
	if sc.n > 0 {
		scatterAdd(buf, sc.idx[:sc.n+scatterAhead], sc.w[:sc.n])
		sc.n = 0
	}
}

// scatterAddGo is scatterAdd's reference: buf[idx[k]] += w[k] for each k
// of w, in order.
func scatterAddGo(buf []float32, idx []uint32, w []float32) {
	idx = idx[:len(w)]
	for k, x := range idx {
		buf[x] += w[k]
	}
}
