package modelio

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/tensor"
)

// smallSTDP returns a 12-neuron STDP network trained a little on random
// 16-pixel images, with labels assigned.
func smallSTDP(t testing.TB) *diehlcook.Net {
	t.Helper()
	net, err := diehlcook.New(diehlcook.Default(12), 16, 3)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.New(40, 16)
	labels := make([]int, 40)
	for i := range x.Data {
		x.Data[i] = float32(i%7) / 6
	}
	for k := range labels {
		labels[k] = k % 3
	}
	d := &data.Dataset{X: x, Labels: labels, Classes: 3}
	counts, err := net.Train(context.Background(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	net.Assign(counts, labels, 3)
	return net
}

// smallSTDPCheckpoint returns smallSTDP's network with a checkpoint's
// metadata: its state, a trained state, a tally and a training record.
func smallSTDPCheckpoint(t testing.TB) (*diehlcook.Net, STDPMeta) {
	t.Helper()
	net := smallSTDP(t)
	trained := net.State()
	counts := make([]int, 12)
	tally := diehlcook.NewTally(3, 12)
	for k := range 5 {
		img := make([]float32, 16)
		img[k] = 1
		net.Respond(img, counts)
		tally.Add(counts, k%3)
	}
	state := net.State()
	return net, STDPMeta{Classes: 3, Images: 40, Dataset: "stripes", State: &state, Trained: &trained, Tally: tally,
		Training: json.RawMessage(`{"state":{"epoch":1}}`)}
}

// TestSTDPRoundTrip: weights and thresholds come back bit for bit, labels
// exactly, and two loads with one seed classify alike; a checkpoint's
// state, trained state, tally and training record come back as saved.
func TestSTDPRoundTrip(t *testing.T) {
	net := smallSTDP(t)
	path := filepath.Join(t.TempDir(), "stdp.safetensors")
	if err := SaveSTDP(path, net, STDPMeta{Classes: 3, Images: 40, Dataset: "stripes"}); err != nil {
		t.Fatal(err)
	}
	got, meta, err := LoadSTDP(path, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.W, net.W) || !slices.Equal(got.Theta, net.Theta) || !slices.Equal(got.Labels, net.Labels) || got.P != net.P {
		t.Fatal("the loaded network differs from the saved one")
	}
	if !reflect.DeepEqual(meta, STDPMeta{Classes: 3, Images: 40, Dataset: "stripes"}) {
		t.Errorf("meta %+v", meta)
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := FromFile(f); err == nil || !strings.Contains(err.Error(), "an STDP network") {
		t.Errorf("an STDP file loaded as a model of layers: %v", err)
	}
	plainHash := STDPWeightsSHA256(f)

	cnet, cmeta := smallSTDPCheckpoint(t)
	if err := SaveSTDP(path, cnet, cmeta); err != nil {
		t.Fatal(err)
	}
	got, meta, err = LoadSTDP(path, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(meta, cmeta) {
		t.Errorf("checkpoint meta %+v, saved %+v", meta, cmeta)
	}
	if !slices.Equal(got.W, net.W) || !slices.Equal(got.Labels, net.Labels) {
		t.Error("the checkpoint's network differs")
	}
	if st := got.State(); reflect.DeepEqual(st, *cmeta.State) {
		t.Error("loading applied the checkpoint's state; it must start afresh from the seed")
	}
	if f, err = ReadFile(path); err != nil {
		t.Fatal(err)
	}
	if h := STDPWeightsSHA256(f); h != plainHash {
		t.Errorf("the checkpoint's network hashes to %s, the plain file's to %s", h, plainHash)
	}
	if err := SaveSTDP(path, cnet, STDPMeta{Classes: 4, Tally: cmeta.Tally}); err == nil {
		t.Error("SaveSTDP wrote a tally of 3 classes for 4")
	}
}

// TestSTDPHostile: every inconsistent file is refused with a message
// naming the problem.
func TestSTDPHostile(t *testing.T) {
	good, edit := stdpEditor(t)
	for _, tc := range stdpHostile {
		_, _, err := STDPFromFile(decode(t, edit(tc.change)), 1)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := STDPFromFile(decode(t, edit(func(*File) {})), 1); err != nil {
		t.Errorf("the unchanged file: %v", err)
	}
	// A plain network file is the checkpoint without its training state.
	plain := decode(t, edit(func(f *File) {
		for _, k := range []string{keySTDPState, keySTDPTrained, keyTraining} {
			delete(f.Metadata, k)
		}
		f.Tensors = slices.DeleteFunc(f.Tensors, func(t Tensor) bool { return strings.Contains(t.Name, ".") })
	}))
	if good.Metadata[keySTDPState] == "" {
		t.Error("the checkpoint has no state")
	}
	if _, m, err := STDPFromFile(plain, 1); err != nil || m.State != nil || m.Trained != nil || m.Tally != nil || m.Training != nil {
		t.Errorf("the checkpoint without its training state: %+v, %v", m, err)
	}
}

// stdpEditor returns smallSTDPCheckpoint's file decoded, and a function
// that encodes a changed copy of it.
func stdpEditor(t testing.TB) (*File, func(change func(f *File)) []byte) {
	net, meta := smallSTDPCheckpoint(t)
	path := filepath.Join(t.TempDir(), "stdp.safetensors")
	if err := SaveSTDP(path, net, meta); err != nil {
		t.Fatal(err)
	}
	good, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return good, func(change func(f *File)) []byte {
		f := &File{Metadata: maps.Clone(good.Metadata)}
		for _, t := range good.Tensors {
			t.Data, t.F64 = slices.Clone(t.Data), slices.Clone(t.F64)
			f.Tensors = append(f.Tensors, t)
		}
		change(f)
		var buf bytes.Buffer
		if err := Encode(&buf, f); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
}

func decode(t testing.TB, b []byte) *File {
	f, err := Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// stdpHostile are edits of smallSTDPCheckpoint's file, each with the
// error it must give.
var stdpHostile = []struct {
	name, want string
	change     func(f *File)
}{
	{"label beyond the classes", "label 3", func(f *File) { tensorOf(f, "labels").Data[0] = 3 }},
	{"fractional label", "label 1.5", func(f *File) { tensorOf(f, "labels").Data[0] = 1.5 }},
	{"negative weight", "outside [0, 1]", func(f *File) { tensorOf(f, "input_weights").F64[5] = -0.1 }},
	{"negative theta", "theta 2", func(f *File) { tensorOf(f, "theta").F64[2] = -1 }},
	{"weights as F32", "wrong dtype", func(f *File) {
		w := tensorOf(f, "input_weights")
		w.Data, w.F64 = make([]float32, len(w.F64)), nil
	}},
	{"missing theta", `"theta" is missing`, func(f *File) { dropTensor(f, "theta") }},
	{"zero time step", "DT = 0", func(f *File) {
		f.Metadata[keySTDPParams] = strings.Replace(f.Metadata[keySTDPParams], `"DT":0.5`, `"DT":0`, 1)
	}},
	{"a billion steps per image", "10⁶ steps", func(f *File) {
		f.Metadata[keySTDPParams] = strings.Replace(f.Metadata[keySTDPParams], `"DT":0.5`, `"DT":1e-7`, 1)
	}},
	{"neurons and shapes disagree", "want [inputs 13]", func(f *File) {
		f.Metadata[keySTDPParams] = strings.Replace(f.Metadata[keySTDPParams], `"Neurons":12`, `"Neurons":13`, 1)
	}},
	{"no classes", "classes", func(f *File) { f.Metadata[keyClasses] = "0" }},
	{"10^12 classes", "classes", func(f *File) { f.Metadata[keyClasses] = "1000000000000" }},
	{"dataset name too long", "dataset name", func(f *File) { f.Metadata[keyDataset] = strings.Repeat("d", MaxNameBytes+1) }},
	{"a tensor of something else", `"optimizer.x" is not part`, func(f *File) {
		f.Tensors = append(f.Tensors, Tensor{Name: "optimizer.x", Shape: []int{1}, F64: []float64{0}})
	}},

	// The training state of a checkpoint.
	{"training not JSON", "training state is not valid JSON", func(f *File) { f.Metadata[keyTraining] = `{"state":` }},
	{"state metadata not JSON", keySTDPState, func(f *File) { f.Metadata[keySTDPState] = `{"now":` }},
	{"state metadata with an unknown field", "unknown field", func(f *File) {
		f.Metadata[keySTDPState] = strings.Replace(f.Metadata[keySTDPState], `{`, `{"later":1,`, 1)
	}},
	{"state tensors without metadata", `without the metadata neurite.stdp_state`, func(f *File) { delete(f.Metadata, keySTDPState) }},
	{"trained tensors without metadata", `without the metadata neurite.stdp_trained`, func(f *File) { delete(f.Metadata, keySTDPTrained) }},
	{"a state tensor missing", `"state.post2" is missing`, func(f *File) { dropTensor(f, "state.post2") }},
	{"a trained tensor missing", `"trained.input_last" is missing`, func(f *File) { dropTensor(f, "trained.input_last") }},
	{"a state tensor of other neurons", `"state.gi_inh" has shape [11]`, func(f *File) { shrink(f, "state.gi_inh") }},
	{"inputs' steps for other inputs", `"state.input_last" has shape [15]`, func(f *File) { shrink(f, "state.input_last") }},
	{"state as F32", `"state.v_exc" has the wrong dtype`, func(f *File) {
		v := tensorOf(f, "state.v_exc")
		v.Data, v.F64 = make([]float32, len(v.F64)), nil
	}},
	{"a step that is not whole", "want a step number", func(f *File) { tensorOf(f, "state.last_exc").F64[0] = 2.5 }},
	{"a step before time", "want a step number", func(f *File) { tensorOf(f, "trained.last_inh").F64[1] = -7 }},
	{"a step beyond 2^53", "want a step number", func(f *File) { tensorOf(f, "state.input_last").F64[3] = 1e300 }},
	{"a spike after now", "LastExc[0] is step", func(f *File) { tensorOf(f, "state.last_exc").F64[0] = 1 << 40 }},
	{"a negative step count", "state at step -5", func(f *File) { setScalar(f, keySTDPState, "now", "-5") }},
	{"a trace above 1", "Post1[4] is 2", func(f *File) { tensorOf(f, "trained.post1").F64[4] = 2 }},
	{"negative counter", "counters", func(f *File) { setScalar(f, keySTDPState, "events", "-1") }},
	{"a random stream that is not PCG's", "random stream", func(f *File) { setScalar(f, keySTDPTrained, "random", `"AAAA"`) }},
	{"tally of other classes", "tally tensors [2 12]", func(f *File) {
		s := tensorOf(f, "tally.spikes")
		s.Shape, s.F64 = []int{2, 12}, s.F64[:24]
	}},
	{"tally without its counts", `"tally.images" is missing`, func(f *File) { dropTensor(f, "tally.images") }},
	{"tally counts without sums", `"tally.spikes" is missing`, func(f *File) { dropTensor(f, "tally.spikes") }},
	{"a fractional spike sum", "tally.spikes 7 is 0.5", func(f *File) { tensorOf(f, "tally.spikes").F64[7] = 0.5 }},
	{"a negative image count", "tally.images 1 is -1", func(f *File) { tensorOf(f, "tally.images").F64[1] = -1 }},
}

func tensorOf(f *File, name string) *Tensor {
	for k := range f.Tensors {
		if f.Tensors[k].Name == name {
			return &f.Tensors[k]
		}
	}
	panic("no tensor " + name)
}

func dropTensor(f *File, name string) {
	f.Tensors = slices.DeleteFunc(f.Tensors, func(t Tensor) bool { return t.Name == name })
}

// shrink drops a one-dimensional tensor's last value.
func shrink(f *File, name string) {
	t := tensorOf(f, name)
	t.F64, t.Shape = t.F64[:len(t.F64)-1], []int{len(t.F64) - 1}
}

// setScalar sets field of the JSON object in metadata key to value.
func setScalar(f *File, key, field, value string) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(f.Metadata[key]), &m); err != nil {
		panic(err)
	}
	m[field] = json.RawMessage(value)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	f.Metadata[key] = string(b)
}
