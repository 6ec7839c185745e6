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
