package modelio

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/tensor"
)

// smallSTDP returns a 12-neuron STDP network trained a little on random
// 16-pixel images, with labels assigned.
func smallSTDP(t testing.TB) *diehlcook.Net {
	t.Helper()
	net, err := diehlcook.New(diehlcook.Default(12), 16, 3)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(40, 16)
	labels := make([]int, 40)
	for i := range x.Data {
		x.Data[i] = float32(i%7) / 6
	}
	for k := range labels {
		labels[k] = k % 3
	}
	d := &data.Dataset{X: x, Labels: labels, Classes: 3}
	counts, err := net.Train(context.Background(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	net.Assign(counts, labels, 3)
	return net
}

// TestSTDPRoundTrip: weights and thresholds come back bit for bit, labels
// exactly, and two loads with one seed classify alike.
func TestSTDPRoundTrip(t *testing.T) {
	net := smallSTDP(t)
	path := filepath.Join(t.TempDir(), "stdp.safetensors")
	if err := SaveSTDP(path, net, STDPMeta{Classes: 3, Images: 40, Dataset: "stripes"}); err != nil {
		t.Fatal(err)
	}
	got, meta, err := LoadSTDP(path, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.W, net.W) || !slices.Equal(got.Theta, net.Theta) || !slices.Equal(got.Labels, net.Labels) || got.P != net.P {
		t.Fatal("the loaded network differs from the saved one")
	}
	if meta != (STDPMeta{Classes: 3, Images: 40, Dataset: "stripes"}) {
		t.Errorf("meta %+v", meta)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := FromFile(f); err == nil || !strings.Contains(err.Error(), "an STDP network") {
		t.Errorf("an STDP file loaded as a model of layers: %v", err)
	}
}

// TestSTDPHostile: every inconsistent file is refused with a message
// naming the problem.
func TestSTDPHostile(t *testing.T) {
	net := smallSTDP(t)
	var buf bytes.Buffer
	path := filepath.Join(t.TempDir(), "stdp.safetensors")
	if err := SaveSTDP(path, net, STDPMeta{Classes: 3, Images: 40}); err != nil {
		t.Fatal(err)
	}
	good, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(change func(f *File)) *File {
		f := &File{Metadata: map[string]string{}}
		for k, v := range good.Metadata {
			f.Metadata[k] = v
		}
		for _, t := range good.Tensors {
			t.Data, t.F64 = slices.Clone(t.Data), slices.Clone(t.F64)
			f.Tensors = append(f.Tensors, t)
		}
		change(f)
		buf.Reset()
		if err := Encode(&buf, f); err != nil {
			t.Fatal(err)
		}
		back, err := Decode(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		return back
	}
	find := func(f *File, name string) *Tensor {
		for k := range f.Tensors {
			if f.Tensors[k].Name == name {
				return &f.Tensors[k]
			}
		}
		return nil
	}
	for _, tc := range []struct {
		name, want string
		change     func(f *File)
	}{
		{"label beyond the classes", "label 3", func(f *File) { find(f, "labels").Data[0] = 3 }},
		{"fractional label", "label 1.5", func(f *File) { find(f, "labels").Data[0] = 1.5 }},
		{"negative weight", "outside [0, 1]", func(f *File) { find(f, "input_weights").F64[5] = -0.1 }},
		{"negative theta", "theta 2", func(f *File) { find(f, "theta").F64[2] = -1 }},
		{"weights as F32", "wrong dtype", func(f *File) {
			w := find(f, "input_weights")
			w.Data, w.F64 = make([]float32, len(w.F64)), nil
		}},
		{"missing theta", `"theta" is missing`, func(f *File) {
			f.Tensors = slices.DeleteFunc(f.Tensors, func(t Tensor) bool { return t.Name == "theta" })
		}},
		{"zero time step", "DT = 0", func(f *File) {
			f.Metadata[keySTDPParams] = strings.Replace(f.Metadata[keySTDPParams], `"DT":0.5`, `"DT":0`, 1)
		}},
		{"a billion steps per image", "10⁶ steps", func(f *File) {
			f.Metadata[keySTDPParams] = strings.Replace(f.Metadata[keySTDPParams], `"DT":0.5`, `"DT":1e-7`, 1)
		}},
		{"neurons and shapes disagree", "want [inputs 13]", func(f *File) {
			f.Metadata[keySTDPParams] = strings.Replace(f.Metadata[keySTDPParams], `"Neurons":12`, `"Neurons":13`, 1)
		}},
		{"no classes", "classes", func(f *File) { f.Metadata[keyClasses] = "0" }},
	} {
		_, _, err := STDPFromFile(edit(tc.change), 1)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := STDPFromFile(edit(func(*File) {}), 1); err != nil {
		t.Errorf("the unchanged file: %v", err)
	}
}
