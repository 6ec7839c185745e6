package experiment

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

// The benchmarks run a workload several times after a warm-up and report
// the median, so that neurite's speed can be compared with its peers' on
// the same machine. Only their timings vary from run to run: the work
// done is fixed by the settings and the seed.

// BenchGEMMSettings configure [BenchGEMM]: C = op(A)·op(B) with C M×N
// and op(A) M×K, in single precision.
type BenchGEMMSettings struct {
	// Size is M, N and K where they are zero (default 1024).
	Size int
	// M and N are the rows and columns of C, K the inner dimension
	// (default Size each).
	M, N, K int
	// TransA uses Aᵀ (A stored K×M); TransB uses Bᵀ (B stored N×K).
	TransA, TransB bool
	// Runs is the number of timed multiplications after one warm-up; the
	// median is reported (default 10).
	Runs int
	// Seed draws A and B, uniform in [−1, 1).
	Seed uint64
	// Threads is the number of worker threads (0: all cores).
	Threads int
	// MaxMemory is the memory the job may use, in bytes (0: half of the
	// machine's memory): a request estimated to need more is refused with
	// a *budget.Error before anything is allocated.
	MaxMemory int64
	Reporting
}

// BenchGEMMReport is what [BenchGEMM] measured; its JSON is `neurite
// bench gemm --json`'s.
type BenchGEMMReport struct {
	Bench         string  `json:"bench"`
	Op            string  `json:"op"`
	M             int     `json:"m"`
	N             int     `json:"n"`
	K             int     `json:"k"`
	TransA        bool    `json:"trans_a"`
	TransB        bool    `json:"trans_b"`
	Threads       int     `json:"threads"`
	Seed          uint64  `json:"seed"`
	Runs          int     `json:"runs"`
	MedianSeconds float64 `json:"median_seconds"`
	MinSeconds    float64 `json:"min_seconds"`
	GFLOPS        float64 `json:"gflops"`
	Kernel        string  `json:"gemm_kernel"`
}

// maxGEMMFloats bounds the elements of A, B and C together: 8 GiB.
const maxGEMMFloats = 1 << 31

// WithDefaults returns s with its zero fields set to their defaults, the
// only place they are written (M, N and K follow Size).
func (s BenchGEMMSettings) WithDefaults() BenchGEMMSettings {
	orInt(&s.Size, 1024)
	orInt(&s.M, s.Size)
	orInt(&s.N, s.Size)
	orInt(&s.K, s.Size)
	orInt(&s.Runs, 10)
	return s
}

// validate checks s, whose zero fields are not yet defaulted: a size that
// is wrong is named by the field it came from, M, N, K, or Size where they
// followed it.
func (s BenchGEMMSettings) validate() error {
	d := s.WithDefaults()
	field := func(name string, given int) (string, int) {
		if given == 0 {
			return "Size", s.Size
		}
		return name, given
	}
	for _, dim := range []struct {
		name            string
		given, resolved int
	}{{"M", s.M, d.M}, {"N", s.N, d.N}, {"K", s.K, d.K}} {
		if dim.resolved < 1 {
			f, v := field(dim.name, dim.given)
			return fieldErr(f, v, "matrix sizes m=%d n=%d k=%d: each must be at least 1", d.M, d.N, d.K)
		}
	}
	if d.Runs < 1 {
		return fieldErr("Runs", d.Runs, "must be at least 1")
	}
	m, n, k := float64(d.M), float64(d.N), float64(d.K)
	if m*k+k*n+m*n > maxGEMMFloats {
		f, v := field("M", s.M) // the largest dimension
		if n >= max(m, k) {
			f, v = field("N", s.N)
		} else if k >= m {
			f, v = field("K", s.K)
		}
		return fieldErr(f, v, "matrices of m=%d n=%d k=%d need more than 8 GiB", d.M, d.N, d.K)
	}
	return nil
}

// BenchGEMM times tensor.Gemm and reports the median time and the
// GFLOP/s it implies (2·M·N·K floating-point operations). Settings it
// cannot use, matrices of more than 8 GiB among them, give a
// *[FieldError].
func BenchGEMM(ctx context.Context, s BenchGEMMSettings) (*BenchGEMMReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	d := s.WithDefaults()
	m, n, k := d.M, d.N, d.K
	need := 4 * (float64(m)*float64(k) + float64(k)*float64(n) + float64(m)*float64(n))
	if err := budget.Check(fmt.Sprintf("a %d×%d×%d matrix product", m, n, k), need, s.MaxMemory); err != nil {
		return nil, err
	}
	var rep *BenchGEMMReport
	err := withThreads(s.Threads, func() error {
		r := rand.New(rand.NewPCG(s.Seed, 0))
		a, b, c := randomMatrix(r, m*k), randomMatrix(r, k*n), make([]float32, m*n)
		lda, ldb := k, n
		if d.TransA {
			lda = m
		}
		if d.TransB {
			ldb = k
		}
		tA, tB := tensor.Transpose(d.TransA), tensor.Transpose(d.TransB)
		gemm := func() { tensor.Gemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, n) }

		threads := threadsOr(s.Threads)
		s.logf("bench gemm: %d×%d×%d, %d threads, %d runs\n", m, n, k, threads, d.Runs)
		times, err := timeRuns(ctx, gemm, d.Runs)
		if err != nil {
			return err
		}
		median := medianOf(times)
		rep = &BenchGEMMReport{
			Bench: "gemm", Op: "sgemm", M: m, N: n, K: k, TransA: d.TransA, TransB: d.TransB,
			Threads: threads, Seed: s.Seed, Runs: d.Runs,
			MedianSeconds: median, MinSeconds: slices.Min(times),
			GFLOPS: 2 * float64(m) * float64(n) * float64(k) / median / 1e9,
			Kernel: tensor.KernelName(),
		}
		return nil
	})
	return rep, err
}

// BenchTrainModels lists the networks [BenchTrain] times.
var BenchTrainModels = []string{"mlp", "lenet5", "lstm", "rnn"}

// BenchTrainSettings configure [BenchTrain].
type BenchTrainSettings struct {
	// Model is one of BenchTrainModels (default mlp), each trained on
	// MNIST with the optimizer of PyTorch's reference script
	// (the PyTorch script scripts/bench-mlp-vs-pytorch.sh runs): SGD at 0.1 (mlp), SGD at 0.05
	// with momentum 0.9 (lenet5), Adam at 0.001 (lstm, rnn).
	Model string
	// Hidden is the mlp's hidden layer sizes (default 128; 512, 256 is
	// PyTorch's mlp-big), or the lstm's and rnn's hidden units (the first
	// size; default 128). lenet5 has its own.
	Hidden []int
	// DataDir is the folder of the MNIST files ("" for the Go module
	// cache).
	DataDir string
	// Runs is the number of timed epochs; the median is reported
	// (default 3).
	Runs int
	// Batch is the mini-batch size (default 64).
	Batch int
	// MaxBatches stops each timed epoch after this many batches (default
	// 0: the whole epoch).
	MaxBatches int
	// Seed draws the initial weights and each epoch's order of examples.
	Seed uint64
	// Threads is the number of worker threads (0: all cores).
	Threads int
	// MaxMemory is the memory the job may use, in bytes (0: half of the
	// machine's memory): a request estimated to need more is refused with
	// a *budget.Error before anything is allocated.
	MaxMemory int64
	Reporting
}

// BenchTrainReport is what [BenchTrain] measured; its JSON is `neurite
// bench mlp|lenet5|lstm|rnn --json`'s.
type BenchTrainReport struct {
	Bench                   string    `json:"bench"`
	Model                   string    `json:"model"`
	Threads                 int       `json:"threads"`
	Seed                    uint64    `json:"seed"`
	Runs                    int       `json:"runs"`
	Batch                   int       `json:"batch"`
	Batches                 int       `json:"batches_per_epoch"`
	MedianSeconds           float64   `json:"median_seconds"`
	EpochSeconds            []float64 `json:"epoch_seconds"`
	StepSeconds             float64   `json:"step_seconds"`
	SamplesPerSecond        float64   `json:"samples_per_second"`
	InferenceLatencySeconds float64   `json:"inference_latency_seconds"`
	InferenceSamplesPerSec  float64   `json:"inference_samples_per_second"`

	// Net is the network after the timed epochs.
	Net *ann.Sequential `json:"-"`
}

// WithDefaults returns s with its zero fields set to their defaults, the
// only place they are written.
func (s BenchTrainSettings) WithDefaults() BenchTrainSettings {
	orString(&s.Model, "mlp")
	if s.Hidden == nil {
		s.Hidden = []int{128}
	}
	orInt(&s.Runs, 3)
	orInt(&s.Batch, 64)
	return s
}

func (s BenchTrainSettings) validate() error {
	switch {
	case !slices.Contains(BenchTrainModels, s.Model):
		return fieldErr("Model", s.Model, "want one of %v", BenchTrainModels)
	case len(s.Hidden) > 0 && slices.Min(s.Hidden) < 1:
		return fieldErr("Hidden", s.Hidden, "sizes must be at least 1")
	case s.Runs < 1:
		return fieldErr("Runs", s.Runs, "must be at least 1")
	case s.Batch < 1:
		return fieldErr("Batch", s.Batch, "must be at least 1")
	case s.MaxBatches < 0:
		return fieldErr("MaxBatches", s.MaxBatches, "must not be negative")
	}
	return nil
}

// benchSpec returns the architecture of a valid s's model for MNIST and
// the name the report gives it (the mlp's layer sizes).
func (s BenchTrainSettings) benchSpec() (ann.Spec, string) {
	const inputs, classes = 784, 10
	switch s.Model {
	case "mlp":
		return ann.MLP(inputs, s.Hidden, ann.ReLU, classes, 0), fmt.Sprint(slices.Concat([]int{inputs}, s.Hidden, []int{classes}))
	case "lenet5":
		return ann.LeNet5(), s.Model
	default: // lstm, rnn
		units := 128
		if len(s.Hidden) > 0 {
			units = s.Hidden[0]
		}
		return ann.RowSequence(s.Model == "lstm", units), s.Model
	}
}

// benchOptimizer returns the optimizer PyTorch's reference script trains
// model with.
func benchOptimizer(model string) (optim.Optimizer, error) {
	switch model {
	case "mlp":
		return optim.SGD{LR: 0.1}.New()
	case "lenet5":
		return optim.SGD{LR: 0.05, Momentum: 0.9}.New()
	default: // lstm, rnn
		return optim.Adam{LR: 1e-3}.New()
	}
}

// BenchTrain times what the PyTorch script of scripts/bench-mlp-vs-pytorch.sh times for
// PyTorch: a warm-up of 20 batches, then Runs epochs of training on
// MNIST, data loading excluded; it reports the median epoch and the time
// per training step. It also times single-example inference (the median
// of 2000 forward passes) and batch-1000 inference throughput (the median
// of 20). Settings it cannot use give a *[FieldError]; missing MNIST
// files, the loader's error.
func BenchTrain(ctx context.Context, s BenchTrainSettings) (*BenchTrainReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s = s.WithDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	spec, name := s.benchSpec()
	if err := s.checkMemory(spec); err != nil {
		return nil, err
	}
	var rep *BenchTrainReport
	err := withThreads(s.Threads, func() error {
		var err error
		rep, err = benchTrain(ctx, s, spec, name)
		return err
	})
	return rep, err
}

func benchTrain(ctx context.Context, s BenchTrainSettings, spec ann.Spec, name string) (*BenchTrainReport, error) {
	trainSet, testSet, norm, err := data.Open("mnist", s.DataDir, s.Seed)
	if err != nil {
		return nil, err
	}
	norm.Apply(trainSet)
	norm.Apply(testSet)
	net, err := spec.BuildWithin(s.Seed, s.MaxMemory)
	if err != nil {
		return nil, err
	}
	opt, err := benchOptimizer(s.Model)
	if err != nil {
		return nil, err
	}
	loss := ann.SoftmaxCrossEntropy{}
	rep := &BenchTrainReport{Bench: s.Model, Model: name, Threads: threadsOr(s.Threads), Seed: s.Seed, Runs: s.Runs, Batch: s.Batch, Net: net}
	// The warm-up, as in the PyTorch script.
	if _, err := train.Fit(ctx, net, loss, opt, trainSet, nil, train.Config{Epochs: 1, Batch: s.Batch, MaxBatches: 20, Seed: s.Seed}); err != nil {
		return nil, err
	}
	for r := range s.Runs {
		res, err := train.Fit(ctx, net, loss, opt, trainSet, nil, train.Config{Epochs: 1, Batch: s.Batch, MaxBatches: s.MaxBatches, Seed: s.Seed + uint64(r) + 1})
		if err != nil {
			return nil, err
		}
		e := res.Epochs[0]
		rep.EpochSeconds = append(rep.EpochSeconds, e.Seconds)
		rep.Batches = (e.Samples + s.Batch - 1) / s.Batch
		s.logf("bench %s: epoch %d/%d: %.3fs (%d batches)\n", name, r+1, s.Runs, e.Seconds, rep.Batches)
	}
	rep.MedianSeconds = medianOf(rep.EpochSeconds)
	rep.StepSeconds = rep.MedianSeconds / float64(rep.Batches)
	rep.SamplesPerSecond = float64(rep.Batches*s.Batch) / rep.MedianSeconds
	if s.MaxBatches == 0 {
		rep.SamplesPerSecond = float64(trainSet.Len()) / rep.MedianSeconds
	}

	features := testSet.Features()
	one := tensor.FromData(slices.Clone(testSet.X.Row(0)), 1, features)
	times, err := timeRuns(ctx, func() { net.Forward(one, false) }, 2000)
	if err != nil {
		return nil, err
	}
	rep.InferenceLatencySeconds = medianOf(times)
	rows := min(1000, testSet.Len())
	big := tensor.FromData(testSet.X.Data[:rows*features], rows, features)
	if times, err = timeRuns(ctx, func() { net.Forward(big, false) }, 20); err != nil {
		return nil, err
	}
	rep.InferenceSamplesPerSec = float64(rows) / medianOf(times)
	return rep, nil
}

// BenchSimSettings configure [BenchSim]: the simulation's settings (Model
// coba, cuba or brunel for the published benchmarks, or any other Simulate
// takes), and how many times to run it.
type BenchSimSettings struct {
	SimSettings
	// Runs is the number of simulations, each of a network built anew;
	// the median is reported (default 5; 1 for brunel, whose 15.6 million
	// synapses take seconds to build).
	Runs int
}

// BenchSimReport is what [BenchSim] measured; its JSON is `neurite bench
// coba|cuba|brunel --json`'s: the last run's simulation keys (as `neurite
// sim`'s, with the median's wall time and speed), plus the benchmark's.
type BenchSimReport struct {
	*SimReport
	Bench         string    `json:"bench"`
	Runs          int       `json:"runs"`
	MedianSeconds float64   `json:"median_seconds"`
	RunSeconds    []float64 `json:"run_seconds"`
	NsPerEvent    float64   `json:"ns_per_synaptic_event"`
}

// WithDefaults returns s with Runs set to its default when zero, the only
// place it is written; the simulation's own defaults are Simulate's.
func (s BenchSimSettings) WithDefaults() BenchSimSettings {
	if s.Model == "brunel" {
		orInt(&s.Runs, 1)
	}
	orInt(&s.Runs, 5)
	return s
}

// BenchSim simulates the network s describes Runs times and reports the
// median wall time, synaptic events per second and nanoseconds per
// synaptic event (the cost of one spike's arrival at one synapse, the
// unit simulators are compared in). Errors are Simulate's, and a
// *[FieldError] for Runs.
func BenchSim(ctx context.Context, s BenchSimSettings) (*BenchSimReport, error) {
	s = s.WithDefaults()
	if s.Runs < 1 {
		return nil, fieldErr("Runs", s.Runs, "must be at least 1")
	}
	rep := &BenchSimReport{Bench: s.Model, Runs: s.Runs}
	progress := s.Progress
	for r := range s.Runs {
		sim := s.SimSettings
		if progress != nil {
			// A new stage for each run: a new bar.
			sim.Progress = func(p Progress) {
				p.Stage = fmt.Sprintf("run %d/%d: %s", r+1, s.Runs, p.Stage)
				progress(p)
			}
		}
		one, err := Simulate(ctx, sim)
		if err != nil {
			return nil, err
		}
		s.logf("bench %s: run %d/%d: %.3fs\n", s.Model, r+1, s.Runs, one.WallSeconds)
		rep.RunSeconds = append(rep.RunSeconds, one.WallSeconds)
		rep.SimReport = one
	}
	rep.MedianSeconds = medianOf(rep.RunSeconds)
	rep.WallSeconds = rep.MedianSeconds
	rep.SynopsPerSecond = float64(rep.SynapticEvents) / rep.MedianSeconds
	if rep.SynapticEvents > 0 {
		rep.NsPerEvent = rep.MedianSeconds / float64(rep.SynapticEvents) * 1e9
	}
	return rep, nil
}

// randomMatrix returns n values uniform in [−1, 1).
func randomMatrix(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// timeRuns calls f once to warm caches and pools, then times runs calls;
// it stops with ctx's error when ctx is done.
func timeRuns(ctx context.Context, f func(), runs int) ([]float64, error) {
	f()
	times := make([]float64, runs)
	for i := range times {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		f()
		times[i] = time.Since(start).Seconds()
	}
	return times, nil
}

// medianOf returns the median of xs, which must not be empty.
func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
