package convert

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

// TestIntegrateAndFireRate: a neuron driven by a constant current a < 1
// with reset by subtraction fires exactly ⌊a·T⌋ times in T steps, the
// rate code the conversion rests on.
func TestIntegrateAndFireRate(t *testing.T) {
	s := &SNN{input: "current", layers: []layer{{w: []float32{1, 0, 0, 0, 1, 0, 0, 0, 1}, b: make([]float32, 3), in: 3, out: 3}}}
	d := &data.Dataset{X: tensor.FromData([]float32{0.25, 0.5, 0.875}, 1, 3), Labels: []int{2}, Classes: 3}
	const steps = 64
	res, err := s.Run(d, steps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.25*steps + 0.5*steps + 0.875*steps; res.SpikesPerSample != want {
		t.Errorf("%v spikes in %d steps, want %v", res.SpikesPerSample, steps, want)
	}
	if res.Accuracy != 1 {
		t.Errorf("the most driven neuron did not win: accuracy %v", res.Accuracy)
	}
}

func trainedMLP(t *testing.T) (*ann.Sequential, *data.Dataset, *data.Dataset, *data.Normalizer) {
	t.Helper()
	tr, te, err := data.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	tr, te = tr.Subset(seq(4000)), te.Subset(seq(1000))
	raw := te.Subset(seq(1000))
	norm := data.FitNormalizer(tr, true)
	norm.Apply(tr)
	norm.Apply(te)
	net, err := ann.MLP(784, []int{64}, ann.ReLU, 10, 0).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := optim.New("sgd", 0.05, 0.9, 0, false)
	loss := ann.SoftmaxCrossEntropy{}
	for range 3 {
		for lo := 0; lo < tr.Len(); lo += 50 {
			out := net.Forward(tensor.FromData(tr.X.Data[lo*784:(lo+50)*784], 50, 784), true)
			grad := tensor.New(out.Shape...)
			loss.Eval(grad, out, tr.Labels[lo:lo+50])
			net.Backward(grad)
			opt.Step(net.Params())
		}
	}
	return net, tr, raw, &norm
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestConvertedMLPMatchesANN: the converted network reaches the ANN's
// accuracy within one percentage point on current input after 64 steps,
// is near chance after one step, and within three points on Poisson input.
func TestConvertedMLPMatchesANN(t *testing.T) {
	net, calib, test, norm := trainedMLP(t)
	normTest := test.Subset(seq(test.Len()))
	norm.Apply(normTest)
	pred := net.Predict(normTest.X)
	ok := 0
	for i, p := range pred {
		if p == test.Labels[i] {
			ok++
		}
	}
	annAcc := float64(ok) / float64(len(pred))
	for _, c := range []struct {
		input string
		steps int
		tol   float64
	}{{"current", 64, 0.01}, {"poisson", 100, 0.03}} {
		s, err := Convert(net, calib, norm, Options{Input: c.input, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(test, c.steps, []int{1, 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: ANN %.4f, spiking %v, %.0f synaptic events per image", c.input, annAcc, res.AccuracyByTimesteps, res.SynapticOpsPerSample)
		if math.Abs(res.Accuracy-annAcc) > c.tol || res.AccuracyByTimesteps[0][1] > 0.5 || res.SynapticOpsPerSample <= 0 {
			t.Errorf("%s input: spiking accuracy %v against ANN %.4f", c.input, res.AccuracyByTimesteps, annAcc)
		}
	}
	sig, _ := ann.MLP(784, []int{8}, ann.Sigmoid, 10, 0).Build(1)
	if _, err := Convert(sig, calib, norm, Options{}); err == nil {
		t.Error("a sigmoid network was converted")
	}
}

// novel is a layer type defined outside package ann (y = x), which
// implements none of the interfaces Convert asks for.
type novel struct{}

func (novel) Kind() string                                      { return "novel" }
func (novel) Params() []*ann.Param                              { return nil }
func (novel) Forward(x *tensor.Tensor, _ bool) *tensor.Tensor   { return x }
func (novel) Backward(dy *tensor.Tensor, _ bool) *tensor.Tensor { return dy }

// transparent is novel saying that it passes values through.
type transparent struct{ novel }

func (transparent) Passthrough() bool { return true }

// TestConvertUnknownLayer: a layer type Convert does not know is an error
// naming it, not a panic; the same type declaring itself ann.Passthrough
// is left out like dropout.
func TestConvertUnknownLayer(t *testing.T) {
	d := &data.Dataset{X: tensor.FromData([]float32{0.1, 0.5, 0.9, 0.3}, 1, 4), Labels: []int{1}, Classes: 2}
	for _, c := range []struct {
		name  string
		layer ann.Layer
		want  string
	}{
		{"novel", novel{}, "convert: layer 1 (novel) cannot be converted: dense and ReLU layers only"},
		{"passthrough", transparent{}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			net, err := ann.MLP(4, []int{3}, ann.ReLU, 2, 0).Build(1)
			if err != nil {
				t.Fatal(err)
			}
			net.Layers = slices.Insert(net.Layers, 1, c.layer)
			_, err = Convert(net, d, nil, Options{})
			if got := fmt.Sprint(err); (c.want == "" && err != nil) || (c.want != "" && got != c.want) {
				t.Errorf("Convert with a %s layer: error %v, want %q", c.name, err, c.want)
			}
		})
	}
}

// TestScoresAgreeWithRun: the class Scores ranks first is the one Run
// predicts, on both input codings; dropping every input spike leaves the
// Poisson-driven network nothing but its biases, whatever the image.
func TestScoresAgreeWithRun(t *testing.T) {
	net, calib, test, norm := trainedMLP(t)
	test = test.Subset(seq(200))
	for _, input := range []string{"current", "poisson"} {
		s, err := Convert(net, calib, norm, Options{Input: input, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(test, 32, nil)
		if err != nil {
			t.Fatal(err)
		}
		scores, err := s.Scores(test.X, 32)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range res.Predictions {
			if got := tensor.ArgMax(scores.Row(i)); got != p {
				t.Fatalf("%s input, example %d: Scores ranks %d first, Run predicts %d", input, i, got, p)
			}
		}
	}
	s, err := Convert(net, calib, norm, Options{Input: "poisson", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	s.Noise = data.SpikeNoise{Drop: 1}
	scores, err := s.Scores(test.X, 16)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < scores.Rows(); i++ {
		if !slices.Equal(scores.Row(i), scores.Row(0)) {
			t.Fatalf("with every input spike dropped, examples 0 and %d score %v and %v", i, scores.Row(0), scores.Row(i))
		}
	}
}
