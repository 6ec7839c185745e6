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
// information F_k, and while it learns later tasks its loss carries the
// penalty (λ/2) Σ_k Σ_i F_k,i (θ_i − θ*_k,i)², one term per earlier task
// as in the paper (not the running average of "online" EWC). F is
// estimated as the mean squared gradient of the loss of single examples
// with their true labels (the empirical Fisher), on Samples examples of
// the task; its scale is the loss's, so λ depends on the loss.
type EWC struct {
	// Lambda is λ, the penalty's weight (default 1e4, for the mean
	// squared error of package experiment's continual-learning network,
	// averaged over its ten outputs: chosen by a sweep on permuted MNIST,
	// see the README; at 1e5 its steps of SGD at 0.5 diverge).
	Lambda float64
	// Samples is the number of examples of each task the Fisher
	// information is estimated on (default 500).
	Samples int
}

// Name returns "ewc".
func (EWC) Name() string { return "ewc" }

func (e EWC) learner(net *ann.Sequential, loss ann.Loss, sc *Scenario, c Config) (learner, error) {
	if e.Lambda == 0 {
		e.Lambda = 1e4
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

// ewcLearner holds Σ_k F_k and Σ_k F_k θ*_k per parameter, which is all
// the penalty's gradient λ Σ_k F_k (θ − θ*_k) needs.
type ewcLearner struct {
	base
	e      EWC
	params []*ann.Param
	f, fθ  [][]float32
}

func (l *ewcLearner) optimizer(opt optim.Optimizer) optim.Optimizer {
	return &penalised{Optimizer: opt, l: l}
}

// consolidate estimates the Fisher information of task t and adds it to
// the penalty.
func (l *ewcLearner) consolidate(ctx context.Context, t int, ph *Phase) error {
	fisher, err := empiricalFisher(ctx, l.net, l.loss, l.sc.Tasks[t].Train, l.e.Samples, seedFor(l.c.Seed, t, 4))
	if err != nil {
		return err
	}
	if l.f == nil {
		l.f, l.fθ = make([][]float32, len(l.params)), make([][]float32, len(l.params))
		for i, p := range l.params {
			l.f[i], l.fθ[i] = make([]float32, len(p.Value.Data)), make([]float32, len(p.Value.Data))
		}
	}
	for i, p := range l.params {
		for j, v := range fisher[i] {
			l.f[i][j] += v
			l.fθ[i][j] += v * p.Value.Data[j]
		}
	}
	return nil
}

// penalised adds EWC's penalty gradient to the loss's before each step.
type penalised struct {
	optim.Optimizer
	l *ewcLearner
}

// Step adds λ Σ_k F_k (θ − θ*_k) to every trainable parameter's gradient
// and steps the optimizer.
func (p *penalised) Step(params []*ann.Param) {
	if p.l.f != nil {
		if len(params) != len(p.l.params) {
			panic(fmt.Sprintf("continual: EWC step on %d parameters, estimated on %d", len(params), len(p.l.params)))
		}
		lambda := float32(p.l.e.Lambda)
		for i, q := range params {
			if q.Frozen {
				continue
			}
			g, w, f, fθ := q.Grad.Data, q.Value.Data, p.l.f[i], p.l.fθ[i]
			for j := range g {
				g[j] += lambda * (f[j]*w[j] - fθ[j])
			}
		}
	}
	p.Optimizer.Step(params)
}

// empiricalFisher returns the mean squared gradient of the loss of single
// examples (their true labels) over n examples of d drawn by seed, per
// parameter, with dropout off.
func empiricalFisher(ctx context.Context, net *ann.Sequential, loss ann.Loss, d *data.Dataset, n int, seed uint64) ([][]float32, error) {
	params := net.Params()
	fisher := make([][]float64, len(params))
	for i, p := range params {
		fisher[i] = make([]float64, len(p.Value.Data))
	}
	n = min(n, d.Len())
	idx := rand.New(rand.NewPCG(seed, 0)).Perm(d.Len())[:n]
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
		loss.Eval(grad, out, d.Labels[i:i+1])
		net.Backward(grad)
		for pi, p := range params {
			for j, g := range p.Grad.Data {
				fisher[pi][j] += float64(g) * float64(g)
			}
		}
	}
	out := make([][]float32, len(params))
	for i, f := range fisher {
		out[i] = make([]float32, len(f))
		for j, v := range f {
			out[i][j] = float32(v / float64(n))
		}
	}
	return out, nil
}
