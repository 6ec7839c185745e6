package serve

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neurite/neurite/experiment"
)

// Queue bounds: events a job may get ahead of its run's fan-out; events
// and bytes a client may get behind; events kept, per kind, for a client
// that arrives late (a training curve's whole history, thinned to fit;
// the last second or so of a simulation; the latest receptive fields).
const (
	jobQueue    = 1024
	clientQueue = 256
	clientBytes = 8 << 20
)

var keepEvents = map[string]int{"train": 512, "sim": 64, "fields": 1}

// message is one event as it goes to the browser.
type message struct {
	kind string
	data []byte
}

// client is one browser's queue; bytes counts what waits in it.
type client struct {
	ch    chan message
	bytes atomic.Int64
}

// hub fans a run's events out to its clients. publish never blocks.
type hub struct {
	in      chan any     // experiment.Event, message, or nil: the end
	dropped atomic.Int64 // events the job's queue or a client's had no room for
	spent   atomic.Int64 // nanoseconds the job spent in publish

	mu      sync.Mutex
	clients map[*client]struct{}
	history map[string][]message
	closed  bool
	done    chan struct{} // closed when the fan-out ends
}

func newHub() *hub {
	h := &hub{in: make(chan any, jobQueue), clients: map[*client]struct{}{}, history: map[string][]message{}, done: make(chan struct{})}
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
	if keep := keepEvents[m.kind]; keep > 0 {
		hist := append(h.history[m.kind], m)
		if len(hist) > keep {
			if m.kind == "train" {
				// Keep the whole curve, at half the resolution.
				half := hist[:0]
				for i := 0; i < len(hist); i += 2 {
					half = append(half, hist[i])
				}
				hist = half
			} else {
				hist = append(hist[:0], hist[len(hist)-keep:]...)
			}
		}
		h.history[m.kind] = hist
	}
	for c := range h.clients {
		h.offer(c, m)
	}
}

// offer queues m for c, or drops it when c's queue is full.
func (h *hub) offer(c *client, m message) {
	if c.bytes.Load()+int64(len(m.data)) > clientBytes {
		h.dropped.Add(1)
		return
	}
	select {
	case c.ch <- m:
		c.bytes.Add(int64(len(m.data)))
	default:
		h.dropped.Add(1)
	}
}

// subscribe returns a client's queue, already holding the events kept so
// far, and a function that ends the subscription. The reader calls
// c.took for each message it takes.
func (h *hub) subscribe() (*client, func()) {
	size := clientQueue
	for _, k := range keepEvents {
		size += k
	}
	c := &client{ch: make(chan message, size)}
	h.mu.Lock()
	for _, kind := range []string{"train", "fields", "sim"} {
		for _, m := range h.history[kind] {
			h.offer(c, m)
		}
	}
	if h.closed {
		close(c.ch)
	} else {
		h.clients[c] = struct{}{}
	}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		if _, ok := h.clients[c]; ok {
			delete(h.clients, c)
			close(c.ch)
		}
		h.mu.Unlock()
	}
}

// took records that the reader took m from the queue.
func (c *client) took(m message) { c.bytes.Add(-int64(len(m.data))) }

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
		close(c.ch)
	}
}
