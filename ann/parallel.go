package ann

import (
	"runtime"
	"sync"
)

// forEachExample runs f over [0, n) split into contiguous chunks, one per
// available thread. The layers call it for per-image work (im2col,
// pooling) where each example's output is independent, so the split never
// changes a result.
func forEachExample(n int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}

// minParallelElements is the size below which an elementwise pass stays on
// one goroutine: waking another costs a few microseconds, about what 32k
// elements take.
const minParallelElements = 1 << 15

// forEachRange runs f over [0, n) split into contiguous chunks, one per
// thread, for elementwise work. Chunk bounds are multiples of 64, so every
// element takes the same vector or scalar path as in one pass over the
// whole slice and the split never changes a bit.
func forEachRange(n int, f func(lo, hi int)) {
	if n < minParallelElements {
		f(0, n)
		return
	}
	const align = 64
	blocks := (n + align - 1) / align
	forEachExample(blocks, func(lo, hi int) { f(lo*align, min(hi*align, n)) })
}
