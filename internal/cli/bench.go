package cli

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/tensor"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure neurite's throughput on standard workloads",
		Long: `bench runs a workload several times and reports the median, so that
neurite's speed can be compared with its peers on the same machine.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown benchmark %q (have: %s)", args[0], benchNames)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("bench needs a benchmark name (have: %s)", benchNames)
		},
	}
	cmd.AddCommand(newBenchGemmCmd(), newBenchTrainCmd("mlp"), newBenchTrainCmd("lenet5"), newBenchTrainCmd("lstm"), newBenchTrainCmd("rnn"),
		newBenchSimCmd("coba", "Brette et al. (2007) COBA network, 1 s: synaptic events per second",
			"  neurite bench coba --threads 1 --json\n  neurite bench coba --n 64000 --runs 1", 5),
		newBenchSimCmd("cuba", "Brette et al. (2007) CUBA network, 1 s: synaptic events per second",
			"  neurite bench cuba --threads 1 --json", 5),
		newBenchSimCmd("brunel", "Brunel (2000) network (12,500 neurons, 15.6 M synapses), 1 s",
			"  neurite bench brunel --panel A --threads 2 --json", 1))
	return cmd
}

const benchNames = "gemm, mlp, lenet5, lstm, rnn, coba, cuba, brunel"

// benchGemmOptions are the flags of "neurite bench gemm".
type benchGemmOptions struct {
	computeFlags
	size, m, n, k int
	runs          int
	transA        bool
	transB        bool
}

// benchGemmReport is the JSON object "neurite bench gemm --json" prints; its
// keys are fixed by CONTRACT.md.
type benchGemmReport struct {
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

func newBenchGemmCmd() *cobra.Command {
	var o benchGemmOptions
	cmd := &cobra.Command{
		Use:   "gemm",
		Short: "Single-precision matrix multiplication, C = A·B, in GFLOP/s",
		Example: `  neurite bench gemm --size 1024 --threads 1 --json
  neurite bench gemm --m 64 --n 128 --k 784    # an MLP layer at batch 64`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchGemm(o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.IntVar(&o.size, "size", 1024, "M = N = K unless --m, --n or --k say otherwise")
	f.IntVar(&o.m, "m", 0, "rows of A and C (default --size)")
	f.IntVar(&o.n, "n", 0, "columns of B and C (default --size)")
	f.IntVar(&o.k, "k", 0, "columns of A, rows of B (default --size)")
	f.IntVar(&o.runs, "runs", 10, "timed runs; the median is reported")
	f.BoolVar(&o.transA, "trans-a", false, "use Aᵀ (A stored K×M)")
	f.BoolVar(&o.transB, "trans-b", false, "use Bᵀ (B stored N×K)")
	return cmd
}

func runBenchGemm(o benchGemmOptions, stdout, stderr io.Writer) error {
	m, n, k := cmp0(o.m, o.size), cmp0(o.n, o.size), cmp0(o.k, o.size)
	if m < 1 || n < 1 || k < 1 {
		return usagef("matrix sizes m=%d n=%d k=%d: each must be at least 1", m, n, k)
	}
	if o.runs < 1 {
		return usagef("--runs %d: must be at least 1", o.runs)
	}
	if float64(m)*float64(k)+float64(k)*float64(n)+float64(m)*float64(n) > 1<<31 {
		return usagef("matrices of m=%d n=%d k=%d need more than 8 GiB", m, n, k)
	}
	restore, err := o.apply()
	if err != nil {
		return err
	}
	defer restore()

	r := rand.New(rand.NewPCG(o.seed, 0))
	a, b, c := randomMatrix(r, m*k), randomMatrix(r, k*n), make([]float32, m*n)
	lda, ldb := k, n
	if o.transA {
		lda = m
	}
	if o.transB {
		ldb = k
	}
	tA, tB := tensor.Transpose(o.transA), tensor.Transpose(o.transB)
	gemm := func() { tensor.Gemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, n) }

	fmt.Fprintf(stderr, "bench gemm: %d×%d×%d, %d threads, %d runs\n", m, n, k, o.threads, o.runs)
	times := timeRuns(gemm, o.runs)
	median := medianOf(times)
	rep := benchGemmReport{
		Bench: "gemm", Op: "sgemm", M: m, N: n, K: k, TransA: o.transA, TransB: o.transB,
		Threads: o.threads, Seed: o.seed, Runs: o.runs,
		MedianSeconds: median, MinSeconds: slices.Min(times),
		GFLOPS: 2 * float64(m) * float64(n) * float64(k) / median / 1e9,
		Kernel: tensor.KernelName(),
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	_, err = fmt.Fprintf(stdout, "%-8s %-16s %-8s %-12s %s\n%-8s %-16s %-8d %-12.6f %.1f\n",
		"op", "m×n×k", "threads", "median s", "GFLOP/s",
		rep.Op, fmt.Sprintf("%d×%d×%d", m, n, k), rep.Threads, rep.MedianSeconds, rep.GFLOPS)
	return err
}

// cmp0 returns v, or def when v is zero (an unset flag).
func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func randomMatrix(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// timeRuns calls f once to warm caches and pools, then times runs calls.
func timeRuns(f func(), runs int) []float64 {
	f()
	times := make([]float64, runs)
	for i := range times {
		start := time.Now()
		f()
		times[i] = time.Since(start).Seconds()
	}
	return times
}

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
