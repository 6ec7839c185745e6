package modelio

import (
	"fmt"
	"io"
	"math"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/internal/atomicfile"
)

// ONNXOpset is the ONNX operator set exported models use (ONNX 1.8+,
// every runtime of the last years).
const ONNXOpset = 13

// WriteONNX writes net as an ONNX model to path, atomically. See
// EncodeONNX.
func WriteONNX(path string, net *ann.Sequential, m Meta, producerVersion string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		b, err := EncodeONNX(net, m, producerVersion)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}

// EncodeONNX returns net, with the architecture and input normalisation m
// describes, as an ONNX model (opset ONNXOpset). Its graph input "input"
// takes raw features shaped as PyTorch's exports take them (see
// ONNXInputShape): [batch, channels, height, width] for a network of
// images (NCHW), [batch, steps, features] for a recurrent one, [batch,
// features] for flat rows. The normalisation, if any, is the graph's first
// two operators, Sub and Div, as neurite applies it (one mean and
// deviation for all inputs, or one per input laid out as one example).
// The output "output" is [batch, outputs], and the weights are
// initializers. The model computes what net.Forward computes at inference
// on the same values in row-major order: dropout is left out and batch
// normalisation uses the running statistics. Each layer writes its own
// standard operators (Gemm, Conv, MaxPool, AveragePool, Relu, Sigmoid,
// Tanh, LeakyRelu, Softmax, BatchNormalization, Reshape, Flatten, LSTM,
// RNN, Transpose) through [ann.ONNXExporter], as an io.WriterTo writes
// itself; a layer that does not implement it (the spiking layers) is an
// error naming the layer, and so is a normalisation that does not fit
// the inputs.
//
// ONNX messages are few and stable, so they are written field by field
// with protobuf's wire encoder (google.golang.org/protobuf/encoding/
// protowire); field numbers are those of onnx/onnx.proto.
func EncodeONNX(net *ann.Sequential, m Meta, producerVersion string) ([]byte, error) {
	g := &onnxGraph{}
	x := "input"
	shape := ONNXInputShape(net, m)
	if n := m.Normalizer; n != nil {
		if err := n.Validate(m.Spec.Inputs); err != nil {
			return nil, fmt.Errorf("modelio: onnx: %w", err)
		}
		dims := []int{1}
		if len(n.Mean) > 1 { // one per input, shaped as an example
			dims = shape
		}
		x = g.Op("Sub", []string{x, g.Floats("norm.mean", dims, n.Mean)})
		x = g.Op("Div", []string{x, g.Floats("norm.std", dims, n.Std)})
	}
	for i, l := range net.Layers {
		e, ok := l.(ann.ONNXExporter)
		if !ok {
			return nil, fmt.Errorf("modelio: onnx: layer %d (%s): no ONNX export for layer kind %q", i, l.Kind(), l.Kind())
		}
		var err error
		if x, err = e.ExportONNX(g, i, x); err != nil {
			return nil, fmt.Errorf("modelio: onnx: layer %d (%s): %w", i, l.Kind(), err)
		}
	}
	g.Node("Identity", []string{x}, []string{"output"})

	var graph []byte
	for _, n := range g.nodes {
		graph = appendMessage(graph, 1, n)
	}
	graph = protowire.AppendTag(graph, 2, protowire.BytesType)
	graph = protowire.AppendString(graph, "neurite")
	for _, t := range g.inits {
		graph = appendMessage(graph, 5, t)
	}
	graph = appendMessage(graph, 11, valueInfo("input", shape))
	graph = appendMessage(graph, 12, valueInfo("output", nil))

	var opset []byte
	opset = protowire.AppendTag(opset, 2, protowire.VarintType)
	opset = protowire.AppendVarint(opset, ONNXOpset)

	var model []byte
	model = protowire.AppendTag(model, 1, protowire.VarintType)
	model = protowire.AppendVarint(model, 7) // IR version 7 goes with opset 13
	model = appendString(model, 2, "neurite")
	model = appendString(model, 3, producerVersion)
	model = appendMessage(model, 7, graph)
	model = appendMessage(model, 8, opset)
	return model, nil
}

// onnxGraph collects nodes and initializers (encoded) as layers write
// themselves (it is their ann.ONNXGraph).
type onnxGraph struct {
	nodes, inits [][]byte
	n            int // for unique value names
}

// Name returns a fresh value name.
func (g *onnxGraph) Name(hint string) string {
	g.n++
	return fmt.Sprintf("%s_%d", hint, g.n)
}

// Node adds an operator.
func (g *onnxGraph) Node(op string, in, out []string, attrs ...ann.ONNXAttr) {
	var b []byte
	for _, s := range in {
		b = appendString(b, 1, s)
	}
	for _, s := range out {
		b = appendString(b, 2, s)
	}
	b = appendString(b, 3, g.Name(op))
	b = appendString(b, 4, op)
	for _, a := range attrs {
		b = appendMessage(b, 5, encodeAttr(a))
	}
	g.nodes = append(g.nodes, b)
}

// Op adds a one-output operator and returns the output's name.
func (g *onnxGraph) Op(op string, in []string, attrs ...ann.ONNXAttr) string {
	out := g.Name(op + "_out")
	g.Node(op, in, []string{out}, attrs...)
	return out
}

// Floats adds a float32 initializer and returns its name.
func (g *onnxGraph) Floats(hint string, dims []int, data []float32) string {
	name := g.Name(hint)
	var b []byte
	for _, d := range dims {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(d))
	}
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, 1) // FLOAT
	b = appendString(b, 8, name)
	raw := make([]byte, 0, 4*len(data))
	for _, v := range data {
		raw = protowire.AppendFixed32(raw, math.Float32bits(v)) // little-endian, as raw_data wants
	}
	b = protowire.AppendTag(b, 9, protowire.BytesType)
	b = protowire.AppendBytes(b, raw)
	g.inits = append(g.inits, b)
	return name
}

// Int64s adds an int64 initializer (shapes, axes) and returns its name.
func (g *onnxGraph) Int64s(hint string, data []int64) string {
	name := g.Name(hint)
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(len(data)))
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, 7) // INT64
	b = appendString(b, 8, name)
	var packed []byte
	for _, v := range data {
		packed = protowire.AppendVarint(packed, uint64(v))
	}
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, packed)
	g.inits = append(g.inits, b)
	return name
}

// ONNXInputShape returns the shape of one example as EncodeONNX's graph
// input takes it, after the batch dimension: the network's InputShape
// ([channels, height, width] for images, [steps, features] for
// sequences) or, for flat rows, [m.Spec.Inputs].
func ONNXInputShape(net *ann.Sequential, m Meta) []int {
	if len(net.InputShape) > 0 {
		return slices.Clone(net.InputShape)
	}
	return []int{m.Spec.Inputs}
}

// valueInfo describes a float tensor [batch, dims…] with a symbolic batch
// dimension; nil dims stand for one symbolic dimension, "outputs".
func valueInfo(name string, dims []int) []byte {
	var shape []byte
	var batch []byte
	batch = appendString(batch, 2, "batch")
	shape = appendMessage(shape, 1, batch)
	if dims == nil {
		shape = appendMessage(shape, 1, appendString(nil, 2, "outputs"))
	}
	for _, d := range dims {
		var dim []byte
		dim = protowire.AppendTag(dim, 1, protowire.VarintType)
		dim = protowire.AppendVarint(dim, uint64(d))
		shape = appendMessage(shape, 1, dim)
	}
	var tensor []byte
	tensor = protowire.AppendTag(tensor, 1, protowire.VarintType)
	tensor = protowire.AppendVarint(tensor, 1) // FLOAT
	tensor = appendMessage(tensor, 2, shape)
	var typ []byte
	typ = appendMessage(typ, 1, tensor)
	var b []byte
	b = appendString(b, 1, name)
	return appendMessage(b, 2, typ)
}

// encodeAttr returns an AttributeProto: name, then the value in the field
// of its type (f, ints or i), then the type.
func encodeAttr(a ann.ONNXAttr) []byte {
	b := appendString(nil, 1, a.Name)
	switch a.Type {
	case ann.ONNXFloat:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.Float))
	case ann.ONNXInt:
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int64(a.Ints[0])))
	default: // ann.ONNXInts
		for _, v := range a.Ints {
			b = protowire.AppendTag(b, 8, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(int64(v)))
		}
	}
	return attrType(b, uint64(a.Type))
}

func attrType(b []byte, t uint64) []byte {
	b = protowire.AppendTag(b, 20, protowire.VarintType)
	return protowire.AppendVarint(b, t)
}

func appendString(b []byte, field protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMessage(b []byte, field protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}
