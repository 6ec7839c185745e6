//go:build ignore

// cpu-scaling measures what a second thread buys on this machine for a
// pure compute loop, apart from any simulator: SplitMix64's finaliser
// iterated 4·10⁸ times, on 1 thread or split over 2, either running freely
// or meeting at a barrier (internal/barrier, the simulator's) every
// 1/STEPS of the work, as the simulator's workers meet once per time step.
// The loop touches no memory, so on two free cores 2 threads take half
// the wall time of 1; on a shared machine the ratio says how much of a
// second core the process actually gets.
//
//	go run scripts/cpu-scaling.go [-rounds 3] [-steps 10000]
//
// The configurations alternate, one at a time, ROUNDS times; each line
// gives the 1-minute load average before the run, the wall time and the
// process's CPU time; the last lines give the median speed-ups.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/neurite/neurite/internal/barrier"
)

const total = 400_000_000 // iterations in all

var sink atomic.Uint64

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func load() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Fields(string(b) + " ?")[0]
}

// run does the work on threads goroutines, meeting every 1/steps of it
// (never with steps = 0), and returns the wall and CPU time.
func run(threads, steps int) (wall, used time.Duration) {
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	bar := barrier.New(threads)
	c0, t0 := cpu(), time.Now()
	var wg sync.WaitGroup
	for w := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := uint64(w + 1)
			if steps == 0 {
				for range total / threads {
					x = mix(x)
				}
			} else {
				for range steps {
					for range total / threads / steps {
						x = mix(x)
					}
					bar.Wait()
				}
			}
			sink.Add(x)
		}()
	}
	wg.Wait()
	return time.Since(t0), cpu() - c0
}

func main() {
	rounds := flag.Int("rounds", 3, "rounds of the alternating configurations")
	steps := flag.Int("steps", 10000, "barriers per run in the synchronised configuration")
	flag.Parse()
	walls := map[string][]float64{}
	for r := 1; r <= *rounds; r++ {
		for _, s := range []int{0, *steps} {
			for _, t := range []int{1, 2} {
				l := load()
				wall, used := run(t, s)
				key := fmt.Sprintf("steps=%d threads=%d", s, t)
				walls[key] = append(walls[key], wall.Seconds())
				fmt.Printf("round %d  %-24s load %-6s wall %6.2f s  cpu %5.2f s\n", r, key, l, wall.Seconds(), used.Seconds())
			}
		}
	}
	median := func(v []float64) float64 { v = slices.Clone(v); slices.Sort(v); return v[len(v)/2] }
	for _, s := range []int{0, *steps} {
		one, two := median(walls[fmt.Sprintf("steps=%d threads=1", s)]), median(walls[fmt.Sprintf("steps=%d threads=2", s)])
		fmt.Printf("steps=%d: median wall %.2f s on 1 thread, %.2f s on 2: speed-up %.2fx\n", s, one, two, one/two)
	}
}
