package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/modelio"
)

// inspectReport is what "neurite inspect --json" prints (CONTRACT.md keys).
type inspectReport struct {
	Path           string         `json:"path"`
	Format         string         `json:"format"`
	Bytes          int64          `json:"bytes"`
	Model          string         `json:"model"`
	Params         int            `json:"params"`
	Layers         []inspectLayer `json:"layers"`
	Inputs         int            `json:"inputs,omitempty"`
	Classes        int            `json:"classes,omitempty"`
	Dataset        string         `json:"dataset,omitempty"`
	Epoch          int            `json:"epoch"`
	WeightsSHA256  string         `json:"weights_sha256"`
	OptimizerSteps int            `json:"optimizer_steps,omitempty"`
	// Training is the checkpoint's settings and position, verbatim.
	Training json.RawMessage `json:"training,omitempty"`
	// Tensors lists a foreign file's tensors (no neurite architecture) or
	// an STDP network's.
	Tensors []inspectTensor `json:"tensors,omitempty"`
	// Neurons and Images describe an STDP network: excitatory neurons and
	// training presentations.
	Neurons int `json:"neurons,omitempty"`
	Images  int `json:"images,omitempty"`
}

type inspectLayer struct {
	Index  int    `json:"index"`
	Kind   string `json:"kind"`
	Params int    `json:"params"`
	Frozen bool   `json:"frozen,omitempty"`
}

type inspectTensor struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

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
			rep, err := inspectFile(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printInspect(cmd, rep)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object on stdout instead of a table")
	return cmd
}

func inspectFile(path string) (inspectReport, error) {
	st, err := os.Stat(path)
	if err != nil {
		return inspectReport{}, err
	}
	f, err := modelio.ReadFile(path)
	if err != nil {
		return inspectReport{}, err
	}
	rep := inspectReport{Path: path, Format: "safetensors", Bytes: st.Size(), Layers: []inspectLayer{}}
	if modelio.IsSTDP(f) {
		net, meta, err := modelio.STDPFromFile(f, 0)
		if err != nil {
			return inspectReport{}, fmt.Errorf("%s: %w", path, err)
		}
		rep.Model, rep.Params, rep.Inputs, rep.Classes = "stdp", len(net.W)+len(net.Theta), net.In, meta.Classes
		rep.Dataset, rep.Neurons, rep.Images, rep.WeightsSHA256 = meta.Dataset, net.P.Neurons, meta.Images, modelio.TensorsSHA256(f.Tensors)
		for _, t := range f.Tensors {
			rep.Tensors = append(rep.Tensors, inspectTensor{Name: t.Name, Shape: t.Shape})
		}
		return rep, nil
	}
	net, meta, err := modelio.FromFile(f)
	if err != nil {
		if _, ok := f.Metadata["format"]; ok {
			return inspectReport{}, fmt.Errorf("%s: %w", path, err)
		}
		// Not neurite's: list what is there.
		rep.Model = "foreign"
		for _, t := range f.Tensors {
			rep.Params += t.Len()
			rep.Tensors = append(rep.Tensors, inspectTensor{Name: t.Name, Shape: t.Shape})
		}
		rep.WeightsSHA256 = modelio.TensorsSHA256(f.Tensors)
		return rep, nil
	}
	rep.Model, rep.Params, rep.Inputs, rep.Classes = meta.Model, net.NumParams(), meta.Spec.Inputs, meta.Classes
	rep.Dataset, rep.Epoch, rep.WeightsSHA256, rep.Training = meta.Dataset, meta.Epoch, modelio.WeightsSHA256(net), meta.Training
	if meta.Optimizer != nil {
		rep.OptimizerSteps = meta.Optimizer.Steps
	}
	for i, l := range net.Layers {
		n := 0
		for _, p := range l.Params() {
			n += p.Value.Len()
		}
		rep.Layers = append(rep.Layers, inspectLayer{Index: i, Kind: l.Kind(), Params: n})
	}
	return rep, nil
}

func printInspect(cmd *cobra.Command, r inspectReport) error {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "file\t%s (%s, %d bytes)\n", r.Path, r.Format, r.Bytes)
	fmt.Fprintf(w, "model\t%s\n", r.Model)
	fmt.Fprintf(w, "parameters\t%d\n", r.Params)
	switch r.Model {
	case "foreign":
	case "stdp":
		fmt.Fprintf(w, "inputs, neurons, classes\t%d, %d, %d\n", r.Inputs, r.Neurons, r.Classes)
		fmt.Fprintf(w, "trained\t%d presentations of %s, without labels (STDP)\n", r.Images, r.Dataset)
	default:
		fmt.Fprintf(w, "inputs, classes\t%d, %d\n", r.Inputs, r.Classes)
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
