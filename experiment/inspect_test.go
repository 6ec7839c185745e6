package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/snn/diehlcook"
)

// saveTinyMLP writes a 4-3-2 MLP (no training: its initial weights) with a
// normaliser to dir and returns its path and network.
func saveTinyMLP(t *testing.T, dir string) (string, *ann.Sequential) {
	t.Helper()
	spec := ann.MLP(4, []int{3}, ann.ReLU, 2, 0)
	net, err := spec.Build(7)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tiny.safetensors")
	norm := &data.Normalizer{Mean: []float32{0, 1, 2, 3}, Std: []float32{1, 2, 3, 4}}
	if err := modelio.Save(path, net, modelio.Meta{Model: "mlp", Spec: spec, Normalizer: norm, Classes: 2, Epoch: 3, Dataset: "tiny.csv"}); err != nil {
		t.Fatal(err)
	}
	return path, net
}

// TestInspect describes the three kinds of file inspect reads.
func TestInspect(t *testing.T) {
	dir := t.TempDir()
	mlp, net := saveTinyMLP(t, dir)

	foreign := filepath.Join(dir, "state_dict.safetensors")
	// In the order safetensors stores them, by name.
	tensors := []modelio.Tensor{{Name: "fc.bias", Shape: []int{2}, Data: []float32{1, 2}}, {Name: "fc.weight", Shape: []int{2, 3}, Data: make([]float32, 6)}}
	if err := modelio.WriteFile(foreign, &modelio.File{Tensors: tensors}); err != nil {
		t.Fatal(err)
	}

	stdp := filepath.Join(dir, "stdp.safetensors")
	snet, err := diehlcook.New(diehlcook.Default(5), 16, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := modelio.SaveSTDP(stdp, snet, modelio.STDPMeta{Classes: 10, Images: 40, Dataset: "mnist"}); err != nil {
		t.Fatal(err)
	}

	lenet := filepath.Join(dir, "lenet5.safetensors")
	lspec := ann.LeNet5()
	lnet, err := lspec.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	if err := modelio.Save(lenet, lnet, modelio.Meta{Model: "lenet5", Spec: lspec, Classes: 3, ClassNames: []string{"-1", "0", "1"}}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		path    string
		want    InspectReport
		layers  []string
		tensors []string
	}{
		{mlp, InspectReport{Model: "mlp", Params: 4*3 + 3 + 3*2 + 2, Inputs: 4, InputShape: []int{4}, Classes: 2, Dataset: "tiny.csv", Epoch: 3,
			WeightsSHA256: modelio.WeightsSHA256(net)},
			[]string{"dense", "relu", "dense"}, nil},
		{lenet, InspectReport{Model: "lenet5", Params: lnet.NumParams(), Inputs: 784, InputShape: []int{1, 28, 28}, Classes: 3, ClassNames: []string{"-1", "0", "1"},
			WeightsSHA256: modelio.WeightsSHA256(lnet)},
			[]string{"conv2d", "relu", "maxpool", "conv2d", "relu", "maxpool", "flatten", "dense", "relu", "dense", "relu", "dense"}, nil},
		{foreign, InspectReport{Model: "foreign", Params: 8, WeightsSHA256: modelio.TensorsSHA256(tensors)},
			nil, []string{"fc.bias", "fc.weight"}},
		{stdp, InspectReport{Model: "stdp", Params: 16*5 + 5, Inputs: 16, InputShape: []int{16}, Classes: 10, Dataset: "mnist", Neurons: 5, Images: 40},
			nil, []string{"input_weights", "labels", "theta"}},
	} {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			got, err := Inspect(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := os.Stat(tt.path)
			if got.Path != tt.path || got.Format != "safetensors" || got.Bytes != st.Size() {
				t.Errorf("Inspect(%s): path %s, format %s, %d bytes; want the file's %d", tt.path, got.Path, got.Format, got.Bytes, st.Size())
			}
			if got.Model != tt.want.Model || got.Params != tt.want.Params || got.Inputs != tt.want.Inputs || got.Classes != tt.want.Classes ||
				got.Dataset != tt.want.Dataset || got.Epoch != tt.want.Epoch || got.Neurons != tt.want.Neurons || got.Images != tt.want.Images ||
				!slices.Equal(got.InputShape, tt.want.InputShape) || !slices.Equal(got.ClassNames, tt.want.ClassNames) {
				t.Errorf("Inspect(%s) = %+v, want %+v", tt.path, got, tt.want)
			}
			if tt.want.WeightsSHA256 != "" && got.WeightsSHA256 != tt.want.WeightsSHA256 || len(got.WeightsSHA256) != 64 {
				t.Errorf("weights_sha256 %s, want %s", got.WeightsSHA256, tt.want.WeightsSHA256)
			}
			var layers, names []string
			for _, l := range got.Layers {
				layers = append(layers, l.Kind)
			}
			for _, ts := range got.Tensors {
				names = append(names, ts.Name)
			}
			if !slices.Equal(layers, tt.layers) || !slices.Equal(names, tt.tensors) || got.Layers == nil {
				t.Errorf("layers %v, tensors %v; want %v, %v (layers never null)", layers, names, tt.layers, tt.tensors)
			}
		})
	}

	if _, err := Inspect(filepath.Join(dir, "missing.safetensors")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Inspect of a missing file: %v, want os.ErrNotExist", err)
	}
	damaged := filepath.Join(dir, "damaged.safetensors")
	if err := modelio.WriteFile(damaged, &modelio.File{Metadata: map[string]string{"format": "neurite-model/1"}, Tensors: tensors}); err != nil {
		t.Fatal(err)
	}
	if _, err := Inspect(damaged); err == nil || !strings.HasPrefix(err.Error(), damaged) {
		t.Errorf("Inspect of a damaged neurite file: %v, want an error naming it", err)
	}
}

// TestExportRoundTrip: the exported file is the ONNX encoding of the
// model read back from its file, and the report describes it.
func TestExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path, _ := saveTinyMLP(t, dir)
	out := filepath.Join(dir, "tiny.onnx")
	rep, err := Export(context.Background(), ExportSettings{Model: path, Out: out, ProducerVersion: "test 1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	net, meta, err := modelio.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := modelio.EncodeONNX(net, meta, "test 1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Export wrote %d bytes that are not the model's ONNX encoding (%d bytes)", len(got), len(want))
	}
	if !reflect.DeepEqual(*rep, ExportReport{Format: "onnx", Path: out, Bytes: int64(len(want)), Model: "mlp", Opset: modelio.ONNXOpset,
		InputShape: []int{4}}) {
		t.Errorf("Export report %+v", *rep)
	}

	stdp := filepath.Join(dir, "stdp.safetensors")
	snet, err := diehlcook.New(diehlcook.Default(3), 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := modelio.SaveSTDP(stdp, snet, modelio.STDPMeta{Classes: 2}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		s     ExportSettings
		field string // "" for an error that is not the settings'
	}{
		{"no model", ExportSettings{Out: out}, "Model"},
		{"no output", ExportSettings{Model: path}, "Out"},
		{"unknown format", ExportSettings{Model: path, Out: out, Format: "tflite"}, "Format"},
		{"missing model", ExportSettings{Model: filepath.Join(dir, "missing"), Out: out}, ""},
		{"STDP network", ExportSettings{Model: stdp, Out: filepath.Join(dir, "stdp.onnx")}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Export(context.Background(), tt.s)
			var fe *FieldError
			if err == nil || errors.As(err, &fe) != (tt.field != "") || tt.field != "" && fe.Field != tt.field {
				t.Errorf("Export(%+v) = %v, want an error (a *FieldError for %q)", tt.s, err, tt.field)
			}
		})
	}
}
