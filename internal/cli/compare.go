package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/compare"
	"github.com/neurite/neurite/internal/atomicfile"
	"github.com/neurite/neurite/report"
	"github.com/neurite/neurite/tensor"
)

func newCompareCmd() *cobra.Command {
	var o struct {
		computeFlags
		profile, only, out, dataDir string
	}
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Measure the seven differences between artificial and biological networks and write a report",
		Long: `compare runs one experiment per difference the article argues — size, topology,
speed, fault_tolerance, power, signals, learning — and one on its closing remark,
adversarial (attacks on both families), training and simulating what each
needs, and writes out/report.html (self-contained, figures inline),
out/results.json (every number in the report) and out/figures/*.svg. The quick
profile (default) takes about half a minute on two cores for the seven
differences and about three minutes more for adversarial, training on MNIST
subsets for a few epochs (the report says which); --profile full uses the
whole data, longer runs and larger networks.
Experiments whose engine is not built yet are reported as gaps, never invented.`,
		Example: `  go run ./cmd/neurite compare
  neurite compare --only topology --json
  neurite compare --only adversarial
  neurite compare --profile full --out results/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			restore, err := o.apply()
			if err != nil {
				return err
			}
			defer restore()
			if o.profile != "quick" && o.profile != "full" {
				return usagef("--profile %q: want quick or full", o.profile)
			}
			if o.only != "" && !slices.Contains(compare.Names, o.only) {
				return usagef("--only %q: want one of %s", o.only, strings.Join(compare.Names, ", "))
			}
			if err := atomicfile.CheckDir(o.out); err != nil {
				return usagef("--out %s: %v", o.out, err)
			}
			stderr := cmd.ErrOrStderr()
			fmt.Fprintf(stderr, "neurite compare (%s profile, seed %d, %d threads): writing to %s/\n", o.profile, o.seed, o.threads, o.out)
			versions := map[string]string{"neurite": Version, "go": runtime.Version()}
			machine := compare.DefaultMachine(cpuName(), tensor.KernelName(), o.threads)
			res, err := compare.Run(cmd.Context(), compare.Options{Profile: o.profile, Only: o.only, Seed: o.seed, DataDir: o.dataDir, Progress: stderr}, versions, machine)
			if err != nil {
				return err
			}
			if err := report.WriteCompare(o.out, res); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "wrote %s, %s and %d figures in %.1f s\n", filepath.Join(o.out, "report.html"), filepath.Join(o.out, "results.json"), countFigures(res), res.WallSeconds)
			if o.json {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			return printCompare(cmd.OutOrStdout(), res)
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.profile, "profile", "quick", "quick (minutes) or full (longer runs, larger networks)")
	f.StringVar(&o.only, "only", "", "run one experiment: "+strings.Join(compare.Names, ", "))
	f.StringVar(&o.out, "out", "out", "directory for report.html, results.json and figures/")
	f.StringVar(&o.dataDir, "data-dir", "", "directory holding the MNIST files (default: the Go module cache)")
	return cmd
}

func countFigures(r *compare.Results) int {
	n := 0
	for _, d := range r.Differences {
		n += len(d.Figures)
	}
	return n
}

// printCompare prints one line per difference with its headline numbers.
func printCompare(w io.Writer, r *compare.Results) error {
	fmt.Fprintf(w, "%-16s %-10s %8s %7s  %s\n", "difference", "status", "figures", "seconds", "in short")
	for _, d := range r.Differences {
		short := d.Meaning
		if d.Status != "measured" {
			short = d.Reason
		}
		if len(short) > 110 {
			short = short[:107] + "..."
		}
		fmt.Fprintf(w, "%-16s %-10s %8d %7.1f  %s\n", d.Name, d.Status, len(d.Figures), d.Seconds, short)
	}
	_, err := fmt.Fprintf(w, "total %.1f s; report in out/report.html\n", r.WallSeconds)
	return err
}

// cpuName reads the processor's model name where the OS says it.
func cpuName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
