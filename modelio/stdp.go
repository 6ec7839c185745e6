package modelio

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/neurite/neurite/snn/diehlcook"
)

// STDPMeta is what an STDP network file says besides its state.
type STDPMeta struct {
	Classes int    // classes the neurons' labels range over
	Images  int    // training presentations (images × passes)
	Dataset string // what it was trained on
}

// STDP network files: the input weights and adaptive thresholds in F64 (the
// simulator's precision, so a reloaded network is the one that was
// trained), the neurons' labels, and the model's parameters as JSON.
const (
	stdpFormatName = "neurite-stdp/1"
	keySTDPParams  = "neurite.stdp_params"
	keyImages      = "neurite.images"
	tensorWeights  = "input_weights"
	tensorTheta    = "theta"
	tensorLabels   = "labels"
)

// IsSTDP reports whether f holds an STDP network rather than a model of
// layers.
func IsSTDP(f *File) bool { return f.Metadata[keyFormat] == stdpFormatName }

// SaveSTDP writes net's learned state to path atomically.
func SaveSTDP(path string, net *diehlcook.Net, m STDPMeta) error {
	params, err := json.Marshal(net.P)
	if err != nil {
		return err
	}
	labels := make([]float32, len(net.Labels))
	for j, l := range net.Labels {
		labels[j] = float32(l)
	}
	n := net.P.Neurons
	f := &File{
		Metadata: map[string]string{keyFormat: stdpFormatName, keyModel: "stdp", keySTDPParams: string(params),
			keyClasses: strconv.Itoa(m.Classes), keyImages: strconv.Itoa(m.Images), keyDataset: m.Dataset},
		Tensors: []Tensor{
			{Name: tensorWeights, Shape: []int{net.In, n}, F64: net.W},
			{Name: tensorTheta, Shape: []int{n}, F64: net.Theta},
			{Name: tensorLabels, Shape: []int{n}, Data: labels},
		},
	}
	return WriteFile(path, f)
}

// LoadSTDP reads an STDP network written by SaveSTDP; seed keys the
// Poisson input spikes of the presentations to come.
func LoadSTDP(path string, seed uint64) (*diehlcook.Net, STDPMeta, error) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, STDPMeta{}, err
	}
	return STDPFromFile(f, seed)
}

// STDPFromFile rebuilds an STDP network from a decoded file, checking
// every field: parameters the simulator can run, tensor shapes that match
// them, weights within [0, WMax], thresholds ≥ 0, labels in [−1, classes).
func STDPFromFile(f *File, seed uint64) (*diehlcook.Net, STDPMeta, error) {
	if !IsSTDP(f) {
		return nil, STDPMeta{}, fmt.Errorf("modelio: not an STDP network (format %q, want %q)", f.Metadata[keyFormat], stdpFormatName)
	}
	var p diehlcook.Params
	if err := json.Unmarshal([]byte(f.Metadata[keySTDPParams]), &p); err != nil {
		return nil, STDPMeta{}, fmt.Errorf("modelio: STDP parameters: %w", err)
	}
	if err := p.Validate(); err != nil {
		return nil, STDPMeta{}, fmt.Errorf("modelio: %w", err)
	}
	var m STDPMeta
	var err error
	if m.Classes, err = strconv.Atoi(f.Metadata[keyClasses]); err != nil || m.Classes < 1 {
		return nil, STDPMeta{}, fmt.Errorf("modelio: classes %q: want a positive integer", f.Metadata[keyClasses])
	}
	if m.Images, err = strconv.Atoi(f.Metadata[keyImages]); err != nil || m.Images < 0 {
		return nil, STDPMeta{}, fmt.Errorf("modelio: images %q: want a non-negative integer", f.Metadata[keyImages])
	}
	m.Dataset = f.Metadata[keyDataset]
	get := func(name string, f64 bool) (Tensor, error) {
		t, ok := f.Get(name)
		if !ok {
			return t, fmt.Errorf("modelio: tensor %q is missing", name)
		}
		if (t.F64 != nil) != f64 {
			return t, fmt.Errorf("modelio: tensor %q has the wrong dtype (want F64: %v)", name, f64)
		}
		return t, nil
	}
	w, err := get(tensorWeights, true)
	if err != nil {
		return nil, STDPMeta{}, err
	}
	theta, err := get(tensorTheta, true)
	if err != nil {
		return nil, STDPMeta{}, err
	}
	labels, err := get(tensorLabels, false)
	if err != nil {
		return nil, STDPMeta{}, err
	}
	n := p.Neurons
	if len(w.Shape) != 2 || w.Shape[1] != n || w.Shape[0] < 1 || !slices.Equal(theta.Shape, []int{n}) || !slices.Equal(labels.Shape, []int{n}) || len(f.Tensors) != 3 {
		return nil, STDPMeta{}, fmt.Errorf("modelio: STDP tensors %v, %v, %v (of %d); want [inputs %d], [%d], [%d]", w.Shape, theta.Shape, labels.Shape, len(f.Tensors), n, n, n)
	}
	for k, v := range w.F64 {
		if v < 0 || v > p.WMax {
			return nil, STDPMeta{}, fmt.Errorf("modelio: input weight %d is %v, outside [0, %v]", k, v, p.WMax)
		}
	}
	for j, v := range theta.F64 {
		if v < 0 {
			return nil, STDPMeta{}, fmt.Errorf("modelio: theta %d is %v, want ≥ 0", j, v)
		}
	}
	net, err := diehlcook.New(p, w.Shape[0], seed)
	if err != nil {
		return nil, STDPMeta{}, fmt.Errorf("modelio: %w", err)
	}
	copy(net.W, w.F64)
	copy(net.Theta, theta.F64)
	for j, v := range labels.Data {
		if v != float32(math.Trunc(float64(v))) || v < -1 || v >= float32(m.Classes) {
			return nil, STDPMeta{}, fmt.Errorf("modelio: neuron %d has label %v; want −1 (none) or a class below %d", j, v, m.Classes)
		}
		net.Labels[j] = int(v)
	}
	return net, m, nil
}
