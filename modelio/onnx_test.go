package modelio

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
)

// onnxRuntime runs model on x ([rows, cols]) with onnxruntime-node and
// returns its output, or skips the test when the runtime is not installed.
// Install it with
//
//	npm install --ignore-scripts --prefix DIR onnxruntime-node
//
// and set NEURITE_ONNXRUNTIME_DIR=DIR (.ci/run does).
func onnxRuntime(t testing.TB, model string, x []float32, rows, cols int) []float32 {
	t.Helper()
	dir := os.Getenv("NEURITE_ONNXRUNTIME_DIR")
	if dir == "" {
		t.Skip("onnxruntime-node is not installed: npm install --ignore-scripts --prefix DIR onnxruntime-node, then set NEURITE_ONNXRUNTIME_DIR=DIR")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed; the ONNX check runs onnxruntime-node")
	}
	tmp := t.TempDir()
	in, out := filepath.Join(tmp, "in.f32"), filepath.Join(tmp, "out.f32")
	if err := os.WriteFile(in, f32bytes(x), 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("testdata/ort_run.js")
	cmd := exec.Command("node", script, model, in, strconv.Itoa(rows), strconv.Itoa(cols), out)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("onnxruntime on %s: %v: %s", model, err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float32, len(raw)/4)
	for i := range y {
		y[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return y
}

func f32bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// TestONNXAgainstOnnxRuntime exports networks of every layer kind with
// random weights (and random batch-norm statistics) and checks that
// onnxruntime computes the outputs neurite computes, within 1e-5
// relative to the output's size.
func TestONNXAgainstOnnxRuntime(t *testing.T) {
	mlp := ann.MLP(20, []int{16, 12}, ann.Tanh, 5, 0.3)
	mlp.Layers = append(mlp.Layers[:2], append([]ann.LayerSpec{{Type: "batchnorm"}, {Type: "sigmoid"},
		{Type: "dense", Units: 12}, {Type: "leaky-relu"}, {Type: "dense", Units: 9}, {Type: "step"}}, mlp.Layers[2:]...)...)
	mlp.Layers = append(mlp.Layers, ann.LayerSpec{Type: "softmax"})
	conv := ann.Spec{Inputs: 2 * 9 * 9, Shape: []int{2, 9, 9}, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
		{Type: "conv2d", Filters: 4, Kernel: 3, Stride: 2, Padding: 1}, {Type: "batchnorm"}, {Type: "relu"},
		{Type: "avgpool", Kernel: 2, Stride: 1}, {Type: "conv2d", Filters: 3, Kernel: 2}, {Type: "maxpool", Kernel: 2},
		{Type: "flatten"}, {Type: "dense", Units: 4}}}
	seq := ann.Spec{Inputs: 6 * 5, Shape: []int{6, 5}, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
		{Type: "lstm", Units: 7, Sequence: true}, {Type: "flatten"}, {Type: "dense", Units: 3}}}
	for _, c := range []struct {
		name string
		spec ann.Spec
		norm *data.Normalizer
	}{
		{"mlp", mlp, &data.Normalizer{Mean: []float32{0.3}, Std: []float32{0.7}}},
		{"conv", conv, nil},
		{"lenet5", ann.LeNet5(), &data.Normalizer{Mean: []float32{0.1307}, Std: []float32{0.3081}}},
		{"lstm", ann.RowSequence(true, 16), nil},
		{"rnn", ann.RowSequence(false, 16), nil},
		{"lstm-sequence", seq, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			net, err := c.spec.Build(3)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(4, 4))
			for _, b := range net.Buffers() { // running statistics other than 0 and 1
				for i := range b.Value.Data {
					b.Value.Data[i] = 0.5 + r.Float32()
				}
			}
			for _, p := range net.Params() { // biases away from zero too
				for i := range p.Value.Data {
					p.Value.Data[i] += 0.1 * (r.Float32() - 0.5)
				}
			}
			const rows = 7
			x := make([]float32, rows*c.spec.Inputs)
			for i := range x {
				x[i] = r.Float32()
			}
			path := filepath.Join(t.TempDir(), c.name+".onnx")
			if err := WriteONNX(path, net, Meta{Spec: c.spec, Normalizer: c.norm}, "test"); err != nil {
				t.Fatal(err)
			}
			in := tensor.FromData(append([]float32(nil), x...), rows, c.spec.Inputs)
			if c.norm != nil {
				for i := range rows {
					c.norm.Row(in.Row(i))
				}
			}
			want := net.Forward(in, false).Data
			got := onnxRuntime(t, path, x, rows, c.spec.Inputs)
			if len(got) != len(want) {
				t.Fatalf("onnxruntime gave %d outputs, neurite %d", len(got), len(want))
			}
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*math.Max(1, math.Abs(float64(want[i]))) {
					t.Fatalf("output %d: onnxruntime %v, neurite %v", i, got[i], want[i])
				}
			}
		})
	}
}

// TestONNXEncodingStable pins the exact bytes EncodeONNX writes for
// networks covering every exportable layer kind, the normalisation and the
// input reshape, so that a change to how layers are exported cannot alter
// a model silently. The weights are set to a fixed pattern, so only the
// encoder decides the bytes. When the encoding changes on purpose (and
// TestONNXAgainstOnnxRuntime still passes), update the hashes.
func TestONNXEncodingStable(t *testing.T) {
	mlp := ann.MLP(20, []int{16, 12}, ann.Tanh, 5, 0.3)
	mlp.Layers = append(mlp.Layers[:2], append([]ann.LayerSpec{{Type: "batchnorm"}, {Type: "sigmoid"},
		{Type: "dense", Units: 12}, {Type: "leaky-relu"}, {Type: "dense", Units: 9}, {Type: "step"}, {Type: "identity"},
		{Type: "dense", Units: 12}, {Type: "leaky-relu", Slope: 0.3}, {Type: "relu"}}, mlp.Layers[2:]...)...)
	mlp.Layers = append(mlp.Layers, ann.LayerSpec{Type: "softmax"})
	conv := ann.Spec{Inputs: 2 * 9 * 9, Shape: []int{2, 9, 9}, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
		{Type: "conv2d", Filters: 4, Kernel: 3, Stride: 2, Padding: 1}, {Type: "batchnorm"}, {Type: "relu"},
		{Type: "avgpool", Kernel: 2, Stride: 1}, {Type: "conv2d", Filters: 3, Kernel: 2}, {Type: "maxpool", Kernel: 2},
		{Type: "flatten"}, {Type: "dense", Units: 4}}}
	seq := ann.Spec{Inputs: 6 * 5, Shape: []int{6, 5}, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
		{Type: "rnn", Units: 7, Sequence: true}, {Type: "lstm", Units: 4, Sequence: true}, {Type: "flatten"}, {Type: "dense", Units: 3}}}
	for _, c := range []struct {
		name string
		spec ann.Spec
		norm *data.Normalizer
		want string
	}{
		{"mlp", mlp, &data.Normalizer{Mean: []float32{0.3}, Std: []float32{0.7}},
			"a54aa698e6d554e26be2771b2b29e2d49135b9e4d4248ed21102113bb0d8c11c"},
		{"conv", conv, &data.Normalizer{Mean: []float32{0.1, 0.2}, Std: []float32{0.3, 0.4}},
			"086a450c102804239d039a21530039b59addd35bfe52cedb6a999fed2fda655b"},
		{"recurrent", seq, nil,
			"eb889831ab386fa05067e25be744e8f7f99a9a999d85b72a3bd1c64914160bff"},
		{"lstm", ann.RowSequence(true, 3), nil,
			"660edbd0d3c4ad41a6267dea9067e9f774d330460d2c7afb0e964aea97b3a335"},
	} {
		t.Run(c.name, func(t *testing.T) {
			net, err := c.spec.Build(1)
			if err != nil {
				t.Fatal(err)
			}
			for k, p := range append(net.Params(), net.Buffers()...) {
				for i := range p.Value.Data {
					p.Value.Data[i] = float32((i+k)%13)/8 - 0.75
				}
			}
			b, err := EncodeONNX(net, Meta{Spec: c.spec, Normalizer: c.norm}, "test")
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != c.want {
				t.Errorf("EncodeONNX(%s) has SHA-256 %s, want %s", c.name, got, c.want)
			}
		})
	}
}

// novel is a layer type defined outside package ann that knows nothing of
// ONNX: y = x.
type novel struct{}

func (novel) Kind() string                                      { return "novel" }
func (novel) Params() []*ann.Param                              { return nil }
func (novel) Forward(x *tensor.Tensor, _ bool) *tensor.Tensor   { return x }
func (novel) Backward(dy *tensor.Tensor, _ bool) *tensor.Tensor { return dy }

// TestONNXLayerWithoutExport: a layer that does not implement
// ann.ONNXExporter is an error naming it, not a panic or a silent gap.
func TestONNXLayerWithoutExport(t *testing.T) {
	spec := ann.MLP(4, []int{3}, ann.ReLU, 2, 0)
	net, err := spec.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	net.Layers = slices.Insert(net.Layers, 1, ann.Layer(novel{}))
	_, err = EncodeONNX(net, Meta{Spec: spec}, "test")
	if want := `modelio: onnx: layer 1 (novel): no ONNX export for layer kind "novel"`; err == nil || err.Error() != want {
		t.Errorf("EncodeONNX with a novel layer: error %v, want %q", err, want)
	}
}
