package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/convert"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/train"
)

// convertReport is what "neurite convert --json" prints (CONTRACT.md keys).
type convertReport struct {
	Model                string       `json:"model"`
	Input                string       `json:"input"`
	TestAccuracy         float64      `json:"test_accuracy"`
	ANNAccuracy          float64      `json:"ann_accuracy"`
	Timesteps            int          `json:"timesteps"`
	AccuracyByTimesteps  [][2]float64 `json:"accuracy_by_timesteps"`
	SynapticOpsPerSample float64      `json:"synaptic_ops_per_sample"`
	InputMACsPerSample   float64      `json:"input_macs_per_sample"`
	SpikesPerSample      float64      `json:"spikes_per_sample"`
	ANNMACsPerSample     float64      `json:"ann_macs_per_sample"`
	MeanDecisionStep     float64      `json:"mean_decision_step"`
	Scales               []float64    `json:"scales"`
	Samples              int          `json:"samples"`
	Seed                 uint64       `json:"seed"`
	Threads              int          `json:"threads"`
	WallSeconds          float64      `json:"wall_seconds"`
}

func newConvertCmd() *cobra.Command {
	var o struct {
		computeFlags
		model, data, dataDir, input string
		timesteps, calib, samples   int
		percentile                  float64
	}
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
			if o.model == "" {
				return usagef("convert needs --model FILE (a trained ReLU network)")
			}
			if o.timesteps < 1 || o.calib < 1 || o.samples < 0 {
				return usagef("--timesteps and --calib must be at least 1, --samples not negative")
			}
			restore, err := o.apply()
			if err != nil {
				return err
			}
			defer restore()
			start := time.Now()
			net, meta, err := modelio.Load(o.model)
			if err != nil {
				return err
			}
			trainSet, test, _, err := data.Open(o.data, o.dataDir, o.seed)
			if err != nil {
				return err
			}
			test = test.Head(o.samples)
			calib := trainSet.Head(o.calib)
			calibNorm := calib.Clone()
			if meta.Normalizer != nil {
				meta.Normalizer.Apply(calibNorm)
			}
			s, err := convert.Convert(net, calibNorm, meta.Normalizer, convert.Options{Percentile: o.percentile, Input: o.input, Seed: o.seed})
			if err != nil {
				return err
			}
			var cps []int
			for t := 1; t < o.timesteps; t *= 2 {
				cps = append(cps, t)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "convert %s: %d test images, %d steps, %s input\n", o.model, test.Len(), o.timesteps, o.input)
			res, err := s.Run(test, o.timesteps, cps)
			if err != nil {
				return err
			}
			normTest := test.Clone()
			if meta.Normalizer != nil {
				meta.Normalizer.Apply(normTest)
			}
			loss, _ := ann.NewLoss(meta.Spec.Loss)
			annAcc, _ := train.Evaluate(net, loss, normTest, 1000)
			rep := convertReport{Model: o.model, Input: o.input, TestAccuracy: res.Accuracy, ANNAccuracy: annAcc, Timesteps: o.timesteps,
				AccuracyByTimesteps: res.AccuracyByTimesteps, SynapticOpsPerSample: res.SynapticOpsPerSample,
				InputMACsPerSample: res.InputMACsPerSample, SpikesPerSample: res.SpikesPerSample, ANNMACsPerSample: float64(net.DenseMACs()),
				MeanDecisionStep: res.MeanDecisionStep, Scales: s.Scales, Samples: test.Len(), Seed: o.seed, Threads: o.threads,
				WallSeconds: time.Since(start).Seconds()}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printConvert(cmd.OutOrStdout(), rep)
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "", "trained ReLU network (model file)")
	f.StringVar(&o.data, "data", "mnist", "mnist or a CSV file")
	f.StringVar(&o.dataDir, "data-dir", "", "directory holding the MNIST files")
	f.StringVar(&o.input, "input", "current", "input coding: current (analog) or poisson")
	f.IntVar(&o.timesteps, "timesteps", 100, "simulation steps per image")
	f.IntVar(&o.calib, "calib", 10000, "training images for the activation statistics")
	f.IntVar(&o.samples, "samples", 0, "test images to score (0: all)")
	f.Float64Var(&o.percentile, "percentile", 99.9, "activation percentile used as each layer's scale")
	return cmd
}

func printConvert(w io.Writer, r convertReport) error {
	fmt.Fprintf(w, "%-10s %10s\n", "timesteps", "accuracy")
	for _, p := range r.AccuracyByTimesteps {
		fmt.Fprintf(w, "%-10.0f %10.4f\n", p[0], p[1])
	}
	_, err := fmt.Fprintf(w, "ANN accuracy %.4f; spiking %.4f at %d steps; %.0f synaptic events and %.0f spikes per image (the ANN: %.0f MACs)\n",
		r.ANNAccuracy, r.TestAccuracy, r.Timesteps, r.SynapticOpsPerSample, r.SpikesPerSample, r.ANNMACsPerSample)
	return err
}
