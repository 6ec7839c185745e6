package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/neurite/neurite/experiment"
)

// TestLive: a run attached from elsewhere shows up with its events, and
// its end and report land in its folder; a lost server costs the run one
// warning.
func TestLive(t *testing.T) {
	sv, ts := newTest(t, Settings{})
	l, err := Dial(context.Background(), ts.URL, "train", "mlp", nil)
	if err != nil {
		t.Fatal(err)
	}
	rn := sv.lookup(l.id)
	if rn == nil || !rn.external {
		t.Fatalf("run %s not attached", l.id)
	}
	sub, unsubscribe := rn.hub.subscribe()
	defer unsubscribe()
	for i := range 5 {
		l.Observe(&experiment.TrainStep{Step: i + 1, Loss: 1 / float64(i+1)})
	}
	l.Close(map[string]float64{"test_accuracy": 0.5}, nil)
	var steps []int
	for m := range sub.ch {
		if m.kind == "train" {
			var s experiment.TrainStep
			json.Unmarshal(m.data, &s)
			steps = append(steps, s.Step)
		}
	}
	if len(steps) != 5 || steps[4] != 5 {
		t.Errorf("steps %v, want 1..5", steps)
	}
	resp, err := http.Get(ts.URL + "/runs/" + l.id + "/results.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"test_accuracy": 0.5`) {
		t.Errorf("results.json = %s", b)
	}
	if got := rn.snapshot().State; got != stateDone {
		t.Errorf("state %s, want done", got)
	}

	// A server that goes away: one warning, and Observe never blocks.
	l2, err := Dial(context.Background(), ts.URL, "sim", "coba", nil)
	if err != nil {
		t.Fatal(err)
	}
	var warn strings.Builder
	l2.warn = &warn
	ts.CloseClientConnections()
	ts.Close()
	start := time.Now()
	for i := range 100000 {
		l2.Observe(&experiment.TrainStep{Step: i})
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Observe with the server gone took %v for 100,000 events", took)
	}
	l2.Close(nil, nil)
	if n := strings.Count(warn.String(), "warning"); n != 1 {
		t.Errorf("%d warnings (%q), want 1", n, warn.String())
	}
	if _, err := Dial(context.Background(), "ftp://x", "train", "", nil); err == nil {
		t.Error("Dial(ftp://x): no error")
	}
}
