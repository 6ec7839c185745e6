package experiment

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
)

// collect returns an Observe function that keeps every event, and the
// slice it keeps them in.
func collect() (func(Event), *[]Event) {
	var evs []Event
	return func(e Event) { evs = append(evs, e) }, &evs
}

// TestObserveTrain: observing a training run changes none of its bits;
// the steps arrive in order, the last one is the run's end and agrees with
// the history, and the norms are the parameters' (recomputed naively).
func TestObserveTrain(t *testing.T) {
	s := TrainSettings{Data: "xor", Hidden: []int{8}, Epochs: 30, Batch: 2, Seed: 4, Threads: 1}
	plain, err := Train(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	obs, evs := collect()
	s.Observe, s.ObserveEvery = obs, time.Nanosecond
	seen, err := Train(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range plain.Net.Params() {
		if !reflect.DeepEqual(p.Value.Data, seen.Net.Params()[i].Value.Data) {
			t.Fatalf("observing changed the weights of %s", p.Name)
		}
	}
	if plain.TestLoss != seen.TestLoss || plain.History[29].TrainLoss != seen.History[29].TrainLoss {
		t.Fatal("observing changed the run's losses")
	}
	if len(*evs) < 30 {
		t.Fatalf("%d events, want at least one an epoch", len(*evs))
	}
	step := 0
	for _, e := range *evs {
		ts, ok := e.(*TrainStep)
		if !ok {
			t.Fatalf("event %T, want *TrainStep", e)
		}
		if ts.Step <= step {
			t.Fatalf("step %d after %d", ts.Step, step)
		}
		step = ts.Step
	}
	last := (*evs)[len(*evs)-1].(*TrainStep)
	h := seen.History[len(seen.History)-1]
	if last.Epoch != 30 || last.Batch != last.Batches || last.Loss != h.TrainLoss || last.Accuracy != h.TrainAccuracy || last.LearningRate != h.LearningRate {
		t.Errorf("last step %+v, want the end of epoch 30 as the history has it (%+v)", last, h)
	}
	for i, p := range seen.Net.Params() {
		var w, g float64
		for k := range p.Value.Data {
			w += float64(p.Value.Data[k]) * float64(p.Value.Data[k])
			g += float64(p.Grad.Data[k]) * float64(p.Grad.Data[k])
		}
		if got := last.Layers[i]; got.Name != p.Name || got.Weight != math.Sqrt(w) || got.Grad != math.Sqrt(g) {
			t.Errorf("Layers[%d] = %+v, want %s %v %v", i, got, p.Name, math.Sqrt(w), math.Sqrt(g))
		}
	}
}

// TestObserveSim: observing a simulation changes none of its spikes; the
// frames tile the simulated time, their rates add up to the spike count,
// and when no spike is dropped their spikes are exactly the monitors'.
func TestObserveSim(t *testing.T) {
	s := SimSettings{Model: "coba", N: 400, Duration: 200 * time.Millisecond, Seed: 2, Threads: 2, KeepSpikes: true}
	plain, err := Simulate(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	obs, evs := collect()
	s.Observe, s.ObserveEvery = obs, time.Nanosecond
	seen, err := Simulate(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Spikes != seen.Spikes || !reflect.DeepEqual(plain.Monitors[0].Steps, seen.Monitors[0].Steps) {
		t.Fatalf("observing changed the spikes: %d, want %d", seen.Spikes, plain.Spikes)
	}
	if len(*evs) < 2 {
		t.Fatalf("%d frames, want several", len(*evs))
	}
	type spike struct {
		n int
		t float64
	}
	got := map[spike]int{}
	var counted float64
	to, dropped := 0.0, int64(0)
	for _, e := range *evs {
		f := e.(*SimFrame)
		if f.FromMS != to {
			t.Fatalf("frame from %v ms, want %v (where the last ended)", f.FromMS, to)
		}
		to = f.ToMS
		dropped += f.Dropped
		for k, r := range f.RateHz {
			size := seen.Network.Populations[k].Len()
			counted += r * (f.ToMS - f.FromMS) * float64(size) / 1000
		}
		for i := 0; i < len(f.Spikes); i += 2 {
			got[spike{int(f.Spikes[i]), f.Spikes[i+1]}]++
		}
		if len(f.Traces) != TraceNeurons {
			t.Fatalf("%d traces, want %d", len(f.Traces), TraceNeurons)
		}
	}
	if to != 200 {
		t.Errorf("frames end at %v ms, want 200", to)
	}
	if math.Abs(counted-float64(seen.Spikes)) > 1e-6*float64(seen.Spikes) {
		t.Errorf("frames' rates add up to %v spikes, want %d", counted, seen.Spikes)
	}
	if dropped != 0 {
		t.Skipf("%d spikes dropped from frames; the comparison with the monitors needs all", dropped)
	}
	want := map[spike]int{}
	off := 0
	for k, m := range seen.Monitors {
		for i := range m.Steps {
			want[spike{off + int(m.Index[i]), float64(m.Steps[i]) * seen.DTMS}]++
		}
		off += seen.Network.Populations[k].Len()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("frames hold %d distinct spikes, the monitors %d", len(got), len(want))
	}
}

// TestObserveSTDP: the last receptive fields of an STDP run are the saved
// network's weights, scaled by the largest.
func TestObserveSTDP(t *testing.T) {
	tr, te, _, err := data.Open("mnist", "", 1)
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	obs, evs := collect()
	out := filepath.Join(t.TempDir(), "stdp.ckpt")
	s := TrainSettings{Model: "stdp", Neurons: 6, TrainSamples: 20, TestSamples: 10, Seed: 5, TrainSet: tr, TestSet: te, Threads: 1, Out: out}
	s.Observe = obs
	if _, err := Train(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if len(*evs) == 0 {
		t.Fatal("no receptive fields observed")
	}
	last := (*evs)[len(*evs)-1].(*ReceptiveFields)
	net, _, err := modelio.LoadSTDP(out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if last.Image != 20 || last.Neurons != 6 || last.Width != 28 || last.Height != 28 {
		t.Fatalf("fields %d neurons %dx%d at image %d, want 6 of 28x28 at image 20", last.Neurons, last.Width, last.Height, last.Image)
	}
	var top float64
	for _, w := range net.W {
		top = max(top, w)
	}
	for j := range 6 {
		for i := range 784 {
			if want := float32(net.W[i*6+j] / top); last.Pixels[j*784+i] != want {
				t.Fatalf("neuron %d pixel %d = %v, want %v", j, i, last.Pixels[j*784+i], want)
			}
		}
	}
}
