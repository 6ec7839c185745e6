package continual

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
)

// f32 is the relative tolerance of a scale computed from float32
// weights such as 0.001: their rounding, 2^-24 relative, and a little.
const f32 = 1e-6

// net builds a bias-free network from spec with the given weights, one
// slice per dense layer.
func net(t *testing.T, spec ann.Spec, weights ...[]float32) *ann.Sequential {
	t.Helper()
	n, err := spec.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for _, l := range n.Layers {
		if lin, ok := l.(ann.Linear); ok {
			w, b := lin.Linear()
			copy(w.Value.Data, weights[k])
			clear(b.Value.Data)
			k++
		}
	}
	return n
}

// TestSleepRule: one input always fires, the other never; the neuron
// they drive fires on the first step, so the synapse from the input that
// fired is potentiated by Inc·σ(w) and the other depressed by Dec·σ(w),
// σ(w) = 2/(1 + e^(w/0.001)) (the authors' sigmoid).
func TestSleepRule(t *testing.T) {
	spec := ann.Spec{Inputs: 2, Layers: []ann.LayerSpec{{Type: "dense", Units: 1}}}
	n := net(t, spec, []float32{0.001, -0.002})
	seen := &data.Dataset{X: tensor.FromData([]float32{1, 0}, 1, 2), Labels: []int{0}, Classes: 2}
	// Rate 500 Hz at 1 ms: probability 2·1·0.5 = 1 for the pixel at 1.
	// Scale: max(weight 0.001, activation 0.001) = 0.001, so α = 2/0.001
	// and the first step's impulse α·0.001 = 2 crosses the threshold 1.
	s := Sleep{Steps: 1, MaxRate: 500, Inc: 0.01, Dec: 0.001, Beta: []float64{1}, AlphaScale: 2}
	st, err := s.Consolidate(context.Background(), n, []*data.Dataset{seen}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	sigma := func(w float64) float64 { return 2 / (1 + math.Exp(w/0.001)) }
	w, _ := n.Layers[0].(ann.Linear).Linear()
	want := []float32{float32(float64(float32(0.001)) + 0.01*sigma(float64(float32(0.001)))),
		float32(float64(float32(-0.002)) - 0.001*sigma(float64(float32(-0.002))))}
	if !slices.Equal(w.Value.Data, want) {
		t.Errorf("weights after one spike %v, want %v", w.Value.Data, want)
	}
	if st.Steps != 1 || st.InputSpikes != 1 || st.LayerSpikes[0] != 1 || st.Spikes != 2 {
		t.Errorf("stats %+v: want 1 step, 1 input spike, 1 neuron spike", st)
	}
	if st.SynapticEvents != 1 || st.Potentiations != 1 || st.Depressions != 1 {
		t.Errorf("stats %+v: want 1 synaptic event (one input to one neuron), 1 potentiation, 1 depression", st)
	}
	if math.Abs(st.Scales[0]/(2/0.001)-1) > f32 {
		t.Errorf("α = %v, want 2/0.001", st.Scales[0])
	}
}

// TestSleepDropoutConvention: after dropout p the spiking network runs on
// W/(1−p) and maps its changes back times (1−p), so that a weight of the
// second layer moves by (1−p)·Inc·σ(w/(1−p)).
func TestSleepDropoutConvention(t *testing.T) {
	spec := ann.Spec{Inputs: 1, Layers: []ann.LayerSpec{{Type: "dense", Units: 1}, {Type: "relu"}, {Type: "dropout", P: 0.5}, {Type: "dense", Units: 1}}}
	n := net(t, spec, []float32{1}, []float32{0.001})
	ls, err := sleepLayers(n)
	if err != nil {
		t.Fatal(err)
	}
	if ls[0].keepIn != 1 || ls[0].keepOut != 0.5 || ls[1].keepIn != 0.5 || ls[1].keepOut != 1 {
		t.Fatalf("keep factors %v/%v, %v/%v; want 1/0.5, 0.5/1", ls[0].keepIn, ls[0].keepOut, ls[1].keepIn, ls[1].keepOut)
	}
	seen := &data.Dataset{X: tensor.FromData([]float32{1}, 1, 1), Labels: []int{0}, Classes: 2}
	// Layer 0: weight 1 and activation 1·0.5 (the authors' test-time
	// dropout scaling): scale 1, α₀ = AlphaScale = 2, fires at once.
	// Layer 1: w/keep = 0.002, activation 0.001 → scale 0.002/1, α₁ = 1000;
	// impulse α₁·w/keep = 2 ≥ 1.
	s := Sleep{Steps: 1, MaxRate: 500, Inc: 0.01, Dec: 0.001, Beta: []float64{1, 1}, AlphaScale: 2}
	st, err := s.Consolidate(context.Background(), n, []*data.Dataset{seen}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.LayerSpikes, []int64{1, 1}) {
		t.Fatalf("layer spikes %v, want one each", st.LayerSpikes)
	}
	w, _ := n.Layers[3].(ann.Linear).Linear()
	wt := float64(float32(0.001)) / 0.5
	want := float32((wt + 0.01*2/(1+math.Exp(wt/0.001))) * 0.5)
	if w.Value.Data[0] != want {
		t.Errorf("second layer's weight %v, want %v", w.Value.Data[0], want)
	}
	if math.Abs(st.Scales[0]/2-1) > f32 || math.Abs(st.Scales[1]/1000-1) > f32 {
		t.Errorf("α = %v, want [2 1000]", st.Scales)
	}
}

// TestSleepCounts: on a small random network over many steps, the
// synapse updates are the spikes times the fan-in, the synaptic events
// the spikes times the fan-out, and the run is the same bits for a seed.
func TestSleepCounts(t *testing.T) {
	tr := blobs(60, 3, 64, 0.2, 1)
	tr.Shape = []int{1, 8, 8}
	spec := ann.MLP(64, []int{20, 20}, ann.ReLU, 3, 0)
	build := func() *ann.Sequential {
		n, err := spec.Build(3)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range n.Params() {
			if len(p.Value.Shape) == 1 {
				clear(p.Value.Data)
			}
		}
		return n
	}
	s := Sleep{Steps: 400, Window: 5, Beta: []float64{1, 1, 1}, AlphaScale: 1, MaxRate: 200}
	a, b := build(), build()
	sa, err := s.Consolidate(context.Background(), a, []*data.Dataset{tr}, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := s.Consolidate(context.Background(), b, []*data.Dataset{tr}, 1, 5)
	if sa.Steps != 400+133 || sa.SimMS != 533 {
		t.Errorf("second sleep: %d steps, %v ms; want 533 (Steps + Steps/3)", sa.Steps, sa.SimMS)
	}
	for _, n := range sa.LayerSpikes {
		if n == 0 {
			t.Fatalf("layer spikes %v: a layer never fired; the test needs activity", sa.LayerSpikes)
		}
	}
	fanIn, fanOut := []int64{64, 20, 20}, []int64{20, 3, 0} // of each dense layer's neurons
	updates := int64(0)
	events := sa.InputSpikes * 20
	for i, n := range sa.LayerSpikes {
		updates += n * fanIn[i]
		events += n * fanOut[i]
	}
	if sa.Potentiations+sa.Depressions != updates || sa.SynapticEvents != events {
		t.Errorf("%d+%d updates, %d events; want %d and %d", sa.Potentiations, sa.Depressions, sa.SynapticEvents, updates, events)
	}
	if sa.InputSpikes > int64(sa.Steps*25) {
		t.Errorf("%d input spikes in %d steps of 5×5 patches", sa.InputSpikes, sa.Steps)
	}
	sa.Seconds, sb.Seconds = 0, 0
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		if !slices.Equal(pa[i].Value.Data, pb[i].Value.Data) {
			t.Fatalf("parameter %s differs between two sleeps with one seed", pa[i].Name)
		}
	}
	if !slices.Equal(sa.LayerSpikes, sb.LayerSpikes) || sa.SynapticEvents != sb.SynapticEvents {
		t.Errorf("two sleeps with one seed: %+v and %+v", sa, sb)
	}
}

// TestSleepRefuses networks it cannot run and settings out of range.
func TestSleepRefuses(t *testing.T) {
	seen := blobs(10, 2, 4, 0.1, 1)
	mlp := func(act ann.Function) *ann.Sequential {
		n, err := ann.MLP(4, []int{3, 3}, act, 2, 0).Build(1)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range n.Params() {
			if len(p.Value.Shape) == 1 {
				clear(p.Value.Data)
			}
		}
		return n
	}
	biased := mlp(ann.ReLU)
	biased.Params()[1].Value.Data[0] = 0.5
	for _, tt := range []struct {
		name string
		s    Sleep
		net  *ann.Sequential
		want string
	}{
		{"biases", Sleep{}, biased, "biases"},
		{"sigmoid units", Sleep{}, mlp(ann.Sigmoid), "ReLU"},
		{"thresholds per layer", Sleep{Beta: []float64{1, 2}}, mlp(ann.ReLU), "thresholds"},
		{"decay above 1", Sleep{Decay: 1.5}, mlp(ann.ReLU), "decay"},
		{"negative growth", Sleep{Growth: -1}, mlp(ann.ReLU), "steps"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.s.Consolidate(context.Background(), tt.net, []*data.Dataset{seen}, 0, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Consolidate = %v, want an error about %s", err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Sleep{}).Consolidate(ctx, mlp(ann.ReLU), []*data.Dataset{seen}, 0, 1); err != context.Canceled {
		t.Errorf("cancelled sleep: %v, want context.Canceled", err)
	}
}
