package experiment

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neurite/neurite/internal/budget"
)

func TestMedianOf(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := slices.Clone(tt.in)
		if got := medianOf(in); got != tt.want || !slices.Equal(in, tt.in) {
			t.Errorf("medianOf(%v) = %v, want %v (and the input left alone)", tt.in, got, tt.want)
		}
	}
}

// TestBenchGEMM: sizes follow Size unless given, and the report says what
// was multiplied.
func TestBenchGEMM(t *testing.T) {
	for _, tt := range []struct {
		s       BenchGEMMSettings
		m, n, k int
	}{
		{BenchGEMMSettings{M: 33, N: 17, K: 9, Runs: 3}, 33, 17, 9},
		{BenchGEMMSettings{Size: 16, N: 5, TransA: true, TransB: true, Runs: 1}, 16, 5, 16},
	} {
		rep, err := BenchGEMM(context.Background(), tt.s)
		if err != nil {
			t.Fatal(err)
		}
		if rep.M != tt.m || rep.N != tt.n || rep.K != tt.k || rep.Runs != tt.s.Runs || rep.TransA != tt.s.TransA || rep.Op != "sgemm" || rep.Kernel == "" {
			t.Errorf("BenchGEMM(%+v) = %+v, want %d×%d×%d", tt.s, rep, tt.m, tt.n, tt.k)
		}
		if !(rep.GFLOPS > 0) || rep.MinSeconds > rep.MedianSeconds {
			t.Errorf("BenchGEMM(%+v): %v GFLOP/s, min %v s, median %v s", tt.s, rep.GFLOPS, rep.MinSeconds, rep.MedianSeconds)
		}
	}
	if d := (BenchGEMMSettings{}).WithDefaults(); d.Size != 1024 || d.M != 1024 || d.Runs != 10 {
		t.Errorf("defaults %+v, want 1024³ and 10 runs", d)
	}
}

// TestBenchTrain trains a small MLP for a few batches: the report counts
// them, and the same seed trains the same weights.
func TestBenchTrain(t *testing.T) {
	s := BenchTrainSettings{Hidden: []int{8}, Runs: 2, MaxBatches: 3, Batch: 32, Seed: 5}
	a, err := BenchTrain(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if a.Bench != "mlp" || a.Model != "[784 8 10]" || a.Batches != 3 || len(a.EpochSeconds) != 2 || a.Batch != 32 || a.Seed != 5 {
		t.Errorf("BenchTrain(%+v) = %+v", s, a)
	}
	if math.Abs(a.SamplesPerSecond-3*32/a.MedianSeconds) > 1e-9*a.SamplesPerSecond || !(a.InferenceSamplesPerSec > 0) || !(a.InferenceLatencySeconds > 0) {
		t.Errorf("speeds: %v samples/s for a %v s epoch of 96; inference %v samples/s, latency %v s",
			a.SamplesPerSecond, a.MedianSeconds, a.InferenceSamplesPerSec, a.InferenceLatencySeconds)
	}
	b, err := BenchTrain(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := a.Net.Params(), b.Net.Params()
	for i := range pa {
		if !slices.Equal(pa[i].Value.Data, pb[i].Value.Data) {
			t.Fatalf("parameter %d differs between two runs with the same seed", i)
		}
	}
}

// TestBenchSim runs a small COBA network twice: the report is the
// simulation's with the median's speed, and each run has its own
// progress stage.
func TestBenchSim(t *testing.T) {
	var stages []string
	s := BenchSimSettings{SimSettings: SimSettings{Model: "coba", N: 400, Duration: 50 * time.Millisecond, Threads: 1}, Runs: 2}
	s.Progress = func(p Progress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	}
	rep, err := BenchSim(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bench != "coba" || rep.Runs != 2 || len(rep.RunSeconds) != 2 || rep.Neurons != 400 || rep.WallSeconds != rep.MedianSeconds {
		t.Errorf("BenchSim: %+v", rep)
	}
	if rep.SynapticEvents == 0 || math.Abs(rep.NsPerEvent-rep.MedianSeconds/float64(rep.SynapticEvents)*1e9) > 1e-9*rep.NsPerEvent {
		t.Errorf("%d synaptic events in a median %v s: %v ns each", rep.SynapticEvents, rep.MedianSeconds, rep.NsPerEvent)
	}
	if len(stages) != 2 || !strings.HasPrefix(stages[0], "run 1/2: ") || !strings.HasPrefix(stages[1], "run 2/2: ") {
		t.Errorf("progress stages %q, want one per run", stages)
	}
	for model, runs := range map[string]int{"coba": 5, "cuba": 5, "brunel": 1} {
		if d := (BenchSimSettings{SimSettings: SimSettings{Model: model}}).WithDefaults(); d.Runs != runs {
			t.Errorf("%s: %d runs by default, want %d", model, d.Runs, runs)
		}
	}
}

// TestBenchSettingErrors: every setting the benchmarks refuse is a
// *FieldError naming the Go field, before any work.
func TestBenchSettingErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		run   func() error
		field string
	}{
		{"gemm negative size", func() error { _, err := BenchGEMM(ctx, BenchGEMMSettings{Size: -3}); return err }, "Size"},
		{"gemm negative k", func() error { _, err := BenchGEMM(ctx, BenchGEMMSettings{Size: 4, K: -1}); return err }, "K"},
		{"gemm negative runs", func() error { _, err := BenchGEMM(ctx, BenchGEMMSettings{Size: 4, Runs: -1}); return err }, "Runs"},
		{"gemm over 8 GiB", func() error { _, err := BenchGEMM(ctx, BenchGEMMSettings{Size: 100000}); return err }, "Size"},
		{"gemm n over 8 GiB", func() error { _, err := BenchGEMM(ctx, BenchGEMMSettings{Size: 4, N: 1 << 30}); return err }, "N"},
		{"gemm threads", func() error { _, err := BenchGEMM(ctx, BenchGEMMSettings{Size: 4, Threads: -1}); return err }, "Threads"},
		{"train unknown model", func() error { _, err := BenchTrain(ctx, BenchTrainSettings{Model: "vgg"}); return err }, "Model"},
		{"train hidden 0", func() error { _, err := BenchTrain(ctx, BenchTrainSettings{Hidden: []int{0}}); return err }, "Hidden"},
		{"train negative runs", func() error { _, err := BenchTrain(ctx, BenchTrainSettings{Runs: -1}); return err }, "Runs"},
		{"train negative batch", func() error { _, err := BenchTrain(ctx, BenchTrainSettings{Batch: -1}); return err }, "Batch"},
		{"train negative max batches", func() error { _, err := BenchTrain(ctx, BenchTrainSettings{MaxBatches: -1}); return err }, "MaxBatches"},
		{"train threads", func() error { _, err := BenchTrain(ctx, BenchTrainSettings{Threads: -1}); return err }, "Threads"},
		{"sim negative runs", func() error {
			_, err := BenchSim(ctx, BenchSimSettings{SimSettings: SimSettings{Model: "coba"}, Runs: -1})
			return err
		}, "Runs"},
		{"sim unknown model", func() error {
			_, err := BenchSim(ctx, BenchSimSettings{SimSettings: SimSettings{Model: "frog"}})
			return err
		}, "Model"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("%s: %v, want a *FieldError for %s", tt.name, err, tt.field)
			}
		})
	}
}

// TestBenchOverBudget: benchmarks estimated above MaxMemory are refused
// with a *budget.Error before any work.
func TestBenchOverBudget(t *testing.T) {
	ctx := context.Background()
	for name, run := range map[string]func() error{
		"gemm": func() error { _, err := BenchGEMM(ctx, BenchGEMMSettings{Size: 20000, MaxMemory: 1 << 30}); return err },
		"train hidden": func() error {
			_, err := BenchTrain(ctx, BenchTrainSettings{Hidden: []int{1 << 20, 1 << 10}, MaxMemory: 1 << 30})
			return err
		},
		"sim": func() error {
			_, err := BenchSim(ctx, BenchSimSettings{SimSettings: SimSettings{Model: "coba", N: 100_000_000, MaxMemory: 1 << 30}})
			return err
		},
	} {
		if err := run(); !errors.Is(err, budget.ErrOverBudget) {
			t.Errorf("%s: %v, want a *budget.Error", name, err)
		}
	}
}
