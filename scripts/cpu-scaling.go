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
// A second loop, "stream", does what the simulator's spike delivery does
// in Brunel's network, without the simulator: it walks rows of 1250
// sorted 32-bit targets among 12,500 neurons (62 MB of targets, more than
// the last-level cache) in a random order, each thread adding a weight
// into the targets in its own half of the neurons (a 50 KB slot), as the
// simulator's workers split delivery. Its speed-up is the most a second
// thread can give that delivery on this machine. "stream16" is the same
// with 16-bit targets (Network.Compact's), half the bytes.
//
//	go run scripts/cpu-scaling.go -kernels mix,stream,stream16 -steps 0 -rounds 9
//
// The configurations alternate, one at a time, ROUNDS times; each line
// gives the 1-minute load average before the run, the wall time and the
// process's CPU time; the last lines give the median speed-ups.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
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

// timed runs work(w) for w in [0, threads) on threads goroutines, with
// GOMAXPROCS set to threads, and returns the wall and CPU time.
func timed(threads int, work func(w int)) (wall, used time.Duration) {
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	c0, t0 := cpu(), time.Now()
	var wg sync.WaitGroup
	for w := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(w)
		}()
	}
	wg.Wait()
	return time.Since(t0), cpu() - c0
}

// run does the work on threads goroutines, meeting every 1/steps of it
// (never with steps = 0), and returns the wall and CPU time.
func run(threads, steps int) (wall, used time.Duration) {
	bar := barrier.New(threads)
	return timed(threads, func(w int) {
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
	})
}

// Brunel's network for the stream kernel: rows of rowLen sorted targets
// among neurons, delivered rowsDelivered times in all.
const (
	neurons       = 12_500
	rowLen        = 1250
	rowsDelivered = 1_600_000
)

var (
	targets   []uint32 // row i is targets[i*rowLen:][:rowLen]
	targets16 []uint16 // the same in 16 bits
	order     []int32  // the rows, in the order they are delivered
	// cuts[t][i]: the first synapse of row i with a target in thread t's
	// half, for t = 0, 1, 2 (2: the row's end), per thread count.
	cuts map[int][][]int
)

func prepare() {
	if targets != nil {
		return
	}
	r := rand.New(rand.NewPCG(1, 2))
	targets = make([]uint32, neurons*rowLen)
	for i := range neurons {
		row := targets[i*rowLen : (i+1)*rowLen]
		for k := range row {
			row[k] = uint32(r.IntN(neurons))
		}
		slices.Sort(row)
	}
	targets16 = make([]uint16, len(targets))
	for k, j := range targets {
		targets16[k] = uint16(j)
	}
	order = make([]int32, rowsDelivered)
	for k := range order {
		order[k] = int32(r.IntN(neurons))
	}
	cuts = map[int][][]int{}
	for _, threads := range []int{1, 2} {
		c := make([][]int, threads+1)
		for t := range c {
			c[t] = make([]int, neurons)
			for i := range neurons {
				row := targets[i*rowLen : (i+1)*rowLen]
				k, _ := slices.BinarySearch(row, uint32(neurons*t/threads))
				c[t][i] = i*rowLen + k
			}
		}
		cuts[threads] = c
	}
}

// stream runs the stream loop over tg (targets or targets16) on threads
// goroutines, each writing only its own half of the neurons, and returns
// the wall and CPU time.
func stream[T uint16 | uint32](tg []T, threads int) (wall, used time.Duration) {
	return timed(threads, func(w int) {
		slot := make([]float32, neurons)
		lo, hi := cuts[threads][w], cuts[threads][w+1]
		for _, i := range order {
			for _, j := range tg[lo[i]:hi[i]] {
				slot[j] += 0.1
			}
		}
		sink.Add(uint64(slot[neurons/2]))
	})
}

func main() {
	rounds := flag.Int("rounds", 3, "rounds of the alternating configurations")
	steps := flag.Int("steps", 10000, "barriers per run of the mix loop in its synchronised configuration (0: only free-running)")
	kernels := flag.String("kernels", "mix", "comma-separated loops to compare: mix, stream, stream16")
	flag.Parse()
	var configs []string
	for _, k := range strings.Split(*kernels, ",") {
		switch k {
		case "mix":
			configs = append(configs, "mix steps=0")
			if *steps > 0 {
				configs = append(configs, fmt.Sprintf("mix steps=%d", *steps))
			}
		case "stream", "stream16":
			prepare()
			configs = append(configs, k)
		default:
			fmt.Fprintf(os.Stderr, "cpu-scaling: unknown kernel %q (mix, stream, stream16)\n", k)
			os.Exit(2)
		}
	}
	walls := map[string][]float64{}
	for r := 1; r <= *rounds; r++ {
		for _, c := range configs {
			for _, t := range []int{1, 2} {
				l := load()
				var wall, used time.Duration
				var s int
				switch _, err := fmt.Sscanf(c, "mix steps=%d", &s); {
				case err == nil:
					wall, used = run(t, s)
				case c == "stream":
					wall, used = stream(targets, t)
				default:
					wall, used = stream(targets16, t)
				}
				key := fmt.Sprintf("%s threads=%d", c, t)
				walls[key] = append(walls[key], wall.Seconds())
				fmt.Printf("round %d  %-26s load %-6s wall %6.2f s  cpu %5.2f s\n", r, key, l, wall.Seconds(), used.Seconds())
			}
		}
	}
	median := func(v []float64) float64 { v = slices.Clone(v); slices.Sort(v); return v[len(v)/2] }
	for _, c := range configs {
		one, two := median(walls[c+" threads=1"]), median(walls[c+" threads=2"])
		fmt.Printf("%s: median wall %.2f s on 1 thread, %.2f s on 2: speed-up %.2fx\n", c, one, two, one/two)
	}
}
