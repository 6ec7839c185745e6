package continual

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

// Method is a way of learning the tasks of a scenario one after another:
// [FineTune], [Joint], [EWC], [Replay] or [Sleep]. Its fields are its
// settings; a zero field takes the documented default.
type Method interface {
	// Name is the method's name in reports: finetune, joint, ewc,
	// replay or sleep.
	Name() string
	// learner checks the method against the network and starts a run.
	learner(net *ann.Sequential, loss ann.Loss, sc *Scenario, c Config) (learner, error)
}

// learner is one run of a method: what the network trains on during each
// task, the optimizer it trains with, and what happens after each task.
type learner interface {
	trainingSet(t int) *data.Dataset
	optimizer(opt optim.Optimizer) optim.Optimizer
	consolidate(ctx context.Context, t int, ph *Phase) error
}

// base is plain sequential training: the task's examples, the optimizer
// as given, nothing after.
type base struct {
	net  *ann.Sequential
	loss ann.Loss
	sc   *Scenario
	c    Config
}

func (b *base) trainingSet(t int) *data.Dataset                         { return b.sc.Tasks[t].Train }
func (b *base) optimizer(opt optim.Optimizer) optim.Optimizer           { return opt }
func (b *base) consolidate(ctx context.Context, t int, ph *Phase) error { return nil }

// FineTune trains on each task's examples in turn and does nothing else:
// the forgetting baseline (McCloskey & Cohen 1989's catastrophic
// interference).
type FineTune struct{}

// Name returns "finetune".
func (FineTune) Name() string { return "finetune" }

func (FineTune) learner(net *ann.Sequential, loss ann.Loss, sc *Scenario, c Config) (learner, error) {
	return &base{net: net, loss: loss, sc: sc, c: c}, nil
}

// Joint trains, during each task, on the examples of that task and of
// every earlier one together, shuffled: nothing is ever out of reach, the
// upper bound the other methods are measured against (it keeps all the
// data, which they may not).
type Joint struct{}

// Name returns "joint".
func (Joint) Name() string { return "joint" }

func (Joint) learner(net *ann.Sequential, loss ann.Loss, sc *Scenario, c Config) (learner, error) {
	return &jointLearner{base{net: net, loss: loss, sc: sc, c: c}}, nil
}

type jointLearner struct{ base }

func (j *jointLearner) trainingSet(t int) *data.Dataset {
	sets := make([]*data.Dataset, t+1)
	for k := range sets {
		sets[k] = j.sc.Tasks[k].Train
	}
	return concat(sets)
}

// Replay keeps a small buffer of examples from the tasks learnt so far,
// with their labels, and trains on it together with each new task's
// examples (rehearsal; Robins 1995; the "experience replay" baseline of
// Chaudhry et al. 2019). The buffer is shared equally by the tasks seen:
// after k tasks it holds Buffer/k examples of each, drawn at random once,
// so that a task's share shrinks by dropping its most recently drawn.
type Replay struct {
	// Buffer is the number of examples kept (default 500: 2% of the
	// 25,000 training examples of the default split MNIST, under 1% of
	// permuted MNIST's 300,000).
	Buffer int
}

// Name returns "replay".
func (Replay) Name() string { return "replay" }

func (r Replay) learner(net *ann.Sequential, loss ann.Loss, sc *Scenario, c Config) (learner, error) {
	if r.Buffer == 0 {
		r.Buffer = 500
	}
	if r.Buffer < 0 {
		return nil, fmt.Errorf("continual: replay buffer of %d examples: want at least 1", r.Buffer)
	}
	l := &replayLearner{base: base{net: net, loss: loss, sc: sc, c: c}, size: r.Buffer}
	for t, task := range sc.Tasks {
		l.order = append(l.order, rand.New(rand.NewPCG(seedFor(c.Seed, t, 2), 0)).Perm(task.Train.Len()))
	}
	return l, nil
}

type replayLearner struct {
	base
	size  int
	order [][]int // per task, the order its examples enter the buffer
}

// buffer returns the examples kept after tasks 0…t−1.
func (r *replayLearner) buffer(t int) []*data.Dataset {
	var sets []*data.Dataset
	for k := range t {
		share := r.size / t
		if k < r.size%t {
			share++
		}
		share = min(share, len(r.order[k]))
		if share > 0 {
			sets = append(sets, r.sc.Tasks[k].Train.Subset(r.order[k][:share]))
		}
	}
	return sets
}

func (r *replayLearner) trainingSet(t int) *data.Dataset {
	if t == 0 {
		return r.sc.Tasks[0].Train
	}
	return concat(append([]*data.Dataset{r.sc.Tasks[t].Train}, r.buffer(t)...))
}

// Config configures a [Run]. Zero fields take the documented defaults.
type Config struct {
	// Epochs is the number of passes over each task's training set
	// (default 1); Batch the mini-batch size (default 64); MaxBatches
	// stops each pass early (0: all batches).
	Epochs, Batch, MaxBatches int
	// Seed draws the order of examples, the replay buffer, the examples
	// EWC estimates importance on and the sleep's input spikes; the
	// network's initial weights and dropout are the caller's. The same
	// seed gives the same bits for any number of threads.
	Seed uint64
	// Log receives a line per task (nil: none); Progress frequent updates
	// of each task's training.
	Log      io.Writer
	Progress func(Progress)
}

// Progress reports a run's progress: batch Batch of Batches in epoch
// Epoch of task Task (from 1) of Tasks.
type Progress struct {
	Task, Tasks      int
	Epoch, Epochs    int
	Batch, Batches   int
	Loss             float64
	SamplesPerSecond float64
}

// Phase is what happened during one task.
type Phase struct {
	// Task names it.
	Task string `json:"task"`
	// Examples is the number of examples trained on (every epoch
	// counted), TrainSeconds the time it took.
	Examples     int     `json:"examples"`
	TrainSeconds float64 `json:"train_seconds"`
	// ConsolidateSeconds is the time spent after training: EWC's
	// importance estimate, the sleep phase.
	ConsolidateSeconds float64 `json:"consolidate_seconds"`
	// Sleep is the sleep phase's cost (sleep only).
	Sleep *SleepStats `json:"sleep,omitempty"`
	// History is the training's epochs.
	History []train.Epoch `json:"-"`
}

// Result is a run's measurements.
type Result struct {
	Method, Scenario string
	// Tasks names the tasks, in order.
	Tasks []string
	// Accuracy[i][j] is the test accuracy on task j after training on
	// tasks 0…i, and Initial[j] the accuracy on task j before any
	// training.
	Accuracy [][]float64
	Initial  []float64
	// Average, Backward and Forward are Lopez-Paz & Ranzato's ACC, BWT
	// and FWT (see [AverageAccuracy]).
	Average, Backward, Forward float64
	// Final is the accuracy on all the tasks' test examples together
	// after the last task (each example counted once).
	Final float64
	// Phases are the tasks' training and consolidation, in order.
	Phases []Phase
	// Sleep sums the sleep phases' costs (nil for the other methods).
	Sleep *SleepStats
}

// Run learns the tasks of sc one after another with net, training each by
// backpropagation (package train, with loss and opt, which keeps its state
// from task to task) as m says, and scores the network on every task's
// test examples before any training and after each task. The network is
// changed in place. It returns an error for a network whose outputs do
// not cover the scenario's classes or that m cannot use, ctx.Err() if ctx
// is cancelled, and train.ErrDiverged (wrapped) if the loss diverges.
func Run(ctx context.Context, net *ann.Sequential, loss ann.Loss, opt optim.Optimizer, sc *Scenario, m Method, c Config) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if sc == nil || len(sc.Tasks) == 0 {
		return nil, errors.New("continual: a scenario with no task")
	}
	if m == nil {
		return nil, errors.New("continual: no method")
	}
	if c.Epochs <= 0 {
		c.Epochs = 1
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	probe := sc.Tasks[0].Test.Head(1)
	if out := net.Forward(tensor.FromData(probe.X.Data, 1, probe.Features()), false); out.Cols() < sc.Classes {
		return nil, fmt.Errorf("continual: the network has %d outputs for %d classes", out.Cols(), sc.Classes)
	}
	l, err := m.learner(net, loss, sc, c)
	if err != nil {
		return nil, err
	}
	res := &Result{Method: m.Name(), Scenario: sc.Name, Tasks: sc.Names()}
	res.Initial, _ = score(net, loss, sc)
	o := l.optimizer(opt)
	var final float64
	for t, task := range sc.Tasks {
		set := l.trainingSet(t)
		cfg := train.Config{Epochs: c.Epochs, Batch: c.Batch, MaxBatches: c.MaxBatches, Seed: seedFor(c.Seed, t, 1)}
		if c.Progress != nil {
			cfg.Progress = func(p train.Progress) {
				c.Progress(Progress{Task: t + 1, Tasks: len(sc.Tasks), Epoch: p.Epoch, Epochs: p.Epochs, Batch: p.Batch, Batches: p.Batches,
					Loss: p.Loss, SamplesPerSecond: p.SamplesPerSecond})
			}
		}
		fit, err := train.Fit(ctx, net, loss, o, set, nil, cfg)
		if err != nil {
			return nil, fmt.Errorf("continual: task %s: %w", task.Name, err)
		}
		ph := Phase{Task: task.Name, History: fit.Epochs}
		for _, e := range fit.Epochs {
			ph.Examples += e.Samples
			ph.TrainSeconds += e.Seconds
		}
		start := time.Now()
		if err := l.consolidate(ctx, t, &ph); err != nil {
			return nil, fmt.Errorf("continual: after task %s: %w", task.Name, err)
		}
		ph.ConsolidateSeconds = time.Since(start).Seconds()
		if ph.Sleep != nil {
			if res.Sleep == nil {
				res.Sleep = &SleepStats{}
			}
			res.Sleep.add(*ph.Sleep)
		}
		var acc []float64
		acc, final = score(net, loss, sc)
		res.Accuracy = append(res.Accuracy, acc)
		res.Phases = append(res.Phases, ph)
		if c.Log != nil {
			fmt.Fprintf(c.Log, "%s, task %d/%d (%s): %d examples in %.1fs, then %.1fs; accuracy %s\n",
				m.Name(), t+1, len(sc.Tasks), task.Name, ph.Examples, ph.TrainSeconds, ph.ConsolidateSeconds, formatAccuracies(acc))
		}
	}
	res.Average = AverageAccuracy(res.Accuracy)
	res.Backward = BackwardTransfer(res.Accuracy)
	res.Forward = ForwardTransfer(res.Accuracy, res.Initial)
	res.Final = final
	return res, nil
}

// score returns the accuracy on each task's test examples and on all of
// them together.
func score(net *ann.Sequential, loss ann.Loss, sc *Scenario) (acc []float64, all float64) {
	var correct float64
	n := 0
	for _, t := range sc.Tasks {
		a, _ := train.Evaluate(net, loss, t.Test, 1000)
		acc = append(acc, a)
		correct += a * float64(t.Test.Len())
		n += t.Test.Len()
	}
	return acc, correct / float64(n)
}

func formatAccuracies(acc []float64) string {
	s := ""
	for i, a := range acc {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.3f", a)
	}
	return s
}

// concat returns the examples of sets together, in order.
func concat(sets []*data.Dataset) *data.Dataset {
	if len(sets) == 1 {
		return sets[0]
	}
	n, f := 0, sets[0].Features()
	for _, d := range sets {
		n += d.Len()
	}
	out := &data.Dataset{Name: sets[0].Name, X: tensor.New(n, f), Labels: make([]int, 0, n), Classes: sets[0].Classes,
		Shape: sets[0].Shape, ClassNames: sets[0].ClassNames}
	at := 0
	for _, d := range sets {
		copy(out.X.Data[at*f:], d.X.Data[:d.Len()*f])
		out.Labels = append(out.Labels, d.Labels...)
		at += d.Len()
	}
	return out
}

// seedFor derives the seed of one use (training order 1, replay 2,
// sleep 3, EWC 4) in task t from the run's seed.
func seedFor(seed uint64, t, use int) uint64 {
	return rand.New(rand.NewPCG(seed, uint64(t)<<8|uint64(use))).Uint64()
}
