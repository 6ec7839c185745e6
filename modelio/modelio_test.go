package modelio

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

func smallModel(t testing.TB) (*ann.Sequential, Meta) {
	spec := ann.MLP(4, []int{3}, ann.ReLU, 2, 0)
	net, err := spec.Build(7)
	if err != nil {
		t.Fatal(err)
	}
	return net, Meta{Model: "mlp", Spec: spec, Normalizer: &data.Normalizer{Mean: []float32{0.5}, Std: []float32{2}},
		Classes: 2, Epoch: 3, Dataset: "test"}
}

func encode(t testing.TB, net *ann.Sequential, m Meta) []byte {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Save(path, net, m); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	net, meta := smallModel(t)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Save(path, net, meta); err != nil {
		t.Fatal(err)
	}
	got, m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if WeightsSHA256(got) != WeightsSHA256(net) {
		t.Error("weights changed through save and load")
	}
	if m.Model != "mlp" || m.Classes != 2 || m.Epoch != 3 || m.Normalizer.Std[0] != 2 || m.Spec.Outputs() != 2 {
		t.Errorf("metadata %+v", m)
	}
	x := tensor.FromData([]float32{1, -2, 3, 0.5, 0, 1, 1, 1}, 2, 4)
	if !slices.Equal(got.Forward(x, false).Data, net.Forward(x, false).Data) {
		t.Error("loaded model computes different outputs")
	}
	// The header is the safetensors layout a reader in any language expects.
	b, _ := os.ReadFile(path)
	n := binary.LittleEndian.Uint64(b)
	if n%8 != 0 || !strings.Contains(string(b[8:8+n]), `"0.weight":{"dtype":"F32","shape":[3,4],"data_offsets":[12,60]}`) {
		t.Errorf("header %s", b[8:8+n])
	}
}

// TestClassNames: class names come back as saved, a file without them
// (written before they were kept) loads with none, and Save refuses names
// that Load would refuse.
func TestClassNames(t *testing.T) {
	net, meta := smallModel(t)
	dir := t.TempDir()
	meta.ClassNames = []string{"-1", "chat noir"}
	path := filepath.Join(dir, "named.safetensors")
	if err := Save(path, net, meta); err != nil {
		t.Fatal(err)
	}
	if _, m, err := Load(path); err != nil || !slices.Equal(m.ClassNames, meta.ClassNames) {
		t.Errorf("Load = names %q, %v; want %q", m.ClassNames, err, meta.ClassNames)
	}
	old := withMetadata(t, encode(t, net, meta), keyClassNames, "")
	f, err := Decode(bytes.NewReader(old), int64(len(old)))
	if err != nil {
		t.Fatal(err)
	}
	if _, m, err := FromFile(f); err != nil || m.ClassNames != nil || m.Classes != 2 {
		t.Errorf("a file without class names: names %q, %d classes, %v", m.ClassNames, m.Classes, err)
	}
	for _, bad := range []Meta{
		{Model: "mlp", Spec: meta.Spec, Classes: 2, ClassNames: []string{"a"}},
		{Model: "mlp", Spec: meta.Spec, Classes: 2, ClassNames: []string{"a", "a"}},
		{Model: "mlp", Spec: meta.Spec, Classes: 3},
		{Model: "mlp", Spec: meta.Spec, Classes: 2, Epoch: -1},
	} {
		if err := Save(filepath.Join(dir, "bad.safetensors"), net, bad); err == nil {
			t.Errorf("Save(%+v) succeeded", bad)
		}
	}
	// One output unit scores two classes.
	one := ann.Spec{Inputs: 2, Loss: "bce", Layers: []ann.LayerSpec{{Type: "dense", Units: 1}, {Type: "sigmoid"}}}
	onet, err := one.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(filepath.Join(dir, "one.safetensors"), onet, Meta{Spec: one, Classes: 2, ClassNames: []string{"no", "yes"}}); err != nil {
		t.Errorf("a single output with two classes: %v", err)
	}
}

// TestHostileFiles: every truncation, flipped bytes, lying lengths, wrong
// dtypes and NaNs give errors, never panics.
func TestHostileFiles(t *testing.T) {
	net, meta := smallModel(t)
	good := encode(t, net, meta)
	for cut := 0; cut < len(good); cut++ {
		if _, err := Decode(bytes.NewReader(good[:cut]), int64(cut)); err == nil {
			t.Fatalf("file truncated to %d of %d bytes decoded without error", cut, len(good))
		}
	}
	huge := slices.Clone(good)
	binary.LittleEndian.PutUint64(huge, 1<<40)
	if _, err := Decode(bytes.NewReader(huge), int64(len(huge))); err == nil || !strings.Contains(err.Error(), "header claims") {
		t.Errorf("header length 2^40: %v", err)
	}
	hlen := int(binary.LittleEndian.Uint64(good))
	replace := func(old, new string) []byte {
		b := slices.Clone(good)
		h := strings.Replace(string(b[8:8+hlen]), old, new, 1)
		if len(h) != hlen {
			t.Fatalf("replacement changes the header length")
		}
		copy(b[8:], h)
		return b
	}
	// raw builds a file from a header and a number of zero data bytes.
	raw := func(header string, dataBytes int) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
		return append(append(b, header...), make([]byte, dataBytes)...)
	}
	cases := map[string][]byte{
		"dtype F16":       replace(`"dtype":"F32","shape":[3,4]`, `"dtype":"F16","shape":[3,4]`),
		"shape too large": replace(`"shape":[3,4]`, `"shape":[9,4]`),
		"not JSON":        replace(`{`, `[`),
		"2^40 elements":   raw(`{"w":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,4398046511104]}}`, 16),
		"negative dim":    raw(`{"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}}`, 16),
		"overlap":         raw(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, 12),
		"gap":             raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8),
		"metadata type":   raw(`{"__metadata__":{"x":1}}`, 0),
		"not neurite":     raw(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4),
	}
	nan := slices.Clone(good)
	binary.LittleEndian.PutUint32(nan[8+hlen:], math.Float32bits(float32(math.NaN())))
	cases["NaN weight"] = nan
	// Metadata that lies: each file is intact safetensors, and the error
	// names what is wrong.
	wantErr := map[string]string{}
	for _, m := range hostileMetadata {
		cases[m.name] = withMetadata(t, good, m.key, m.value)
		wantErr[m.name] = m.want
	}
	for name, b := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f, err := Decode(bytes.NewReader(b), int64(len(b)))
		if err == nil {
			_, _, err = FromFile(f)
		}
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if want := wantErr[name]; !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q, want one containing %q", name, err, want)
		}
		// Reading may cost a multiple of the file (JSON, the network it
		// holds), never what the header claims.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64*uint64(len(b))+1<<20 {
			t.Errorf("%s: reading %d bytes allocated %d", name, len(b), alloc)
		}
	}
	for i := 0; i < len(good); i += 7 {
		b := slices.Clone(good)
		b[i] ^= 0x5a
		if f, err := Decode(bytes.NewReader(b), int64(len(b))); err == nil {
			FromFile(f) // must not panic; an intact-looking file may still load
		}
	}
}

// hostileMetadata are model files whose metadata is out of bounds or
// does not fit the architecture (smallModel's: 4 inputs, 2 outputs), each
// with the error it must give.
var hostileMetadata = []struct{ name, key, value, want string }{
	{"classes 10^12", keyClasses, "1000000000000", "1000000000000 classes for a network of 2 outputs"},
	{"classes 2^63", keyClasses, "9223372036854775808", "want a positive integer"},
	{"classes above the outputs", keyClasses, "3", "3 classes for a network of 2 outputs"},
	{"classes 0", keyClasses, "0", "want a positive integer"},
	{"classes missing", keyClasses, "", "want a positive integer"},
	{"epoch negative", keyEpoch, "-1", "epoch"},
	{"epoch 2^40", keyEpoch, "1099511627776", "epoch"},
	{"optimizer steps negative", keyOptSteps, "-5", "optimizer steps"},
	{"optimizer steps 2^60", keyOptSteps, "1152921504606846976", "optimizer steps"},
	{"class names not an array", keyClassNames, `"cat"`, "class names"},
	{"class names null", keyClassNames, `null`, "class names"},
	{"class names too few", keyClassNames, `["cat"]`, "1 class names for 2 classes"},
	{"class names too many", keyClassNames, `["a","b","c"]`, "3 class names for 2 classes"},
	{"class name twice", keyClassNames, `["cat","cat"]`, `"cat" names another class too`},
	{"class name empty", keyClassNames, `["cat",""]`, "class 1: name is empty"},
	{"class name too long", keyClassNames, `["cat","` + strings.Repeat("x", data.MaxClassName+1) + `"]`, "at most 256"},
	{"class name control character", keyClassNames, `["cat","\u001b[2J"]`, "control character"},
	{"model name too long", keyModel, strings.Repeat("m", MaxNameBytes+1), "model name"},
	{"dataset name too long", keyDataset, strings.Repeat("d", MaxNameBytes+1), "dataset name"},
	{"normalizer for other inputs", keyNormalizer, `{"mean":[0,0,0],"std":[1,1,1]}`, "3 means"},
	{"training not JSON", keyTraining, `{"state":`, "training state"},
}

// withMetadata returns the model file b with metadata key set to value
// ("" deletes it), re-encoded.
func withMetadata(t testing.TB, b []byte, key, value string) []byte {
	f, err := Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata[key] = value
	if value == "" {
		delete(f.Metadata, key)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzDecode(f *testing.F) {
	net, meta := smallModel(f)
	good := encode(f, net, meta)
	f.Add(good)
	for _, m := range hostileMetadata {
		f.Add(withMetadata(f, good, m.key, m.value))
	}
	named := meta
	named.ClassNames = []string{"cat", "dog"}
	f.Add(encode(f, net, named))
	// A checkpoint: optimizer tensors and training metadata too.
	opt := optim.State{Steps: 3, Buffers: map[string][]float32{}}
	for _, p := range net.Params() {
		opt.Buffers["exp_avg:"+p.Name] = make([]float32, p.Value.Len())
	}
	meta.Optimizer, meta.Training = &opt, []byte(`{"state":{"epoch":1}}`)
	f.Add(encode(f, net, meta))
	for _, name := range []string{"mlp.safetensors", "torch_lenet5.safetensors"} {
		if seed, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(seed)
		}
	}
	// An STDP network: F64 tensors and its own format.
	stdp := filepath.Join(f.TempDir(), "stdp.safetensors")
	if err := SaveSTDP(stdp, smallSTDP(f), STDPMeta{Classes: 3}); err != nil {
		f.Fatal(err)
	}
	if seed, err := os.ReadFile(stdp); err == nil {
		f.Add(seed)
	}
	// An STDP training checkpoint (states, tally and training record too),
	// and each of its hostile edits.
	_, edit := stdpEditor(f)
	f.Add(edit(func(*File) {}))
	for _, tc := range stdpHostile {
		f.Add(edit(tc.change))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Decode(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if net, _, err := FromFile(file); err == nil {
			LoadWeights(net, file)
		}
		STDPFromFile(file, 1)
	})
}

// TestPyTorchStateDict reads a PyTorch LeNet-5 state_dict (written by
// scripts/peers/torch_lenet5_fixture.py) into neurite's LeNet-5 by name and
// checks the logits against those PyTorch computed for the same inputs.
func TestPyTorchStateDict(t *testing.T) {
	f, err := ReadFile("testdata/torch_lenet5.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	net, err := ann.LeNet5().Build(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadWeights(net, f); err == nil || !strings.Contains(err.Error(), `"test.input" matches no parameter`) {
		t.Fatalf("extra tensors were not reported: %v", err)
	}
	if err := LoadWeights(net, f, "test."); err != nil {
		t.Fatal(err)
	}
	in, _ := f.Get("test.input")
	want, _ := f.Get("test.output")
	got := net.Forward(tensor.FromData(in.Data, in.Shape...), false)
	for i, w := range want.Data {
		if d := math.Abs(float64(got.Data[i] - w)); d > 1e-5 {
			t.Fatalf("logit %d: neurite %v, PyTorch %v", i, got.Data[i], w)
		}
	}
	mlp, err := ann.MLP(784, []int{16}, ann.ReLU, 10, 0).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadWeights(mlp, f, "test."); err == nil {
		t.Error("LeNet-5 weights loaded into an MLP")
	}
}

// TestCheckpointRoundTrip: optimizer state and training metadata come back
// as saved, beside the weights, and do not count as weights.
func TestCheckpointRoundTrip(t *testing.T) {
	net, meta := smallModel(t)
	opt := optim.State{Steps: 12, Buffers: map[string][]float32{}}
	for i, p := range net.Params() {
		b := make([]float32, p.Value.Len())
		for j := range b {
			b[j] = float32(i*100 + j)
		}
		opt.Buffers["exp_avg:"+p.Name] = b
	}
	meta.Optimizer, meta.Training = &opt, []byte(`{"state":{"epoch":2,"batch":5}}`)
	path := filepath.Join(t.TempDir(), "c.ckpt")
	if err := Save(path, net, meta); err != nil {
		t.Fatal(err)
	}
	net2, got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if WeightsSHA256(net2) != WeightsSHA256(net) || got.Optimizer.Steps != 12 || string(got.Training) != string(meta.Training) {
		t.Fatalf("round trip: steps %d, training %s", got.Optimizer.Steps, got.Training)
	}
	for k, v := range opt.Buffers {
		if !slices.Equal(got.Optimizer.Buffers[k], v) {
			t.Errorf("optimizer buffer %q changed", k)
		}
	}
}

// TestRoundTripSequenceOutput: a recurrent layer returning every step,
// then flatten and dense, loads again (the architecture's size was once
// counted with the hidden size in place of the step count, so such a file
// was refused).
func TestRoundTripSequenceOutput(t *testing.T) {
	spec := ann.Spec{Inputs: 30, Shape: []int{6, 5}, Loss: "softmax-cross-entropy", Layers: []ann.LayerSpec{
		{Type: "lstm", Units: 7, Sequence: true}, {Type: "flatten"}, {Type: "dense", Units: 3}}}
	net, err := spec.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "seq.safetensors")
	if err := Save(path, net, Meta{Model: "lstm", Spec: spec, Classes: 3}); err != nil {
		t.Fatal(err)
	}
	got, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if WeightsSHA256(got) != WeightsSHA256(net) {
		t.Error("weights changed through save and load")
	}
}
