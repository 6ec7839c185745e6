package train

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/optim"
)

// localGroup is a Group of goroutines: SumFloat64 adds the members'
// values in rank order, so every member gets the same bits (as
// MPI_Allreduce does).
type localGroup struct {
	w    *groupWorld
	rank int
}

type groupWorld struct {
	mu    sync.Mutex
	cond  *sync.Cond
	size  int
	round int
	in    [][]float64
	sum   []float64
	got   int
}

func newLocalGroup(size int) []Group {
	w := &groupWorld{size: size, in: make([][]float64, size)}
	w.cond = sync.NewCond(&w.mu)
	g := make([]Group, size)
	for r := range g {
		g[r] = &localGroup{w: w, rank: r}
	}
	return g
}

func (g *localGroup) Rank() int { return g.rank }
func (g *localGroup) Size() int { return g.w.size }

func (g *localGroup) SumFloat64(v []float64) error {
	w := g.w
	w.mu.Lock()
	defer w.mu.Unlock()
	round := w.round
	w.in[g.rank] = append([]float64(nil), v...)
	w.got++
	if w.got == w.size {
		w.sum = make([]float64, len(v))
		for _, in := range w.in {
			for i, x := range in {
				w.sum[i] += x
			}
		}
		w.got = 0
		w.round++
		w.cond.Broadcast()
	} else {
		for w.round == round {
			w.cond.Wait()
		}
	}
	copy(v, w.sum)
	return nil
}

// TestDataParallel trains an MLP on MNIST over 2 and 3 members of a group
// (goroutines here, MPI ranks under mpirun) with the same global batch as
// one process: after one step the weights equal one process's within
// 1e-6 relative (they differ by the rounding of sums formed in another
// order), after an epoch every member holds the same weights and State
// (examples seen, loss and accuracy sums) as each other and, within
// rounding, one process's; a batch smaller than the group is refused.
func TestDataParallel(t *testing.T) {
	tr, _ := mnist(t)
	d := tr.Head(1000) // 15 batches of 64 and one of 40
	spec := ann.MLP(784, []int{32}, ann.ReLU, 10, 0)
	weights := func(net *ann.Sequential) []float32 {
		var w []float32
		for _, p := range net.Params() {
			w = append(w, p.Value.Data...)
		}
		return w
	}
	run := func(cfg Config) (*ann.Sequential, Result, error) {
		net, err := spec.Build(5)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := optim.New("sgd", 0.1, 0.9, 0, false)
		res, err := Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, d, nil, cfg)
		return net, res, err
	}
	// relDiff is the largest |a−b| over the largest |a|.
	relDiff := func(a, b []float32) float64 {
		var diff, scale float64
		for i := range a {
			diff = max(diff, math.Abs(float64(a[i])-float64(b[i])))
			scale = max(scale, math.Abs(float64(a[i])))
		}
		return diff / scale
	}
	for _, c := range []struct {
		name    string
		batches int
		bound   float64
	}{{"one step", 1, 1e-6}, {"one epoch", 0, 1e-4}} {
		cfg := Config{Epochs: 1, Batch: 64, Seed: 5, MaxBatches: c.batches}
		start, _, _ := run(Config{MaxBatches: -1})
		one, want, err := run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if relDiff(weights(one), weights(start)) < 1e-3 {
			t.Fatalf("%s: training changed the weights by %g only: the comparison proves nothing", c.name, relDiff(weights(one), weights(start)))
		}
		for _, ranks := range []int{2, 3} {
			group := newLocalGroup(ranks)
			nets := make([]*ann.Sequential, ranks)
			results := make([]Result, ranks)
			errs := make([]error, ranks)
			var wg sync.WaitGroup
			for r := range ranks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cfg := cfg
					cfg.Group = group[r]
					nets[r], results[r], errs[r] = run(cfg)
				}()
			}
			wg.Wait()
			for r := range ranks {
				if errs[r] != nil {
					t.Fatalf("%s, rank %d of %d: %v", c.name, r, ranks, errs[r])
				}
				got := results[r].Final
				if got.Step != want.Final.Step || got.Epoch != want.Final.Epoch || len(got.History) != 1 || got.History[0].Samples != want.Final.History[0].Samples {
					t.Errorf("%s, rank %d of %d: step %d, %v; one process: step %d, %v", c.name, r, ranks, got.Step, got.History, want.Final.Step, want.Final.History)
				}
				if e, w := got.History[0], want.Final.History[0]; math.Abs(e.TrainLoss-w.TrainLoss) > 1e-5*w.TrainLoss || math.Abs(e.TrainAccuracy-w.TrainAccuracy) > 0.002 {
					t.Errorf("%s, rank %d of %d: loss %v, accuracy %v; one process %v, %v", c.name, r, ranks, e.TrainLoss, e.TrainAccuracy, w.TrainLoss, w.TrainAccuracy)
				}
				if d := relDiff(weights(one), weights(nets[r])); d > c.bound {
					t.Errorf("%s, rank %d of %d: weights differ from one process's by %g relative, want at most %g", c.name, r, ranks, d, c.bound)
				} else {
					t.Logf("%s, rank %d of %d: weights within %.2g relative of one process's", c.name, r, ranks, d)
				}
				if d := relDiff(weights(nets[0]), weights(nets[r])); d != 0 {
					t.Errorf("%s: rank %d's weights differ from rank 0's by %g", c.name, r, d)
				}
			}
		}
	}
	// A last batch of one example: two of three members have none.
	d = tr.Head(65)
	one, _, err := run(Config{Batch: 64, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	group := newLocalGroup(3)
	nets := make([]*ann.Sequential, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nets[r], _, errs[r] = run(Config{Batch: 64, Seed: 5, Group: group[r]})
		}()
	}
	wg.Wait()
	for r := range 3 {
		if errs[r] != nil {
			t.Fatalf("a last batch of one example, rank %d: %v", r, errs[r])
		}
		if d := relDiff(weights(one), weights(nets[r])); d > 1e-6 {
			t.Errorf("a last batch of one example, rank %d: weights %g relative from one process's", r, d)
		}
	}
	group = newLocalGroup(3)
	if _, _, err := run(Config{Batch: 2, Group: group[0]}); err == nil {
		t.Error("a batch of 2 over 3 processes was not refused")
	}
}
