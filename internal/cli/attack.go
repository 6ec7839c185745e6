package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/experiment"
)

func newAttackCmd() *cobra.Command {
	var o computeFlags
	var s experiment.AttackSettings
	cmd := &cobra.Command{
		Use:   "attack",
		Short: "Craft adversarial examples against a trained model and measure its accuracy under attack",
		Long: `attack perturbs the first --samples test images within --eps (pixel units:
intensities in [0, 1], whatever normalisation the model applies) to make a
trained model misclassify them, and reports its accuracy before and after, the
attack's success rate (of the images it classified correctly, the fraction it
now gets wrong) and the perturbations' mean L∞ and L2 sizes.

--method fgsm   one step along the sign of the loss's gradient (Goodfellow et al. 2015)
--method pgd    --steps steps of --step-size from a random start, each projected
                onto the ε-ball and [0, 1] (Madry et al. 2018); --norm linf or l2
--method spsa   no gradient: estimated from the model's scores along --directions
                random directions per step (Uesato et al. 2018)
Corruptions, to compare: noise (Gaussian, σ = --eps), pixel-dropout (each pixel
black with probability --eps), and for spiking models spike-drop (each input
spike lost with probability --eps) and spike-jitter (each input spike moved by
up to --eps of the presentation).

Networks trained by backpropagation are attacked through their gradient: a
spiking network trained by surrogate gradients through its surrogate. --target
scores the examples on another model (a transfer, black-box attack); --convert
scores them on the spiking network converted from the target (or the model),
crafted on the network it came from. An stdp network cannot be attacked, and a
perceptron with a step output or a latency-coded snn only by spsa: the error
says why. --out DIR writes adversarial.npy, labels.npy and grid.png.`,
		Example: `  neurite attack --model mlp.ckpt --method fgsm --eps 0.1 --samples 1000 --json
  neurite attack --model lenet5.ckpt --method pgd --eps 0.3 --steps 40 --out adv/
  neurite attack --model mlp.ckpt --target lenet5.ckpt --method pgd --eps 0.2
  neurite attack --model mlp.ckpt --convert --timesteps 100 --method pgd --eps 0.1
  neurite attack --model snn.ckpt --method spsa --eps 0.1 --samples 200
  neurite attack --model snn.ckpt --method spike-drop --eps 0.3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.Model == "" {
				return usagef("attack needs --model FILE (a trained model)")
			}
			if err := o.check(); err != nil {
				return err
			}
			if err := explicitZero(cmd, "eps", "samples", "batch", "timesteps", "calib", "percentile", "examples", "directions"); err != nil {
				return err
			}
			s.Seed, s.Threads, s.MaxMemory, s.Log = o.seed, o.threads, o.maxMemory, cmd.ErrOrStderr()
			rep, err := experiment.Attack(cmd.Context(), s)
			if err != nil {
				return flagErrorIn(err, cmd.Flags())
			}
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			return printAttack(cmd.OutOrStdout(), rep)
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&s.Model, "model", "", "trained model the examples are crafted on (model file)")
	f.StringVar(&s.Method, "method", "pgd", "fgsm, pgd or spsa; or a corruption: noise, pixel-dropout, spike-drop, spike-jitter")
	f.Float64Var(&s.Eps, "eps", 0.1, "largest perturbation, in pixel units (intensities in [0, 1])")
	f.StringVar(&s.Norm, "norm", "linf", "the perturbation's norm: linf or l2 (fgsm, pgd)")
	f.IntVar(&s.Steps, "steps", 0, "pgd and spsa iterations (default 40)")
	f.Float64Var(&s.StepSize, "step-size", 0, "pgd's step and spsa's learning rate, in pixel units (default 2.5·eps/steps)")
	f.IntVar(&s.Directions, "directions", 32, "spsa: random directions per step (two queries each)")
	f.StringVar(&s.Target, "target", "", "score the examples on this model file instead (a transfer attack)")
	f.BoolVar(&s.Convert, "convert", false, "score on the spiking network converted from the target (or the model)")
	f.IntVar(&s.Timesteps, "timesteps", 100, "--convert: simulation steps per image")
	f.StringVar(&s.Input, "input", "current", "--convert: input coding, current (analog) or poisson")
	f.Float64Var(&s.Percentile, "percentile", 99.9, "--convert: activation percentile used as each layer's scale")
	f.IntVar(&s.Calib, "calib", 10000, "--convert: training images for the activation statistics")
	f.StringVar(&s.Data, "data", "mnist", "mnist or a CSV file of values in [0, 1]")
	f.StringVar(&s.DataDir, "data-dir", "", "directory holding the MNIST files")
	f.IntVar(&s.Samples, "samples", 1000, "test images to attack (the first N)")
	f.IntVar(&s.Batch, "batch", 256, "images scored per call of a model")
	f.StringVar(&s.Out, "out", "", "folder for adversarial.npy, labels.npy and grid.png")
	f.IntVar(&s.Examples, "examples", 8, "images in grid.png")
	return cmd
}

func printAttack(w io.Writer, r *experiment.AttackReport) error {
	scored := r.Scored
	if r.Target != "" {
		scored = r.Target + ", " + scored
	}
	fmt.Fprintf(w, "%-13s %6s %7s %10s %12s %9s %9s %9s %8s\n", "method", "norm", "eps", "clean acc", "attacked acc", "success", "mean L∞", "mean L2", "samples")
	fmt.Fprintf(w, "%-13s %6s %7g %10.4f %12.4f %9.4f %9.4f %9.4f %8d\n", r.Method, r.Norm, r.Eps, r.CleanAccuracy, r.AdversarialAccuracy,
		r.SuccessRate, r.MeanLinf, r.MeanL2, r.Samples)
	fmt.Fprintf(w, "crafted on %s (gradient: %s), scored on %s\n", r.Model, r.Gradient, scored)
	if r.SourceAdversarialAccuracy != nil {
		fmt.Fprintf(w, "the crafting model itself: %.4f clean, %.4f attacked\n", *r.SourceCleanAccuracy, *r.SourceAdversarialAccuracy)
	}
	if r.QueriesPerSample > 0 {
		fmt.Fprintf(w, "%.0f queries per image\n", r.QueriesPerSample)
	}
	if len(r.Files) > 0 {
		fmt.Fprintf(w, "wrote %s\n", strings.Join(r.Files, ", "))
	}
	return nil
}
