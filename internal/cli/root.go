package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/internal/budget"
)

// Version is neurite's release version.
const Version = "0.1.0-dev"

// usageError marks a mistake in how the command was called (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Main runs the neurite command with args (without the program name),
// writing results to stdout and diagnostics to stderr, and returns the exit
// status.
func Main(args []string, stdout, stderr io.Writer) int {
	// Ctrl-C or SIGTERM cancels the context: long simulations and training
	// runs stop between steps or batches, write their checkpoints and
	// report it. Whatever has not returned a second later (or at a second
	// signal) is stopped, unless it is still writing a checkpoint it
	// holds the exit for (see exitHolds): files are written atomically,
	// so nothing is left half written.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	holds := newExitHolds()
	ctx = withExitHolds(ctx, holds)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-signals:
		case <-done:
			return
		}
		cancel()
		if !holds.wait(signals, done, time.Second) {
			return
		}
		fmt.Fprintln(stderr, "neurite: interrupted")
		os.Exit(1)
	}()
	code := execute(ctx, args, stdout, stderr)
	endMPI(code)
	return code
}

// execute runs the command args under ctx and returns the exit status.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	if mpiHold(ctx, err) {
		return 1 // another rank reports the failure
	}
	if errors.Is(err, context.Canceled) {
		err = errors.New("interrupted")
	}
	if errors.Is(err, budget.ErrOverBudget) {
		// The library's message names the request, the estimate and the
		// limit; only the command line knows how to raise it.
		fmt.Fprintf(stderr, "neurite: %v (raise the limit with --max-memory)\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "neurite: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		path := "neurite"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", path)
		return 2
	}
	return 1
}

// isCobraUsage recognises the usage errors cobra raises itself, which it
// returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") ||
		strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") ||
		strings.HasPrefix(msg, "invalid argument") ||
		strings.Contains(msg, "arg(s), received")
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "neurite",
		Short: "Build, train, simulate and compare artificial and biological neural networks",
		Long: `neurite builds, trains, simulates and compares the two kinds of neural network:
artificial ones trained by backpropagation, and biological, spiking ones.

Results go to stdout (a table, or one JSON object with --json); progress
and diagnostics go to stderr.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// A root command with subcommands treats unknown words as errors.
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newVersionCmd(), newBenchCmd(), newSimCmd(), newTrainCmd(), newEvalCmd(), newPredictCmd(), newInspectCmd(), newExportCmd(), newGraphCmd(), newConvertCmd(), newAttackCmd(), newCompareCmd(), newServeCmd())
	return root
}

// computeFlags are the flags every command that computes takes.
type computeFlags struct {
	threads int
	seed    uint64
	json    bool
	// maxMemory is --max-memory in bytes (0: the library's default, half
	// of the machine's memory).
	maxMemory     int64
	maxMemoryFlag string
}

func (f *computeFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&f.threads, "threads", runtime.NumCPU(), "worker threads (results are identical for any value)")
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, "random seed: the same seed gives the same bits")
	cmd.Flags().BoolVar(&f.json, "json", false, "print one JSON object on stdout instead of a table")
	cmd.Flags().StringVar(&f.maxMemoryFlag, "max-memory", "", "refuse requests estimated to need more memory than this, e.g. 4GiB (default: half of this machine's memory)")
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		if f.threads < 1 {
			return usagef("--threads %d: must be at least 1", f.threads)
		}
		if f.maxMemoryFlag != "" {
			n, err := budget.Parse(f.maxMemoryFlag)
			if err != nil {
				return usagef("--max-memory %s: want a size such as 4GiB, 512MiB or 1.5G", f.maxMemoryFlag)
			}
			f.maxMemory = n
		}
		// More workers than cores only wait for each other (the results
		// are the same bits either way).
		if cores := runtime.NumCPU(); f.threads > cores {
			fmt.Fprintf(cmd.ErrOrStderr(), "neurite: --threads %d is more than this machine's %d cores; using %d\n", f.threads, cores, cores)
			f.threads = cores
		}
		return nil
	}
}

// apply validates the flags and sets the process's parallelism; it returns
// a function restoring the previous setting.
func (f *computeFlags) apply() (restore func(), err error) {
	if f.threads < 1 {
		return nil, usagef("--threads %d: must be at least 1", f.threads)
	}
	prev := runtime.GOMAXPROCS(f.threads)
	return func() { runtime.GOMAXPROCS(prev) }, nil
}

// check validates the flags the library jobs take as they are.
func (f *computeFlags) check() error {
	if f.threads < 1 {
		return usagef("--threads %d: must be at least 1", f.threads)
	}
	return nil
}

// writeJSON prints v as one JSON object followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// flagError turns a library's *experiment.FieldError into a usage error
// that names the flag (Go field MaxBatches → --max-batches); other errors
// pass through.
func flagError(err error) error { return flagErrorIn(err, nil) }

// flagErrorIn is flagError quoting the value as the user typed it when
// flags holds the flag.
func flagErrorIn(err error, flags *pflag.FlagSet) error {
	var fe *experiment.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	name := flagName(fe.Field)
	reason := fe.Reason(func(f string) string { return "--" + flagName(f) })
	v := fe.Value
	if flags != nil {
		f := flags.Lookup(name)
		if f == nil {
			// An argument, not a flag (sim's MODEL).
			return usagef("%s %q: %s", name, fmt.Sprint(v), reason)
		}
		if f.Changed {
			v = f.Value.String()
		}
	}
	if ints, ok := v.([]int); ok {
		v = joinInts(ints)
	}
	if v == nil {
		return usagef("--%s: %s", name, reason)
	}
	return usagef("--%s %v: %s", name, v, reason)
}

// flagName returns the dash-case flag of a Go field name: LR → lr,
// MaxBatches → max-batches, TrainSamples → train-samples.
func flagName(field string) string {
	var b strings.Builder
	runes := []rune(field)
	for i, r := range runes {
		upper := unicode.IsUpper(r)
		if upper && i > 0 && (unicode.IsLower(runes[i-1]) || i+1 < len(runes) && unicode.IsLower(runes[i+1])) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// explicitZero returns a usage error when one of the named flags was given
// as 0. These flags show their defaults on the command line, so a 0 there
// is a mistake, not the library's "use the default".
func explicitZero(cmd *cobra.Command, names ...string) error {
	for _, name := range names {
		f := cmd.Flags().Lookup(name)
		if f == nil || !f.Changed || (f.Value.String() != "0" && f.Value.String() != "0s") {
			continue
		}
		if f.Value.Type() == "int" {
			return usagef("--%s 0: must be at least 1", name)
		}
		return usagef("--%s 0: must be positive", name)
	}
	return nil
}
