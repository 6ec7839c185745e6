// Package train is the training loop every trainable network shares:
// mini-batches reshuffled each epoch from a seed, a learning-rate
// schedule, gradient clipping, per-epoch training and validation metrics,
// early stopping, progress reports, and a clear error when the loss
// diverges.
package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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

	// Resume, if not nil, continues the run it describes (with the
	// weights and optimizer state it was saved with) instead of starting
	// one: the result is bit for bit what the uninterrupted run gives.
	Resume *State
	// Checkpoint, if not nil, is called with the run's state after every
	// CheckpointEvery batches (0: never), and once more when ctx is
	// cancelled, before Fit returns: the weights and the optimizer are then
	// exactly as the state says. An error from it stops the run.
	Checkpoint      func(State) error
	CheckpointEvery int
	// Perturb, if not nil, changes every training batch before the
	// network sees it: adversarial training replaces a batch by its
	// adversarial examples (Madry et al. 2018). It gets the optimizer step
	// the batch is for (from 0, counted across epochs, so that randomness
	// keyed to it is the same in a resumed run), the batch's inputs as the
	// network takes them (normalised), which it changes in place, and
	// their labels. It may run the network forward and backward itself:
	// the batch's own pass comes after. An error stops the run.
	Perturb func(step int, x *tensor.Tensor, labels []int) error
	// Group, when it has more than one member, trains data-parallel over
	// its processes (MPI ranks), each running Fit alike on the same data:
	// member r of R takes rows [B·r/R, B·(r+1)/R) of every batch of B
	// examples, and the gradients (each weighted by its share of the
	// batch) are summed over the group before the same optimizer step on
	// every member. The run is then one process's with the same Batch up
	// to rounding (sums formed in another order), and every member ends
	// with the same weights and State, so any member's checkpoint resumes
	// a run in one process and the other way round. Layers that use the
	// whole batch (batch normalisation) see each member's share, and
	// dropout draws other masks than one process would.
	Group Group
}

// Group is the set of processes of a data-parallel run (Config.Group).
type Group interface {
	// Rank is this process's number, from 0 to Size()−1.
	Rank() int
	Size() int
	// SumFloat64 replaces each element of v, on every member, by its sum
	// over the members; every member gets the same bits.
	SumFloat64(v []float64) error
}

// State is where a run stands between two batches: with the weights and
// the optimizer's state, what is needed to continue it exactly. The
// shuffle of every epoch is drawn afresh from (Seed, epoch), so a position
// is enough to find the next batch.
type State struct {
	Epoch   int `json:"epoch"`   // epochs completed
	Batch   int `json:"batch"`   // batches completed in the epoch under way
	Step    int `json:"step"`    // optimizer steps in all (the schedule's clock)
	Seen    int `json:"seen"`    // examples seen in the epoch under way
	Correct int `json:"correct"` // of which classified correctly
	// LossSum is the summed training loss of the epoch under way, Seconds
	// its wall time so far.
	LossSum float64 `json:"loss_sum"`
	Seconds float64 `json:"seconds"`
	// BestValidationLoss and SinceBest drive early stopping.
	BestValidationLoss float64 `json:"best_validation_loss"`
	SinceBest          int     `json:"since_best"`
	History            []Epoch `json:"history"`
	StoppedEarly       bool    `json:"stopped_early"`
	// Random holds the stream position of each layer that draws random
	// numbers (dropout, rate-coded spike encoding), by layer index (see
	// ann.Random).
	Random map[int][]byte `json:"random,omitempty"`
}

// UnmarshalJSON also reads "dropout", Random's name in checkpoints written
// before spike encoders kept their stream position.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State
	var v struct {
		plain
		Dropout map[int][]byte `json:"dropout"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = State(v.plain)
	if s.Random == nil {
		s.Random = v.Dropout
	}
	return nil
}

// Done reports whether the run had finished all its epochs (or stopped
// early) out of epochs.
func (s State) Done(epochs int) bool { return s.StoppedEarly || s.Epoch >= epochs }

// Progress describes the run after a batch.
type Progress struct {
	Epoch, Epochs    int
	Batch, Batches   int // within the epoch
	Samples          int // examples seen this epoch
	Loss             float64
	SamplesPerSecond float64
	// Accuracy is the fraction of the epoch's examples so far classified
	// correctly; LearningRate the rate of the batch's step; Step the
	// optimizer steps done in the run.
	Accuracy     float64
	LearningRate float64
	Step         int
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
	// Final is the run's state at the end, to save in a checkpoint that a
	// longer run can continue from.
	Final State
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
	st := State{BestValidationLoss: math.MaxFloat64}
	if cfg.Resume != nil {
		st = *cfg.Resume
		st.History = slices.Clone(st.History)
		if err := restoreRandom(net, st.Random); err != nil {
			return Result{}, err
		}
		if st.Batch > batches || st.Batch < 0 || st.Epoch < 0 || st.Step < 0 || st.Seen < 0 || st.Correct < 0 || st.Correct > st.Seen {
			return Result{}, fmt.Errorf("train: cannot resume at epoch %d, batch %d of %d", st.Epoch+1, st.Batch, batches)
		}
	}
	res := Result{Epochs: st.History, StoppedEarly: st.StoppedEarly}
	checkpoint := func() error {
		if cfg.Checkpoint == nil {
			return nil
		}
		var err error
		if st.Random, err = randomState(net); err != nil {
			return err
		}
		st.History, st.StoppedEarly = res.Epochs, res.StoppedEarly
		return cfg.Checkpoint(st)
	}
	params := net.Params()
	rank, ranks := 0, 1
	if cfg.Group != nil && cfg.Group.Size() > 1 {
		rank, ranks = cfg.Group.Rank(), cfg.Group.Size()
		if bs < ranks {
			return Result{}, fmt.Errorf("train: a batch of %d examples cannot be split over %d processes", bs, ranks)
		}
	}
	x := tensor.New(bs*(rank+1)/ranks-bs*rank/ranks, trainSet.Features())
	labels := make([]int, bs)
	var grad *tensor.Tensor
	var sums []float64 // a data-parallel step's gradients, loss and hits
	for ; st.Epoch < epochs && !res.StoppedEarly; st.Epoch++ {
		perm := rand.New(rand.NewPCG(cfg.Seed, uint64(st.Epoch))).Perm(trainSet.Len())
		start := time.Now().Add(-time.Duration(st.Seconds * float64(time.Second)))
		for ; st.Batch < batches; st.Batch++ {
			if err := ctx.Err(); err != nil {
				st.Seconds = time.Since(start).Seconds()
				if cerr := checkpoint(); cerr != nil {
					return res, errors.Join(err, cerr)
				}
				return res, err
			}
			b := st.Batch
			idx := perm[b*bs : min((b+1)*bs, len(perm))]
			global := len(idx)
			idx = idx[global*rank/ranks : global*(rank+1)/ranks] // this member's share
			xb := x
			if len(idx) != x.Rows() {
				xb = tensor.New(len(idx), trainSet.Features())
			}
			for k, i := range idx {
				copy(xb.Row(k), trainSet.X.Row(i))
				labels[k] = trainSet.Labels[i]
			}
			lb := labels[:len(idx)]
			if cfg.Perturb != nil && len(idx) > 0 {
				if err := cfg.Perturb(st.Step, xb, lb); err != nil {
					return res, fmt.Errorf("epoch %d, batch %d: %w", st.Epoch+1, b+1, err)
				}
			}
			var l float64
			correct := 0
			if len(idx) > 0 {
				out := net.Forward(xb, true)
				if grad == nil || grad.Rows() != out.Rows() {
					grad = tensor.New(out.Shape...)
				}
				l = loss.Eval(grad, out, lb)
				correct = countCorrect(out, lb)
				net.Backward(grad)
			} else {
				for _, p := range params {
					clear(p.Grad.Data)
				}
			}
			if ranks > 1 {
				var err error
				if sums, l, correct, err = reduce(cfg.Group, params, sums, l, correct, len(idx), global); err != nil {
					return res, fmt.Errorf("epoch %d, batch %d: %w", st.Epoch+1, b+1, err)
				}
			}
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return res, fmt.Errorf("epoch %d, batch %d: %w", st.Epoch+1, b+1, ErrDiverged)
			}
			st.Correct += correct
			if cfg.Clip > 0 {
				optim.ClipGradNorm(params, cfg.Clip)
			}
			opt.SetLR(sched.LR(base, st.Step))
			opt.Step(params)
			st.Step++
			st.LossSum += l * float64(global)
			st.Seen += global
			if cfg.Progress != nil {
				cfg.Progress(Progress{Epoch: st.Epoch + 1, Epochs: epochs, Batch: b + 1, Batches: batches, Samples: st.Seen,
					Loss: st.LossSum / float64(st.Seen), SamplesPerSecond: float64(st.Seen) / time.Since(start).Seconds(),
					Accuracy: float64(st.Correct) / float64(st.Seen), LearningRate: opt.LR(), Step: st.Step})
			}
			if cfg.CheckpointEvery > 0 && st.Step%cfg.CheckpointEvery == 0 && b+1 < batches {
				st.Batch++ // the batch is done
				st.Seconds = time.Since(start).Seconds()
				err := checkpoint()
				st.Batch--
				if err != nil {
					return res, err
				}
			}
		}
		e := Epoch{Epoch: st.Epoch + 1, TrainLoss: st.LossSum / float64(st.Seen), TrainAccuracy: float64(st.Correct) / float64(st.Seen),
			Seconds: time.Since(start).Seconds(), Samples: st.Seen, LearningRate: opt.LR()}
		if val != nil {
			e.ValidationAccuracy, e.ValidationLoss = Evaluate(net, loss, val, 1000)
		}
		res.Epochs = append(res.Epochs, e)
		st.Batch, st.Seen, st.Correct, st.LossSum, st.Seconds = 0, 0, 0, 0, 0
		if cfg.Patience > 0 {
			if e.ValidationLoss < st.BestValidationLoss {
				st.BestValidationLoss, st.SinceBest = e.ValidationLoss, 0
			} else if st.SinceBest++; st.SinceBest >= cfg.Patience {
				res.StoppedEarly = true
			}
		}
		if cfg.CheckpointEvery > 0 && st.Step%cfg.CheckpointEvery == 0 {
			st.Epoch++
			err := checkpoint()
			st.Epoch--
			if err != nil {
				return res, err
			}
		}
	}
	var err error
	if st.Random, err = randomState(net); err != nil {
		return res, err
	}
	st.History, st.StoppedEarly = res.Epochs, res.StoppedEarly
	res.Final = st
	return res, nil
}

// reduce sums a data-parallel step over g: each member's gradients
// (the mean over its n of the batch's global examples) weighted by
// n/global, its loss likewise and its correct answers. It returns the
// buffer it used, the batch's mean loss and its correct answers.
func reduce(g Group, params []*ann.Param, buf []float64, l float64, correct, n, global int) ([]float64, float64, int, error) {
	buf = buf[:0]
	w := float64(n) / float64(global)
	for _, p := range params {
		for _, v := range p.Grad.Data {
			buf = append(buf, float64(v)*w)
		}
	}
	if n == 0 {
		l = 0 // a member without examples adds nothing
	}
	buf = append(buf, l*w, float64(correct))
	if err := g.SumFloat64(buf); err != nil {
		return buf, 0, 0, err
	}
	k := 0
	for _, p := range params {
		for i := range p.Grad.Data {
			p.Grad.Data[i] = float32(buf[k])
			k++
		}
	}
	return buf, buf[k], int(buf[k+1]), nil
}

// randomState returns the stream position of every random layer.
func randomState(net *ann.Sequential) (map[int][]byte, error) {
	var m map[int][]byte
	for i, l := range net.Layers {
		if r, ok := l.(ann.Random); ok {
			b, err := r.RNGState()
			if err != nil {
				return nil, err
			}
			if m == nil {
				m = map[int][]byte{}
			}
			m[i] = b
		}
	}
	return m, nil
}

// restoreRandom moves the random layers' streams back to a saved
// position; every random layer must have one, and only those.
func restoreRandom(net *ann.Sequential, m map[int][]byte) error {
	n := 0
	for i, l := range net.Layers {
		r, ok := l.(ann.Random)
		if !ok {
			continue
		}
		b, ok := m[i]
		if !ok {
			return fmt.Errorf("train: resume state has no random state for layer %d (%s)", i, l.Kind())
		}
		if err := r.SetRNGState(b); err != nil {
			return fmt.Errorf("train: layer %d: %w", i, err)
		}
		n++
	}
	if n != len(m) {
		return fmt.Errorf("train: resume state has %d random states, the network %d random layers", len(m), n)
	}
	return nil
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
