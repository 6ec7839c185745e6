package ann

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/internal/specfile"
)

// Spec describes a network's architecture so that it can be built,
// saved with its weights and rebuilt: an input size and a list of layers.
// It is plain data (JSON-friendly), the architecture half of a checkpoint.
type Spec struct {
	Inputs int `json:"inputs"`
	// Shape, if set, is the shape of one example (its product must be
	// Inputs): [C, H, W] for images into convolutions, [T, F] for
	// sequences into recurrent layers. Flat rows are viewed in this shape.
	Shape  []int       `json:"shape,omitempty"`
	Layers []LayerSpec `json:"layers"`
	// Loss is the training loss: softmax-cross-entropy (default), mse or
	// bce.
	Loss string `json:"loss,omitempty"`
}

// LayerSpec describes one layer. Type is
//
//   - dense (Units, Init), an activation (relu, sigmoid, tanh, step,
//     leaky-relu with Slope, identity), softmax, dropout (P);
//   - conv2d (Filters, Kernel, Stride, Padding, Init), maxpool and avgpool
//     (Kernel, Stride), flatten, batchnorm — on images (C, H, W);
//   - rnn and lstm (Units hidden; Sequence to output every step) — on
//     sequences (T, F);
//   - spike-encode (Steps, Coding rate, latency or direct), lif (Units,
//     Beta, Threshold, Slope of the surrogate gradient), spike-count — a
//     spiking network trained with surrogate gradients (see LIF).
type LayerSpec struct {
	Type     string  `json:"type"`
	Units    int     `json:"units,omitempty"`
	Init     Init    `json:"init,omitempty"`
	Slope    float64 `json:"slope,omitempty"`
	P        float64 `json:"p,omitempty"`
	Filters  int     `json:"filters,omitempty"`
	Kernel   int     `json:"kernel,omitempty"`
	Stride   int     `json:"stride,omitempty"`
	Padding  int     `json:"padding,omitempty"`
	Sequence bool    `json:"sequence,omitempty"`
	// Spiking layers.
	Steps     int     `json:"steps,omitempty"`
	Coding    Coding  `json:"coding,omitempty"`
	Beta      float64 `json:"beta,omitempty"`
	Threshold float64 `json:"threshold,omitempty"`
}

// ParseSpec reads an architecture from YAML or JSON, for example
//
//	inputs: 784
//	layers:
//	  - {type: dense, units: 128}
//	  - {type: relu}
//	  - {type: dense, units: 10}
//
// Unknown keys are errors. Build checks the layers.
func ParseSpec(data []byte) (Spec, error) {
	var s Spec
	if err := specfile.Decode(data, &s); err != nil {
		return Spec{}, fmt.Errorf("ann: model spec: %w", err)
	}
	return s, nil
}

// MLP returns the spec of a multilayer perceptron: inputs → hidden sizes,
// each followed by act → outputs, trained with softmax cross-entropy.
// Dense layers are He-initialised before ReLU-like units and
// Xavier-initialised otherwise. With dropout > 0 a Dropout follows every
// hidden activation.
func MLP(inputs int, hidden []int, act Function, outputs int, dropout float64) Spec {
	s := Spec{Inputs: inputs, Loss: "softmax-cross-entropy"}
	init := InitXavier
	if act == ReLU || act == LeakyReLU {
		init = InitHe
	}
	for _, h := range hidden {
		s.Layers = append(s.Layers, LayerSpec{Type: "dense", Units: h, Init: init}, LayerSpec{Type: string(act)})
		if dropout > 0 {
			s.Layers = append(s.Layers, LayerSpec{Type: "dropout", P: dropout})
		}
	}
	s.Layers = append(s.Layers, LayerSpec{Type: "dense", Units: outputs, Init: InitXavier})
	return s
}

// Build makes the network, drawing initial weights (and dropout masks)
// from seed. Parameters are named like a PyTorch nn.Sequential's
// state_dict ("0.weight", "0.bias", "3.weight_ih_l0", …). It follows the
// shape of an example through the layers and returns an error naming the
// layer where a shape does not fit. A network whose parameters and one
// example's activations (Footprint) need more than half of the machine's
// memory gives a *budget.Error before anything is allocated; BuildWithin
// takes another limit.
func (s Spec) Build(seed uint64) (*Sequential, error) { return s.BuildWithin(seed, 0) }

// BuildWithin is Build with a memory limit in bytes (0: half of the
// machine's memory).
func (s Spec) BuildWithin(seed uint64, maxMemory int64) (*Sequential, error) {
	shape, err := s.check()
	if err != nil {
		return nil, err
	}
	fp, err := s.Footprint()
	if err != nil {
		return nil, err
	}
	if err := fp.Check(1, 0, maxMemory); err != nil {
		return nil, err
	}
	net := &Sequential{}
	if len(shape) > 1 {
		net.InputShape = slices.Clone(shape)
	}
	r := rand.New(rand.NewPCG(seed, 0x696e6974))
	layers, _, err := s.layers(shape, specContext{seed: seed, r: r})
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		net.Layers = append(net.Layers, l)
	}
	return net, nil
}

// check validates what is not a layer's and returns the shape of one
// example.
func (s Spec) check() ([]int, error) {
	if s.Inputs <= 0 {
		return nil, fmt.Errorf("ann: spec: inputs = %d, must be positive", s.Inputs)
	}
	if len(s.Layers) == 0 {
		return nil, fmt.Errorf("ann: spec: no layers")
	}
	if _, err := NewLoss(s.Loss); err != nil {
		return nil, err
	}
	if len(s.Shape) > 0 {
		if n := product(s.Shape); n != s.Inputs {
			return nil, fmt.Errorf("ann: spec: shape %v holds %d values, but inputs = %d", s.Shape, n, s.Inputs)
		}
	}
	return s.exampleShape(), nil
}

// exampleShape returns the shape of one example: Shape, or [Inputs].
func (s Spec) exampleShape() []int {
	if len(s.Shape) > 0 {
		return slices.Clone(s.Shape)
	}
	return []int{s.Inputs}
}

// layers makes the spec's layers in order, following the shape of one
// example from in, and returns them with the last one's output shape. If
// a layer does not fit, it returns those before it with an error naming
// it.
func (s Spec) layers(in []int, c specContext) ([]Sized, []int, error) {
	var made []Sized
	shape := in
	for i, ls := range s.Layers {
		c.index = i
		l, err := layerFromSpec(ls, shape, c)
		if err != nil {
			return made, shape, fmt.Errorf("ann: spec: layer %d (%s): %w", i, ls.Type, err)
		}
		made = append(made, l)
		shape = l.OutputShape(shape)
	}
	return made, shape, nil
}

// specContext is what making a layer from its LayerSpec needs besides the
// spec and the input shape.
type specContext struct {
	index int    // the layer's position: names its parameters, offsets its random streams
	seed  uint64 // Build's seed
	// r draws the initial weights. Without it, layers are made without
	// their tensors: enough to know their shapes and sizes, and nothing
	// allocated (CountParams and Outputs run on untrusted specs).
	r *rand.Rand
}

// alloc reports whether layers get their tensors.
func (c specContext) alloc() bool { return c.r != nil }

// name names p after the layer, as PyTorch's state_dict: "3.weight".
func (c specContext) name(p *Param, suffix string) {
	p.Name = strconv.Itoa(c.index) + "." + suffix
}

// layerFromSpec makes the layer ls describes for inputs of shape in (one
// example). Each layer type's file holds the function that checks its
// spec and makes it; the layer then reports its own output shape and size
// (Sized), so this list of type names is the only table to extend.
func layerFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	switch ls.Type {
	case "dense":
		return denseFromSpec(ls, in, c)
	case "conv2d":
		return conv2DFromSpec(ls, in, c)
	case "maxpool", "avgpool":
		return poolFromSpec(ls, in, c)
	case "flatten":
		return flattenFromSpec(ls, in, c)
	case "batchnorm":
		return batchNormFromSpec(ls, in, c)
	case "rnn", "lstm":
		return recurrentFromSpec(ls, in, c)
	case "spike-encode":
		return spikeEncodeFromSpec(ls, in, c)
	case "lif":
		return lifFromSpec(ls, in, c)
	case "spike-count":
		return spikeCountFromSpec(ls, in, c)
	case "leaky":
		return leakyFromSpec(ls, in, c)
	case "softmax":
		return softmaxFromSpec(ls, in, c)
	case "dropout":
		return dropoutFromSpec(ls, in, c)
	}
	return activationFromSpec(ls, in, c)
}

// product returns the number of values of a shape (math.MaxInt when it
// does not fit).
func product(s []int) int { return satInt(countValues(s)) }

// countValues returns the number of values of a shape, in float64 so
// that no product of sizes overflows.
func countValues(s []int) float64 {
	n := 1.0
	for _, d := range s {
		n *= float64(d)
	}
	return n
}

// satInt converts a count to int, saturating at math.MaxInt (sizes from
// an untrusted file may not fit).
func satInt(v float64) int {
	if !(v < math.MaxInt) {
		return math.MaxInt
	}
	return int(v)
}

// workspacer is a layer that keeps more values per example through a
// training step than its output and its input's gradient: the extra
// values for one example of shape in (convolutions' columns, recurrent
// and spiking layers' states at every step, masks).
type workspacer interface {
	workspace(in []int) float64
}

// Footprint is what a network built from a spec needs in memory, counted
// in float32 values from the spec alone: nothing is allocated.
type Footprint struct {
	// Values are the parameters and buffers (as CountParams, without
	// its saturation).
	Values float64
	// PerExample are the values one example keeps through a training
	// step: each layer's output and the gradient of its input, plus what
	// a layer keeps for its backward pass (im2col columns, the states of
	// every time step, dropout masks).
	PerExample float64
}

// Bytes returns the memory to train on batches of batch examples with an
// optimizer keeping moments values per parameter (0 for plain SGD, 1 for
// momentum, 2 for Adam): each parameter's value, gradient and moments,
// and the batch's activations.
func (f Footprint) Bytes(batch, moments int) float64 {
	return 4 * (f.Values*float64(2+moments) + f.PerExample*float64(batch))
}

// Check returns a *budget.Error naming the network when f.Bytes(batch,
// moments) exceeds limit bytes (0: budget.Default()).
func (f Footprint) Check(batch, moments int, limit int64) error {
	what := fmt.Sprintf("ann: a network of %.4g parameters", f.Values)
	if batch > 1 {
		what += fmt.Sprintf(" with the activations of %d examples", batch)
	}
	return budget.Check(what, f.Bytes(batch, moments), limit)
}

// Footprint returns what the spec's network needs in memory, from the
// layers' shapes and sizes without making their tensors, or the error
// Build would give for a layer that does not fit.
func (s Spec) Footprint() (Footprint, error) {
	shape, err := s.check()
	if err != nil {
		return Footprint{}, err
	}
	var f Footprint
	for i, ls := range s.Layers {
		l, err := layerFromSpec(ls, shape, specContext{index: i})
		if err != nil {
			return Footprint{}, fmt.Errorf("ann: spec: layer %d (%s): %w", i, ls.Type, err)
		}
		out := l.OutputShape(shape)
		f.Values += float64(l.NumValues())
		f.PerExample += countValues(shape) + countValues(out)
		if w, ok := l.(workspacer); ok {
			f.PerExample += w.workspace(shape)
		}
		shape = out
	}
	f.PerExample += countValues(shape) // the loss's gradient
	return f, nil
}

func checkInit(i Init) (Init, error) {
	switch i {
	case "":
		return InitHe, nil
	case InitHe, InitXavier, InitPyTorch:
		return i, nil
	}
	return "", fmt.Errorf("init %q: want he, xavier or pytorch", i)
}

// SpikingMLP returns a spiking network trained with surrogate gradients:
// inputs coded as spike trains over steps, LIF layers of the given
// sizes (β = 0.95, threshold 1, fast-sigmoid slope 25 as snnTorch's
// defaults), and an output layer of LIF neurons whose spikes are counted
// as logits.
func SpikingMLP(inputs int, hidden []int, outputs, steps int, coding Coding) Spec {
	return spikingMLP(inputs, hidden, outputs, steps, coding, false)
}

// SpikingMLPLeaky is SpikingMLP with a non-spiking leaky read-out: the
// output layer integrates the last hidden layer's spikes and its mean
// potential is the logits.
func SpikingMLPLeaky(inputs int, hidden []int, outputs, steps int, coding Coding) Spec {
	return spikingMLP(inputs, hidden, outputs, steps, coding, true)
}

func spikingMLP(inputs int, hidden []int, outputs, steps int, coding Coding, leaky bool) Spec {
	s := Spec{Inputs: inputs, Loss: "softmax-cross-entropy", Layers: []LayerSpec{{Type: "spike-encode", Steps: steps, Coding: coding}}}
	for _, h := range hidden {
		s.Layers = append(s.Layers, LayerSpec{Type: "lif", Units: h})
	}
	if leaky {
		return Spec{Inputs: s.Inputs, Loss: s.Loss, Layers: append(s.Layers, LayerSpec{Type: "leaky", Units: outputs})}
	}
	s.Layers = append(s.Layers, LayerSpec{Type: "lif", Units: outputs}, LayerSpec{Type: "spike-count"})
	return s
}

// LeNet5 returns LeNet-5 for 28×28 digits as PyTorch's reference builds it
// (LeCun et al. 1998, with ReLU and max pooling): conv(1→6, 5×5, pad 2),
// ReLU, max-pool 2 → conv(6→16, 5×5), ReLU, max-pool 2 → 400–120–84–10,
// with PyTorch's default initialisation (He-normal weights learned more
// slowly here: 94.3% against 96.3% after 300 batches of SGD 0.05 with
// momentum 0.9).
func LeNet5() Spec {
	pt := InitPyTorch
	return Spec{Inputs: 784, Shape: []int{1, 28, 28}, Loss: "softmax-cross-entropy", Layers: []LayerSpec{
		{Type: "conv2d", Filters: 6, Kernel: 5, Padding: 2, Init: pt}, {Type: "relu"}, {Type: "maxpool", Kernel: 2},
		{Type: "conv2d", Filters: 16, Kernel: 5, Init: pt}, {Type: "relu"}, {Type: "maxpool", Kernel: 2},
		{Type: "flatten"},
		{Type: "dense", Units: 120, Init: pt}, {Type: "relu"},
		{Type: "dense", Units: 84, Init: pt}, {Type: "relu"},
		{Type: "dense", Units: 10, Init: pt},
	}}
}

// RowSequence returns a recurrent classifier reading a 28×28 image row by
// row as 28 steps of 28 features: an LSTM (lstm set) or tanh RNN of hidden
// units, then a dense layer to 10 classes on the last hidden state.
func RowSequence(lstm bool, hidden int) Spec {
	kind := "rnn"
	if lstm {
		kind = "lstm"
	}
	return Spec{Inputs: 784, Shape: []int{28, 28}, Loss: "softmax-cross-entropy", Layers: []LayerSpec{
		{Type: kind, Units: hidden}, {Type: "dense", Units: 10, Init: InitPyTorch},
	}}
}

// Outputs returns the width of the network's output (0 if the spec does
// not build). It asks the layers for their shapes without making their
// tensors.
func (s Spec) Outputs() int {
	shape, err := s.check()
	if err != nil {
		return 0
	}
	_, out, err := s.layers(shape, specContext{})
	if err != nil {
		return 0
	}
	return product(out)
}

// CountParams returns how many parameters (and saved buffers) the spec's
// network has, by asking each layer for its size without allocating
// anything: a model file's header can be checked against the data it
// carries before a network is built from it. Counting stops at the first
// layer that does not fit, for Build to report.
func (s Spec) CountParams() int {
	layers, _, _ := s.layers(s.exampleShape(), specContext{})
	total := 0
	for _, l := range layers {
		// Sizes from an untrusted file may overflow: saturate.
		if n := l.NumValues(); n < 0 || total > math.MaxInt32 {
			total = math.MaxInt32
		} else {
			total += n
		}
	}
	return total
}
