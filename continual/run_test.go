package continual

import (
	"context"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

// tinySplit is 10 classes of blobs in 16 dimensions cut into 5 tasks.
func tinySplit(t *testing.T) *Scenario {
	t.Helper()
	sc, err := Split(blobs(1000, 10, 16, 0.15, 1), blobs(500, 10, 16, 0.15, 2), Options{Tasks: 5})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// runTiny learns sc with m on a fresh 16-32-10 MLP.
func runTiny(t *testing.T, sc *Scenario, m Method, seed uint64) (*Result, *ann.Sequential) {
	t.Helper()
	n, err := ann.MLP(16, []int{64}, ann.ReLU, 10, 0).Build(seed)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := optim.New("sgd", 0.05, 0.5, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), n, ann.SoftmaxCrossEntropy{}, opt, sc, m, Config{Epochs: 10, Batch: 20, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return res, n
}

// TestFineTuneForgetsJointDoesNot: class-incremental fine-tuning ends
// knowing only the last task; joint training keeps them all.
func TestFineTuneForgetsJointDoesNot(t *testing.T) {
	sc := tinySplit(t)
	ft, _ := runTiny(t, sc, FineTune{}, 1)
	last := ft.Accuracy[4]
	for j := range 4 {
		if last[j] > 0.1 {
			t.Errorf("fine-tuning: task %s at %v after the last task, want forgotten (≤ 0.1)", sc.Tasks[j].Name, last[j])
		}
		if ft.Accuracy[j][j] < 0.9 {
			t.Errorf("fine-tuning: task %s at %v right after learning it, want ≥ 0.9", sc.Tasks[j].Name, ft.Accuracy[j][j])
		}
	}
	if last[4] < 0.9 || ft.Backward > -0.8 {
		t.Errorf("fine-tuning: last task %v, BWT %v; want ≥ 0.9 and ≤ −0.8", last[4], ft.Backward)
	}
	joint, _ := runTiny(t, sc, Joint{}, 1)
	if joint.Average < 0.9 || joint.Backward < -0.1 {
		t.Errorf("joint: ACC %v, BWT %v; want ≥ 0.9 and ≥ −0.1", joint.Average, joint.Backward)
	}
	if len(joint.Phases) != 5 || joint.Phases[4].Examples != 5*sc.Tasks[0].Train.Len()*10 {
		t.Errorf("joint's last phase trained on %d examples, want every task's, 5 epochs", joint.Phases[4].Examples)
	}
	if want := ft.Accuracy[4][4] * float64(sc.Tasks[4].Test.Len()) / 500; math.Abs(ft.Final-want) > 1e-12 {
		t.Errorf("fine-tuning: final accuracy on all test examples %v, want %v (only the last task's right)", ft.Final, want)
	}
}

// TestReplayAndEWCRemember: a small buffer of earlier examples, or EWC's
// penalty on permuted tasks, keeps more of the earlier tasks than plain
// fine-tuning.
func TestReplayAndEWCRemember(t *testing.T) {
	sc := tinySplit(t)
	ft, _ := runTiny(t, sc, FineTune{}, 2)
	rp, _ := runTiny(t, sc, Replay{Buffer: 50}, 2)
	if !(rp.Average > ft.Average+0.2) {
		t.Errorf("replay ACC %v, fine-tuning %v; want replay ahead by 0.2", rp.Average, ft.Average)
	}
	if got, want := rp.Phases[1].Examples, 10*(sc.Tasks[1].Train.Len()+50); got != want {
		t.Errorf("replay trained on %d examples in task 2, want %d (task + buffer, 10 epochs)", got, want)
	}

	pm, err := Permuted(blobs(400, 4, 16, 0.3, 1), blobs(200, 4, 16, 0.3, 2), Options{Tasks: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pft, _ := runTiny(t, pm, FineTune{}, 3)
	ewc, _ := runTiny(t, pm, EWC{Lambda: 100}, 3)
	if !(ewc.Backward > pft.Backward/2) {
		t.Errorf("permuted: EWC BWT %v, fine-tuning %v; want EWC's forgetting at most half", ewc.Backward, pft.Backward)
	}
}

// TestRunIsDeterministic: the same seed gives the same bits, with one
// thread or two.
func TestRunIsDeterministic(t *testing.T) {
	sc := tinySplit(t)
	for _, m := range []Method{FineTune{}, Replay{Buffer: 20}, EWC{Lambda: 10, Samples: 20}} {
		prev := runtime.GOMAXPROCS(1)
		a, na := runTiny(t, sc, m, 4)
		runtime.GOMAXPROCS(2)
		b, nb := runTiny(t, sc, m, 4)
		runtime.GOMAXPROCS(prev)
		for i := range a.Accuracy {
			if !slices.Equal(a.Accuracy[i], b.Accuracy[i]) {
				t.Errorf("%s: accuracies after task %d differ: %v and %v", m.Name(), i, a.Accuracy[i], b.Accuracy[i])
			}
		}
		pa, pb := na.Params(), nb.Params()
		for i := range pa {
			if !slices.Equal(pa[i].Value.Data, pb[i].Value.Data) {
				t.Errorf("%s: %s differs between 1 and 2 threads", m.Name(), pa[i].Name)
			}
		}
	}
}

// TestEWCPenalty: the Fisher information of small linear models, worked
// out by hand, and the penalty's exact relaxation towards the earlier
// weights after each optimizer step.
func TestEWCPenalty(t *testing.T) {
	n, err := (ann.Spec{Inputs: 1, Layers: []ann.LayerSpec{{Type: "dense", Units: 1}}}).Build(1)
	if err != nil {
		t.Fatal(err)
	}
	w, b := n.Layers[0].(ann.Linear).Linear()
	w.Value.Data[0], b.Value.Data[0] = 0.5, 0
	b.Frozen = true
	many := &data.Dataset{X: tensor.New(2000, 1), Labels: make([]int, 2000), Classes: 2}
	for i := range 2000 {
		many.X.Data[i] = float32(1 + i%2)
	}
	f, err := fisher(context.Background(), n, ann.MSE{}, many, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	// One output f = wx under MSE: F = (2/K)·E[(∂f/∂w)²] = 2·(1² + 2²)/2
	// = 5, whatever the labels; sampled from 2000 draws, whose spread is
	// about 4% of it (the tolerance is four times that).
	if math.Abs(float64(f[0][0])/5-1) > 0.15 {
		t.Errorf("Fisher of the weight = %v, want 5 within 15%%", f[0][0])
	}
	// Softmax over two logits w·x from weights 0: p = (½, ½), and every
	// sampled class gives gradients ±x/2, so F = E[x²]/4 = 5/8 (up to
	// which 100 of the examples, half x = 1 and half x = 2, are drawn).
	n2, _ := (ann.Spec{Inputs: 1, Layers: []ann.LayerSpec{{Type: "dense", Units: 2}}}).Build(1)
	for _, p := range n2.Params() {
		clear(p.Value.Data)
	}
	f2, err := fisher(context.Background(), n2, ann.SoftmaxCrossEntropy{}, many, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f2[0][0] != f2[0][1] || math.Abs(float64(f2[0][0])-0.625) > 0.1 {
		t.Errorf("softmax Fisher of the weights = %v, want equal, about 0.625", f2[0])
	}
	l := &ewcLearner{e: EWC{Lambda: 2}, params: n.Params(), a: [][]float64{{3}, {0}}, fθ: [][]float64{{0.75}, {0}}, target: [][]float32{{0.25}, {0}}}
	opt, _ := optim.New("sgd", 1, 0, 0, false)
	p := l.optimizer(opt)
	w.Grad.Data[0], b.Grad.Data[0] = 0.1, 0
	p.Step(n.Params())
	// SGD to 0.4, then towards θ̄ = 0.25 by e^(−ηλA) = e^−6.
	if got, want := w.Value.Data[0], float32(0.25+0.15*math.Exp(-6)); math.Abs(float64(got-want)) > 1e-7 {
		t.Errorf("weight after a penalised step %v, want %v", got, want)
	}
}

// TestRunRefusesTooFewOutputs: the network needs an output per class.
func TestRunRefusesTooFewOutputs(t *testing.T) {
	n, _ := ann.MLP(16, []int{8}, ann.ReLU, 4, 0).Build(1)
	opt, _ := optim.New("sgd", 0.1, 0, 0, false)
	if _, err := Run(context.Background(), n, ann.SoftmaxCrossEntropy{}, opt, tinySplit(t), FineTune{}, Config{}); err == nil {
		t.Error("a 4-output network ran a 10-class scenario")
	}
}
