package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

func newEvalCmd() *cobra.Command {
	var o computeFlags
	var s experiment.EvalSettings
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Evaluate a saved model on a test set: accuracy and loss",
		Long: `eval scores a model file on a dataset's test set: MNIST's 10,000 test images, the
four rows of a truth table, or for a CSV file the same 20% that train held out
(with the same --seed). The model's saved normalisation is applied first. An
STDP network reports its spikes and synaptic events per image instead of a loss.`,
		Example: "  neurite eval --model model.ckpt --data mnist --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.Model == "" {
				return usagef("eval needs --model FILE")
			}
			s.Seed, s.Threads, s.Log = o.seed, o.threads, cmd.ErrOrStderr()
			if err := o.check(); err != nil {
				return err
			}
			rep, err := experiment.Evaluate(cmd.Context(), s)
			if err != nil {
				return flagErrorIn(err, cmd.Flags())
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			if rep.SpikesPerSample != nil {
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%-10s %12s %10s\n%-10.4f %12.1f %10d\n", "accuracy", "spikes/image", "samples", rep.Accuracy, *rep.SpikesPerSample, rep.Samples)
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%-10s %10s %10s\n%-10.4f %10.4f %10d\n", "accuracy", "loss", "samples", rep.Accuracy, rep.Loss, rep.Samples)
			return err
		},
	}
	o.register(cmd)
	cmd.Flags().StringVar(&s.Model, "model", "", "model file written by neurite train --out")
	cmd.Flags().StringVar(&s.Data, "data", "mnist", "mnist, xor, and, or, or a CSV file")
	cmd.Flags().StringVar(&s.DataDir, "data-dir", "", "directory holding the MNIST files")
	return cmd
}

func newPredictCmd() *cobra.Command {
	var o computeFlags
	var s experiment.PredictSettings
	cmd := &cobra.Command{
		Use:   "predict",
		Short: "Classify inputs with a saved model: an image (PNG/PGM) or CSV rows",
		Long: `predict reads one grayscale image (PNG or PGM, sized as the model's input, white
digit on black as in MNIST) or a CSV file of feature rows (no label column), and
prints each input's class, its label (the name the training CSV gave it, such as
"cat" or "-1"; the class number for MNIST) and the class probabilities.`,
		Example: "  neurite predict --model model.ckpt --input digit.png\n  neurite predict --model iris.ckpt --input rows.csv --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.Model == "" || s.Input == "" {
				return usagef("predict needs --model FILE and --input FILE")
			}
			s.Threads = o.threads
			if err := o.check(); err != nil {
				return err
			}
			rep, err := experiment.Predict(cmd.Context(), s)
			if err != nil {
				return flagErrorIn(err, cmd.Flags())
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			for i, p := range rep.Predictions {
				fmt.Fprintf(cmd.OutOrStdout(), "input %d: %s (class %d, p = %.3f)\n", i, p.Label, p.Class, p.Probabilities[p.Class])
			}
			return nil
		},
	}
	o.register(cmd)
	cmd.Flags().StringVar(&s.Model, "model", "", "model file written by neurite train --out")
	cmd.Flags().StringVar(&s.Input, "input", "", "a PNG or PGM image, or a CSV file of rows")
	return cmd
}
