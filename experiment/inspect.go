package experiment

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/neurite/neurite/modelio"
)

// InspectReport describes a model or checkpoint file; its JSON is
// `neurite inspect --json`'s. Model is the preset or spec name of a
// neurite model, "stdp" for an STDP network, or "foreign" for a
// safetensors file written elsewhere (a PyTorch state_dict).
type InspectReport struct {
	Path   string         `json:"path"`
	Format string         `json:"format"`
	Bytes  int64          `json:"bytes"`
	Model  string         `json:"model"`
	Params int            `json:"params"`
	Layers []InspectLayer `json:"layers"`
	Inputs int            `json:"inputs,omitempty"`
	// InputShape is the shape of one example as the model takes it, and
	// its ONNX export after the batch dimension: [channels, height, width]
	// for a convolutional network, [steps, features] for a recurrent one,
	// [inputs] for flat rows (modelio.ONNXInputShape).
	InputShape []int `json:"input_shape,omitempty"`
	Classes    int   `json:"classes,omitempty"`
	// ClassNames names the classes as the training data's labels did (a
	// CSV file's), when the file keeps them.
	ClassNames     []string `json:"class_names,omitempty"`
	Dataset        string   `json:"dataset,omitempty"`
	Epoch          int      `json:"epoch"`
	WeightsSHA256  string   `json:"weights_sha256"`
	OptimizerSteps int      `json:"optimizer_steps,omitempty"`
	// Training is the checkpoint's settings and position, verbatim.
	Training json.RawMessage `json:"training,omitempty"`
	// Tensors lists a foreign file's tensors (no neurite architecture) or
	// an STDP network's.
	Tensors []InspectTensor `json:"tensors,omitempty"`
	// Neurons and Images describe an STDP network: excitatory neurons and
	// training presentations.
	Neurons int `json:"neurons,omitempty"`
	Images  int `json:"images,omitempty"`
}

// InspectLayer is one layer of an inspected network: its position, kind
// and number of parameters.
type InspectLayer struct {
	Index  int    `json:"index"`
	Kind   string `json:"kind"`
	Params int    `json:"params"`
	Frozen bool   `json:"frozen,omitempty"`
}

// InspectTensor is one tensor of an inspected file.
type InspectTensor struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// Inspect reads a safetensors file — a neurite model or checkpoint, an
// STDP network, or a file from elsewhere — and describes it: architecture
// layer by layer, parameters, the epoch and optimizer step it was saved
// at, and WeightsSHA256, a hash over the weights' names, shapes and values
// (equal hashes, identical weights). It returns the file's I/O or
// decoding error, prefixed with path when the file is neurite's but
// damaged.
func Inspect(path string) (*InspectReport, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	f, err := modelio.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rep := &InspectReport{Path: path, Format: "safetensors", Bytes: st.Size(), Layers: []InspectLayer{}}
	if modelio.IsSTDP(f) {
		net, meta, err := modelio.STDPFromFile(f, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rep.Model, rep.Params, rep.Inputs, rep.Classes = "stdp", len(net.W)+len(net.Theta), net.In, meta.Classes
		rep.InputShape = []int{net.In}
		rep.Dataset, rep.Neurons, rep.Images, rep.WeightsSHA256 = meta.Dataset, net.P.Neurons, meta.Images, modelio.STDPWeightsSHA256(f)
		rep.Tensors, rep.Training = inspectTensors(f.Tensors), meta.Training
		return rep, nil
	}
	net, meta, err := modelio.FromFile(f)
	if err != nil {
		if _, ok := f.Metadata["format"]; ok {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		// Not neurite's: list what is there.
		rep.Model, rep.Tensors, rep.WeightsSHA256 = "foreign", inspectTensors(f.Tensors), modelio.TensorsSHA256(f.Tensors)
		for _, t := range f.Tensors {
			rep.Params += t.Len()
		}
		return rep, nil
	}
	rep.Model, rep.Params, rep.Inputs, rep.Classes = meta.Model, net.NumParams(), meta.Spec.Inputs, meta.Classes
	rep.InputShape, rep.ClassNames = modelio.ONNXInputShape(net, meta), meta.ClassNames
	rep.Dataset, rep.Epoch, rep.WeightsSHA256, rep.Training = meta.Dataset, meta.Epoch, modelio.WeightsSHA256(net), meta.Training
	if meta.Optimizer != nil {
		rep.OptimizerSteps = meta.Optimizer.Steps
	}
	for i, l := range net.Layers {
		n := 0
		for _, p := range l.Params() {
			n += p.Value.Len()
		}
		rep.Layers = append(rep.Layers, InspectLayer{Index: i, Kind: l.Kind(), Params: n})
	}
	return rep, nil
}

func inspectTensors(ts []modelio.Tensor) []InspectTensor {
	out := make([]InspectTensor, len(ts))
	for i, t := range ts {
		out[i] = InspectTensor{Name: t.Name, Shape: t.Shape}
	}
	return out
}
