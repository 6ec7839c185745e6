package ann

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/neurite/neurite/internal/specfile"
)

// Spec describes a network's architecture so that it can be built,
// saved with its weights and rebuilt: an input size and a list of layers.
// It is plain data (JSON-friendly), the architecture half of a checkpoint.
type Spec struct {
	Inputs int         `json:"inputs"`
	Layers []LayerSpec `json:"layers"`
	// Loss is the training loss: softmax-cross-entropy (default), mse or
	// bce.
	Loss string `json:"loss,omitempty"`
}

// LayerSpec describes one layer. Type is dense (with Units and Init), an
// activation function name (relu, sigmoid, tanh, step, leaky-relu with
// Slope, identity), softmax, or dropout (with P).
type LayerSpec struct {
	Type  string  `json:"type"`
	Units int     `json:"units,omitempty"`
	Init  Init    `json:"init,omitempty"`
	Slope float64 `json:"slope,omitempty"`
	P     float64 `json:"p,omitempty"`
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
// state_dict ("0.weight", "0.bias", "2.weight", …). It returns an error
// naming the layer for an impossible spec.
func (s Spec) Build(seed uint64) (*Sequential, error) {
	if s.Inputs <= 0 {
		return nil, fmt.Errorf("ann: spec: inputs = %d, must be positive", s.Inputs)
	}
	if len(s.Layers) == 0 {
		return nil, fmt.Errorf("ann: spec: no layers")
	}
	if _, err := NewLoss(s.Loss); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x696e6974))
	net := &Sequential{}
	width := s.Inputs
	for i, ls := range s.Layers {
		where := fmt.Sprintf("ann: spec: layer %d (%s)", i, ls.Type)
		var l Layer
		switch ls.Type {
		case "dense":
			if ls.Units <= 0 {
				return nil, fmt.Errorf("%s: units = %d, must be positive", where, ls.Units)
			}
			init := ls.Init
			if init == "" {
				init = InitHe
			}
			if init != InitHe && init != InitXavier && init != InitPyTorch {
				return nil, fmt.Errorf("%s: init %q: want he, xavier or pytorch", where, init)
			}
			d := NewDense(width, ls.Units, init, r)
			d.W.Name, d.B.Name = strconv.Itoa(i)+".weight", strconv.Itoa(i)+".bias"
			l, width = d, ls.Units
		case "softmax":
			l = &Softmax{}
		case "dropout":
			d, err := NewDropout(ls.P, seed+uint64(i)+1)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			l = d
		default:
			a, err := NewActivation(Function(ls.Type))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			a.Slope = float32(ls.Slope)
			l = a
		}
		net.Layers = append(net.Layers, l)
	}
	return net, nil
}

// Outputs returns the width of the network's output.
func (s Spec) Outputs() int {
	w := s.Inputs
	for _, l := range s.Layers {
		if l.Type == "dense" {
			w = l.Units
		}
	}
	return w
}
