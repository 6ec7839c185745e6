package modelio

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
)

// Meta is what a model file says besides its weights.
type Meta struct {
	Model      string           // preset name or "custom"
	Spec       ann.Spec         // the architecture
	Normalizer *data.Normalizer // input normalisation, if any
	Classes    int              // output classes
	ClassNames []string         // each class's name (the training data's labels), or nil
	Epoch      int              // epochs trained
	Dataset    string           // what it was trained on

	// A checkpoint also holds what continuing the run needs: the
	// optimizer's state, saved as tensors named OptimizerPrefix + key
	// beside the weights, and the trainer's settings and position, kept
	// verbatim as JSON (the train command's; nil in a plain model file).
	Optimizer *optim.State
	Training  json.RawMessage
}

// OptimizerPrefix starts the names of optimizer-state tensors, which a
// PyTorch state_dict never uses: drop these keys to load the weights with
// load_state_dict(strict=True).
const OptimizerPrefix = "optimizer."

// Metadata keys of a neurite model file.
const (
	keyFormat       = "format"
	keyModel        = "neurite.model"
	keyArchitecture = "neurite.architecture"
	keyNormalizer   = "neurite.normalizer"
	keyClasses      = "neurite.classes"
	keyClassNames   = "neurite.class_names"
	keyEpoch        = "neurite.epoch"
	keyDataset      = "neurite.dataset"
	keyOptSteps     = "neurite.optimizer_steps"
	keyTraining     = "neurite.training"
	formatName      = "neurite-model/1"
)

// Limits on a model file's metadata, besides the architecture's own. A
// file is checked against them on loading, and Save refuses metadata
// that Load would refuse.
const (
	// MaxNameBytes bounds the model and dataset names (a spec or CSV
	// file's path, at most).
	MaxNameBytes = 4096
	// MaxEpoch bounds the epochs a file may say it was trained for.
	MaxEpoch = math.MaxInt32
	// MaxOptimizerSteps bounds its optimizer steps (2^53: exact in any
	// JSON reader).
	MaxOptimizerSteps = 1 << 53
)

// Save writes net and its metadata to path atomically. It refuses, as
// Load would, metadata that does not fit net (see Load).
func Save(path string, net *ann.Sequential, m Meta) error {
	if err := m.check(); err != nil {
		return err
	}
	arch, err := json.Marshal(m.Spec)
	if err != nil {
		return err
	}
	f := &File{Metadata: map[string]string{
		keyFormat: formatName, keyModel: m.Model, keyArchitecture: string(arch),
		keyClasses: strconv.Itoa(m.Classes), keyEpoch: strconv.Itoa(m.Epoch), keyDataset: m.Dataset,
	}}
	if m.Normalizer != nil {
		norm, err := json.Marshal(m.Normalizer)
		if err != nil {
			return err
		}
		f.Metadata[keyNormalizer] = string(norm)
	}
	if m.ClassNames != nil {
		names, err := json.Marshal(m.ClassNames)
		if err != nil {
			return err
		}
		f.Metadata[keyClassNames] = string(names)
	}
	for _, p := range append(net.Params(), net.Buffers()...) {
		f.Tensors = append(f.Tensors, Tensor{Name: p.Name, Shape: p.Value.Shape, Data: p.Value.Data})
	}
	if m.Optimizer != nil {
		f.Metadata[keyOptSteps] = strconv.Itoa(m.Optimizer.Steps)
		keys := slices.Sorted(maps.Keys(m.Optimizer.Buffers))
		for _, k := range keys {
			b := m.Optimizer.Buffers[k]
			f.Tensors = append(f.Tensors, Tensor{Name: OptimizerPrefix + k, Shape: []int{len(b)}, Data: b})
		}
	}
	if m.Training != nil {
		f.Metadata[keyTraining] = string(m.Training)
	}
	return WriteFile(path, f)
}

// Load reads a model file, rebuilds the network from its architecture and
// fills in the weights. It fails, naming the tensor, if a weight is
// missing, extra, or of the wrong shape; and, naming the field, if the
// metadata is out of bounds or does not fit the architecture: classes
// from 1 to the output width (or 2 for a single output unit), one class
// name per class (each a name data.ReadCSV would accept, none twice),
// epoch and optimizer steps from 0 to MaxEpoch and MaxOptimizerSteps, and
// model and dataset names of at most MaxNameBytes of UTF-8. Files written
// before class names were kept load with ClassNames nil.
func Load(path string) (*ann.Sequential, Meta, error) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, Meta{}, err
	}
	net, m, err := FromFile(f)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("%s: %w", path, err)
	}
	return net, m, nil
}

// FromFile rebuilds a network from a decoded file.
func FromFile(f *File) (*ann.Sequential, Meta, error) {
	if IsSTDP(f) {
		return nil, Meta{}, fmt.Errorf("modelio: an STDP network, not a model of layers: neurite eval and inspect read it (LoadSTDP in Go)")
	}
	if f.Metadata[keyFormat] != formatName {
		return nil, Meta{}, fmt.Errorf("modelio: not a neurite model (format %q, want %q)", f.Metadata[keyFormat], formatName)
	}
	var m Meta
	m.Model, m.Dataset = f.Metadata[keyModel], f.Metadata[keyDataset]
	if err := json.Unmarshal([]byte(f.Metadata[keyArchitecture]), &m.Spec); err != nil {
		return nil, Meta{}, fmt.Errorf("modelio: architecture: %w", err)
	}
	if s := f.Metadata[keyNormalizer]; s != "" {
		m.Normalizer = &data.Normalizer{}
		if err := json.Unmarshal([]byte(s), m.Normalizer); err != nil {
			return nil, Meta{}, fmt.Errorf("modelio: normalizer: %w", err)
		}
		if err := m.Normalizer.Validate(m.Spec.Inputs); err != nil {
			return nil, Meta{}, fmt.Errorf("modelio: %w", err)
		}
	}
	var err error
	if m.Classes, err = strconv.Atoi(f.Metadata[keyClasses]); err != nil || m.Classes < 1 {
		return nil, Meta{}, fmt.Errorf("modelio: classes %q: want a positive integer", f.Metadata[keyClasses])
	}
	if m.Epoch, err = strconv.Atoi(f.Metadata[keyEpoch]); err != nil || m.Epoch < 0 || m.Epoch > MaxEpoch {
		return nil, Meta{}, fmt.Errorf("modelio: epoch %q: want an integer from 0 to %d", f.Metadata[keyEpoch], MaxEpoch)
	}
	if s, ok := f.Metadata[keyClassNames]; ok {
		if err := json.Unmarshal([]byte(s), &m.ClassNames); err != nil || m.ClassNames == nil {
			return nil, Meta{}, fmt.Errorf("modelio: class names: want a JSON array of strings")
		}
	}
	if m.Spec.Inputs > 1<<24 || len(m.Spec.Layers) > 1000 || product(m.Spec.Shape) > 1<<24 {
		return nil, Meta{}, fmt.Errorf("modelio: architecture with %d inputs, shape %v and %d layers", m.Spec.Inputs, m.Spec.Shape, len(m.Spec.Layers))
	}
	for _, l := range m.Spec.Layers {
		if l.Units > 1<<20 || l.Filters > 1<<20 || l.Kernel > 1<<10 || l.Stride < 0 || l.Padding < 0 || l.Padding > 1<<10 {
			return nil, Meta{}, fmt.Errorf("modelio: architecture layer %+v is out of range", l)
		}
	}
	// Optimizer state rides beside the weights.
	var weights []Tensor
	for _, t := range f.Tensors {
		if t.F64 != nil {
			return nil, Meta{}, fmt.Errorf("modelio: tensor %q is F64; network weights and optimizer state are F32", t.Name)
		}
		if key, ok := strings.CutPrefix(t.Name, OptimizerPrefix); ok {
			if m.Optimizer == nil {
				m.Optimizer = &optim.State{Buffers: map[string][]float32{}}
			}
			m.Optimizer.Buffers[key] = t.Data
			continue
		}
		weights = append(weights, t)
	}
	if s, ok := f.Metadata[keyOptSteps]; ok {
		if m.Optimizer == nil {
			m.Optimizer = &optim.State{Buffers: map[string][]float32{}}
		}
		if m.Optimizer.Steps, err = strconv.Atoi(s); err != nil || m.Optimizer.Steps < 0 || m.Optimizer.Steps > MaxOptimizerSteps {
			return nil, Meta{}, fmt.Errorf("modelio: optimizer steps %q: want an integer from 0 to %d", s, int64(MaxOptimizerSteps))
		}
	}
	if s, ok := f.Metadata[keyTraining]; ok {
		if !json.Valid([]byte(s)) {
			return nil, Meta{}, fmt.Errorf("modelio: training state is not valid JSON")
		}
		m.Training = json.RawMessage(s)
	}
	// Never allocate from the header alone: the architecture may not need
	// more values than the file carries.
	have := 0
	for _, t := range weights {
		have += len(t.Data)
	}
	if need := m.Spec.CountParams(); need != have {
		return nil, Meta{}, fmt.Errorf("modelio: the architecture needs %d values, the file holds %d", need, have)
	}
	net, err := m.Spec.Build(0)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("modelio: architecture: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, Meta{}, err
	}
	params := append(net.Params(), net.Buffers()...)
	if len(params) != len(weights) {
		return nil, Meta{}, fmt.Errorf("modelio: architecture has %d parameters, file has %d weight tensors", len(params), len(weights))
	}
	for _, p := range params {
		t, ok := f.Get(p.Name)
		if !ok || strings.HasPrefix(p.Name, OptimizerPrefix) {
			return nil, Meta{}, fmt.Errorf("modelio: tensor %q is missing", p.Name)
		}
		if !slices.Equal(t.Shape, p.Value.Shape) {
			return nil, Meta{}, fmt.Errorf("modelio: tensor %q has shape %v, the architecture needs %v", p.Name, t.Shape, p.Value.Shape)
		}
		copy(p.Value.Data, t.Data)
	}
	return net, m, nil
}

// check returns an error if m's numbers and names are out of bounds or do
// not fit its architecture (which must build). Load and Save apply it.
func (m Meta) check() error {
	outputs := m.Spec.Outputs()
	switch {
	case len(m.Model) > MaxNameBytes || !utf8.ValidString(m.Model):
		return fmt.Errorf("modelio: model name of %d bytes: want at most %d bytes of UTF-8", len(m.Model), MaxNameBytes)
	case len(m.Dataset) > MaxNameBytes || !utf8.ValidString(m.Dataset):
		return fmt.Errorf("modelio: dataset name of %d bytes: want at most %d bytes of UTF-8", len(m.Dataset), MaxNameBytes)
	case outputs < 1:
		return fmt.Errorf("modelio: architecture: no outputs")
	case m.Classes < 1 || m.Classes > outputs && !(outputs == 1 && m.Classes == 2):
		// One output unit scores two classes (a sigmoid's y and 1 − y).
		return fmt.Errorf("modelio: %d classes for a network of %d outputs: want 1 to %d (2 for one output)", m.Classes, outputs, outputs)
	case m.Epoch < 0 || m.Epoch > MaxEpoch:
		return fmt.Errorf("modelio: epoch %d: want 0 to %d", m.Epoch, MaxEpoch)
	case m.Optimizer != nil && (m.Optimizer.Steps < 0 || m.Optimizer.Steps > MaxOptimizerSteps):
		return fmt.Errorf("modelio: optimizer steps %d: want 0 to %d", m.Optimizer.Steps, int64(MaxOptimizerSteps))
	case m.ClassNames != nil && len(m.ClassNames) != m.Classes:
		return fmt.Errorf("modelio: %d class names for %d classes", len(m.ClassNames), m.Classes)
	}
	if m.ClassNames != nil {
		if err := data.CheckClassNames(m.ClassNames); err != nil {
			return fmt.Errorf("modelio: %w", err)
		}
	}
	if m.Normalizer != nil {
		if err := m.Normalizer.Validate(m.Spec.Inputs); err != nil {
			return fmt.Errorf("modelio: %w", err)
		}
	}
	return nil
}

// WeightsSHA256 hashes the parameters (names, shapes and values, in order)
// so that two models can be compared for identical weights.
func WeightsSHA256(net *ann.Sequential) string {
	var ts []Tensor
	for _, p := range append(net.Params(), net.Buffers()...) {
		ts = append(ts, Tensor{Name: p.Name, Shape: p.Value.Shape, Data: p.Value.Data})
	}
	return TensorsSHA256(ts)
}

// TensorsSHA256 is WeightsSHA256 over tensors in the given order.
func TensorsSHA256(ts []Tensor) string {
	h := sha256.New()
	var buf [4]byte
	for _, t := range ts {
		h.Write([]byte(t.Name))
		for _, d := range t.Shape {
			binary.LittleEndian.PutUint32(buf[:], uint32(d))
			h.Write(buf[:])
		}
		for _, v := range t.Data {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			h.Write(buf[:])
		}
		var b8 [8]byte
		for _, v := range t.F64 {
			binary.LittleEndian.PutUint64(b8[:], math.Float64bits(v))
			h.Write(b8[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func product(s []int) int {
	n := 1
	for _, d := range s {
		if d < 0 || d > 1<<24 {
			return 1 << 30
		}
		n *= d
		if n > 1<<30 {
			return 1 << 30
		}
	}
	return n
}

// LoadWeights copies into net the tensors of f named as net's parameters
// and buffers: a PyTorch state_dict of the same architecture, saved with
// safetensors, uses the same names ("0.weight", "3.bias",
// "1.weight_ih_l0", "4.running_mean") and layouts. Every parameter must be
// present with its shape; tensors for no parameter are errors too, except
// a checkpoint's optimizer state and names with a prefix in ignore.
func LoadWeights(net *ann.Sequential, f *File, ignore ...string) error {
	params := append(net.Params(), net.Buffers()...)
	want := map[string]*ann.Param{}
	for _, p := range params {
		want[p.Name] = p
	}
	for _, t := range f.Tensors {
		if _, ok := want[t.Name]; ok || strings.HasPrefix(t.Name, OptimizerPrefix) {
			continue
		}
		if slices.ContainsFunc(ignore, func(pre string) bool { return strings.HasPrefix(t.Name, pre) }) {
			continue
		}
		return fmt.Errorf("modelio: tensor %q matches no parameter of the network (it has %s)", t.Name, paramNames(params))
	}
	for _, p := range params {
		t, ok := f.Get(p.Name)
		if !ok {
			return fmt.Errorf("modelio: tensor %q is missing", p.Name)
		}
		if !slices.Equal(t.Shape, p.Value.Shape) {
			return fmt.Errorf("modelio: tensor %q has shape %v, the network needs %v", p.Name, t.Shape, p.Value.Shape)
		}
		if t.F64 != nil {
			return fmt.Errorf("modelio: tensor %q is F64; network weights are F32", p.Name)
		}
	}
	for _, p := range params {
		t, _ := f.Get(p.Name)
		copy(p.Value.Data, t.Data)
	}
	return nil
}

func paramNames(ps []*ann.Param) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}
