package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/tensor"
)

// inspectJSON runs "neurite inspect FILE --json".
func inspectJSON(t *testing.T, path string) experiment.InspectReport {
	t.Helper()
	code, stdout, stderr := run(t, "inspect", path, "--json")
	var r experiment.InspectReport
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil {
		t.Fatalf("inspect %s: exit %d: %s %s", path, code, stdout, stderr)
	}
	return r
}

// TestResumeBitIdentical: for each kind of network, two epochs straight
// give exactly the weights of one epoch saved, then resumed to two; and a
// run left mid-epoch by its periodic checkpoint resumes to the same end.
func TestResumeBitIdentical(t *testing.T) {
	t.Chdir(t.TempDir())
	models := []struct {
		name string
		args []string
	}{
		{"mlp", []string{"--model", "mlp", "--hidden", "32", "--dropout", "0.2", "--optimizer", "adam", "--lr", "0.001"}},
		{"lenet5", []string{"--model", "lenet5", "--lr", "0.05", "--momentum", "0.9"}},
		{"lstm", []string{"--model", "lstm", "--hidden", "16", "--optimizer", "adam", "--lr", "0.001", "--clip", "1"}},
		// A constant rate: a cosine schedule (snn's default) spans the
		// epochs asked for, so one epoch resumed to two is another run.
		{"snn", []string{"--model", "snn", "--hidden", "16", "--steps", "5", "--coding", "rate", "--optimizer", "adam", "--lr", "0.001", "--schedule", "constant"}},
	}
	for _, m := range models {
		t.Run(m.name, func(t *testing.T) {
			common := append([]string{"train", "--data", "mnist", "--max-batches", "5", "--batch", "32", "--seed", "7", "--test-samples", "200"}, m.args...)
			train := func(extra ...string) {
				t.Helper()
				if code, _, stderr := run(t, append(append([]string(nil), common...), extra...)...); code != 0 {
					t.Fatalf("train %v: exit %d: %s", extra, code, stderr)
				}
			}
			resume := func(args ...string) {
				t.Helper()
				if code, _, stderr := run(t, append([]string{"train"}, args...)...); code != 0 {
					t.Fatalf("train %v: exit %d: %s", args, code, stderr)
				}
			}
			train("--epochs", "2", "--out", "straight.ckpt")
			train("--epochs", "1", "--out", "first.ckpt")
			resume("--resume", "first.ckpt", "--epochs", "2", "--out", "resumed.ckpt", "--threads", "1")
			// No --out: periodic checkpoints go to out/MODEL.ckpt; the last
			// one (step 8 of 10) is mid-epoch.
			train("--epochs", "2", "--checkpoint-every", "4")
			mid := inspectJSON(t, filepath.Join("out", m.name+".ckpt"))
			var rec struct {
				State struct{ Step, Epoch, Batch int }
			}
			if err := json.Unmarshal(mid.Training, &rec); err != nil {
				t.Fatal(err)
			}
			if st := rec.State; st.Step != 8 || st.Epoch != 1 || st.Batch != 3 {
				t.Errorf("periodic checkpoint at step %d, epoch %d, batch %d; want step 8 = epoch 1 (0-based), batch 3", st.Step, st.Epoch, st.Batch)
			}
			resume("--resume", filepath.Join("out", m.name+".ckpt"), "--out", "mid-resumed.ckpt")

			want := inspectJSON(t, "straight.ckpt")
			for _, f := range []string{"resumed.ckpt", "mid-resumed.ckpt"} {
				got := inspectJSON(t, f)
				if got.WeightsSHA256 != want.WeightsSHA256 || got.Epoch != 2 {
					t.Errorf("%s: weights %s at epoch %d; straight run %s at epoch %d", f, got.WeightsSHA256, got.Epoch, want.WeightsSHA256, want.Epoch)
				}
			}
			if first := inspectJSON(t, "first.ckpt"); first.WeightsSHA256 == want.WeightsSHA256 {
				t.Error("one epoch and two epochs give the same weights: the comparison proves nothing")
			}
		})
	}
}

// TestResumeErrors: flags that would change a resumed run are refused,
// naming the flag; so are fewer epochs than already trained.
func TestResumeErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := run(t, "train", "--model", "mlp", "--hidden", "8", "--epochs", "2", "--max-batches", "3", "--out", "a.ckpt"); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lr", "0.5"}, "--lr 0.5: conflicts with the checkpoint"},
		{[]string{"--epochs", "1"}, "already trained 2 epochs"},
		{[]string{"--init", "a.ckpt"}, "exclude each other"},
	} {
		code, _, stderr := run(t, append([]string{"train", "--resume", "a.ckpt"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("resume %v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// TestInterruptWritesCheckpoint: a cancelled run (what Ctrl-C or SIGTERM
// does) saves where it stopped, says how to continue, and the resumed run
// completes.
func TestInterruptWritesCheckpoint(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	root := newRoot(&stdout, &stderr)
	root.SetArgs([]string{"train", "--model", "mlp", "--hidden", "8", "--epochs", "1", "--max-batches", "3", "--out", "run.ckpt"})
	err := root.ExecuteContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "checkpoint written to run.ckpt") {
		t.Fatalf("interrupted train returned %v", err)
	}
	if code, _, stderr := run(t, "train", "--resume", "run.ckpt"); code != 0 {
		t.Fatalf("resume after interrupt: exit %d: %s", code, stderr)
	}
	if r := inspectJSON(t, "run.ckpt"); r.Epoch != 1 {
		t.Errorf("resumed run saved at epoch %d, want 1", r.Epoch)
	}
}

// TestInitFreeze: fine-tuning from the command line keeps the frozen
// layer's weights, trains the rest, and refuses impossible requests.
func TestInitFreeze(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, stderr := run(t, "train", "--model", "mlp", "--hidden", "16", "--labels", "0-4", "--epochs", "1", "--max-batches", "20", "--out", "pre.ckpt"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := run(t, "train", "--init", "pre.ckpt", "--freeze", "1", "--labels", "5-9", "--train-samples", "40",
		"--epochs", "3", "--batch", "20", "--out", "tuned.ckpt", "--json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var rep experiment.TrainReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Model != "mlp" || rep.TrainSamples != 40 {
		t.Errorf("fine-tuning report: model %q, %d training samples (%v)", rep.Model, rep.TrainSamples, err)
	}
	pre, _, err := modelio.Load("pre.ckpt")
	if err != nil {
		t.Fatal(err)
	}
	tuned, _, err := modelio.Load("tuned.ckpt")
	if err != nil {
		t.Fatal(err)
	}
	p, q := pre.Params(), tuned.Params()
	if !slices.Equal(p[0].Value.Data, q[0].Value.Data) || !slices.Equal(p[1].Value.Data, q[1].Value.Data) {
		t.Error("the frozen first layer changed")
	}
	if slices.Equal(p[2].Value.Data, q[2].Value.Data) {
		t.Error("the output layer did not train")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--init", "pre.ckpt", "--freeze", "3"}, "cannot freeze 3 layers: the network has 2"},
		{[]string{"--freeze", "1"}, "--freeze 1: needs --init"},
		{[]string{"--init", "pre.ckpt", "--model", "lenet5"}, "holds a mlp"},
		{[]string{"--labels", "3-12"}, "--labels 3-12: want classes in [0, 10)"},
	} {
		code, _, stderr := run(t, append([]string{"train", "--epochs", "1", "--max-batches", "1"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("train %v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// TestExportPredictionsMatch trains LeNet-5 and the LSTM briefly, exports
// them to ONNX and checks that onnxruntime predicts the same class as
// neurite for every one of MNIST's 10,000 test images (raw pixels in,
// shaped as export's input_shape says: [N, 1, 28, 28] and [N, 28, 28]; the
// exported graph normalises them itself). Skips without onnxruntime-node
// (see modelio's test).
func TestExportPredictionsMatch(t *testing.T) {
	dir := os.Getenv("NEURITE_ONNXRUNTIME_DIR")
	if dir == "" {
		t.Skip("onnxruntime-node is not installed: npm install --ignore-scripts --prefix DIR onnxruntime-node, then set NEURITE_ONNXRUNTIME_DIR=DIR")
	}
	t.Chdir(t.TempDir())
	_, test, err := data.LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	raw := append([]float32(nil), test.X.Data...)
	in := "test.f32"
	if err := os.WriteFile(in, float32Bytes(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"lenet5", "lstm"} {
		if code, _, stderr := run(t, "train", "--model", model, "--epochs", "1", "--max-batches", "60", "--optimizer", "adam", "--lr", "0.002", "--out", model+".ckpt"); code != 0 {
			t.Fatal(stderr)
		}
		code, stdout, stderr := run(t, "export", "--model", model+".ckpt", "--format", "onnx", "--out", model+".onnx", "--json")
		var rep experiment.ExportReport
		if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || rep.Bytes == 0 || rep.Format != "onnx" {
			t.Fatalf("export: exit %d: %s %s", code, stdout, stderr)
		}
		dims := "10000"
		for _, d := range rep.InputShape {
			dims += fmt.Sprintf(",%d", d)
		}
		if want := map[string]string{"lenet5": "10000,1,28,28", "lstm": "10000,28,28"}[model]; dims != want {
			t.Errorf("%s: export's input_shape %v, want [N, %s]", model, rep.InputShape, want)
		}
		script, _ := filepath.Abs(filepath.Join(testdataDir(t), "ort_run.js"))
		cmd := exec.Command("node", script, model+".onnx", in, dims, "out.f32")
		cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("onnxruntime: %v: %s", err, msg)
		}
		b, err := os.ReadFile("out.f32")
		if err != nil {
			t.Fatal(err)
		}
		net, meta, err := modelio.Load(model + ".ckpt")
		if err != nil {
			t.Fatal(err)
		}
		x := append([]float32(nil), raw...)
		for i := range test.Len() {
			meta.Normalizer.Row(x[i*784 : (i+1)*784])
		}
		want := net.Predict(tensor.FromData(x, test.Len(), 784))
		differ := 0
		for i := range want {
			row := make([]float32, 10)
			for j := range row {
				row[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*(i*10+j):]))
			}
			if tensor.ArgMax(row) != want[i] {
				differ++
			}
		}
		if differ > 0 {
			t.Errorf("%s: onnxruntime and neurite disagree on %d of %d test images", model, differ, len(want))
		}
	}
}

func float32Bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// testdataDir is modelio's testdata, which holds the onnxruntime runner.
func testdataDir(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "modelio", "testdata")
}

// TestSTDPSaveEval: an STDP network trained with --out is the one inspect
// describes and eval scores: eval's accuracy on the 10,000 test images
// (fresh input spikes) is within 5 points of what train measured on the
// first 2,000.
func TestSTDPSaveEval(t *testing.T) {
	t.Chdir(t.TempDir())
	code, stdout, stderr := run(t, "train", "--model", "stdp", "--neurons", "10", "--train-samples", "300", "--test-samples", "2000", "--out", "stdp.safetensors", "--json")
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	var trained experiment.TrainReport
	if err := json.Unmarshal([]byte(stdout), &trained); err != nil {
		t.Fatal(err)
	}
	if r := inspectJSON(t, "stdp.safetensors"); r.Model != "stdp" || r.Neurons != 10 || r.Inputs != 784 || r.Images != 300 || r.Params != 7850 {
		t.Errorf("inspect: %+v", r)
	}
	code, stdout, stderr = run(t, "eval", "--model", "stdp.safetensors", "--seed", "2", "--json")
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var ev experiment.EvalReport
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatal(err)
	}
	t.Logf("train %.4f, eval %.4f", trained.TestAccuracy, ev.Accuracy)
	if math.Abs(ev.Accuracy-trained.TestAccuracy) > 0.05 || ev.Samples != 10000 || ev.SpikesPerSample == nil {
		t.Errorf("eval %.4f on %d images, train measured %.4f", ev.Accuracy, ev.Samples, trained.TestAccuracy)
	}
	if code, _, stderr := run(t, "export", "--model", "stdp.safetensors", "--format", "onnx", "--out", "x.onnx"); code == 0 || !strings.Contains(stderr, "an STDP network") {
		t.Errorf("export of an STDP network: exit %d: %s", code, stderr)
	}
}
