package barrier

import (
	"sync"
	"testing"
	"time"
)

// TestRounds: in every round each goroutine writes its slot, waits, then
// reads all slots; a barrier that let one through early would show a
// stale value from the previous round.
func TestRounds(t *testing.T) {
	for _, n := range []int{1, 2, 3, 8} {
		const rounds = 2000
		b := New(n)
		slots := make([]int, n)
		errs := make(chan string, n)
		var wg sync.WaitGroup
		for w := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range rounds {
					slots[w] = r
					b.Wait()
					for _, v := range slots {
						if v != r {
							errs <- "a goroutine passed the barrier before all had written"
							return
						}
					}
					b.Wait()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Fatalf("%d goroutines: %s", n, e)
		}
	}
}

// BenchmarkWait measures one round of n goroutines meeting at the barrier
// with no work between rounds: go test -bench Wait -cpu 2 ./internal/barrier
func BenchmarkWait(b *testing.B) {
	for _, n := range []int{2} {
		bar := New(n)
		var wg sync.WaitGroup
		b.ResetTimer()
		for range n - 1 {
			wg.Go(func() {
				for range b.N {
					bar.Wait()
				}
			})
		}
		for range b.N {
			bar.Wait()
		}
		wg.Wait()
	}
}

// TestAbort: goroutines held for a member that never arrives are released
// by Abort, and later rounds do not hold anyone.
func TestAbort(t *testing.T) {
	b := New(3)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.Wait() // the third member never comes
			b.Wait()
		}()
	}
	if b.Aborted() {
		t.Fatal("Aborted before Abort")
	}
	b.Abort()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("goroutines still held 10 s after Abort")
	}
	if !b.Aborted() {
		t.Fatal("not Aborted after Abort")
	}
}
