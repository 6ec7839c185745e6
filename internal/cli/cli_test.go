package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run calls Main and returns its exit status, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		errWant string
	}{
		{[]string{"version"}, 0, ""},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"bench", "gemm", "--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"bench", "gemm", "--size", "abc"}, 2, `invalid argument "abc"`},
		{[]string{"bench", "gemm", "--threads", "0"}, 2, "--threads 0: must be at least 1"},
		{[]string{"bench", "gemm", "--size", "-3"}, 2, "each must be at least 1"},
		{[]string{"bench", "nope"}, 2, `unknown benchmark "nope"`},
		{[]string{"bench"}, 2, "needs a benchmark name"},
		{[]string{"version", "extra"}, 2, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.errWant) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.errWant)
			}
			if tt.code != 0 && !strings.HasPrefix(stderr, "neurite: ") {
				t.Errorf("stderr %q does not start with \"neurite: \"", stderr)
			}
		})
	}
}

// TestBenchGemmJSON checks the contract: one JSON object on stdout with the
// keys outside scripts read, and progress only on stderr.
func TestBenchGemmJSON(t *testing.T) {
	code, stdout, stderr := run(t, "bench", "gemm", "--m", "33", "--n", "17", "--k", "9", "--runs", "3", "--threads", "1", "--json")
	if code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	var rep map[string]any
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value:\n%s", stdout)
	}
	for _, key := range []string{"bench", "threads", "seed", "runs", "median_seconds", "gflops", "op", "m", "n", "k"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("JSON lacks key %q: %v", key, rep)
		}
	}
	if rep["op"] != "sgemm" || rep["m"] != 33.0 || rep["n"] != 17.0 || rep["k"] != 9.0 || rep["threads"] != 1.0 || rep["runs"] != 3.0 {
		t.Errorf("JSON = %v, want op sgemm, m 33, n 17, k 9, threads 1, runs 3", rep)
	}
	if g, ok := rep["gflops"].(float64); !ok || !(g > 0) {
		t.Errorf("gflops = %v, want a positive number", rep["gflops"])
	}
	if !strings.Contains(stderr, "bench gemm") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
}

func TestVersionJSON(t *testing.T) {
	code, stdout, _ := run(t, "version", "--json")
	var rep versionReport
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || rep.Neurite != Version || rep.Go == "" {
		t.Fatalf("version --json: status %d, stdout %q", code, stdout)
	}
}

func TestSimJSON(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, "sim", "coba", "--n", "500", "--duration", "200ms", "--threads", "2", "--json", "--out", dir)
	if code != 0 {
		t.Fatalf("exit status %d, stderr %q", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	for _, key := range []string{"model", "neurons", "synapses", "spikes", "rate_hz", "sim_ms", "dt_ms", "build_seconds", "wall_seconds", "bytes_per_synapse", "synops_per_second"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("JSON lacks key %q", key)
		}
	}
	rates, _ := rep["rate_hz"].(map[string]any)
	if _, ok := rates["exc"]; !ok || rep["sim_ms"] != 200.0 || rep["neurons"] != 500.0 {
		t.Errorf("rate_hz %v, sim_ms %v, neurons %v: want exc and inh rates, 200 ms, 500 neurons", rates, rep["sim_ms"], rep["neurons"])
	}
	for _, f := range []string{"spikes.csv", "spikes_exc.npy", "spikes_inh.npy"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("--out did not write %s: %v", f, err)
		}
	}
}

func TestSimUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"sim"}, {"sim", "frog"}, {"sim", "coba", "--duration", "-1s"}, {"sim", "coba", "--threads", "0"},
		{"bench", "coba", "--runs", "0"},
	} {
		if code, _, stderr := run(t, args...); code != 2 {
			t.Errorf("%v: exit status %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
	if code, _, stderr := run(t, "sim", "no/such/spec.yaml"); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing spec file: exit status %d, stderr %q", code, stderr)
	}
}
