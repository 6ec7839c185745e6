package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttackUsageErrors: bad flags are usage errors naming the flag, before
// any model is read.
func TestAttackUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"attack"}, "--model"},
		{[]string{"attack", "--model", "m.ckpt", "--method", "deepfool"}, "--method deepfool"},
		{[]string{"attack", "--model", "m.ckpt", "--eps", "2"}, "--eps 2"},
		{[]string{"attack", "--model", "m.ckpt", "--eps", "0"}, "--eps 0"},
		{[]string{"attack", "--model", "m.ckpt", "--norm", "l1"}, "--norm l1"},
		{[]string{"attack", "--model", "m.ckpt", "--method", "fgsm", "--steps", "5"}, "--steps 5"},
		{[]string{"attack", "--model", "m.ckpt", "--samples", "-4"}, "--samples -4"},
		{[]string{"attack", "--model", "m.ckpt", "--method", "noise", "--target", "t.ckpt"}, "--target"},
		{[]string{"train", "--adversarial", "cw", "--eps", "0.1"}, "--adversarial cw"},
		{[]string{"train", "--adversarial", "pgd"}, "--eps"},
		{[]string{"train", "--eps", "0.3"}, "needs --adversarial"},
	} {
		code, stdout, stderr := run(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message naming %q", tt.args, code, stderr, tt.want)
		}
	}
	code, _, stderr := run(t, "attack", "--model", filepath.Join(t.TempDir(), "missing.ckpt"))
	if code != 1 || !strings.Contains(stderr, "missing.ckpt") {
		t.Errorf("missing model: exit %d, stderr %q", code, stderr)
	}
}

// TestAttackJSON checks the contract: one JSON object with the keys the
// issue names, and the files --out asks for.
func TestAttackJSON(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "mlp.ckpt")
	code, _, stderr := run(t, "train", "--model", "mlp", "--hidden", "32", "--epochs", "1", "--train-samples", "1000", "--test-samples", "50",
		"--out", model, "--threads", "1")
	if code != 0 {
		if strings.Contains(stderr, "MNIST") {
			t.Skipf("MNIST unavailable: %s", stderr)
		}
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "adv")
	code, stdout, stderr := run(t, "attack", "--model", model, "--method", "fgsm", "--eps", "0.2", "--samples", "50", "--out", out,
		"--threads", "1", "--json")
	if code != 0 {
		t.Fatalf("attack: exit %d: %s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	for _, key := range []string{"method", "eps", "clean_accuracy", "adversarial_accuracy", "success_rate", "mean_linf", "mean_l2", "samples"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	if rep["method"] != "fgsm" || rep["eps"] != 0.2 || rep["samples"] != 50.0 {
		t.Errorf("JSON %v", rep)
	}
	for _, f := range []string{"adversarial.npy", "labels.npy", "grid.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("--out: %v", err)
		}
	}
	code, stdout, _ = run(t, "attack", "--model", model, "--method", "pgd", "--eps", "0.1", "--steps", "3", "--samples", "20", "--threads", "1")
	if code != 0 || !strings.Contains(stdout, "pgd") || !strings.Contains(stdout, "crafted on") {
		t.Errorf("table: exit %d, stdout %q", code, stdout)
	}
}
