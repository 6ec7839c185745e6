package modelio

import (
	"fmt"
	"io"
	"math"

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
// describes, as an ONNX model (opset ONNXOpset): graph input "input" of
// shape [batch, m.Spec.Inputs] taking raw features (the normalisation, if
// any, is the graph's first two operators, Sub and Div, as neurite applies
// it), output "output" of shape [batch, outputs], weights as initializers.
// The model computes what net.Forward computes at inference: dropout is
// left out and batch normalisation uses the running statistics. Every layer
// kind maps to standard operators (Gemm, Conv, MaxPool, AveragePool, Relu,
// Sigmoid, Tanh, LeakyRelu, Softmax, BatchNormalization, Reshape, Flatten,
// LSTM, RNN, Transpose).
//
// ONNX messages are few and stable, so they are written field by field
// with protobuf's wire encoder (google.golang.org/protobuf/encoding/
// protowire); field numbers are those of onnx/onnx.proto.
func EncodeONNX(net *ann.Sequential, m Meta, producerVersion string) ([]byte, error) {
	g := &onnxGraph{}
	x := "input"
	if n := m.Normalizer; n != nil {
		dims := []int{len(n.Mean)}
		x = g.op("Sub", []string{x, g.floats("norm.mean", dims, n.Mean)})
		x = g.op("Div", []string{x, g.floats("norm.std", dims, n.Std)})
	}
	if len(net.InputShape) > 0 { // rows viewed as images or sequences
		x = g.reshape(x, net.InputShape)
	}
	for i, l := range net.Layers {
		var err error
		if x, err = g.layer(i, l, x); err != nil {
			return nil, fmt.Errorf("modelio: onnx: layer %d (%s): %w", i, l.Kind(), err)
		}
	}
	g.node("Identity", []string{x}, []string{"output"}, nil)

	var graph []byte
	for _, n := range g.nodes {
		graph = appendMessage(graph, 1, n)
	}
	graph = protowire.AppendTag(graph, 2, protowire.BytesType)
	graph = protowire.AppendString(graph, "neurite")
	for _, t := range g.inits {
		graph = appendMessage(graph, 5, t)
	}
	graph = appendMessage(graph, 11, valueInfo("input", m.Spec.Inputs))
	graph = appendMessage(graph, 12, valueInfo("output", -1))

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

// onnxGraph collects nodes and initializers (encoded) as layers are added.
type onnxGraph struct {
	nodes, inits [][]byte
	n            int // for unique value names
}

// name returns a fresh value name.
func (g *onnxGraph) name(hint string) string {
	g.n++
	return fmt.Sprintf("%s_%d", hint, g.n)
}

// node adds an operator; attrs are encoded AttributeProtos.
func (g *onnxGraph) node(op string, in, out []string, attrs [][]byte) {
	var b []byte
	for _, s := range in {
		b = appendString(b, 1, s)
	}
	for _, s := range out {
		b = appendString(b, 2, s)
	}
	b = appendString(b, 3, g.name(op))
	b = appendString(b, 4, op)
	for _, a := range attrs {
		b = appendMessage(b, 5, a)
	}
	g.nodes = append(g.nodes, b)
}

// op adds a one-output operator and returns the output's name.
func (g *onnxGraph) op(op string, in []string, attrs ...[]byte) string {
	out := g.name(op + "_out")
	g.node(op, in, []string{out}, attrs)
	return out
}

// floats adds a float32 initializer and returns its name.
func (g *onnxGraph) floats(hint string, dims []int, data []float32) string {
	name := g.name(hint)
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

// int64s adds an int64 initializer (shapes, axes) and returns its name.
func (g *onnxGraph) int64s(hint string, data []int64) string {
	name := g.name(hint)
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

// layer adds the operators for one layer reading x and returns the name of
// its output.
func (g *onnxGraph) layer(i int, l ann.Layer, x string) (string, error) {
	switch l := l.(type) {
	case *ann.Dense:
		w := g.floats(fmt.Sprintf("%d.weight", i), l.W.Value.Shape, l.W.Value.Data)
		b := g.floats(fmt.Sprintf("%d.bias", i), l.B.Value.Shape, l.B.Value.Data)
		return g.op("Gemm", []string{x, w, b}, intAttr("transB", 1)), nil
	case *ann.Conv2D:
		geo := l.Geom
		w := g.floats(fmt.Sprintf("%d.weight", i), l.W.Value.Shape, l.W.Value.Data)
		b := g.floats(fmt.Sprintf("%d.bias", i), l.B.Value.Shape, l.B.Value.Data)
		return g.op("Conv", []string{x, w, b},
			intsAttr("kernel_shape", geo.KH, geo.KW),
			intsAttr("pads", geo.PadH, geo.PadW, geo.PadH, geo.PadW),
			intsAttr("strides", max(1, geo.StrideH), max(1, geo.StrideW))), nil
	case *ann.Pool2D:
		op := "AveragePool"
		if l.Max {
			op = "MaxPool"
		}
		return g.op(op, []string{x}, intsAttr("kernel_shape", l.Size, l.Size), intsAttr("strides", l.Stride, l.Stride)), nil
	case *ann.Activation:
		switch l.Func {
		case ann.Identity:
			return x, nil
		case ann.ReLU:
			return g.op("Relu", []string{x}), nil
		case ann.Sigmoid:
			return g.op("Sigmoid", []string{x}), nil
		case ann.Tanh:
			return g.op("Tanh", []string{x}), nil
		case ann.LeakyReLU:
			slope := l.Slope
			if slope == 0 {
				slope = 0.01
			}
			return g.op("LeakyRelu", []string{x}, floatAttr("alpha", float64(slope))), nil
		case ann.Step:
			zero := g.floats("zero", nil, []float32{0})
			return g.op("Cast", []string{g.op("Greater", []string{x, zero})}, intAttr("to", 1)), nil
		}
		return "", fmt.Errorf("no ONNX operator for activation %q", l.Func)
	case *ann.Softmax:
		return g.op("Softmax", []string{x}, intAttr("axis", -1)), nil
	case *ann.Dropout:
		return x, nil // the identity at inference
	case *ann.Reshape:
		if l.Flat {
			return g.op("Flatten", []string{x}, intAttr("axis", 1)), nil
		}
		return g.reshape(x, l.Shape), nil
	case *ann.BatchNorm:
		eps := l.Eps
		if eps == 0 {
			eps = 1e-5
		}
		in := []string{x}
		for k, p := range []*ann.Param{l.Gamma, l.Beta, l.RunMean, l.RunVar} {
			in = append(in, g.floats(fmt.Sprintf("%d.bn%d", i, k), p.Value.Shape, p.Value.Data))
		}
		return g.op("BatchNormalization", in, floatAttr("epsilon", eps)), nil
	case *ann.Recurrent:
		return g.recurrent(i, l, x), nil
	}
	return "", fmt.Errorf("no ONNX export for layer kind %q", l.Kind())
}

// reshape views x as (batch, shape…).
func (g *onnxGraph) reshape(x string, shape []int) string {
	dims := []int64{-1}
	for _, d := range shape {
		dims = append(dims, int64(d))
	}
	return g.op("Reshape", []string{x, g.int64s("shape", dims)})
}

// recurrent exports an RNN or LSTM over (batch, steps, features). ONNX
// runs them time-major with gates in the order i, o, f, c where PyTorch
// and neurite use i, f, g, o, so the weights are reordered; its B is the
// input and recurrent biases concatenated.
func (g *onnxGraph) recurrent(i int, l *ann.Recurrent, x string) string {
	h := l.Hidden
	order := []int{0} // RNN: one block
	op := "RNN"
	if l.LSTM {
		order, op = []int{0, 3, 1, 2}, "LSTM" // i, o, f, c from i, f, g, o
	}
	reorder := func(src []float32, cols int) []float32 {
		out := make([]float32, 0, len(src))
		for _, blk := range order {
			out = append(out, src[blk*h*cols:(blk+1)*h*cols]...)
		}
		return out
	}
	gh := len(order) * h
	w := g.floats(fmt.Sprintf("%d.W", i), []int{1, gh, l.In}, reorder(l.Wih.Value.Data, l.In))
	r := g.floats(fmt.Sprintf("%d.R", i), []int{1, gh, h}, reorder(l.Whh.Value.Data, h))
	b := g.floats(fmt.Sprintf("%d.B", i), []int{1, 2 * gh}, append(reorder(l.Bih.Value.Data, 1), reorder(l.Bhh.Value.Data, 1)...))
	xt := g.op("Transpose", []string{x}, intsAttr("perm", 1, 0, 2))
	y, yh := g.name(op+"_Y"), g.name(op+"_Y_h")
	outs := []string{y, yh}
	if l.LSTM {
		outs = append(outs, g.name("LSTM_Y_c"))
	}
	g.node(op, []string{xt, w, r, b}, outs, [][]byte{intAttr("hidden_size", h)})
	if !l.Sequence {
		return g.op("Reshape", []string{yh, g.int64s("shape", []int64{-1, int64(h)})})
	}
	// Y is (steps, directions = 1, batch, hidden).
	seq := g.op("Squeeze", []string{y, g.int64s("axes", []int64{1})})
	return g.op("Transpose", []string{seq}, intsAttr("perm", 1, 0, 2))
}

// valueInfo describes a float tensor [batch, features] (features < 0:
// unknown) with a symbolic batch dimension.
func valueInfo(name string, features int) []byte {
	var shape []byte
	var batch []byte
	batch = appendString(batch, 2, "batch")
	shape = appendMessage(shape, 1, batch)
	var dim []byte
	if features >= 0 {
		dim = protowire.AppendTag(dim, 1, protowire.VarintType)
		dim = protowire.AppendVarint(dim, uint64(features))
	} else {
		dim = appendString(dim, 2, "outputs")
	}
	shape = appendMessage(shape, 1, dim)
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

func intAttr(name string, v int) []byte {
	b := appendString(nil, 1, name)
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(int64(v)))
	return attrType(b, 2) // INT
}

func intsAttr(name string, vs ...int) []byte {
	b := appendString(nil, 1, name)
	for _, v := range vs {
		b = protowire.AppendTag(b, 8, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int64(v)))
	}
	return attrType(b, 7) // INTS
}

func floatAttr(name string, v float64) []byte {
	b := appendString(nil, 1, name)
	b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
	b = protowire.AppendFixed32(b, math.Float32bits(float32(v)))
	return attrType(b, 1) // FLOAT
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
