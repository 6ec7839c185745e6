package train

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
)

// PerceptronConfig configures [FitPerceptron].
type PerceptronConfig struct {
	Epochs int     // passes over the data at most (default 1); training stops after the first pass without a mistake
	LR     float64 // η of the perceptron rule (default 1)
	Seed   uint64  // the order of the examples in each pass
	// Limit, when positive, caps the examples of each pass.
	Limit int
	// Progress, when set, receives each finished pass.
	Progress func(Epoch, int) // the pass and its mistakes
}

// FitPerceptron trains Rosenblatt's perceptron on d, shuffling the
// examples every pass and stopping early once a pass makes no mistake, and
// returns it as a one-layer network (a dense layer, plus a step unit for two
// classes) so that it is saved, evaluated and used for prediction like any
// other model, with its architecture and the history of its passes.
func FitPerceptron(ctx context.Context, d *data.Dataset, c PerceptronConfig) (*ann.Sequential, ann.Spec, []Epoch, error) {
	classes := max(d.Classes, 2)
	p, err := ann.NewPerceptron(d.Features(), classes)
	if err != nil {
		return nil, ann.Spec{}, nil, err
	}
	p.LR = float32(c.LR)
	var hist []Epoch
	for ep := range max(c.Epochs, 1) {
		if err := ctx.Err(); err != nil {
			return nil, ann.Spec{}, nil, err
		}
		start := time.Now()
		order := rand.New(rand.NewPCG(c.Seed, uint64(ep))).Perm(d.Len())
		if c.Limit > 0 {
			order = order[:min(len(order), c.Limit)]
		}
		mistakes := p.Epoch(d.X, d.Labels, order)
		e := Epoch{Epoch: ep + 1, TrainAccuracy: 1 - float64(mistakes)/float64(len(order)),
			Seconds: time.Since(start).Seconds(), Samples: len(order), LearningRate: c.LR}
		hist = append(hist, e)
		if c.Progress != nil {
			c.Progress(e, mistakes)
		}
		if mistakes == 0 {
			break
		}
	}
	spec := ann.Spec{Inputs: d.Features(), Layers: []ann.LayerSpec{{Type: "dense", Units: p.W.Rows()}}}
	if p.W.Rows() == 1 {
		spec.Layers = append(spec.Layers, ann.LayerSpec{Type: "step"})
		spec.Loss = "mse"
	}
	net, err := spec.Build(0)
	if err != nil {
		return nil, ann.Spec{}, nil, err
	}
	dense := net.Layers[0].(*ann.Dense)
	copy(dense.W.Value.Data, p.W.Data)
	copy(dense.B.Value.Data, p.B)
	return net, spec, hist, nil
}
