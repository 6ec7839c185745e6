package lesion

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/tensor"
)

// trainedMLP trains a 784-64-32-10 ReLU network on 3000 MNIST images for
// two epochs and returns it with 1000 test images.
func trainedMLP(t *testing.T) (*ann.Sequential, *data.Dataset) {
	t.Helper()
	tr, te, err := data.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	tr, te = tr.Head(3000), te.Head(1000)
	net, err := ann.MLP(784, []int{64, 32}, ann.ReLU, 10, 0).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := optim.New("sgd", 0.1, 0.9, 0, false)
	loss := ann.SoftmaxCrossEntropy{}
	for range 2 {
		for lo := 0; lo < tr.Len(); lo += 50 {
			x := tensor.FromData(tr.X.Data[lo*784:(lo+50)*784], 50, 784)
			out := net.Forward(x, true)
			grad := tensor.New(out.Shape...)
			loss.Eval(grad, out, tr.Labels[lo:lo+50])
			net.Backward(grad)
			opt.Step(net.Params())
		}
	}
	return net, te
}

func accuracy(net *ann.Sequential, d *data.Dataset) float64 {
	pred := net.Predict(d.X)
	ok := 0
	for i, p := range pred {
		if p == d.Labels[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(pred))
}

// TestANNRemoveUnitsIsSilencing: a lesioned network computes what the
// intact one computes with those hidden activations forced to zero
// (evaluated by hand, layer by layer).
func TestANNRemoveUnitsIsSilencing(t *testing.T) {
	net, te := trainedMLP(t)
	x := tensor.FromData(slices.Clone(te.X.Data[:5*784]), 5, 784)
	// By hand: run the layers, zeroing hidden units 3 and 70 (unit 70 is
	// the 7th of the second hidden layer) after their activation.
	silence := map[int][]int{1: {3}, 3: {6}} // activation layer index → units
	h := x
	for i, l := range net.Layers {
		h = l.Forward(h, false)
		for _, u := range silence[i] {
			for r := range h.Rows() {
				h.Row(r)[u] = 0
			}
		}
	}
	want := slices.Clone(h.Data)
	a, err := NewANN(net)
	if err != nil {
		t.Fatal(err)
	}
	if a.Units() != 96 {
		t.Fatalf("%d hidden units, want 96", a.Units())
	}
	a.RemoveUnits([]int{3, 70})
	got := net.Forward(x, false).Data
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("output %d: lesioned %v, silenced by hand %v", i, got[i], want[i])
		}
	}
}

// TestANNLesionCurve: accuracy falls from the intact figure towards chance
// as 0–100% of hidden units go, and removing the strongest units first
// costs more than removing random ones.
func TestANNLesionCurve(t *testing.T) {
	net0, te := trainedMLP(t)
	intact := accuracy(net0, te)
	build := func() (Target, error) {
		net, _ := ann.MLP(784, []int{64, 32}, ann.ReLU, 10, 0).Build(1)
		for i, p := range net.Params() {
			copy(p.Value.Data, net0.Params()[i].Value.Data)
		}
		return NewANN(net)
	}
	measure := func(t Target) (float64, error) { return accuracy(t.(*ANN).Net, te), nil }
	fr := []float64{0, 0.1, 0.3, 0.5, 1}
	random, err := Curve(fr, Random, 1, build, measure)
	if err != nil {
		t.Fatal(err)
	}
	hubs, err := Curve(fr, HubsFirst, 1, build, measure)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("intact %.3f; random %v; hubs first %v", intact, random, hubs)
	if random[0].Value != intact || random[1].Value < intact-0.15 || random[4].Value > 0.25 {
		t.Errorf("random lesions: %v (intact %.3f)", random, intact)
	}
	if hubs[2].Value > random[2].Value {
		t.Errorf("at 30%%, hubs first leaves %.3f, random %.3f", hubs[2].Value, random[2].Value)
	}
}

// TestSNNLesion removes neurons from a running COBA network: exactly the
// synapses touching them disappear (counted independently beforehand),
// hubs first takes the highest-degree neurons, the simulation continues on
// several threads, and the lesioned network is quieter.
func TestSNNLesion(t *testing.T) {
	net, err := snn.COBA(2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: 1, Threads: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), 300, nil); err != nil {
		t.Fatal(err)
	}
	s, err := NewSNN(net)
	if err != nil {
		t.Fatal(err)
	}
	units, err := Choose(s, 0.5, HubsFirst, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units[:10] {
		if s.Strength(u) < s.Strength(units[len(units)-1]) {
			t.Fatal("hubs first did not take the strongest neurons first")
		}
	}
	gone := map[[2]int]bool{}
	for _, u := range units {
		pop, i := s.Population(u)
		for k, p := range net.Populations {
			if p == pop {
				gone[[2]int{k, i}] = true
			}
		}
	}
	popIndex := func(p *snn.Population) int { return slices.Index(net.Populations, p) }
	want := 0
	for _, p := range net.Projections {
		for i := range p.Pre.Len() {
			for sy := p.RowPtr[i]; sy < p.RowPtr[i+1]; sy++ {
				if !gone[[2]int{popIndex(p.Pre), i}] && !gone[[2]int{popIndex(p.Post), int(p.Targets[sy])}] {
					want++
				}
			}
		}
	}
	before := sim.SpikeCount(net.Populations[0]) + sim.SpikeCount(net.Populations[1])
	s.RemoveUnits(units)
	if got := s.Synapses(); got != want {
		t.Fatalf("%d synapses after the lesion, want %d", got, want)
	}
	if err := sim.Run(context.Background(), 300, nil); err != nil {
		t.Fatal(err)
	}
	after := sim.SpikeCount(net.Populations[0]) + sim.SpikeCount(net.Populations[1]) - before
	t.Logf("spikes in 300 ms: %d intact, %d after removing half the neurons, hubs first", before, after)
	if after >= before {
		t.Errorf("the lesioned network fired %d spikes in 300 ms, the intact one %d", after, before)
	}
	s.RemoveSynapses(1, rand.New(rand.NewPCG(1, 1)))
	if s.Synapses() != 0 {
		t.Errorf("%d synapses left after removing all", s.Synapses())
	}
	if _, err := Choose(s, 1.5, Random, nil); err == nil {
		t.Error("a fraction of 1.5 was accepted")
	}
}

// weighted is a layer type defined outside package ann with weights of
// its own, which does not say it is ann.Linear: lesion cannot know what
// its units are.
type weighted struct{ w *ann.Param }

func (weighted) Kind() string                                      { return "weighted" }
func (l weighted) Params() []*ann.Param                            { return []*ann.Param{l.w} }
func (weighted) Forward(x *tensor.Tensor, _ bool) *tensor.Tensor   { return x }
func (weighted) Backward(dy *tensor.Tensor, _ bool) *tensor.Tensor { return dy }

// TestANNUnknownLayer: layers lesion does not know give an error naming
// what is missing, never a panic.
func TestANNUnknownLayer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	w := &ann.Param{Value: tensor.New(3, 4), Grad: tensor.New(3, 4)}
	for _, c := range []struct {
		name   string
		layers []ann.Layer
		want   string
	}{
		{"only unknown layers", []ann.Layer{weighted{w}, &ann.Activation{Func: ann.ReLU}, weighted{w}},
			"lesion: the network has 0 dense layers; hidden units need at least two"},
		{"unknown layer changing the width", []ann.Layer{ann.NewDense(4, 3, ann.InitHe, r), weighted{w}, ann.NewDense(5, 2, ann.InitHe, r)},
			"lesion: dense layer 0 feeds 5 inputs of layer 2 (3 units): only dense-to-dense stacks can be lesioned by unit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewANN(&ann.Sequential{Layers: c.layers})
			if err == nil || err.Error() != c.want {
				t.Errorf("NewANN: error %v, want %q", err, c.want)
			}
		})
	}
}
