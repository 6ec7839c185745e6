package experiment

import (
	"context"
	"os"

	"github.com/neurite/neurite/modelio"
)

// ExportSettings configure [Export].
type ExportSettings struct {
	// Model is the model or checkpoint file to export (written by Train).
	Model string
	// Format is the format to write: onnx (default), the only one.
	Format string
	// Out is the file to write, atomically.
	Out string
	// ProducerVersion is recorded in the file as the version of the
	// program that wrote it (neurite's CLI writes "neurite VERSION").
	ProducerVersion string
}

// ExportReport is what [Export] wrote; its JSON is `neurite export
// --json`'s.
type ExportReport struct {
	Format string `json:"format"`
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	Model  string `json:"model"`
	Opset  int    `json:"opset"`
	// InputShape is the shape of one example as the graph's input takes
	// it after the batch dimension (modelio.ONNXInputShape): the input is
	// [batch, InputShape…].
	InputShape []int `json:"input_shape"`
}

// Export writes a saved model as an ONNX model (opset modelio.ONNXOpset)
// that onnxruntime and other runtimes run: input "input" taking the same
// raw features as Evaluate and Predict (the saved normalisation is part of
// the graph), shaped as PyTorch's exports take them — [batch, channels,
// height, width] for a convolutional network, [batch, steps, features]
// for a recurrent one, [batch, features] otherwise (ExportReport's
// InputShape says which) — and output "output" [batch, outputs].
// Settings it cannot use give a *[FieldError]; a file that cannot be read,
// or a network with a layer ONNX cannot express (an STDP network, spiking
// layers), gives the error saying so; a ctx already done, its error (the
// export itself takes milliseconds and is not interrupted).
func Export(ctx context.Context, s ExportSettings) (*ExportReport, error) {
	if ctx != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	orString(&s.Format, "onnx")
	switch {
	case s.Model == "":
		return nil, fieldErr("Model", nil, "a model or checkpoint file to export is needed")
	case s.Out == "":
		return nil, fieldErr("Out", nil, "a file to write is needed")
	case s.Format != "onnx":
		return nil, fieldErr("Format", s.Format, "only onnx is supported")
	}
	if err := checkFile("Out", s.Out); err != nil {
		return nil, err
	}
	net, meta, err := modelio.Load(s.Model)
	if err != nil {
		return nil, err
	}
	if err := modelio.WriteONNX(s.Out, net, meta, s.ProducerVersion); err != nil {
		return nil, err
	}
	st, err := os.Stat(s.Out)
	if err != nil {
		return nil, err
	}
	return &ExportReport{Format: s.Format, Path: s.Out, Bytes: st.Size(), Model: meta.Model, Opset: modelio.ONNXOpset,
		InputShape: modelio.ONNXInputShape(net, meta)}, nil
}
