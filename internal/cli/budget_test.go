package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// budgetHint ends every refusal of a request over the memory budget.
const budgetHint = "(raise the limit with --max-memory)"

// TestOverBudget runs the requests that used to crash neurite or exhaust
// the machine (scripts/ulimit-budget.sh runs them as commands under
// `ulimit -v 8000000`). Each runs with --max-memory 4GiB, the budget that
// address-space limit gives (half of it), so that the outcome does not
// depend on this machine's memory, and must exit 1 with one line on
// stderr and no panic; a refusal over the budget ends with the hint.
// None allocates anything large: the refusals come before the work.
func TestOverBudget(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"delay.yaml": "populations: [{name: a, model: lif, n: 10}]\n" +
			"projections: [{pre: a, post: a, target: v, rule: all, weight: 0.1, delay: 1e12}]\n",
		"neurons.yaml": "populations: [{name: a, model: lif, n: 100000000}]\n",
		"all.yaml": "populations: [{name: a, model: lif, n: 200000}]\n" +
			"projections: [{pre: a, post: a, target: v, rule: all, weight: 0.1}]\n",
		"dense.yaml": "inputs: 2\nlayers:\n  - {type: dense, units: 1000000000000}\n  - {type: relu}\n  - {type: dense, units: 2}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		args []string
		want string // a phrase of the message
		hint bool   // a refusal over the budget
	}{
		{[]string{"sim", path("delay.yaml"), "--duration", "10ms"}, "delay 1e+12 ms", false},
		{[]string{"sim", path("neurons.yaml"), "--duration", "1ms"}, "100000000 neurons", true},
		{[]string{"sim", path("all.yaml"), "--duration", "1ms"}, "4e+10 synapses", true},
		{[]string{"sim", "coba", "--n", "10000000000"}, "10000000000 neurons", true},
		{[]string{"sim", "brunel", "--n", "1000000000"}, "neurons", true},
		{[]string{"sim", "cuba-event", "--n", "10000000000"}, "neurons", true},
		{[]string{"bench", "coba", "--n", "10000000000"}, "neurons", true},
		{[]string{"train", "--model", path("dense.yaml"), "--data", "xor"}, "parameters", true},
		{[]string{"train", "--hidden", "100000000", "--data", "xor"}, "parameters", true},
		{[]string{"train", "--model", "snn", "--hidden", "100000000", "--data", "xor"}, "parameters", true},
		{[]string{"train", "--model", "stdp", "--neurons", "100000000", "--data", "xor"}, "stdp network of 100000000 neurons", true},
		{[]string{"graph", "layered", "--layers", "100000,100000"}, "layered graph", true},
		{[]string{"graph", "random", "--n", "20000", "--p", "1"}, "random graph", true},
		{[]string{"graph", "smallworld", "--n", "100000000", "--k", "100"}, "smallworld graph", true},
		{[]string{"graph", "scalefree", "--n", "100000000", "--m", "100"}, "scalefree graph", true},
		{[]string{"graph", "spatial", "--n", "2000000000", "--size", "1"}, "spatial graph", true},
		{[]string{"bench", "gemm", "--size", "20000"}, "matrix product", true},
		{[]string{"bench", "mlp", "--hidden", "100000000"}, "parameters", true},
	}
	for _, tt := range tests {
		args := append(tt.args, "--max-memory", "4GiB", "--threads", "1")
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := run(t, args...)
			for _, bad := range []string{"panic", "goroutine ", "fatal error", "runtime error"} {
				if strings.Contains(stderr, bad) {
					t.Fatalf("%q in stderr:\n%s", bad, stderr)
				}
			}
			if code != 1 {
				t.Errorf("exit %d, want 1 (stderr %q)", code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "neurite: ") {
				t.Fatalf("stderr %q, want one line starting with \"neurite: \"", stderr)
			}
			if !strings.Contains(lines[0], tt.want) {
				t.Errorf("message %q does not contain %q", lines[0], tt.want)
			}
			if hint := strings.HasSuffix(lines[0], budgetHint); hint != tt.hint {
				t.Errorf("message %q: ends with %q is %v, want %v", lines[0], budgetHint, hint, tt.hint)
			}
		})
	}
}

// TestBatchCapped checks that a batch larger than the training set is
// cut to it, and the log says so, instead of allocating rows for the
// whole batch.
func TestBatchCapped(t *testing.T) {
	code, _, stderr := run(t, "train", "--data", "xor", "--batch", "100000000", "--epochs", "1", "--threads", "1", "--max-memory", "1GiB")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if want := "batch 100000000 is more than the 4 training examples: using 4"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q does not say %q", stderr, want)
	}
}
