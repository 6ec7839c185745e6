package snn

import (
	"runtime"
	"sync"
	"syscall"
	"time"
)

// workerCPU measures the CPU time each worker of a Sim spends in its
// chunks of steps (its own thread's, getrusage(RUSAGE_THREAD)), waiting at
// barriers included. On a shared machine, wall time says how much of the
// cores the process got; the busiest worker's CPU time says how long the
// run would take on free cores.
type workerCPU struct {
	mu  sync.Mutex
	cpu []time.Duration
}

const rusageThread = 1 // RUSAGE_THREAD (Linux)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// attach makes sim report to w.
func (w *workerCPU) attach(sim *Sim) {
	w.cpu = make([]time.Duration, sim.Threads())
	sim.workHook = func(t int) func() {
		runtime.LockOSThread()
		c0 := threadCPU()
		return func() {
			used := threadCPU() - c0
			runtime.UnlockOSThread()
			w.mu.Lock()
			w.cpu[t] += used
			w.mu.Unlock()
		}
	}
}

// totals returns the CPU time of all workers and of the busiest.
func (w *workerCPU) totals() (all, busiest time.Duration) {
	for _, c := range w.cpu {
		all += c
		busiest = max(busiest, c)
	}
	return all, busiest
}

// reset starts the count again.
func (w *workerCPU) reset() { clear(w.cpu) }
