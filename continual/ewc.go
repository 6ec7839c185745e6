package continual

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

// EWC is elastic weight consolidation (Kirkpatrick et al. 2017,
// "Overcoming catastrophic forgetting in neural networks", PNAS
// 114:3521–3526, Eq. 3): after each task k the network notes its weights
// θ*_k and how much each matters to the task, the diagonal of the Fisher
// information F_k of its own predictive distribution, and while it
// learns later tasks its loss carries the penalty
// (λ/2) Σ_k Σ_i F_k,i (θ_i − θ*_k,i)², one term per earlier task as in
// the paper (not the running average of "online" EWC). F is estimated on
// Samples examples of the task, exactly for the distribution the loss
// stands for (see fisher in ewc.go), so its scale is the loss's.
type EWC struct {
	// Lambda is λ, the penalty's weight (default 100, for the mean squared
	// error of package experiment's continual-learning network, averaged
	// over its ten outputs: on permuted MNIST, five tasks of 60,000
	// images, one epoch each, seed 1, λ = 100 kept 93.6% average accuracy
	// and 300 93.2%, against 92.6% without EWC; on 10,000 images a task,
	// where the first task is learnt to only 80%, 1e3 and 1e4 held the
	// network to that and lost 3 and 10 points).
	Lambda float64
	// Samples is the number of examples of each task the Fisher
	// information is estimated on (default 500).
	Samples int
}

// Name returns "ewc".
func (EWC) Name() string { return "ewc" }

func (e EWC) learner(net *ann.Sequential, loss ann.Loss, sc *Scenario, c Config) (learner, error) {
	if e.Lambda == 0 {
		e.Lambda = 100
	}
	if e.Samples == 0 {
		e.Samples = 500
	}
	if !(e.Lambda > 0) || math.IsInf(e.Lambda, 0) || e.Samples < 0 {
		return nil, fmt.Errorf("continual: EWC λ %v on %d samples: want a positive λ and samples", e.Lambda, e.Samples)
	}
	params := net.Params()
	l := &ewcLearner{base: base{net: net, loss: loss, sc: sc, c: c}, e: e, params: params}
	return l, nil
}

// ewcLearner holds A = Σ_k F_k and the Fisher-weighted mean of the
// earlier tasks' weights, θ̄ = Σ_k F_k θ*_k / A, per parameter: the
// penalty is (λ/2) A (θ − θ̄)² plus a constant.
type ewcLearner struct {
	base
	e      EWC
	params []*ann.Param
	a, fθ  [][]float64 // Σ_k F_k and Σ_k F_k θ*_k
	target [][]float32 // θ̄
	// decay is e^(−η λ A) for the learning rate η it was computed at.
	decay [][]float32
	eta   float64
}

func (l *ewcLearner) optimizer(opt optim.Optimizer) optim.Optimizer {
	return &penalised{Optimizer: opt, l: l}
}

// consolidate estimates the Fisher information of task t and adds it to
// the penalty.
func (l *ewcLearner) consolidate(ctx context.Context, t int, ph *Phase) error {
	f, err := fisher(ctx, l.net, l.loss, l.sc.Tasks[t].Train, l.e.Samples, seedFor(l.c.Seed, t, 4))
	if err != nil {
		return err
	}
	if l.a == nil {
		l.a, l.fθ, l.target = make([][]float64, len(l.params)), make([][]float64, len(l.params)), make([][]float32, len(l.params))
		for i, p := range l.params {
			l.a[i], l.fθ[i], l.target[i] = make([]float64, len(p.Value.Data)), make([]float64, len(p.Value.Data)), make([]float32, len(p.Value.Data))
		}
	}
	for i, p := range l.params {
		for j, v := range f[i] {
			l.a[i][j] += float64(v)
			l.fθ[i][j] += float64(v) * float64(p.Value.Data[j])
			if l.a[i][j] > 0 {
				l.target[i][j] = float32(l.fθ[i][j] / l.a[i][j])
			}
		}
	}
	l.decay = nil // A changed
	return nil
}

// penalised steps the optimizer on the loss's gradient, then lets the
// penalty act for the same step: its gradient flow dθ/dt = −λ A (θ − θ̄)
// is integrated exactly over the step's learning rate η, θ ← θ̄ + (θ −
// θ̄)·e^(−η λ A) (a splitting of the two terms). Adding λ A (θ − θ̄) to
// the gradient instead, as an explicit step, diverges as soon as η λ A
// exceeds 2 for one weight — which the weights that matter most reach
// first — while the exact step only pulls them home faster.
type penalised struct {
	optim.Optimizer
	l *ewcLearner
}

// Step updates params from their gradients and applies the penalty.
func (p *penalised) Step(params []*ann.Param) {
	p.Optimizer.Step(params)
	l := p.l
	if l.a == nil {
		return
	}
	if len(params) != len(l.params) {
		panic(fmt.Sprintf("continual: EWC step on %d parameters, estimated on %d", len(params), len(l.params)))
	}
	if eta := p.LR(); l.decay == nil || eta != l.eta {
		l.eta, l.decay = eta, make([][]float32, len(l.params))
		for i, a := range l.a {
			l.decay[i] = make([]float32, len(a))
			for j, v := range a {
				l.decay[i][j] = float32(math.Exp(-eta * l.e.Lambda * v))
			}
		}
	}
	for i, q := range params {
		if q.Frozen {
			continue
		}
		w, tgt, d := q.Value.Data, l.target[i], l.decay[i]
		for j := range w {
			if d[j] != 1 {
				w[j] = tgt[j] + (w[j]-tgt[j])*d[j]
			}
		}
	}
}

// fisher returns the diagonal of the Fisher information of the model's
// predictive distribution (Kirkpatrick et al.'s F), estimated on n
// examples of d drawn by seed, with dropout off, by sampling for each
// example an outcome from the model's own distribution and squaring the
// gradient of its log-likelihood (as Kirkpatrick et al.; one backward
// pass per example). The distribution is the one the loss is the negative
// log-likelihood of: for softmax cross-entropy, a class c drawn from the
// softmax p (gradient at the logits p − e_c); for the mean squared error
// over K outputs, a target f + ε around the outputs f with ε ~ N(0, K/2)
// per output (gradient −(2/K)ε), so that the estimate's mean is
// (2/K) Σ_k (∂f_k/∂θ)², whatever the labels. For any other loss it falls
// back to the empirical Fisher, the squared gradient at the true label,
// which vanishes on examples the network already fits (Kunstner, Hennig
// & Balles 2019).
func fisher(ctx context.Context, net *ann.Sequential, loss ann.Loss, d *data.Dataset, n int, seed uint64) ([][]float32, error) {
	params := net.Params()
	sum := make([][]float64, len(params))
	for i, p := range params {
		sum[i] = make([]float64, len(p.Value.Data))
	}
	n = min(n, d.Len())
	r := rand.New(rand.NewPCG(seed, 0))
	idx := r.Perm(d.Len())[:n]
	var grad *tensor.Tensor
	for k, i := range idx {
		if k%50 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out := net.Forward(tensor.FromData(d.X.Row(i), 1, d.Features()), false)
		if grad == nil {
			grad = tensor.New(out.Shape...)
		}
		outputs := out.Cols()
		switch loss.(type) {
		case ann.MSE:
			sd := math.Sqrt(float64(outputs) / 2)
			for c := range grad.Data {
				grad.Data[c] = float32(-2 / float64(outputs) * sd * r.NormFloat64())
			}
		case ann.SoftmaxCrossEntropy:
			tensor.SoftmaxRows(grad, out)
			u, c := r.Float64(), outputs-1
			for j, p := range grad.Data {
				if u -= float64(p); u < 0 {
					c = j
					break
				}
			}
			grad.Data[c]--
		default:
			loss.Eval(grad, out, d.Labels[i:i+1])
		}
		net.Backward(grad)
		for pi, p := range params {
			for j, g := range p.Grad.Data {
				sum[pi][j] += float64(g) * float64(g)
			}
		}
	}
	out := make([][]float32, len(params))
	for i, f := range sum {
		out[i] = make([]float32, len(f))
		for j, v := range f {
			out[i][j] = float32(v / float64(n))
		}
	}
	return out, nil
}
