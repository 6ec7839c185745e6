package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

func newInspectCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Describe a model or checkpoint file: architecture, parameters, training state, weights hash",
		Long: `inspect reads a safetensors file written by neurite (a model or a checkpoint)
and prints its architecture layer by layer, the parameter count, the epoch and
optimizer step it was saved at, and weights_sha256, a hash over the weights'
names, shapes and values: two files with equal hashes hold identical weights.
A safetensors file from elsewhere (a PyTorch state_dict) is listed tensor by
tensor.`,
		Example: "  neurite inspect lenet5.ckpt\n  neurite inspect model.ckpt --json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("inspect takes one file, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := experiment.Inspect(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printInspect(cmd.OutOrStdout(), rep)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object on stdout instead of a table")
	return cmd
}

// printInspect writes the table of a file's description: the lines of
// what the file holds (an STDP network has neurons; a network trained by
// neurite, inputs; a foreign file, neither), then its layers or tensors.
func printInspect(out io.Writer, r *experiment.InspectReport) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "file\t%s (%s, %d bytes)\n", r.Path, r.Format, r.Bytes)
	fmt.Fprintf(w, "model\t%s\n", r.Model)
	fmt.Fprintf(w, "parameters\t%d\n", r.Params)
	switch {
	case r.Neurons > 0:
		fmt.Fprintf(w, "inputs, neurons, classes\t%d, %d, %d\n", r.Inputs, r.Neurons, r.Classes)
		fmt.Fprintf(w, "trained\t%d presentations of %s, without labels (STDP)\n", r.Images, r.Dataset)
	case r.Inputs > 0:
		fmt.Fprintf(w, "inputs, classes\t%d, %d\n", r.Inputs, r.Classes)
		if len(r.InputShape) > 1 {
			fmt.Fprintf(w, "input shape\t%s (after the batch)\n", strings.Trim(fmt.Sprint(r.InputShape), "[]"))
		}
		if len(r.ClassNames) > 0 {
			fmt.Fprintf(w, "class names\t%s\n", classList(r.ClassNames))
		}
		fmt.Fprintf(w, "trained\t%d epochs on %s, %d optimizer steps\n", r.Epoch, r.Dataset, r.OptimizerSteps)
	}
	fmt.Fprintf(w, "weights_sha256\t%s\n", r.WeightsSHA256)
	for _, l := range r.Layers {
		fmt.Fprintf(w, "  %d\t%s\t%d params\n", l.Index, l.Kind, l.Params)
	}
	for _, t := range r.Tensors {
		fmt.Fprintf(w, "  %s\t%v\n", t.Name, strings.Trim(fmt.Sprint(t.Shape), "[]"))
	}
	return w.Flush()
}

// classList quotes the first 20 class names, then says how many more.
func classList(names []string) string {
	const most = 20
	q := make([]string, 0, min(len(names), most)+1)
	for _, n := range names[:min(len(names), most)] {
		q = append(q, strconv.Quote(n))
	}
	if len(names) > most {
		q = append(q, fmt.Sprintf("and %d more", len(names)-most))
	}
	return strings.Join(q, ", ")
}
