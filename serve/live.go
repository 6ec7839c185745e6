package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neurite/neurite/experiment"
)

// Live sends a run's events to a server started elsewhere (neurite serve):
// the run attaches to it, then its events go in batches, at most one
// request at a time. Observe never blocks: events the server cannot take
// soon enough are dropped, and when it cannot be reached at all the run
// goes on without it, after one warning.
type Live struct {
	base string
	id   string
	warn io.Writer

	queue        chan experiment.Event
	done         chan struct{}
	fieldsQueued atomic.Bool

	mu      sync.Mutex
	failed  bool
	dropped int64
}

// liveQueue bounds the events waiting to be sent.
const liveQueue = 1024

var liveClient = &http.Client{Timeout: 10 * time.Second}

// Dial attaches a run of the given kind (train or sim) and model to the
// server at base (http://host:port) and returns its Live. warn receives
// the one warning a lost server gives (nil: none).
func Dial(ctx context.Context, base, kind, model string, warn io.Writer) (*Live, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("serve: live URL %q: want http://HOST:PORT", base)
	}
	base = strings.TrimRight(base, "/")
	body, _ := json.Marshal(attachRequest{Kind: kind, Model: model})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/attach", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := liveClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("serve: attaching to %s: %w", base, err)
	}
	defer resp.Body.Close()
	var info RunInfo
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&info) != nil || !validID(info.ID) {
		return nil, fmt.Errorf("serve: attaching to %s: %s", base, resp.Status)
	}
	l := &Live{base: base, id: info.ID, warn: warn, queue: make(chan experiment.Event, liveQueue), done: make(chan struct{})}
	go l.send()
	return l, nil
}

// URL returns the page that shows the run.
func (l *Live) URL() string { return l.base + "/?run=" + l.id }

// Observe queues e for the server, or drops it; it is an
// experiment.Reporting.Observe.
func (l *Live) Observe(e experiment.Event) {
	// Receptive fields are large (a third of a megabyte): one waiting is
	// enough, the next replaces it anyway.
	_, fields := e.(*experiment.ReceptiveFields)
	if fields && !l.fieldsQueued.CompareAndSwap(false, true) {
		l.mu.Lock()
		l.dropped++
		l.mu.Unlock()
		return
	}
	select {
	case l.queue <- e:
	default:
		if fields {
			l.fieldsQueued.Store(false)
		}
		l.mu.Lock()
		l.dropped++
		l.mu.Unlock()
	}
}

// send posts the queued events, a batch at a time, until the queue closes.
func (l *Live) send() {
	defer close(l.done)
	var buf bytes.Buffer
	for e := range l.queue {
		buf.Reset()
		l.line(&buf, e)
		for n := len(l.queue); n > 0; n-- {
			e, ok := <-l.queue
			if !ok {
				break
			}
			l.line(&buf, e)
		}
		l.post(buf.Bytes())
	}
}

func (l *Live) line(buf *bytes.Buffer, e experiment.Event) {
	if _, ok := e.(*experiment.ReceptiveFields); ok {
		l.fieldsQueued.Store(false)
	}
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	b, _ := json.Marshal(pushLine{Kind: e.Kind(), Data: data})
	buf.Write(b)
	buf.WriteByte('\n')
}

// post sends body, unless the server was lost already.
func (l *Live) post(body []byte) {
	l.mu.Lock()
	failed := l.failed
	l.mu.Unlock()
	if failed {
		return
	}
	resp, err := liveClient.Post(l.base+"/api/runs/"+l.id+"/push", "application/x-ndjson", bytes.NewReader(body))
	if err == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s", resp.Status)
		}
	}
	if err != nil {
		l.mu.Lock()
		l.failed = true
		l.mu.Unlock()
		if l.warn != nil {
			fmt.Fprintf(l.warn, "warning: live view at %s lost (%v); the run goes on without it\n", l.base, err)
		}
	}
}

// Close sends what is queued and the run's end (its report, and err's
// message if it failed), waiting at most a few seconds for the server.
func (l *Live) Close(report any, err error) {
	close(l.queue)
	select {
	case <-l.done:
	case <-time.After(5 * time.Second):
		return
	}
	end := pushLine{Kind: "end"}
	if report != nil {
		end.Data, _ = json.Marshal(report)
	}
	if err != nil {
		end.Error = err.Error()
	}
	b, _ := json.Marshal(end)
	l.post(append(b, '\n'))
}

// Dropped returns the events dropped because the server was slow.
func (l *Live) Dropped() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped
}
