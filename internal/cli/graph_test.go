package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphCommand runs each kind with the contract's keys, the small-world
// coefficient, a plot, and the errors.
func TestGraphCommand(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		keys []string
	}{
		{[]string{"scalefree", "--n", "20000", "--m", "3"}, []string{"powerlaw_alpha", "powerlaw_xmin", "powerlaw_p"}},
		{[]string{"smallworld", "--n", "1000", "--k", "10", "--p", "0.1"}, []string{"sigma", "random_graphs"}},
		{[]string{"random", "--n", "500", "--p", "0.02"}, nil},
		{[]string{"spatial", "--n", "500", "--dims", "3", "--size", "5"}, nil},
		{[]string{"layered", "--layers", "20,10,5"}, nil},
	} {
		plot := filepath.Join(dir, c.args[0]+".svg")
		code, stdout, stderr := run(t, append(append([]string{"graph"}, c.args...), "--json", "--plot", plot)...)
		if code != 0 {
			t.Fatalf("graph %v: exit %d: %s", c.args, code, stderr)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(stdout), &m); err != nil {
			t.Fatalf("graph %v: %v\n%s", c.args, err, stdout)
		}
		for _, k := range append([]string{"kind", "nodes", "edges", "mean_degree", "clustering", "path_length", "path_samples"}, c.keys...) {
			if _, ok := m[k]; !ok {
				t.Errorf("graph %v: JSON lacks %q", c.args, k)
			}
		}
		if b, err := os.ReadFile(plot); err != nil || !strings.Contains(string(b), "<svg") {
			t.Errorf("graph %v: no plot (%v)", c.args, err)
		}
		if c.args[0] == "smallworld" && m["sigma"].(float64) < 5 {
			t.Errorf("small-world σ = %v", m["sigma"])
		}
	}
	for _, args := range [][]string{{"graph", "torus"}, {"graph", "smallworld", "--k", "3"}, {"graph"}, {"graph", "layered", "--layers", "5"}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestConvertCommand: a briefly trained MLP converts, with the contract's
// keys and the spiking accuracy near the ANN's.
func TestConvertCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := run(t, "train", "--model", "mlp", "--hidden", "32", "--epochs", "1", "--max-batches", "200", "--out", "m.ckpt"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := run(t, "convert", "--model", "m.ckpt", "--timesteps", "50", "--samples", "500", "--calib", "2000", "--json")
	if code != 0 {
		t.Fatalf("convert: exit %d: %s", code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"test_accuracy", "ann_accuracy", "timesteps", "accuracy_by_timesteps", "synaptic_ops_per_sample", "spikes_per_sample"} {
		if _, ok := m[k]; !ok {
			t.Errorf("convert JSON lacks %q", k)
		}
	}
	if a, b := m["test_accuracy"].(float64), m["ann_accuracy"].(float64); b-a > 0.02 {
		t.Errorf("spiking accuracy %v, ANN %v", a, b)
	}
	if code, _, _ := run(t, "convert", "--model", "m.ckpt", "--input", "morse"); code != 1 && code != 2 {
		t.Errorf("an unknown input coding gave exit %d", code)
	}
}

// TestSpikingModels trains the two spiking learners briefly from the
// command line: both print the training keys plus spikes and synaptic
// operations per sample, and learn above chance.
func TestSpikingModels(t *testing.T) {
	for _, c := range []struct {
		args []string
		min  float64
	}{
		{[]string{"--model", "snn", "--hidden", "64", "--steps", "10", "--train-samples", "2000", "--epochs", "3", "--batch", "50", "--optimizer", "adam", "--lr", "0.002"}, 0.7},
		{[]string{"--model", "stdp", "--neurons", "30", "--train-samples", "500"}, 0.3},
	} {
		args := append(append([]string{"train"}, c.args...), "--test-samples", "300", "--json")
		code, stdout, stderr := run(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(stdout), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"test_accuracy", "epoch_seconds", "params", "spikes_per_sample", "synaptic_ops_per_sample"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%v: JSON lacks %q", c.args[:2], k)
			}
		}
		if acc, _ := m["test_accuracy"].(float64); acc < c.min {
			t.Errorf("%v: test accuracy %v, want ≥ %v", c.args[:2], acc, c.min)
		}
	}
}

// TestGraphSwitchFlags: a flag's 0 that asks for none (--bootstrap,
// --random-graphs) or for every node (--path-samples) reaches the job as
// such, and a 0 for a flag that has a default is a usage error.
func TestGraphSwitchFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want map[string]float64 // keys absent from the JSON are -1
	}{
		{[]string{"smallworld", "--n", "40", "--k", "4"}, map[string]float64{"random_graphs": 5, "path_samples": 40}},
		{[]string{"smallworld", "--n", "40", "--k", "4", "--random-graphs", "0"}, map[string]float64{"random_graphs": 0, "sigma": -1}},
		{[]string{"scalefree", "--n", "300", "--m", "2"}, map[string]float64{"random_graphs": 0, "sigma": -1, "powerlaw_bootstraps": 25}},
		{[]string{"scalefree", "--n", "300", "--m", "2", "--bootstrap", "0"}, map[string]float64{"powerlaw_bootstraps": 0, "powerlaw_p": -1}},
		{[]string{"random", "--n", "40", "--p", "0.2", "--random-graphs", "2", "--path-samples", "7"}, map[string]float64{"random_graphs": 2, "path_samples": 7}},
		{[]string{"random", "--n", "40", "--p", "0.2", "--path-samples", "0"}, map[string]float64{"random_graphs": 0, "sigma": -1, "path_samples": 40}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, append(append([]string{"graph"}, tt.args...), "--json")...)
			var m map[string]any
			if code != 0 || json.Unmarshal([]byte(stdout), &m) != nil {
				t.Fatalf("exit %d: %s %s", code, stdout, stderr)
			}
			for k, want := range tt.want {
				got, ok := m[k].(float64)
				if !ok {
					got = -1
				}
				if got != want {
					t.Errorf("%s = %v, want %v", k, got, want)
				}
			}
		})
	}
	for _, args := range [][]string{
		{"graph", "random", "--n", "0"}, {"graph", "spatial", "--size", "0"}, {"graph", "scalefree", "--m", "0"},
		{"graph", "random", "--random-graphs", "-1"}, {"graph", "random", "--plot", "x.pdf"},
		{"bench", "gemm", "--size", "0"}, {"bench", "mlp", "--batch", "0"}, {"bench", "mlp", "--hidden", "0"},
	} {
		if code, _, stderr := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}
