package serve

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neurite/neurite/experiment"
)

// Queue sizes: events a job may get ahead of its run's fan-out, events a
// client may get behind, and events kept for a client that arrives late
// (per kind; a curve's history is thinned to fit).
const (
	jobQueue    = 1024
	clientQueue = 256
	keepEvents  = 512
)

// message is one event as it goes to the browser.
type message struct {
	kind string
	data []byte
}

// hub fans a run's events out to its clients. publish never blocks.
type hub struct {
	in      chan any     // experiment.Event, message, or nil: the end
	dropped atomic.Int64 // events the job's queue or a client's had no room for
	spent   atomic.Int64 // nanoseconds the job spent in publish

	mu      sync.Mutex
	clients map[chan message]struct{}
	history map[string][]message
	closed  bool
	done    chan struct{} // closed when the fan-out ends
}

func newHub() *hub {
	h := &hub{in: make(chan any, jobQueue),
		clients: map[chan message]struct{}{}, history: map[string][]message{}, done: make(chan struct{})}
	go h.run()
	return h
}

// publish queues e without blocking; it is an experiment.Reporting.Observe.
func (h *hub) publish(e experiment.Event) {
	start := time.Now()
	select {
	case h.in <- e:
	default:
		h.dropped.Add(1)
	}
	h.spent.Add(int64(time.Since(start)))
}

// publishRaw queues an event already in JSON (from another process).
func (h *hub) publishRaw(kind string, data []byte) {
	select {
	case h.in <- message{kind, data}:
	default:
		h.dropped.Add(1)
	}
}

// run marshals the events and hands each to every client, dropping for a
// client whose queue is full.
func (h *hub) run() {
	defer close(h.done)
	for x := range h.in {
		switch x := x.(type) {
		case nil:
			h.close()
			return
		case message:
			h.send(x)
		case experiment.Event:
			b, err := json.Marshal(x)
			if err != nil {
				continue
			}
			h.send(message{x.Kind(), b})
		}
	}
}

// finish ends the stream once the events queued so far are sent: the job
// publishes no more. It waits for the fan-out to end.
func (h *hub) finish() {
	h.in <- nil
	<-h.done
}

func (h *hub) send(m message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hist := append(h.history[m.kind], m)
	if len(hist) > keepEvents {
		if m.kind == "train" {
			// Keep the whole curve, at half the resolution.
			half := hist[:0]
			for i := 0; i < len(hist); i += 2 {
				half = append(half, hist[i])
			}
			hist = half
		} else {
			hist = append(hist[:0], hist[len(hist)-keepEvents/2:]...)
		}
	}
	h.history[m.kind] = hist
	for c := range h.clients {
		select {
		case c <- m:
		default:
			h.dropped.Add(1)
		}
	}
}

// subscribe returns a client's queue, already holding the events kept so
// far (as many as fit), and a function that ends the subscription.
func (h *hub) subscribe() (<-chan message, func()) {
	c := make(chan message, clientQueue+2*keepEvents)
	h.mu.Lock()
	for _, kind := range []string{"train", "fields", "sim", "status"} {
		for _, m := range h.history[kind] {
			select {
			case c <- m:
			default:
			}
		}
	}
	if h.closed {
		close(c)
	} else {
		h.clients[c] = struct{}{}
	}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		if _, ok := h.clients[c]; ok {
			delete(h.clients, c)
			close(c)
		}
		h.mu.Unlock()
	}
}

// status sends a status event (the run's RunInfo) to every client.
func (h *hub) status(info RunInfo) {
	b, _ := json.Marshal(info)
	h.send(message{"status", b})
}

// close ends the run's stream: clients get what is queued, then EOF.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for c := range h.clients {
		delete(h.clients, c)
		close(c)
	}
}
