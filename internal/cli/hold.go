package cli

import (
	"context"
	"os"
	"sync"
	"time"
)

// exitHolds let a job delay the forced exit that follows a signal while
// it writes a checkpoint: Main's watchdog stops the process a second
// after cancelling it, or, once that second has passed, as soon as no
// hold is taken (or at a second signal).
type exitHolds struct {
	mu      sync.Mutex
	n       int
	changed chan struct{}
}

func newExitHolds() *exitHolds { return &exitHolds{changed: make(chan struct{}, 1)} }

// hold takes a hold and returns the function releasing it.
func (h *exitHolds) hold() func() {
	h.mu.Lock()
	h.n++
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			h.n--
			h.mu.Unlock()
			select {
			case h.changed <- struct{}{}:
			default:
			}
		})
	}
}

func (h *exitHolds) busy() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n > 0
}

// wait returns true once grace has passed and no hold is taken, or at a
// signal; false if done is closed first.
func (h *exitHolds) wait(signals <-chan os.Signal, done <-chan struct{}, grace time.Duration) bool {
	deadline := time.After(grace)
	expired := false
	for {
		select {
		case <-signals:
			return true
		case <-done:
			return false
		case <-deadline:
			expired, deadline = true, nil
		case <-h.changed:
		}
		if expired && !h.busy() {
			return true
		}
	}
}

type holdsKey struct{}

// withExitHolds returns ctx carrying h for the commands.
func withExitHolds(ctx context.Context, h *exitHolds) context.Context {
	return context.WithValue(ctx, holdsKey{}, h)
}

// exitHold returns the hold function of ctx's exitHolds, or nil.
func exitHold(ctx context.Context) func() func() {
	if h, ok := ctx.Value(holdsKey{}).(*exitHolds); ok {
		return h.hold
	}
	return nil
}
