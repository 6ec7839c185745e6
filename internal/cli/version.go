package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/tensor"
)

type versionReport struct {
	Neurite string `json:"neurite"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	CPUs    int    `json:"cpus"`
	Kernel  string `json:"gemm_kernel"`
}

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print neurite's version, the Go toolchain and the GEMM kernel in use",
		Example: "  neurite version\n  neurite version --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := versionReport{
				Neurite: Version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
				CPUs: runtime.NumCPU(), Kernel: tensor.KernelName(),
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), r)
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "neurite %s (%s, %s/%s, %d CPUs, GEMM kernel %s)\n",
				r.Neurite, r.Go, r.OS, r.Arch, r.CPUs, r.Kernel)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
