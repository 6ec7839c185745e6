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
	"strings"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

// onnxRuntime runs model on x, shaped as shape, with onnxruntime-node and
// returns its output, or skips the test when the runtime is not installed.
// Install it with
//
//	npm install --ignore-scripts --prefix DIR onnxruntime-node
//
// and set NEURITE_ONNXRUNTIME_DIR=DIR (.ci/run does).
func onnxRuntime(t testing.TB, model string, x []float32, shape []int) []float32 {
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
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	script, _ := filepath.Abs("testdata/ort_run.js")
	cmd := exec.Command("node", script, model, in, strings.Join(dims, ","), out)
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
// onnxruntime, fed inputs shaped as PyTorch's exports take them (NCHW
// images, [batch, steps, features] sequences), computes the outputs
// neurite computes, within 1e-5 relative to the output's size.
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
		name  string
		spec  ann.Spec
		norm  *data.Normalizer
		shape []int // of one example, as the graph takes it
	}{
		{"mlp", mlp, &data.Normalizer{Mean: []float32{0.3}, Std: []float32{0.7}}, []int{20}},
		{"mlp per-input normalisation", mlp, perInput(20), []int{20}},
		{"conv", conv, nil, []int{2, 9, 9}},
		{"conv per-input normalisation", conv, perInput(2 * 9 * 9), []int{2, 9, 9}},
		{"lenet5", ann.LeNet5(), &data.Normalizer{Mean: []float32{0.1307}, Std: []float32{0.3081}}, []int{1, 28, 28}},
		{"lstm", ann.RowSequence(true, 16), nil, []int{28, 28}},
		{"rnn", ann.RowSequence(false, 16), nil, []int{28, 28}},
		{"lstm-sequence", seq, perInput(6 * 5), []int{6, 5}},
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
			meta := Meta{Spec: c.spec, Normalizer: c.norm}
			if err := WriteONNX(path, net, meta, "test"); err != nil {
				t.Fatal(err)
			}
			if got := ONNXInputShape(net, meta); !slices.Equal(got, c.shape) {
				t.Fatalf("ONNXInputShape = %v, want %v", got, c.shape)
			}
			in := tensor.FromData(append([]float32(nil), x...), rows, c.spec.Inputs)
			if c.norm != nil {
				for i := range rows {
					c.norm.Row(in.Row(i))
				}
			}
			want := net.Forward(in, false).Data
			got := onnxRuntime(t, path, x, append([]int{rows}, c.shape...))
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
// TestONNXAgainstOnnxRuntime still passes), update the hashes. (They
// changed for conv, recurrent and lstm when the graph input took the
// example's shape, NCHW or [batch, steps, features], instead of flat rows;
// conv's normalisation became one per input, as Validate requires.)
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
		{"conv", conv, perInput(2 * 9 * 9),
			"4f07ee8760b66602950ebb76de61411e61b2b4ecd550456605f62868c2119236"},
		{"recurrent", seq, nil,
			"b687c5d4f11ff206442dffd82ab8d5d4ecbeef18e68bfbef5504311d7cbd0bd7"},
		{"lstm", ann.RowSequence(true, 3), nil,
			"04350515161cd9230bed6a49095a691874f046a2bd3a3292717de3d0e372c1fe"},
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

// perInput returns a normalisation with a mean and deviation per input,
// all different, so that a wrongly laid out one shows.
func perInput(n int) *data.Normalizer {
	norm := &data.Normalizer{Mean: make([]float32, n), Std: make([]float32, n)}
	for i := range n {
		norm.Mean[i], norm.Std[i] = float32(i%7)/10, 0.5+float32(i%5)/10
	}
	return norm
}

// TestONNXRejectsBadNormalizer: statistics that fit neither one value for
// all inputs nor one per input are an error, not a graph that fails to
// run.
func TestONNXRejectsBadNormalizer(t *testing.T) {
	spec := ann.LeNet5()
	net, err := spec.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	bad := &data.Normalizer{Mean: []float32{0.1, 0.2}, Std: []float32{1, 1}}
	if _, err := EncodeONNX(net, Meta{Spec: spec, Normalizer: bad}, "test"); err == nil || !strings.Contains(err.Error(), "2 means") {
		t.Errorf("EncodeONNX with 2 means for 784 inputs: %v", err)
	}
}

// TestONNXMNIST trains LeNet-5, an MLP and an LSTM briefly on MNIST,
// exports them with MNIST's normalisation, and checks that onnxruntime,
// fed raw test images as PyTorch's exports take them ([N, 1, 28, 28],
// [N, 784] and [N, 28, 28]), computes neurite's logits within onnxTol and
// the same class: on the first 300 test images, on all 10,000 with
// NEURITE_LONG=1.
func TestONNXMNIST(t *testing.T) {
	if os.Getenv("NEURITE_ONNXRUNTIME_DIR") == "" {
		t.Skip("onnxruntime-node is not installed: npm install --ignore-scripts --prefix DIR onnxruntime-node, then set NEURITE_ONNXRUNTIME_DIR=DIR")
	}
	trainSet, test, err := data.LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("NEURITE_LONG") == "" {
		test = test.Head(300)
	}
	norm := data.FitNormalizer(trainSet, true)
	for _, c := range []struct {
		name  string
		spec  ann.Spec
		shape []int
	}{
		{"lenet5", ann.LeNet5(), []int{1, 28, 28}},
		{"mlp", ann.MLP(784, []int{64}, ann.ReLU, 10, 0), []int{784}},
		{"lstm", ann.RowSequence(true, 32), []int{28, 28}},
	} {
		t.Run(c.name, func(t *testing.T) {
			net, err := c.spec.Build(1)
			if err != nil {
				t.Fatal(err)
			}
			fitBriefly(t, net, trainSet, norm)
			meta := Meta{Model: c.name, Spec: c.spec, Normalizer: &norm, Classes: 10}
			path := filepath.Join(t.TempDir(), c.name+".onnx")
			if err := WriteONNX(path, net, meta, "test"); err != nil {
				t.Fatal(err)
			}
			if got := ONNXInputShape(net, meta); !slices.Equal(got, c.shape) {
				t.Fatalf("ONNXInputShape = %v, want %v", got, c.shape)
			}
			got := onnxRuntime(t, path, test.X.Data, append([]int{test.Len()}, c.shape...))
			x := test.Clone()
			norm.Apply(x)
			want := net.Forward(x.X, false)
			if len(got) != len(want.Data) {
				t.Fatalf("onnxruntime gave %d outputs, neurite %d", len(got), len(want.Data))
			}
			correct, worst := 0, 0.0
			for i := range test.Len() {
				w, g := want.Row(i), got[10*i:10*i+10]
				for j := range w {
					d := math.Abs(float64(g[j]-w[j])) / math.Max(1, math.Abs(float64(w[j])))
					worst = math.Max(worst, d)
					if d > onnxTol {
						t.Fatalf("image %d, logit %d: onnxruntime %v, neurite %v", i, j, g[j], w[j])
					}
				}
				k := tensor.ArgMax(w)
				if tensor.ArgMax(g) != k && !nearTie(w, k) {
					t.Errorf("image %d: onnxruntime says %d, neurite %d", i, tensor.ArgMax(g), k)
				}
				if k == test.Labels[i] {
					correct++
				}
			}
			t.Logf("%s: %d images, accuracy %.3f, largest relative difference %.2g", c.name, test.Len(), float64(correct)/float64(test.Len()), worst)
			// Trained, not random: the classes compared are real decisions
			// (chance is 0.1).
			if acc := float64(correct) / float64(test.Len()); acc < 0.3 {
				t.Errorf("accuracy %.3f after brief training; want above 0.3", acc)
			}
		})
	}
}

// onnxTol bounds the difference between onnxruntime's logits and
// neurite's, relative to the logit's size (at least 1): both compute in
// float32, summing in different orders (onnxruntime's convolutions and
// GEMMs block differently), which costs a few ulps per term over sums of
// hundreds of terms. Measured differences are around 1e-6.
const onnxTol = 1e-4

// nearTie reports whether the largest logit of row, at k, leads another
// by less than onnxTol: then either runtime may name either class.
func nearTie(row []float32, k int) bool {
	for j, v := range row {
		if j != k && float64(row[k]-v) <= onnxTol*math.Max(1, math.Abs(float64(row[k]))) {
			return true
		}
	}
	return false
}

// fitBriefly trains net for 40 batches of 64 MNIST images with Adam, far
// from converged but well above chance.
func fitBriefly(t *testing.T, net *ann.Sequential, d *data.Dataset, norm data.Normalizer) {
	t.Helper()
	opt, err := optim.Adam{LR: 0.003}.New()
	if err != nil {
		t.Fatal(err)
	}
	const batches, batch = 40, 64
	var loss ann.SoftmaxCrossEntropy
	params := net.Params()
	for b := range batches {
		x := tensor.FromData(append([]float32(nil), d.X.Data[b*batch*784:(b+1)*batch*784]...), batch, 784)
		for i := range batch {
			norm.Row(x.Row(i))
		}
		out := net.Forward(x, true)
		grad := tensor.New(out.Shape...)
		loss.Eval(grad, out, d.Labels[b*batch:(b+1)*batch])
		net.Backward(grad)
		opt.Step(params)
	}
}
