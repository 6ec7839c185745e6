package train

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

func fit(t *testing.T, spec ann.Spec, tr, val *data.Dataset, optName string, lr float64, cfg Config) (*ann.Sequential, Result, error) {
	t.Helper()
	net, err := spec.Build(cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	loss, _ := ann.NewLoss(spec.Loss)
	opt, err := optim.New(optName, lr, 0, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(context.Background(), net, loss, opt, tr, val, cfg)
	return net, res, err
}

// TestXOR: a two-layer network of sigmoid units learns XOR, which no
// single-layer perceptron can (TestPerceptron).
func TestXOR(t *testing.T) {
	xor, _ := data.Logic("xor")
	spec := ann.MLP(2, []int{4}, ann.Sigmoid, 2, 0)
	net, res, err := fit(t, spec, xor, nil, "sgd", 2, Config{Epochs: 2000, Batch: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Predict(xor.X); !slices.Equal(got, xor.Labels) {
		t.Errorf("XOR predictions %v, want %v (final loss %.4f)", got, xor.Labels, res.Epochs[len(res.Epochs)-1].TrainLoss)
	}
}

// TestPerceptron: the perceptron rule converges on AND and OR (linearly
// separable) and never reaches 100% on XOR.
func TestPerceptron(t *testing.T) {
	for _, name := range []string{"and", "or", "xor"} {
		d, _ := data.Logic(name)
		p, err := ann.NewPerceptron(2, 2)
		if err != nil {
			t.Fatal(err)
		}
		order := []int{0, 1, 2, 3}
		converged := false
		for range 1000 {
			if p.Epoch(d.X, d.Labels, order) == 0 {
				converged = true
				break
			}
		}
		if name == "xor" {
			if converged || slices.Equal(p.Predict(d.X), d.Labels) {
				t.Errorf("perceptron learned XOR: %v", p.Predict(d.X))
			}
			continue
		}
		if !converged || !slices.Equal(p.Predict(d.X), d.Labels) {
			t.Errorf("perceptron did not learn %s: %v", name, p.Predict(d.X))
		}
	}
}

var (
	mnistOnce             sync.Once
	mnistTrain, mnistTest *data.Dataset
	mnistErr              error
)

func mnist(t testing.TB) (*data.Dataset, *data.Dataset) {
	mnistOnce.Do(func() { mnistTrain, mnistTest, mnistErr = data.LoadMNIST("") })
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistTrain, mnistTest
}

// TestMNISTSubset: a 784-128-10 MLP trained on 2000 images for 5 epochs
// classifies 1000 unseen test images at ≥ 78% (chance is 10%); measured
// 82.4% with seed 1.
func TestMNISTSubset(t *testing.T) {
	tr, te := mnist(t)
	net, _, err := fit(t, ann.MLP(784, []int{128}, ann.ReLU, 10, 0), tr.Head(2000), nil, "sgd", 0.1, Config{Epochs: 5, Batch: 64, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := Evaluate(net, ann.SoftmaxCrossEntropy{}, te.Head(1000), 500)
	t.Logf("MNIST subset accuracy %.3f", acc)
	if acc < 0.78 {
		t.Errorf("accuracy %.3f on 1000 test images after training on 2000, want ≥ 0.78", acc)
	}
}

// TestMNISTFull is the bar: 784-128-10, ReLU, SGD 0.1, batch 64,
// seed 1, 5 epochs ≥ 97.0% (PyTorch: 96.7%), with inputs standardised as
// neurite train does (measured 97.29%). Slow: NEURITE_LONG=1.
func TestMNISTFull(t *testing.T) {
	if os.Getenv("NEURITE_LONG") == "" {
		t.Skip("full MNIST training: set NEURITE_LONG=1")
	}
	tr, te := standardizedMNIST(t, 0, 0)
	net, res, err := fit(t, ann.MLP(784, []int{128}, ann.ReLU, 10, 0), tr, nil, "sgd", 0.1, Config{Epochs: 5, Batch: 64, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := Evaluate(net, ann.SoftmaxCrossEntropy{}, te, 1000)
	t.Logf("test accuracy %.4f; epoch seconds %v", acc, epochSeconds(res))
	if acc < 0.97 {
		t.Errorf("test accuracy %.4f, want ≥ 0.970", acc)
	}
}

func epochSeconds(r Result) []float64 {
	var s []float64
	for _, e := range r.Epochs {
		s = append(s, e.Seconds)
	}
	return s
}

// TestDiverges: squared error with a learning rate far too high grows the
// weights without bound; the loop must stop with ErrDiverged rather than
// return a model of NaNs.
func TestDiverges(t *testing.T) {
	tr, _ := mnist(t)
	spec := ann.MLP(784, []int{32}, ann.Tanh, 10, 0)
	spec.Loss = "mse"
	_, _, err := fit(t, spec, tr.Head(640), nil, "sgd", 1e3, Config{Epochs: 20, Seed: 1})
	if !errors.Is(err, ErrDiverged) {
		t.Errorf("learning rate 1000: error %v, want ErrDiverged", err)
	}
}

func TestEarlyStopping(t *testing.T) {
	tr, te := mnist(t)
	// Training on 64 images overfits at once: the validation loss rises.
	_, res, err := fit(t, ann.MLP(784, []int{64}, ann.ReLU, 10, 0), tr.Head(64), te.Head(500), "sgd", 0.5,
		Config{Epochs: 200, Batch: 64, Seed: 1, Patience: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !res.StoppedEarly || len(res.Epochs) >= 200 {
		t.Errorf("ran %d epochs without stopping early", len(res.Epochs))
	}
}

// TestDeterministicAcrossThreads: same seed, same weights, bit for bit,
// with 1, 2 or 3 threads, for each family of layers (the convolutional one
// splits im2col, pooling and activations across threads).
func TestDeterministicAcrossThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	tr, _ := mnist(t)
	for _, c := range []struct {
		name     string
		spec     ann.Spec
		examples int
	}{
		{"mlp", ann.MLP(784, []int{100, 50}, ann.ReLU, 10, 0.2), 1000},
		{"lenet5", ann.LeNet5(), 192},
		{"lstm", ann.RowSequence(true, 32), 192},
	} {
		var want []float32
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			net, _, err := fit(t, c.spec, tr.Head(c.examples), nil, "adam", 1e-3, Config{Epochs: 2, Batch: 64, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			var got []float32
			for _, p := range net.Params() {
				got = append(got, p.Value.Data...)
			}
			if want == nil {
				want = got
			} else if !slices.Equal(got, want) {
				t.Fatalf("%s: weights after training with %d threads differ from 1 thread", c.name, procs)
			}
		}
	}
}

// TestVanishingGradient shows the vanishing-gradient problem through the
// monitoring hooks: in a deep sigmoid network the first layer's gradient
// is orders of magnitude smaller than the last layer's; with ReLU it is not.
func TestVanishingGradient(t *testing.T) {
	tr, _ := mnist(t)
	batch := tr.Head(64)
	ratio := func(act ann.Function) float64 {
		net, err := ann.MLP(784, []int{32, 32, 32, 32, 32, 32, 32, 32}, act, 10, 0).Build(1)
		if err != nil {
			t.Fatal(err)
		}
		norms := map[int]float64{}
		net.Hooks.Gradient = func(layer int, kind string, _ *tensor.Tensor, params []*ann.Param) {
			if kind == "dense" {
				norms[layer] = tensor.Norm(params[0].Grad.Data)
			}
		}
		out := net.Forward(batch.X, true)
		grad := tensor.New(out.Shape...)
		ann.SoftmaxCrossEntropy{}.Eval(grad, out, batch.Labels)
		net.Backward(grad)
		first, last := norms[0], norms[len(net.Layers)-1]
		return first / last
	}
	sig, relu := ratio(ann.Sigmoid), ratio(ann.ReLU)
	t.Logf("first/last layer gradient norm: sigmoid %.2g, ReLU %.2g", sig, relu)
	if !(sig < 1e-3 && relu > 0.1 && relu/sig > 100) {
		t.Errorf("first/last gradient norm ratio: sigmoid %.3g, ReLU %.3g: want the sigmoid's to vanish (< 1e-3) and ReLU's not (> 0.1)", sig, relu)
	}
	if math.IsNaN(sig) || math.IsNaN(relu) {
		t.Fatal("NaN gradient norms")
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestLeNetAndLSTMLearn: on 2000 training images, three epochs of LeNet-5
// (SGD 0.05, momentum 0.9) and two of a 64-unit row-by-row LSTM (Adam
// 3e-3) classify 1000 test images well above chance (10%): measured 90.8%
// and 70.2% with seed 1; the bars are 85% and 60%.
func TestLeNetAndLSTMLearn(t *testing.T) {
	tr, te := standardizedMNIST(t, 2000, 1000)
	for _, tc := range []recipe{
		{"lenet5", ann.LeNet5(), "sgd", 0.05, 0.9, 3, "", 0.85},
		{"lstm", ann.RowSequence(true, 64), "adam", 3e-3, 0, 2, "", 0.60},
	} {
		tc.check(t, tr, te)
	}
}

// standardizedMNIST returns copies of the first nTrain training and nTest
// test images (all of them for 0), standardised with the training copy's
// statistics as neurite train does.
func standardizedMNIST(t testing.TB, nTrain, nTest int) (*data.Dataset, *data.Dataset) {
	tr0, te0 := mnist(t)
	if nTrain == 0 {
		nTrain = tr0.Len()
	}
	if nTest == 0 {
		nTest = te0.Len()
	}
	tr, te := tr0.Subset(seq(nTrain)), te0.Subset(seq(nTest))
	norm := data.FitNormalizer(tr, true)
	norm.Apply(tr)
	norm.Apply(te)
	return tr, te
}

// recipe is a training run with an accuracy bar.
type recipe struct {
	name     string
	spec     ann.Spec
	opt      string
	lr, mu   float64
	epochs   int
	schedule string
	want     float64
}

// check trains the recipe on tr (batch 64, seed 1) and requires its
// accuracy on te to reach the bar.
func (r recipe) check(t *testing.T, tr, te *data.Dataset) {
	t.Helper()
	net, err := r.spec.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := optim.New(r.opt, r.lr, r.mu, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	batches := (tr.Len() + 63) / 64
	sched, err := optim.NewSchedule(r.schedule, batches*r.epochs, batches, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, tr, nil,
		Config{Epochs: r.epochs, Batch: 64, Seed: 1, Schedule: sched}); err != nil {
		t.Fatal(err)
	}
	acc, _ := Evaluate(net, ann.SoftmaxCrossEntropy{}, te, 1000)
	t.Logf("%s on %d images: test accuracy %.4f", r.name, tr.Len(), acc)
	if acc < r.want {
		t.Errorf("%s: test accuracy %.4f, want ≥ %.4f", r.name, acc, r.want)
	}
}

// TestVanishingGradientOverTime: backpropagating from the last step of a
// row-by-row sequence through freshly initialised networks, the gradient
// reaching the first step's hidden state all but vanishes in a tanh RNN
// (measured 5e-7 of the last step's) and survives far better in an LSTM,
// whose cell path with its forget gate starting open carries it (measured
// 1e-3) (Hochreiter & Schmidhuber 1997), read through the per-step
// gradient norms the layers expose.
func TestVanishingGradientOverTime(t *testing.T) {
	tr, _ := mnist(t)
	batch := tr.Head(64)
	ratio := func(lstm bool) float64 {
		net, err := ann.RowSequence(lstm, 128).Build(2)
		if err != nil {
			t.Fatal(err)
		}
		out := net.Forward(batch.X, true)
		grad := tensor.New(out.Shape...)
		ann.SoftmaxCrossEntropy{}.Eval(grad, out, batch.Labels)
		net.Backward(grad)
		norms := net.Layers[0].(*ann.Recurrent).StepGradNorms
		return norms[0] / norms[len(norms)-1]
	}
	rnn, lstm := ratio(false), ratio(true)
	t.Logf("gradient at step 1 / step 28: RNN %.2g, LSTM %.2g", rnn, lstm)
	if !(rnn < 0.05 && lstm > 100*rnn) {
		t.Errorf("first/last step gradient ratio: RNN %.3g, LSTM %.3g; want the RNN's to vanish (< 0.05) and the LSTM's to stay over 100 times larger", rnn, lstm)
	}
}

// TestLongCNNAndLSTM holds the accuracy figures for the
// convolutional and recurrent presets on full MNIST (standardised inputs,
// as neurite train): the row-by-row LSTM-128 with Adam 1e-3 reaches ≥ 97%
// after 2 epochs (measured 98.08%); LeNet-5 with SGD 0.05, momentum 0.9,
// batch 64 and the rate decayed to 0 by a cosine reaches ≥ 98.5% after 2
// epochs (measured 98.90% and 98.95%, seeds 1 and 2; PyTorch 98.84% on
// average with the same recipe, while with a constant rate both average
// ~98.2%: scripts/lenet5-accuracy-vs-pytorch.sh) and LeCun et al.'s
// 99.05% after 10 epochs (measured 99.18%). Slow (minutes): NEURITE_LONG=1.
func TestLongCNNAndLSTM(t *testing.T) {
	if os.Getenv("NEURITE_LONG") == "" {
		t.Skip("full MNIST training of LeNet-5 and the LSTM: set NEURITE_LONG=1")
	}
	tr, te := standardizedMNIST(t, 0, 0)
	for _, tc := range []recipe{
		{"lstm", ann.RowSequence(true, 128), "adam", 1e-3, 0, 2, "", 0.97},
		{"lenet5", ann.LeNet5(), "sgd", 0.05, 0.9, 2, "cosine", 0.985},
		{"lenet5", ann.LeNet5(), "sgd", 0.05, 0.9, 10, "cosine", 0.9905},
	} {
		tc.check(t, tr, te)
	}
}

// TestResumeIsExact: a run cancelled part-way through an epoch, saved by
// its Checkpoint hook and resumed in a fresh network and optimizer, ends
// with exactly the weights of the uninterrupted run (dropout included).
func TestResumeIsExact(t *testing.T) {
	tr, _ := mnist(t)
	d := tr.Head(640)
	spec := ann.MLP(784, []int{32}, ann.ReLU, 10, 0.2)
	weights := func(net *ann.Sequential) []float32 {
		var w []float32
		for _, p := range net.Params() {
			w = append(w, p.Value.Data...)
		}
		return w
	}
	cfg := Config{Epochs: 3, Batch: 64, Seed: 5}
	run := func(net *ann.Sequential, opt optim.Optimizer, cfg Config) error {
		_, err := Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, d, nil, cfg)
		return err
	}
	newRun := func() (*ann.Sequential, optim.Optimizer) {
		net, err := spec.Build(cfg.Seed)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := optim.New("adam", 1e-3, 0, 0, false)
		return net, opt
	}
	net, opt := newRun()
	if err := run(net, opt, cfg); err != nil {
		t.Fatal(err)
	}
	want := weights(net)

	for _, stopAt := range [][2]int{{1, 7}, {2, 9}, {2, 1}, {3, 1}} {
		net, opt := newRun()
		ctx, cancel := context.WithCancel(context.Background())
		var saved State
		var savedW []float32
		var savedOpt optim.State
		c := cfg
		c.Progress = func(p Progress) {
			if p.Epoch == stopAt[0] && p.Batch == stopAt[1] {
				cancel()
			}
		}
		c.Checkpoint = func(s State) error {
			saved, savedW, savedOpt = s, weights(net), opt.State(net.Params())
			return nil
		}
		if _, err := Fit(ctx, net, ann.SoftmaxCrossEntropy{}, opt, d, nil, c); err != context.Canceled {
			t.Fatalf("cancelled run returned %v", err)
		}
		if saved.Epoch != stopAt[0]-1 || saved.Batch != stopAt[1] {
			t.Fatalf("checkpoint at epoch %d batch %d, want %d, %d", saved.Epoch, saved.Batch, stopAt[0]-1, stopAt[1])
		}
		net2, opt2 := newRun()
		off := 0
		for _, p := range net2.Params() {
			off += copy(p.Value.Data, savedW[off:])
		}
		if err := opt2.Restore(net2.Params(), savedOpt); err != nil {
			t.Fatal(err)
		}
		// The fresh network's dropout stream starts from the seed; the
		// resumed run must move it to where the interrupted one was.
		c2 := cfg
		c2.Resume = &saved
		if err := run(net2, opt2, c2); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(weights(net2), want) {
			t.Errorf("stopped at epoch %d batch %d: resumed weights differ from the uninterrupted run", stopAt[0], stopAt[1])
		}
	}
}

// TestCheckpointEvery: the hook runs every N steps, across epoch ends.
func TestCheckpointEvery(t *testing.T) {
	tr, _ := mnist(t)
	var steps []int
	_, _, err := fit(t, ann.MLP(784, []int{8}, ann.ReLU, 10, 0), tr.Head(320), nil, "sgd", 0.1,
		Config{Epochs: 2, Batch: 64, Seed: 1, CheckpointEvery: 3, Checkpoint: func(s State) error {
			steps = append(steps, s.Step)
			if s.Epoch*5+s.Batch != s.Step {
				t.Errorf("state at step %d says epoch %d, batch %d", s.Step, s.Epoch, s.Batch)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(steps, []int{3, 6, 9}) {
		t.Errorf("checkpoints at steps %v, want [3 6 9]", steps)
	}
}

// TestFineTuningBeatsScratch shows the article's claim that a pretrained
// network can be improved "by training with additional examples": LeNet-5
// trained on digits 0–4, then fine-tuned on 20 examples of digits 5–9 with
// its convolutions frozen, classifies 5–9 better than the same network
// trained from scratch on those 20 examples (mean of three draws of the 20;
// measured 0.69 against 0.56). With 100 examples or more the advantage
// fades: the convolutional prior alone then learns nearly as well (0.89
// against 0.89 at 100, pretrained on 15k images).
func TestFineTuningBeatsScratch(t *testing.T) {
	tr, te := standardizedMNIST(t, 12000, 0)
	low, high := tr.WithLabels(0, 1, 2, 3, 4), tr.WithLabels(5, 6, 7, 8, 9)
	test := te.WithLabels(5, 6, 7, 8, 9)
	spec := ann.LeNet5()
	pre, _, err := fit(t, spec, low, nil, "sgd", 0.05, Config{Epochs: 2, Batch: 64, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	loss := ann.SoftmaxCrossEntropy{}
	train := func(net *ann.Sequential, few *data.Dataset, seed uint64) float64 {
		opt, _ := optim.New("sgd", 0.01, 0.9, 0, false)
		if _, err := Fit(context.Background(), net, loss, opt, few, nil, Config{Epochs: 40, Batch: 20, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		acc, _ := Evaluate(net, loss, test, 1000)
		return acc
	}
	const draws = 3
	var tuned, scratch float64
	for seed := uint64(1); seed <= draws; seed++ {
		few := high.Subset(rand.New(rand.NewPCG(seed, 9)).Perm(high.Len())[:20])
		net, err := spec.Build(seed)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range net.Params() {
			copy(p.Value.Data, pre.Params()[i].Value.Data)
		}
		if err := net.Freeze(2); err != nil {
			t.Fatal(err)
		}
		frozen := slices.Clone(net.Params()[0].Value.Data)
		tuned += train(net, few, seed) / draws
		if !slices.Equal(net.Params()[0].Value.Data, frozen) {
			t.Error("a frozen convolution changed during fine-tuning")
		}
		fresh, _ := spec.Build(seed)
		scratch += train(fresh, few, seed) / draws
	}
	t.Logf("digits 5–9 after 20 examples: fine-tuned %.4f, from scratch %.4f", tuned, scratch)
	if tuned < scratch+0.05 {
		t.Errorf("fine-tuned accuracy %.4f is not clearly above training from scratch (%.4f)", tuned, scratch)
	}
}

// TestInferenceDeterministicAcrossThreads: a trained model gives the same
// output bits for the same input on 1, 2 or 3 threads, one image or a
// batch at a time.
func TestInferenceDeterministicAcrossThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	_, te := mnist(t)
	for _, spec := range []ann.Spec{ann.LeNet5(), ann.RowSequence(true, 32), ann.MLP(784, []int{64}, ann.ReLU, 10, 0)} {
		net, err := spec.Build(1)
		if err != nil {
			t.Fatal(err)
		}
		var want [][]float32
		for _, procs := range []int{1, 2, 3} {
			runtime.GOMAXPROCS(procs)
			var got [][]float32
			for _, n := range []int{1, 200} {
				x := tensor.FromData(te.X.Data[:n*784], n, 784)
				got = append(got, slices.Clone(net.Forward(x, false).Data))
			}
			if want == nil {
				want = got
				continue
			}
			for i := range got {
				if !slices.Equal(got[i], want[i]) {
					t.Errorf("%s: outputs on %d threads differ from 1 thread", spec.Layers[0].Type, procs)
				}
			}
		}
	}
}

// TestSpikingNetworkLearns: a spiking network of LIF neurons (784-64-10,
// rate-coded input over 10 steps) trained by surrogate gradients on 2000
// raw MNIST images classifies held-out digits far above chance (≥ 80%;
// chance is 10%).
func TestSpikingNetworkLearns(t *testing.T) {
	tr0, te0 := mnist(t)
	tr, te := tr0.Subset(seq(2000)), te0.Subset(seq(1000))
	net, res, err := fit(t, ann.SpikingMLP(784, []int{64}, 10, 10, ann.RateCoding), tr, nil, "adam", 2e-3, Config{Epochs: 3, Batch: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := Evaluate(net, ann.SoftmaxCrossEntropy{}, te, 500)
	t.Logf("spiking 784-64-10: train loss %.3f, test accuracy %.3f", res.Epochs[len(res.Epochs)-1].TrainLoss, acc)
	if acc < 0.8 {
		t.Errorf("test accuracy %.3f, want ≥ 0.8", acc)
	}
}

// TestSpikingMNIST3Epochs is the bar for surrogate gradients: a
// LIF 784-128-10 network over 25 steps, rate-coded input, ≥ 97% after 3
// epochs (measured 97.56%). Minutes: NEURITE_LONG=1.
func TestSpikingMNIST3Epochs(t *testing.T) {
	if os.Getenv("NEURITE_LONG") == "" {
		t.Skip("3 epochs of a spiking network take ~1.5 minutes; set NEURITE_LONG=1")
	}
	tr, te := mnist(t)
	net, err := ann.SpikingMLPLeaky(784, []int{128}, 10, 25, ann.RateCoding).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := optim.New("adam", 2e-3, 0, 0, false)
	batches := (tr.Len() + 63) / 64
	sched, _ := optim.NewSchedule("cosine", 3*batches, batches, 0)
	if _, err := Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, tr, nil, Config{Epochs: 3, Batch: 64, Seed: 1, Schedule: sched}); err != nil {
		t.Fatal(err)
	}
	acc, _ := Evaluate(net, ann.SoftmaxCrossEntropy{}, te, 1000)
	t.Logf("spiking 784-128-10, 3 epochs: %.4f", acc)
	if acc < 0.97 {
		t.Errorf("test accuracy %.4f, want ≥ 0.97", acc)
	}
}

// TestStateReadsOldRandomKey: checkpoints written before spike encoders
// kept their stream position stored it under "dropout"; they still load.
func TestStateReadsOldRandomKey(t *testing.T) {
	for _, tc := range []struct{ doc, key string }{
		{`{"epoch": 1, "dropout": {"2": "AAEC"}}`, "dropout"},
		{`{"epoch": 1, "random": {"2": "AAEC"}}`, "random"},
	} {
		var st State
		if err := json.Unmarshal([]byte(tc.doc), &st); err != nil {
			t.Fatal(err)
		}
		if st.Epoch != 1 || !slices.Equal(st.Random[2], []byte{0, 1, 2}) {
			t.Errorf("%q: epoch %d, random %v; want 1 and layer 2 = [0 1 2]", tc.key, st.Epoch, st.Random)
		}
	}
}

// TestResumeRefusesImpossibleStates: a position no run can reach (from a
// damaged checkpoint) is an error, not a panic part-way through.
func TestResumeRefusesImpossibleStates(t *testing.T) {
	d, err := data.Logic("xor")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []State{{Batch: -1}, {Epoch: -2}, {Step: -5}, {Seen: -1}, {Seen: 2, Correct: 3}, {Batch: 99}} {
		net, err := ann.MLP(2, []int{4}, ann.Tanh, 2, 0).Build(1)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := optim.SGD{LR: 0.1}.New()
		if _, err := Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, d, nil, Config{Epochs: 2, Batch: 2, Resume: &st}); err == nil {
			t.Errorf("resuming at %+v: no error", st)
		}
	}
}

// TestPerturbSeesEveryBatch: the hook is called once per optimizer step,
// in order, with each batch's inputs and labels, before the network sees
// them (a batch it blanks cannot be learned); its error stops the run.
func TestPerturbSeesEveryBatch(t *testing.T) {
	xor, _ := data.Logic("xor")
	spec := ann.MLP(2, []int{4}, ann.Sigmoid, 2, 0)
	var steps []int
	blank := func(step int, x *tensor.Tensor, labels []int) error {
		steps = append(steps, step)
		if x.Rows() != len(labels) || x.Cols() != 2 {
			t.Fatalf("step %d: %v inputs for %d labels", step, x.Shape, len(labels))
		}
		clear(x.Data)
		return nil
	}
	net, _, err := fit(t, spec, xor, nil, "sgd", 2, Config{Epochs: 300, Batch: 2, Seed: 1, Perturb: blank})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 600 || steps[0] != 0 || steps[599] != 599 {
		t.Fatalf("Perturb called %d times (first %v), want 600 in order from 0", len(steps), steps[:min(3, len(steps))])
	}
	// Trained on blanked inputs, the network cannot tell XOR's rows apart.
	if got := net.Predict(xor.X); slices.Equal(got, xor.Labels) {
		t.Error("the network learned XOR from inputs the hook blanked")
	}
	stop := errors.New("stop")
	_, _, err = fit(t, spec, xor, nil, "sgd", 2, Config{Epochs: 2, Batch: 2, Seed: 1,
		Perturb: func(int, *tensor.Tensor, []int) error { return stop }})
	if !errors.Is(err, stop) {
		t.Errorf("Fit returned %v, want the hook's error", err)
	}
}
