package ann

// ONNX export works as io.WriterTo does: each layer writes its own
// operators into a graph that package modelio encodes, so a new layer type
// becomes exportable by implementing ONNXExporter, and no switch elsewhere
// lists the layer types.

// ONNXGraph is an ONNX graph being written (package modelio implements
// it). Values are named by strings; each method that makes a value
// returns its name. Names are handed out in call order, so the same calls
// give the same bytes.
type ONNXGraph interface {
	// Name returns a fresh value name built on hint.
	Name(hint string) string
	// Node adds the operator op (an ONNX operator of the graph's opset)
	// reading the values in and writing out.
	Node(op string, in, out []string, attrs ...ONNXAttr)
	// Op adds an operator with one output and returns the output's name.
	Op(op string, in []string, attrs ...ONNXAttr) string
	// Floats adds a float32 initializer of shape dims and returns its
	// name.
	Floats(hint string, dims []int, data []float32) string
	// Int64s adds a one-dimensional int64 initializer (a shape, axes)
	// and returns its name.
	Int64s(hint string, data []int64) string
}

// ONNXAttrType is an attribute's type, numbered as onnx.proto's
// AttributeProto.AttributeType.
type ONNXAttrType int

// The attribute types layers use.
const (
	ONNXFloat ONNXAttrType = 1
	ONNXInt   ONNXAttrType = 2
	ONNXInts  ONNXAttrType = 7
)

// ONNXAttr is one attribute of an ONNX node. Make it with ONNXIntAttr,
// ONNXIntsAttr or ONNXFloatAttr.
type ONNXAttr struct {
	Name  string
	Type  ONNXAttrType
	Ints  []int   // the value of an ONNXInt (one element) or ONNXInts attribute
	Float float32 // the value of an ONNXFloat attribute
}

// ONNXIntAttr returns an integer attribute.
func ONNXIntAttr(name string, v int) ONNXAttr {
	return ONNXAttr{Name: name, Type: ONNXInt, Ints: []int{v}}
}

// ONNXIntsAttr returns a list-of-integers attribute.
func ONNXIntsAttr(name string, vs ...int) ONNXAttr {
	return ONNXAttr{Name: name, Type: ONNXInts, Ints: vs}
}

// ONNXFloatAttr returns a float attribute (ONNX stores float32).
func ONNXFloatAttr(name string, v float64) ONNXAttr {
	return ONNXAttr{Name: name, Type: ONNXFloat, Float: float32(v)}
}

// ONNXExporter is a layer that can write itself as ONNX operators
// computing what its Forward computes at inference.
type ONNXExporter interface {
	Layer
	// ExportONNX adds the layer's operators and weights to g, reading the
	// value named x (a batch, as Forward's input), and returns the name of
	// its output. i is the layer's position in the network, used to name
	// its weights. It returns an error if the layer's configuration has no
	// ONNX equivalent.
	ExportONNX(g ONNXGraph, i int, x string) (string, error)
}
