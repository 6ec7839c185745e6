package modelio

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
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
	for name, b := range cases {
		if _, err := Decode(bytes.NewReader(b), int64(len(b))); err == nil {
			if f, _ := Decode(bytes.NewReader(b), int64(len(b))); f != nil {
				if _, _, err := FromFile(f); err == nil {
					t.Errorf("%s: accepted", name)
				}
			}
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

func FuzzDecode(f *testing.F) {
	net, meta := smallModel(f)
	f.Add(encode(f, net, meta))
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
