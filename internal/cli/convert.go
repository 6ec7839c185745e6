package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

func newConvertCmd() *cobra.Command {
	var o computeFlags
	var s experiment.ConvertSettings
	cmd := &cobra.Command{
		Use:   "convert",
		Short: "Convert a trained ReLU network to a spiking one and score it against simulation time",
		Long: `convert turns a trained ReLU network (a model file from neurite train) into
integrate-and-fire neurons (Diehl et al. 2015; Rueckauer et al. 2017): weights
normalised by the --percentile of each layer's activations on --calib training
images, reset by subtraction, biases as currents, input as constant currents or
Poisson spikes (--input). It runs the test set for --timesteps steps and reports
accuracy at each power of two of the steps, the ANN's own accuracy, and the
synaptic operations and spikes each image costs.`,
		Example: "  neurite convert --model mlp.ckpt --timesteps 100 --data mnist --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.Model == "" {
				return usagef("convert needs --model FILE (a trained ReLU network)")
			}
			if err := o.check(); err != nil {
				return err
			}
			if err := explicitZero(cmd, "timesteps", "calib", "percentile"); err != nil {
				return err
			}
			s.Seed, s.Threads, s.Log = o.seed, o.threads, cmd.ErrOrStderr()
			s.MaxMemory = o.maxMemory
			rep, err := experiment.Convert(cmd.Context(), s)
			if err != nil {
				return flagErrorIn(err, cmd.Flags())
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printConvert(cmd.OutOrStdout(), rep)
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&s.Model, "model", "", "trained ReLU network (model file)")
	f.StringVar(&s.Data, "data", "mnist", "mnist or a CSV file")
	f.StringVar(&s.DataDir, "data-dir", "", "directory holding the MNIST files")
	f.StringVar(&s.Input, "input", "current", "input coding: current (analog) or poisson")
	f.IntVar(&s.Timesteps, "timesteps", 100, "simulation steps per image")
	f.IntVar(&s.Calib, "calib", 10000, "training images for the activation statistics")
	f.IntVar(&s.Samples, "samples", 0, "test images to score (0: all)")
	f.Float64Var(&s.Percentile, "percentile", 99.9, "activation percentile used as each layer's scale, in (0, 100]")
	return cmd
}
func printConvert(w io.Writer, r *experiment.ConvertReport) error {
	fmt.Fprintf(w, "%-10s %10s\n", "timesteps", "accuracy")
	for _, p := range r.AccuracyByTimesteps {
		fmt.Fprintf(w, "%-10.0f %10.4f\n", p[0], p[1])
	}
	_, err := fmt.Fprintf(w, "ANN accuracy %.4f; spiking %.4f at %d steps; %.0f synaptic events and %.0f spikes per image (the ANN: %.0f MACs)\n",
		r.ANNAccuracy, r.TestAccuracy, r.Timesteps, r.SynapticOpsPerSample, r.SpikesPerSample, r.ANNMACsPerSample)
	return err
}
