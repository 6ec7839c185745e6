package cli

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/modelio"
)

// exportReport is what "neurite export --json" prints (CONTRACT.md keys).
type exportReport struct {
	Format string `json:"format"`
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	Model  string `json:"model"`
	Opset  int    `json:"opset"`
}

func newExportCmd() *cobra.Command {
	var o struct {
		model, format, out string
		json               bool
	}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export a saved model to ONNX for other runtimes",
		Long: `export writes a model or checkpoint as an ONNX model (opset 13) that
onnxruntime and other runtimes run: input "input" [batch, features] taking the
same raw features as neurite eval and predict (the saved normalisation is part
of the graph), output "output" [batch, classes], the network's logits (or
probabilities if it ends in softmax). Dense, convolution, pooling, batch
normalisation, activations, softmax, RNN and LSTM layers are supported;
dropout is dropped, as at inference.`,
		Example: "  neurite export --model lenet5.ckpt --format onnx --out lenet5.onnx",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.model == "":
				return usagef("export needs --model FILE")
			case o.out == "":
				return usagef("export needs --out FILE")
			case o.format != "onnx":
				return usagef("--format %q: only onnx is supported", o.format)
			}
			net, meta, err := modelio.Load(o.model)
			if err != nil {
				return err
			}
			if err := modelio.WriteONNX(o.out, net, meta, "neurite "+Version); err != nil {
				return err
			}
			st, err := os.Stat(o.out)
			if err != nil {
				return err
			}
			rep := exportReport{Format: o.format, Path: o.out, Bytes: st.Size(), Model: meta.Model, Opset: modelio.ONNXOpset}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			cmd.Printf("wrote %s (%s, opset %d, %d bytes)\n", rep.Path, rep.Format, rep.Opset, rep.Bytes)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "", "model or checkpoint file to export")
	f.StringVar(&o.format, "format", "onnx", "output format: onnx")
	f.StringVar(&o.out, "out", "", "file to write")
	f.BoolVar(&o.json, "json", false, "print one JSON object on stdout instead of a line")
	return cmd
}
