package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTrainContinual: a small continual-learning run prints the contract's
// keys with --json and the task × stage table without; a misused flag is
// a usage error naming it.
func TestTrainContinual(t *testing.T) {
	args := []string{"train", "--continual", "split", "--method", "sleep", "--tasks", "2", "--train-samples", "200", "--test-samples", "100",
		"--hidden", "16,16", "--epochs", "1", "--threads", "1"}
	code, stdout, stderr := run(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	for _, k := range []string{"task_accuracy", "average_accuracy", "backward_transfer", "forward_transfer", "sleep", "test_accuracy", "seed", "threads"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if m, ok := rep["task_accuracy"].([]any); !ok || len(m) != 2 {
		t.Errorf("task_accuracy = %v, want a 2×2 matrix", rep["task_accuracy"])
	}
	code, stdout, _ = run(t, args...)
	for _, want := range []string{"after 0–4", "after 5–9", "average accuracy", "backward transfer", "sleep: 2 phases", "synaptic events"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("table (exit %d) lacks %q:\n%s", code, want, stdout)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--method", "ewc"}, "--method ewc: needs --continual"},
		{[]string{"train", "--continual", "split", "--method", "nap"}, "--method nap"},
		{[]string{"train", "--continual", "split", "--tasks", "0"}, "--tasks 0"},
		{[]string{"train", "--continual", "split", "--method", "sleep", "--normalize"}, "--normalize"},
	} {
		code, _, stderr := run(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}
