//go:build !linux

package snn

import "time"

// workerCPU measures nothing where threads' CPU time is not read (see the
// Linux version).
type workerCPU struct{}

func (w *workerCPU) attach(*Sim)                          {}
func (w *workerCPU) totals() (all, busiest time.Duration) { return 0, 0 }
func (w *workerCPU) reset()                               {}

// threadCPU reads nothing where threads' CPU time is not read.
func threadCPU() time.Duration { return 0 }
