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
