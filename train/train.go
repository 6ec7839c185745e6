// Package train is the training loop every trainable network shares:
// mini-batches reshuffled each epoch from a seed, a learning-rate
// schedule, gradient clipping, per-epoch training and validation metrics,
// early stopping, progress reports, and a clear error when the loss
// diverges.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

// ErrDiverged is returned when the training loss becomes NaN or infinite:
// the weights are then garbage, and a silent NaN model is worse than an
// error. Lower the learning rate or clip gradients.
var ErrDiverged = errors.New("train: loss diverged (NaN or Inf); try a lower --lr or gradient clipping")

// Config controls a training run. Zero fields mean the documented default.
type Config struct {
	Epochs     int     // passes over the training set (default 1)
	Batch      int     // examples per mini-batch (default 64)
	MaxBatches int     // stop each epoch after this many batches (0: all)
	Seed       uint64  // shuffling seed
	Clip       float64 // clip the gradient norm to this (0: no clipping)
	// Patience stops training when the validation loss has not improved
	// for this many epochs (0: never stop early). Needs a validation set.
	Patience int
	// Schedule sets the learning rate each step from the optimizer's
	// initial rate (nil: constant).
	Schedule optim.Schedule
	// Progress, if not nil, is called after every batch.
	Progress func(Progress)
}

// Progress describes the run after a batch.
type Progress struct {
	Epoch, Epochs    int
	Batch, Batches   int // within the epoch
	Samples          int // examples seen this epoch
	Loss             float64
	SamplesPerSecond float64
}

// Epoch holds one epoch's metrics.
type Epoch struct {
	Epoch              int     `json:"epoch"`
	TrainLoss          float64 `json:"train_loss"`
	TrainAccuracy      float64 `json:"train_accuracy"`
	ValidationLoss     float64 `json:"validation_loss,omitempty"`
	ValidationAccuracy float64 `json:"validation_accuracy,omitempty"`
	Seconds            float64 `json:"seconds"`
	Samples            int     `json:"samples"`
	LearningRate       float64 `json:"learning_rate"`
}

// Result is the history of a run.
type Result struct {
	Epochs       []Epoch
	StoppedEarly bool
}

// Fit trains net on the training set with loss and opt. A non-nil
// validation set is evaluated after every epoch. It returns the history so
// far with ErrDiverged if the loss turns NaN or infinite, or ctx.Err() if
// cancelled (checked between batches).
func Fit(ctx context.Context, net *ann.Sequential, loss ann.Loss, opt optim.Optimizer, trainSet, val *data.Dataset, cfg Config) (Result, error) {
	epochs := max(1, cfg.Epochs)
	bs := cfg.Batch
	if bs <= 0 {
		bs = 64
	}
	if trainSet.Len() == 0 {
		return Result{}, fmt.Errorf("train: empty training set")
	}
	if cfg.Patience > 0 && val == nil {
		return Result{}, fmt.Errorf("train: early stopping needs a validation set")
	}
	batches := (trainSet.Len() + bs - 1) / bs
	if cfg.MaxBatches > 0 {
		batches = min(batches, cfg.MaxBatches)
	}
	base := opt.LR()
	sched := cfg.Schedule
	if sched == nil {
		sched = optim.Constant{}
	}
	params := net.Params()
	x := tensor.New(bs, trainSet.Features())
	labels := make([]int, bs)
	var grad *tensor.Tensor
	var res Result
	best, sinceBest := math.Inf(1), 0
	step := 0
	for ep := range epochs {
		perm := rand.New(rand.NewPCG(cfg.Seed, uint64(ep))).Perm(trainSet.Len())
		start := time.Now()
		var lossSum float64
		correct, seen := 0, 0
		for b := range batches {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			idx := perm[b*bs : min((b+1)*bs, len(perm))]
			xb := x
			if len(idx) != bs {
				xb = tensor.New(len(idx), trainSet.Features())
			}
			for k, i := range idx {
				copy(xb.Row(k), trainSet.X.Row(i))
				labels[k] = trainSet.Labels[i]
			}
			lb := labels[:len(idx)]
			out := net.Forward(xb, true)
			if grad == nil || grad.Rows() != out.Rows() {
				grad = tensor.New(out.Shape...)
			}
			l := loss.Eval(grad, out, lb)
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return res, fmt.Errorf("epoch %d, batch %d: %w", ep+1, b+1, ErrDiverged)
			}
			correct += countCorrect(out, lb)
			net.Backward(grad)
			if cfg.Clip > 0 {
				optim.ClipGradNorm(params, cfg.Clip)
			}
			opt.SetLR(sched.LR(base, step))
			opt.Step(params)
			step++
			lossSum += l * float64(len(idx))
			seen += len(idx)
			if cfg.Progress != nil {
				cfg.Progress(Progress{Epoch: ep + 1, Epochs: epochs, Batch: b + 1, Batches: batches, Samples: seen,
					Loss: lossSum / float64(seen), SamplesPerSecond: float64(seen) / time.Since(start).Seconds()})
			}
		}
		e := Epoch{Epoch: ep + 1, TrainLoss: lossSum / float64(seen), TrainAccuracy: float64(correct) / float64(seen),
			Seconds: time.Since(start).Seconds(), Samples: seen, LearningRate: opt.LR()}
		if val != nil {
			e.ValidationAccuracy, e.ValidationLoss = Evaluate(net, loss, val, 1000)
		}
		res.Epochs = append(res.Epochs, e)
		if cfg.Patience > 0 {
			if e.ValidationLoss < best {
				best, sinceBest = e.ValidationLoss, 0
			} else if sinceBest++; sinceBest >= cfg.Patience {
				res.StoppedEarly = true
				break
			}
		}
	}
	return res, nil
}

// countCorrect counts rows whose prediction matches the label.
func countCorrect(out *tensor.Tensor, labels []int) int {
	n := 0
	for i, l := range labels {
		row := out.Row(i)
		pred := 0
		if len(row) == 1 {
			if row[0] > 0.5 {
				pred = 1
			}
		} else {
			pred = tensor.ArgMax(row)
		}
		if pred == l {
			n++
		}
	}
	return n
}

// Evaluate returns the accuracy and mean loss of net on d, in batches of
// the given size, without training-only behaviour (dropout off).
func Evaluate(net *ann.Sequential, loss ann.Loss, d *data.Dataset, batch int) (accuracy, meanLoss float64) {
	if batch <= 0 {
		batch = 1000
	}
	correct := 0
	var total float64
	for lo := 0; lo < d.Len(); lo += batch {
		hi := min(lo+batch, d.Len())
		x := tensor.FromData(d.X.Data[lo*d.Features():hi*d.Features()], hi-lo, d.Features())
		out := net.Forward(x, false)
		grad := tensor.New(out.Shape...)
		total += loss.Eval(grad, out, d.Labels[lo:hi]) * float64(hi-lo)
		correct += countCorrect(out, d.Labels[lo:hi])
	}
	return float64(correct) / float64(d.Len()), total / float64(d.Len())
}
