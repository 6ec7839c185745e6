package cli

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/experiment"
)

// TestTrainEvalPredict runs the three commands as a user would: a short
// MNIST training run saved to a file, its evaluation, and a prediction on
// the first test digit (a 7) as PNG and as PGM.
func TestTrainEvalPredict(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "mlp.ckpt")
	code, stdout, stderr := run(t, "train", "--model", "mlp", "--hidden", "64", "--data", "mnist", "--epochs", "1",
		"--max-batches", "200", "--lr", "0.1", "--out", model, "--json")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	var tr map[string]any
	if err := json.Unmarshal([]byte(stdout), &tr); err != nil {
		t.Fatalf("train --json: %v\n%s", err, stdout)
	}
	for _, k := range []string{"model", "params", "epochs", "test_accuracy", "test_loss", "epoch_seconds", "samples_per_second", "batch", "seed", "threads"} {
		if _, ok := tr[k]; !ok {
			t.Errorf("train JSON lacks %q", k)
		}
	}
	acc, _ := tr["test_accuracy"].(float64)
	if acc < 0.85 {
		t.Errorf("200 batches of MNIST gave test accuracy %v, want ≥ 0.85", acc)
	}

	code, stdout, stderr = run(t, "eval", "--model", model, "--data", "mnist", "--json")
	var ev experiment.EvalReport
	if code != 0 || json.Unmarshal([]byte(stdout), &ev) != nil {
		t.Fatalf("eval: exit %d, %s %s", code, stdout, stderr)
	}
	if ev.Accuracy != acc || ev.Samples != 10000 {
		t.Errorf("eval accuracy %v on %d samples; train reported %v on 10000", ev.Accuracy, ev.Samples, acc)
	}

	_, test, err := data.LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	var pgm strings.Builder
	fmt.Fprintf(&pgm, "P2\n28 28\n255\n")
	for i, v := range test.X.Row(0) {
		img.SetGray(i%28, i/28, color.Gray{Y: uint8(v*255 + 0.5)})
		fmt.Fprintf(&pgm, "%d ", uint8(v*255+0.5))
	}
	pngPath, pgmPath := filepath.Join(dir, "seven.png"), filepath.Join(dir, "seven.pgm")
	f, _ := os.Create(pngPath)
	png.Encode(f, img)
	f.Close()
	os.WriteFile(pgmPath, []byte(pgm.String()), 0o644)
	for _, in := range []string{pngPath, pgmPath} {
		code, stdout, stderr = run(t, "predict", "--model", model, "--input", in, "--json")
		var pr experiment.PredictReport
		if code != 0 || json.Unmarshal([]byte(stdout), &pr) != nil || len(pr.Predictions) != 1 {
			t.Fatalf("predict %s: exit %d, %s %s", in, code, stdout, stderr)
		}
		p := pr.Predictions[0]
		var sum float32
		for _, q := range p.Probabilities {
			sum += q
		}
		if p.Class != 7 || len(p.Probabilities) != 10 || sum < 0.999 || sum > 1.001 {
			t.Errorf("predict %s: %+v, want class 7 with 10 probabilities summing to 1", filepath.Base(in), p)
		}
	}
}

func TestTrainUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"train", "--model", "lenet9"},
		{"train", "--epochs", "0"},
		{"train", "--hidden", "12,x"},
		{"train", "--patience", "2"},
		{"train", "--optimizer", "rmsprop", "--data", "xor"},
		{"train", "--val-split", "1"},
		{"eval"},
		{"predict", "--model", "x"},
	} {
		if code, _, stderr := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
	if code, _, stderr := run(t, "train", "--data", "nope.csv"); code != 1 || !strings.Contains(stderr, "nope.csv") {
		t.Errorf("missing CSV: exit %d, %s", code, stderr)
	}
	if code, _, stderr := run(t, "eval", "--model", "missing.ckpt"); code != 1 || !strings.Contains(stderr, "missing.ckpt") {
		t.Errorf("missing model: exit %d, %s", code, stderr)
	}
}

func TestTrainXORAndPerceptron(t *testing.T) {
	code, stdout, _ := run(t, "train", "--model", "mlp", "--hidden", "4", "--activation", "sigmoid", "--data", "xor",
		"--epochs", "2000", "--batch", "4", "--lr", "2", "--json")
	var r experiment.TrainReport
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || r.TestAccuracy != 1 {
		t.Errorf("MLP on XOR: exit %d, accuracy %v, want 1", code, r.TestAccuracy)
	}
	code, stdout, _ = run(t, "train", "--model", "perceptron", "--data", "xor", "--epochs", "200", "--json")
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || r.TestAccuracy == 1 {
		t.Errorf("perceptron on XOR: exit %d, accuracy %v, want below 1", code, r.TestAccuracy)
	}
}

// TestTrainCSV trains on a CSV file of two separable clouds with string
// labels and a header line, holding out 20% for the test set.
func TestTrainCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("x,y,kind\n")
	for i := range 200 {
		cx, kind := 2.0, "far"
		if i%2 == 0 {
			cx, kind = -2.0, "near"
		}
		fmt.Fprintf(&b, "%.3f,%.3f,%s\n", cx+float64(i%7)/7, float64(i%5)/5, kind)
	}
	path := filepath.Join(t.TempDir(), "clouds.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	code, stdout, stderr := run(t, "train", "--model", "mlp", "--hidden", "8", "--data", path, "--epochs", "20", "--batch", "16", "--json")
	var r experiment.TrainReport
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if r.TestSamples != 40 || r.TrainSamples != 160 || r.TestAccuracy < 0.95 {
		t.Errorf("CSV run: %d train, %d test, accuracy %v; want 160, 40, ≥ 0.95", r.TrainSamples, r.TestSamples, r.TestAccuracy)
	}
}

// TestTrainSpecFile trains a network described in a YAML model spec, and
// reports a spec that does not fit the data by layer sizes.
func TestTrainSpecFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "xor.yaml")
	os.WriteFile(good, []byte("inputs: 2\nlayers:\n  - {type: dense, units: 4, init: xavier}\n  - {type: tanh}\n  - {type: dense, units: 2}\n"), 0o644)
	code, stdout, stderr := run(t, "train", "--model", good, "--data", "xor", "--epochs", "1000", "--batch", "4", "--lr", "0.5", "--json")
	var r experiment.TrainReport
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || r.TestAccuracy != 1 || r.Params != 22 {
		t.Errorf("spec file on XOR: exit %d, accuracy %v, params %d (%s)", code, r.TestAccuracy, r.Params, stderr)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("inputs: 3\nlayers: [{type: dense, units: 2}]\n"), 0o644)
	if code, _, stderr := run(t, "train", "--model", bad, "--data", "xor"); code != 1 || !strings.Contains(stderr, "takes 3 inputs") {
		t.Errorf("mismatched spec: exit %d, %s", code, stderr)
	}
	typo := filepath.Join(dir, "typo.yaml")
	os.WriteFile(typo, []byte("inputs: 2\nlayers: [{type: dense, unit: 2}]\n"), 0o644)
	if code, _, stderr := run(t, "train", "--model", typo, "--data", "xor"); code != 1 || !strings.Contains(stderr, "unknown field") {
		t.Errorf("misspelt key: exit %d, %s", code, stderr)
	}
}
