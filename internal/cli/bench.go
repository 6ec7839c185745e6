package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
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
	cmd.AddCommand(newBenchGemmCmd(),
		newBenchTrainCmd("mlp", "MLP training epoch on MNIST (SGD 0.1, batch 64) and inference latency"),
		newBenchTrainCmd("lenet5", "LeNet-5 training epoch on MNIST (SGD 0.05, momentum 0.9, batch 64)"),
		newBenchTrainCmd("lstm", "LSTM-128 over MNIST rows: training step and epoch (Adam 1e-3, batch 64)"),
		newBenchTrainCmd("rnn", "tanh RNN-128 over MNIST rows: training step and epoch (Adam 1e-3, batch 64)"),
		newBenchSimCmd("coba", "Brette et al. (2007) COBA network, 1 s: synaptic events per second",
			"  neurite bench coba --threads 1 --json\n  neurite bench coba --n 64000 --runs 1", true),
		newBenchSimCmd("cuba", "Brette et al. (2007) CUBA network, 1 s: synaptic events per second",
			"  neurite bench cuba --threads 1 --json", true),
		newBenchSimCmd("brunel", "Brunel (2000) network (12,500 neurons, 15.6 M synapses), 1 s",
			"  neurite bench brunel --panel A --threads 2 --json", false))
	return cmd
}

const benchNames = "gemm, mlp, lenet5, lstm, rnn, coba, cuba, brunel"

func newBenchGemmCmd() *cobra.Command {
	var o computeFlags
	var s experiment.BenchGEMMSettings
	cmd := &cobra.Command{
		Use:   "gemm",
		Short: "Single-precision matrix multiplication, C = A·B, in GFLOP/s",
		Example: `  neurite bench gemm --size 1024 --threads 1 --json
  neurite bench gemm --m 64 --n 128 --k 784    # an MLP layer at batch 64`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			if err := explicitZero(cmd, "size", "runs"); err != nil {
				return err
			}
			s.Seed, s.Threads, s.Log = o.seed, o.threads, cmd.ErrOrStderr()
			s.MaxMemory = o.maxMemory
			rep, err := experiment.BenchGEMM(cmd.Context(), s)
			if err != nil {
				return flagError(err)
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printBenchGEMM(cmd.OutOrStdout(), rep)
		},
	}
	o.register(cmd)
	f, d := cmd.Flags(), s.WithDefaults()
	f.IntVar(&s.Size, "size", d.Size, "M = N = K unless --m, --n or --k say otherwise")
	f.IntVar(&s.M, "m", 0, "rows of A and C (default --size)")
	f.IntVar(&s.N, "n", 0, "columns of B and C (default --size)")
	f.IntVar(&s.K, "k", 0, "columns of A, rows of B (default --size)")
	f.IntVar(&s.Runs, "runs", d.Runs, "timed runs; the median is reported")
	f.BoolVar(&s.TransA, "trans-a", false, "use Aᵀ (A stored K×M)")
	f.BoolVar(&s.TransB, "trans-b", false, "use Bᵀ (B stored N×K)")
	return cmd
}

func printBenchGEMM(w io.Writer, rep *experiment.BenchGEMMReport) error {
	_, err := fmt.Fprintf(w, "%-8s %-16s %-8s %-12s %s\n%-8s %-16s %-8d %-12.6f %.1f\n",
		"op", "m×n×k", "threads", "median s", "GFLOP/s",
		rep.Op, fmt.Sprintf("%d×%d×%d", rep.M, rep.N, rep.K), rep.Threads, rep.MedianSeconds, rep.GFLOPS)
	return err
}
