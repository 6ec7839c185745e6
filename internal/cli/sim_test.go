package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSimEdgeDurations runs sim where numbers used to be NaN: a duration
// shorter than a step is a usage error naming --duration and dt; the
// others print finite numbers, with notes saying why one is 0 or absent.
func TestSimEdgeDurations(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings of stdout
		stderr []string // substrings of stderr
	}{
		{"1ns table", []string{"sim", "coba", "--n", "100", "--duration", "1ns"}, 2, nil, []string{"--duration 1ns", "dt = 0.1 ms"}},
		{"1ns json", []string{"sim", "coba", "--n", "100", "--duration", "1ns", "--json"}, 2, nil, []string{"--duration 1ns", "dt = 0.1 ms"}},
		{"one step table", []string{"sim", "coba", "--n", "100", "--duration", "100us"}, 0, []string{"0.1 ", "note: cv_isi has no entry for exc"}, nil},
		{"one step json", []string{"sim", "coba", "--n", "100", "--duration", "100us", "--json"}, 0, []string{`"notes"`, `"sim_ms": 0.1`}, nil},
		{"no synapses json", []string{"sim", "hh", "--n", "5", "--duration", "50ms", "--json"}, 0, []string{"bytes_per_synapse is 0: the network has no synapses"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit status %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stdout, "NaN") || strings.Contains(stdout, "Inf") {
				t.Errorf("stdout has NaN or Inf:\n%s", stdout)
			}
			if code == 0 && strings.HasSuffix(tt.name, "json") {
				var rep map[string]any
				if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
					t.Errorf("stdout is not one JSON object: %v\n%s", err, stdout)
				}
			}
		})
	}
}
