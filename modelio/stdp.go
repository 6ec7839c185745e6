package modelio

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/neurite/neurite/snn/diehlcook"
)

// STDPMeta is what an STDP network file says besides the network.
type STDPMeta struct {
	Classes int    // classes the neurons' labels range over
	Images  int    // training presentations (images × passes)
	Dataset string // what it was trained on

	// A training checkpoint also holds what continuing the run needs; all
	// nil in a plain network file, and ignored by a reader that only
	// evaluates the network. State is where the simulation stands;
	// Trained, while a learning-off pass that assigns the labels runs
	// after training, the state training ended in; Tally the responses
	// summed for the labels so far; Training the trainer's settings and
	// position, verbatim JSON (the train command's).
	State, Trained *diehlcook.State
	Tally          *diehlcook.Tally
	Training       json.RawMessage
}

// STDP network files (format neurite-stdp/1): the input weights and
// adaptive thresholds in F64 (the simulator's precision, so a reloaded
// network is the one that was trained), the neurons' labels, and the
// model's parameters as JSON.
//
// A training checkpoint adds, all F64 (step numbers and counts are
// integers, exact in a float64 up to 2⁵³):
//   - for State, the tensors "state.v_exc", "state.ge_exc", "state.gi_exc",
//     "state.last_exc", "state.v_inh", "state.ge_inh", "state.gi_inh",
//     "state.last_inh", "state.post1", "state.post2" (one value per
//     neuron) and "state.input_last" (one per input), and the metadata
//     "neurite.stdp_state": the step count, random stream and counters as
//     JSON;
//   - for Trained, the same under "trained." and "neurite.stdp_trained";
//   - for Tally, "tally.spikes" [classes, neurons] and "tally.images"
//     [classes];
//   - "neurite.training", as in a model checkpoint.
//
// Files without them (every file written before checkpoints) load as
// before.
const (
	stdpFormatName = "neurite-stdp/1"
	keySTDPParams  = "neurite.stdp_params"
	keyImages      = "neurite.images"
	keySTDPState   = "neurite.stdp_state"
	keySTDPTrained = "neurite.stdp_trained"
	tensorWeights  = "input_weights"
	tensorTheta    = "theta"
	tensorLabels   = "labels"
	prefixState    = "state."
	prefixTrained  = "trained."
	tensorTally    = "tally.spikes"
	tensorTallyN   = "tally.images"
)

// MaxSTDPClasses bounds the classes an STDP network file may label its
// neurons with.
const MaxSTDPClasses = 1 << 16

// IsSTDP reports whether f holds an STDP network rather than a model of
// layers.
func IsSTDP(f *File) bool { return f.Metadata[keyFormat] == stdpFormatName }

// SaveSTDP writes net's learned state to path atomically, with m's
// training state when it has one. It refuses, as STDPFromFile would, a
// state or tally that does not fit net.
func SaveSTDP(path string, net *diehlcook.Net, m STDPMeta) error {
	if err := m.check(net.P, net.In); err != nil {
		return err
	}
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
	for _, s := range []struct {
		state       *diehlcook.State
		key, prefix string
	}{{m.State, keySTDPState, prefixState}, {m.Trained, keySTDPTrained, prefixTrained}} {
		if s.state == nil {
			continue
		}
		scalars, err := json.Marshal(stateScalars{Now: s.state.Now, Random: s.state.Random, Spikes: s.state.Spikes,
			InhibitorySpikes: s.state.InhibitorySpikes, InputSpikes: s.state.InputSpikes, Events: s.state.Events})
		if err != nil {
			return err
		}
		f.Metadata[s.key] = string(scalars)
		for _, v := range stateVectors(s.state) {
			var x []float64
			if v.f64 != nil {
				x = *v.f64
			} else {
				x = ints64(*v.ints)
			}
			f.Tensors = append(f.Tensors, Tensor{Name: s.prefix + v.name, Shape: []int{len(x)}, F64: x})
		}
	}
	if t := m.Tally; t != nil {
		f.Tensors = append(f.Tensors, Tensor{Name: tensorTally, Shape: []int{t.Classes, t.Neurons}, F64: t.Spikes},
			Tensor{Name: tensorTallyN, Shape: []int{t.Classes}, F64: ints64(t.Images)})
	}
	if m.Training != nil {
		f.Metadata[keyTraining] = string(m.Training)
	}
	return WriteFile(path, f)
}

// stateScalars are a diehlcook.State's numbers, as its metadata holds
// them (Random as base64).
type stateScalars struct {
	Now              int    `json:"now"`
	Random           []byte `json:"random"`
	Spikes           int64  `json:"spikes"`
	InhibitorySpikes int64  `json:"inhibitory_spikes"`
	InputSpikes      int64  `json:"input_spikes"`
	Events           int64  `json:"events"`
}

// stateVector is one of a State's slices with its tensor name: F64
// values, or integers (step numbers).
type stateVector struct {
	name string
	f64  *[]float64
	ints *[]int
}

// stateVectors lists s's slices, for writing and reading alike.
func stateVectors(s *diehlcook.State) []stateVector {
	return []stateVector{{"v_exc", &s.VExc, nil}, {"ge_exc", &s.GeExc, nil}, {"gi_exc", &s.GiExc, nil}, {"last_exc", nil, &s.LastExc},
		{"v_inh", &s.VInh, nil}, {"ge_inh", &s.GeInh, nil}, {"gi_inh", &s.GiInh, nil}, {"last_inh", nil, &s.LastInh},
		{"post1", &s.Post1, nil}, {"post2", &s.Post2, nil}, {"input_last", nil, &s.InputLast}}
}

func ints64(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// check returns an error if m's names, numbers, state or tally are out of
// bounds or do not fit a network of parameters p and in inputs.
func (m STDPMeta) check(p diehlcook.Params, in int) error {
	switch {
	case m.Classes < 1 || m.Classes > MaxSTDPClasses:
		return fmt.Errorf("modelio: %d classes: want 1 to %d", m.Classes, MaxSTDPClasses)
	case m.Images < 0:
		return fmt.Errorf("modelio: %d images: want a non-negative number", m.Images)
	case len(m.Dataset) > MaxNameBytes || !utf8.ValidString(m.Dataset):
		return fmt.Errorf("modelio: dataset name of %d bytes: want at most %d bytes of UTF-8", len(m.Dataset), MaxNameBytes)
	case m.Training != nil && !json.Valid(m.Training):
		return fmt.Errorf("modelio: training state is not valid JSON")
	}
	for _, s := range []struct {
		name  string
		state *diehlcook.State
	}{{"state", m.State}, {"trained state", m.Trained}} {
		if s.state == nil {
			continue
		}
		if err := s.state.Check(p, in); err != nil {
			return fmt.Errorf("modelio: %s: %w", s.name, err)
		}
	}
	if t := m.Tally; t != nil {
		if t.Classes != m.Classes || t.Neurons != p.Neurons || len(t.Spikes) != t.Classes*t.Neurons || len(t.Images) != t.Classes {
			return fmt.Errorf("modelio: a tally of %d classes and %d neurons (%d sums, %d counts) for %d classes and %d neurons",
				t.Classes, t.Neurons, len(t.Spikes), len(t.Images), m.Classes, p.Neurons)
		}
		for k, v := range t.Spikes {
			if !isCount(v) {
				return fmt.Errorf("modelio: tally.spikes %d is %v; want a whole number from 0 to 2⁵³", k, v)
			}
		}
		for c, v := range t.Images {
			if v < 0 || v > diehlcook.MaxSteps {
				return fmt.Errorf("modelio: tally.images %d is %v; want a whole number from 0 to 2⁵³", c, v)
			}
		}
	}
	return nil
}

// isCount reports whether v is a whole number in [0, 2⁵³].
func isCount(v float64) bool { return v >= 0 && v <= diehlcook.MaxSteps && v == math.Trunc(v) }

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
// them, weights within [0, WMax], thresholds ≥ 0, labels in [−1, classes),
// classes from 1 to MaxSTDPClasses, a dataset name of at most
// MaxNameBytes of UTF-8; and, in a checkpoint, states the network can be
// in (diehlcook.State.Check), a tally of whole numbers for its classes
// and neurons, training metadata that is JSON, and no tensor it does not
// know. The network starts from a fresh simulation state drawn from seed
// whatever the file holds: a caller continuing the training applies
// meta.State (Net.SetState).
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
	if m.Classes, err = strconv.Atoi(f.Metadata[keyClasses]); err != nil || m.Classes < 1 || m.Classes > MaxSTDPClasses {
		return nil, STDPMeta{}, fmt.Errorf("modelio: classes %q: want an integer from 1 to %d", f.Metadata[keyClasses], MaxSTDPClasses)
	}
	if m.Images, err = strconv.Atoi(f.Metadata[keyImages]); err != nil || m.Images < 0 {
		return nil, STDPMeta{}, fmt.Errorf("modelio: images %q: want a non-negative integer", f.Metadata[keyImages])
	}
	m.Dataset = f.Metadata[keyDataset]
	if s, ok := f.Metadata[keyTraining]; ok {
		m.Training = json.RawMessage(s)
	}
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
	if len(w.Shape) != 2 || w.Shape[1] != n || w.Shape[0] < 1 || !slices.Equal(theta.Shape, []int{n}) || !slices.Equal(labels.Shape, []int{n}) {
		return nil, STDPMeta{}, fmt.Errorf("modelio: STDP tensors %v, %v, %v; want [inputs %d], [%d], [%d]", w.Shape, theta.Shape, labels.Shape, n, n, n)
	}
	in := w.Shape[0]
	known := 3
	for _, s := range []struct {
		state       **diehlcook.State
		key, prefix string
	}{{&m.State, keySTDPState, prefixState}, {&m.Trained, keySTDPTrained, prefixTrained}} {
		if *s.state, err = readState(f, s.key, s.prefix, n, in, get); err != nil {
			return nil, STDPMeta{}, err
		}
		if *s.state != nil {
			known += len(stateVectors(*s.state))
		}
	}
	if m.Tally, err = readTally(f, m.Classes, n, get); err != nil {
		return nil, STDPMeta{}, err
	}
	if m.Tally != nil {
		known += 2
	}
	if len(f.Tensors) != known {
		for _, t := range f.Tensors {
			if !knownSTDPTensor(t.Name) {
				return nil, STDPMeta{}, fmt.Errorf("modelio: tensor %q is not part of an STDP network or its training state", t.Name)
			}
		}
		return nil, STDPMeta{}, fmt.Errorf("modelio: %d tensors, want %d", len(f.Tensors), known)
	}
	if err := m.check(p, in); err != nil {
		return nil, STDPMeta{}, err
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
	net, err := diehlcook.New(p, in, seed)
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

// knownSTDPTensor reports whether an STDP file may hold a tensor of this
// name.
func knownSTDPTensor(name string) bool {
	switch name {
	case tensorWeights, tensorTheta, tensorLabels, tensorTally, tensorTallyN:
		return true
	}
	for _, prefix := range []string{prefixState, prefixTrained} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			return slices.ContainsFunc(stateVectors(&diehlcook.State{}), func(v stateVector) bool { return v.name == rest })
		}
	}
	return false
}

// readState reads the state saved under key and prefix, nil when the file
// has neither; one without the other, a tensor of the wrong shape or a
// step number that is not a whole number is an error. The state's
// consistency is checked later, with the rest of the metadata.
func readState(f *File, key, prefix string, n, in int, get func(string, bool) (Tensor, error)) (*diehlcook.State, error) {
	raw, ok := f.Metadata[key]
	if !ok {
		for _, t := range f.Tensors {
			if strings.HasPrefix(t.Name, prefix) {
				return nil, fmt.Errorf("modelio: tensor %q without the metadata %s", t.Name, key)
			}
		}
		return nil, nil
	}
	var sc stateScalars
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return nil, fmt.Errorf("modelio: %s: %w", key, err)
	}
	s := &diehlcook.State{Now: sc.Now, Random: sc.Random, Spikes: sc.Spikes, InhibitorySpikes: sc.InhibitorySpikes,
		InputSpikes: sc.InputSpikes, Events: sc.Events}
	for _, v := range stateVectors(s) {
		t, err := get(prefix+v.name, true)
		if err != nil {
			return nil, err
		}
		want := n
		if v.name == "input_last" {
			want = in
		}
		if !slices.Equal(t.Shape, []int{want}) {
			return nil, fmt.Errorf("modelio: tensor %q has shape %v, want [%d]", t.Name, t.Shape, want)
		}
		if v.ints == nil {
			*v.f64 = t.F64
			continue
		}
		steps := make([]int, len(t.F64))
		for i, x := range t.F64 {
			if x != math.Trunc(x) || x < -1 || x > diehlcook.MaxSteps {
				return nil, fmt.Errorf("modelio: tensor %q: value %d is %v, want a step number (a whole number from −1 to 2⁵³)", t.Name, i, x)
			}
			steps[i] = int(x)
		}
		*v.ints = steps
	}
	return s, nil
}

// readTally reads the tally, nil when the file has none.
func readTally(f *File, classes, n int, get func(string, bool) (Tensor, error)) (*diehlcook.Tally, error) {
	_, hasSums := f.Get(tensorTally)
	_, hasImages := f.Get(tensorTallyN)
	if !hasSums && !hasImages {
		return nil, nil
	}
	sums, err := get(tensorTally, true)
	if err != nil {
		return nil, err
	}
	images, err := get(tensorTallyN, true)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(sums.Shape, []int{classes, n}) || !slices.Equal(images.Shape, []int{classes}) {
		return nil, fmt.Errorf("modelio: tally tensors %v, %v; want [%d %d], [%d] (classes, neurons)", sums.Shape, images.Shape, classes, n, classes)
	}
	t := &diehlcook.Tally{Classes: classes, Neurons: n, Spikes: sums.F64, Images: make([]int, classes)}
	for c, v := range images.F64 {
		if !isCount(v) {
			return nil, fmt.Errorf("modelio: tally.images %d is %v; want a whole number from 0 to 2⁵³", c, v)
		}
		t.Images[c] = int(v)
	}
	return t, nil
}

// STDPWeightsSHA256 hashes an STDP file's network — input weights,
// labels and thresholds, as TensorsSHA256 — and not the training state a
// checkpoint adds, so that a checkpoint and a plain file of the same
// network hash alike.
func STDPWeightsSHA256(f *File) string {
	var ts []Tensor
	for _, name := range []string{tensorWeights, tensorLabels, tensorTheta} {
		if t, ok := f.Get(name); ok {
			ts = append(ts, t)
		}
	}
	return TensorsSHA256(ts)
}
