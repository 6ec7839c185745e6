package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSimMicrocircuitJSON runs a small microcircuit from the command line
// and checks the keys the contract adds for it.
func TestSimMicrocircuitJSON(t *testing.T) {
	code, stdout, stderr := run(t, "sim", "microcircuit", "--scale", "0.02", "--input", "poisson", "--duration", "150ms",
		"--warmup", "50ms", "--threads", "2", "--json")
	if code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	for _, key := range []string{"rate_hz", "real_time_factor", "warmup_ms", "correlation", "bytes_per_synapse"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("JSON lacks key %q", key)
		}
	}
	rates, _ := rep["rate_hz"].(map[string]any)
	if len(rates) != 8 || rep["warmup_ms"] != 50.0 {
		t.Errorf("rate_hz %v, warmup_ms %v: want 8 populations and 50 ms", rates, rep["warmup_ms"])
	}
	code, stdout, _ = run(t, "sim", "microcircuit", "--scale", "0.02", "--duration", "60ms", "--warmup", "20ms", "--threads", "1")
	if code != 0 || !strings.Contains(stdout, "L6I") || !strings.Contains(stdout, "correlation") {
		t.Errorf("table (exit %d):\n%s", code, stdout)
	}
}

func TestSimMicrocircuitUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"sim", "coba", "--scale", "0.5"},
		{"sim", "microcircuit", "--scale", "1.5"},
		{"sim", "microcircuit", "--input", "noise"},
		{"sim", "brunel", "--input", "dc"},
		{"sim", "coba", "--duration", "100ms", "--warmup", "100ms"},
		{"sim", "coba", "--figure", "a.pdf"},
	} {
		if code, _, stderr := run(t, args...); code != 2 {
			t.Errorf("%v: exit status %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
}
