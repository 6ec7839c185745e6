package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

func newExportCmd() *cobra.Command {
	var s experiment.ExportSettings
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export a saved model to ONNX for other runtimes",
		Long: `export writes a model or checkpoint as an ONNX model (opset 13) that
onnxruntime and other runtimes run: input "input" taking the same raw features
as neurite eval and predict (the saved normalisation is part of the graph),
shaped as PyTorch's exports take them: [batch, 1, 28, 28] (NCHW) for a
convolutional network such as lenet5, [batch, steps, features] for lstm and
rnn, [batch, features] otherwise (--json's input_shape, and inspect's, give the
shape after the batch); output "output" [batch, classes], the network's logits (or
probabilities if it ends in softmax). Dense, convolution, pooling, batch
normalisation, activations, softmax, RNN and LSTM layers are supported;
dropout is dropped, as at inference.`,
		Example: "  neurite export --model lenet5.ckpt --format onnx --out lenet5.onnx",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s.ProducerVersion = "neurite " + Version
			rep, err := experiment.Export(cmd.Context(), s)
			if err != nil {
				return flagError(err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s, opset %d, %d bytes)\n", rep.Path, rep.Format, rep.Opset, rep.Bytes)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.Model, "model", "", "model or checkpoint file to export")
	f.StringVar(&s.Format, "format", "onnx", "output format: onnx")
	f.StringVar(&s.Out, "out", "", "file to write")
	f.BoolVar(&asJSON, "json", false, "print one JSON object on stdout instead of a line")
	return cmd
}
