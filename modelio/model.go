package modelio

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
)

// Meta is what a model file says besides its weights.
type Meta struct {
	Model      string           // preset name or "custom"
	Spec       ann.Spec         // the architecture
	Normalizer *data.Normalizer // input normalisation, if any
	Classes    int              // output classes
	Epoch      int              // epochs trained
	Dataset    string           // what it was trained on
}

// Metadata keys of a neurite model file.
const (
	keyFormat       = "format"
	keyModel        = "neurite.model"
	keyArchitecture = "neurite.architecture"
	keyNormalizer   = "neurite.normalizer"
	keyClasses      = "neurite.classes"
	keyEpoch        = "neurite.epoch"
	keyDataset      = "neurite.dataset"
	formatName      = "neurite-model/1"
)

// Save writes net and its metadata to path atomically.
func Save(path string, net *ann.Sequential, m Meta) error {
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
	for _, p := range append(net.Params(), net.Buffers()...) {
		f.Tensors = append(f.Tensors, Tensor{Name: p.Name, Shape: p.Value.Shape, Data: p.Value.Data})
	}
	return WriteFile(path, f)
}

// Load reads a model file, rebuilds the network from its architecture and
// fills in the weights. It fails, naming the tensor, if a weight is
// missing, extra, or of the wrong shape.
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
	if m.Epoch, err = strconv.Atoi(f.Metadata[keyEpoch]); err != nil || m.Epoch < 0 {
		return nil, Meta{}, fmt.Errorf("modelio: epoch %q: want a non-negative integer", f.Metadata[keyEpoch])
	}
	if m.Spec.Inputs > 1<<24 || len(m.Spec.Layers) > 1000 || product(m.Spec.Shape) > 1<<24 {
		return nil, Meta{}, fmt.Errorf("modelio: architecture with %d inputs, shape %v and %d layers", m.Spec.Inputs, m.Spec.Shape, len(m.Spec.Layers))
	}
	for _, l := range m.Spec.Layers {
		if l.Units > 1<<20 || l.Filters > 1<<20 || l.Kernel > 1<<10 || l.Stride < 0 || l.Padding < 0 || l.Padding > 1<<10 {
			return nil, Meta{}, fmt.Errorf("modelio: architecture layer %+v is out of range", l)
		}
	}
	// Never allocate from the header alone: the architecture may not need
	// more values than the file carries.
	have := 0
	for _, t := range f.Tensors {
		have += len(t.Data)
	}
	if need := m.Spec.CountParams(); need != have {
		return nil, Meta{}, fmt.Errorf("modelio: the architecture needs %d values, the file holds %d", need, have)
	}
	net, err := m.Spec.Build(0)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("modelio: architecture: %w", err)
	}
	params := append(net.Params(), net.Buffers()...)
	if len(params) != len(f.Tensors) {
		return nil, Meta{}, fmt.Errorf("modelio: architecture has %d parameters, file has %d tensors", len(params), len(f.Tensors))
	}
	for _, p := range params {
		t, ok := f.Get(p.Name)
		if !ok {
			return nil, Meta{}, fmt.Errorf("modelio: tensor %q is missing", p.Name)
		}
		if !slices.Equal(t.Shape, p.Value.Shape) {
			return nil, Meta{}, fmt.Errorf("modelio: tensor %q has shape %v, the architecture needs %v", p.Name, t.Shape, p.Value.Shape)
		}
		copy(p.Value.Data, t.Data)
	}
	return net, m, nil
}

// WeightsSHA256 hashes the parameters (names, shapes and values, in order)
// so that two models can be compared for identical weights.
func WeightsSHA256(net *ann.Sequential) string {
	h := sha256.New()
	var buf [4]byte
	for _, p := range append(net.Params(), net.Buffers()...) {
		h.Write([]byte(p.Name))
		for _, d := range p.Value.Shape {
			binary.LittleEndian.PutUint32(buf[:], uint32(d))
			h.Write(buf[:])
		}
		for _, v := range p.Value.Data {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			h.Write(buf[:])
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
