package compare

import (
	"context"
	"strings"
	"testing"
)

// timing reports metrics that measure this machine's speed, which differ
// between runs; every other metric must not.
func timing(key string) bool {
	for _, s := range []string{"seconds", "per_second", "ns_per", "gflops", "latency_seconds", "wall"} {
		if strings.Contains(key, s) {
			return true
		}
	}
	return false
}

// TestExperimentsAreMeasuredAndRepeatable runs two cheap experiments twice
// with one seed: each is measured, has figures with data, cites sources,
// and gives the same numbers again (timings aside).
func TestExperimentsAreMeasuredAndRepeatable(t *testing.T) {
	for _, name := range []string{"topology", "signals"} {
		var first map[string]float64
		for run := range 2 {
			res, err := Run(context.Background(), Options{Only: name, Seed: 3, mlpEpochs: 1}, nil, Machine{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Differences) != 1 {
				t.Fatalf("--only %s ran %d experiments", name, len(res.Differences))
			}
			d := res.Differences[0]
			if d.Status != "measured" || d.Claim == "" || len(d.Figures) == 0 || len(d.Sources) == 0 || d.Meaning == "" || d.Method == "" {
				t.Fatalf("%s: status %q (%s), %d figures, %d sources", name, d.Status, d.Reason, len(d.Figures), len(d.Sources))
			}
			for _, f := range d.Figures {
				if len(f.Series) == 0 || len(f.Series[0].Y) == 0 || f.Caption == "" {
					t.Errorf("%s: figure %q has no data or caption", name, f.Title)
				}
			}
			if run == 0 {
				first = d.Metrics
				continue
			}
			for k, v := range first {
				if !timing(k) && d.Metrics[k] != v {
					t.Errorf("%s: metric %s was %v, then %v with the same seed", name, k, v, d.Metrics[k])
				}
			}
		}
	}
}

func TestRunRejectsUnknownNames(t *testing.T) {
	if _, err := Run(context.Background(), Options{Only: "telepathy"}, nil, Machine{}); err == nil {
		t.Error("an unknown experiment was accepted")
	}
	if _, err := Run(context.Background(), Options{Profile: "huge"}, nil, Machine{}); err == nil {
		t.Error("an unknown profile was accepted")
	}
}
