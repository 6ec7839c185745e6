// Package barrier is a reusable rendezvous for a fixed team of goroutines
// that step in lockstep, as the simulators' workers do thousands of times
// a second: it spins briefly, since steps are short, then sleeps on a
// condition variable so that an oversubscribed machine is not burned by
// spinning.
package barrier

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Barrier holds each of n goroutines in Wait until all n have arrived.
// The zero value is not usable; call New.
type Barrier struct {
	n       int32
	count   atomic.Int32
	gen     atomic.Uint32
	aborted atomic.Bool
	mu      sync.Mutex
	cond    *sync.Cond
}

// New returns a barrier for n goroutines.
func New(n int) *Barrier {
	b := &Barrier{n: int32(n)}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// Wait returns once all n goroutines have called it; the barrier is then
// ready for the next round. Writes made before Wait by any goroutine are
// visible after it to all.
func (b *Barrier) Wait() {
	if b.n <= 1 {
		return
	}
	g := b.gen.Load()
	if b.count.Add(1) == b.n {
		b.count.Store(0)
		b.mu.Lock()
		b.gen.Add(1)
		b.cond.Broadcast()
		b.mu.Unlock()
		return
	}
	for i := 0; i < 4000; i++ {
		if b.gen.Load() != g || b.aborted.Load() {
			return
		}
		if i%64 == 63 {
			runtime.Gosched()
		}
	}
	b.mu.Lock()
	for b.gen.Load() == g && !b.aborted.Load() {
		b.cond.Wait()
	}
	b.mu.Unlock()
}

// Abort releases every goroutine waiting in Wait, now and in every later
// round, without the team being complete: for a team member that fails
// and will never arrive. Callers check Aborted after Wait.
func (b *Barrier) Abort() {
	b.aborted.Store(true)
	b.mu.Lock()
	b.cond.Broadcast()
	b.mu.Unlock()
}

// Aborted reports whether Abort was called.
func (b *Barrier) Aborted() bool { return b.aborted.Load() }
