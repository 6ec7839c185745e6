package barrier

import (
	"sync"
	"testing"
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
