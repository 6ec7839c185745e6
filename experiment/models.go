package experiment

import (
	"fmt"
	"math"
	"slices"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
)

// TrainModels lists the presets [Train] accepts besides spec files.
var TrainModels = []string{"perceptron", "mlp", "lenet5", "lstm", "rnn", "snn", "stdp"}

// TrainDefaults returns the settings a model trains with when nothing else
// is asked: the defaults of every field, where the model's differ from the
// others written beside it (a spec file path gets the mlp's). These are the
// only place defaults are written; the CLI's help prints them.
func TrainDefaults(model string) (TrainSettings, error) {
	if model == "" {
		model = "mlp"
	}
	if !slices.Contains(TrainModels, model) && !isSpecPath(model) {
		return TrainSettings{}, fieldErr("Model", model, "want one of %v or a model spec file", TrainModels)
	}
	d := TrainSettings{
		Model: model, Data: "mnist", Normalize: "standard",
		Hidden: []int{128}, Activation: "relu", Steps: 25, Coding: "rate", Readout: "leaky", Neurons: 400,
		Optimizer: "sgd", LR: 0.1, Schedule: "constant", Epochs: 5, Batch: 64,
	}
	switch model {
	case "perceptron":
		// Rosenblatt's η = 1 (the scale of the weights does not change
		// the decisions from zero weights); training stops at the first
		// pass without a mistake.
		d.LR, d.Epochs = 1, 20
	case "lstm", "rnn":
		// Adam at 1e-3, as PyTorch's row-by-row MNIST examples.
		d.Optimizer, d.LR = "adam", 1e-3
	case "snn":
		// The surrogate-gradient recipe that reaches 97.5% in 3 epochs:
		// a leaky read-out, Adam at 2e-3 on a cosine schedule, raw pixels.
		d.Optimizer, d.LR, d.Schedule, d.Epochs, d.Normalize = "adam", 2e-3, "cosine", 3, "none"
	case "stdp":
		// One unsupervised pass, as Diehl & Cook's 100- and 400-neuron
		// figures; Poisson rates read raw pixels.
		d.Epochs, d.Normalize = 1, "none"
	}
	return d, nil
}

// withDefaults fills s's zero fields from its model's defaults.
func (s TrainSettings) withDefaults() (TrainSettings, error) {
	s.modelGiven = s.Model != ""
	if s.Spec != nil && s.Model == "" {
		s.Model = "custom"
	}
	model := s.Model
	if s.Spec != nil {
		model = "mlp"
	}
	d, err := TrainDefaults(model)
	if err != nil {
		return s, err
	}
	if s.Init != "" && !s.modelGiven {
		d, _ = TrainDefaults("mlp") // the file names the model
	}
	s.fillFrom(d)
	switch s.Adversarial {
	case "pgd":
		orInt(&s.AdversarialSteps, 7)
	case "fgsm":
		orInt(&s.AdversarialSteps, 1)
	}
	return s, nil
}

// fillFrom sets s's zero fields that every model's defaults have to d's.
func (s *TrainSettings) fillFrom(d TrainSettings) {
	orString(&s.Model, d.Model)
	orString(&s.Data, d.Data)
	orString(&s.Normalize, d.Normalize)
	orString(&s.Activation, d.Activation)
	orString(&s.Coding, d.Coding)
	orString(&s.Readout, d.Readout)
	orString(&s.Optimizer, d.Optimizer)
	orString(&s.Schedule, d.Schedule)
	if s.Hidden == nil {
		s.Hidden = d.Hidden
	}
	orInt(&s.Steps, d.Steps)
	orInt(&s.Neurons, d.Neurons)
	orInt(&s.Epochs, d.Epochs)
	orInt(&s.Batch, d.Batch)
	if s.LR == 0 {
		s.LR = d.LR
	}
}

func orString(v *string, def string) {
	if *v == "" {
		*v = def
	}
}

func orInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

// validate checks settings whose defaults have been filled in.
func (s TrainSettings) validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !slices.Contains(TrainModels, s.Model) && !isSpecPath(s.Model) && s.Spec == nil && s.Init == "":
		return fieldErr("Model", s.Model, "want one of %v or a model spec file", TrainModels)
	case s.Epochs < 1:
		return fieldErr("Epochs", s.Epochs, "must be at least 1")
	case s.Batch < 1:
		return fieldErr("Batch", s.Batch, "must be at least 1")
	case s.MaxBatches < 0:
		return fieldErr("MaxBatches", s.MaxBatches, "must not be negative")
	case !(s.ValSplit >= 0 && s.ValSplit < 1):
		return fieldErr("ValSplit", s.ValSplit, "want a fraction in [0, 1)")
	case s.Patience > 0 && s.ValSplit == 0:
		return fieldNeeds("Patience", s.Patience, "needs %s (a validation split)", "ValSplit")
	case s.Patience < 0:
		return fieldErr("Patience", s.Patience, "must not be negative")
	case s.Warmup < 0:
		return fieldErr("Warmup", s.Warmup, "must not be negative")
	case s.Clip < 0 || !finite(s.Clip):
		return fieldErr("Clip", s.Clip, "must be a non-negative number")
	case s.Freeze < 0:
		return fieldErr("Freeze", s.Freeze, "must not be negative")
	case s.CheckpointEvery < 0:
		return fieldErr("CheckpointEvery", s.CheckpointEvery, "must not be negative")
	case s.Readout != "spikes" && s.Readout != "leaky":
		return fieldErr("Readout", s.Readout, "want spikes or leaky")
	case s.Coding != "rate" && s.Coding != "latency" && s.Coding != "direct":
		return fieldErr("Coding", s.Coding, "want rate, latency or direct")
	case !slices.Contains([]string{"sgd", "adam", "adamw"}, s.Optimizer):
		return fieldErr("Optimizer", s.Optimizer, "want sgd, adam or adamw")
	case !slices.Contains([]string{"constant", "step", "exponential", "cosine"}, s.Schedule):
		return fieldErr("Schedule", s.Schedule, "want constant, step, exponential or cosine")
	case s.Normalize != "standard" && s.Normalize != "none":
		return fieldErr("Normalize", s.Normalize, "want standard or none")
	case s.TrainSamples < 0:
		return fieldErr("TrainSamples", s.TrainSamples, "must not be negative")
	case s.TestSamples < 0:
		return fieldErr("TestSamples", s.TestSamples, "must not be negative")
	case s.Freeze > 0 && s.Init == "" && s.Resume == "":
		return fieldNeeds("Freeze", s.Freeze, "needs %s (the pretrained weights to keep)", "Init")
	case s.Steps < 1:
		return fieldErr("Steps", s.Steps, "must be at least 1")
	case s.Neurons < 1:
		return fieldErr("Neurons", s.Neurons, "must be at least 1")
	case !(s.Dropout >= 0 && s.Dropout < 1):
		return fieldErr("Dropout", s.Dropout, "want a probability in [0, 1)")
	case s.Adversarial != "" && s.Adversarial != "pgd" && s.Adversarial != "fgsm":
		return fieldErr("Adversarial", s.Adversarial, "want pgd or fgsm")
	case s.Adversarial != "" && !(s.Eps > 0 && s.Eps <= 1):
		return fieldNeeds("Eps", s.Eps, "%s training needs a perturbation size in (0, 1] (pixel units)", "Adversarial")
	case s.Adversarial == "" && s.Eps != 0:
		return fieldNeeds("Eps", s.Eps, "needs %s (pgd or fgsm)", "Adversarial")
	case s.Adversarial == "" && s.AdversarialSteps != 0:
		return fieldNeeds("AdversarialSteps", s.AdversarialSteps, "needs %s (pgd or fgsm)", "Adversarial")
	case s.Adversarial == "fgsm" && s.AdversarialSteps != 1:
		return fieldErr("AdversarialSteps", s.AdversarialSteps, "fgsm takes one step; use pgd for more")
	case s.Adversarial == "" && s.EpsWarmup != 0:
		return fieldNeeds("EpsWarmup", s.EpsWarmup, "needs %s (pgd or fgsm)", "Adversarial")
	case s.EpsWarmup < 0:
		return fieldErr("EpsWarmup", s.EpsWarmup, "must not be negative")
	case s.AdversarialSteps < 0 || s.AdversarialSteps > 1000:
		return fieldErr("AdversarialSteps", s.AdversarialSteps, "want 1 to 1000")
	case s.Adversarial != "" && (s.Model == "perceptron" || s.Model == "stdp"):
		return fieldNeeds("Adversarial", s.Adversarial, "trains by backpropagation; the %s learns by its own rule", "Model")
	case !(s.LR > 0) || !finite(s.LR):
		return fieldErr("LR", s.LR, "must be a positive number")
	case s.Momentum < 0 || !finite(s.Momentum):
		return fieldErr("Momentum", s.Momentum, "must be a non-negative number")
	case s.WeightDecay < 0 || !finite(s.WeightDecay):
		return fieldErr("WeightDecay", s.WeightDecay, "must be a non-negative number")
	}
	if s.TrainSet == nil {
		if err := checkData("Data", s.Data); err != nil {
			return err
		}
	}
	if !slices.Contains([]string{"relu", "sigmoid", "tanh", "leaky-relu", "step", "identity"}, s.Activation) {
		return fieldErr("Activation", s.Activation, "want relu, sigmoid, tanh, leaky-relu, step or identity")
	}
	for _, h := range s.Hidden {
		if h < 1 {
			return fieldErr("Hidden", s.Hidden, "want positive sizes")
		}
	}
	if s.Model == "snn" && s.Normalize == "standard" && s.Coding != "direct" {
		return fieldErr("Normalize", s.Normalize, "the snn's %s coding reads raw intensities in [0, 1]: use none", s.Coding)
	}
	if s.Model == "stdp" {
		switch {
		case s.Normalize == "standard":
			return fieldErr("Normalize", s.Normalize, "the stdp network's Poisson input reads raw intensities in [0, 1]: use none")
		case s.Init != "":
			return fieldNeeds("Init", s.Init, "an stdp network cannot be fine-tuned yet; %s continues an stdp run from its checkpoint", "Resume")
		}
	}
	return nil
}

// architecture returns the network s.Model names, sized for d: a preset,
// a spec file's, or s.Spec.
func (s TrainSettings) architecture(d *data.Dataset) (ann.Spec, error) {
	classes := max(d.Classes, 2)
	var spec ann.Spec
	switch {
	case s.Spec != nil || isSpecPath(s.Model):
		if s.Spec != nil {
			spec = *s.Spec
		} else {
			var err error
			if spec, err = loadSpec(s.Model); err != nil {
				return spec, err
			}
		}
		if spec.Inputs != d.Features() || spec.Outputs() < d.Classes {
			return spec, fmt.Errorf("%s: the spec takes %d inputs and gives %d outputs; %s has %d features and %d classes",
				s.Model, spec.Inputs, spec.Outputs(), s.Data, d.Features(), d.Classes)
		}
		return spec, nil
	case s.Model == "lenet5":
		spec = ann.LeNet5()
	case s.Model == "lstm" || s.Model == "rnn":
		spec = ann.RowSequence(s.Model == "lstm", s.Hidden[0])
	case s.Model == "snn" && s.Readout == "leaky":
		spec = ann.SpikingMLPLeaky(d.Features(), s.Hidden, classes, s.Steps, ann.Coding(s.Coding))
	case s.Model == "snn":
		spec = ann.SpikingMLP(d.Features(), s.Hidden, classes, s.Steps, ann.Coding(s.Coding))
	default:
		spec = ann.MLP(d.Features(), s.Hidden, ann.Function(s.Activation), classes, s.Dropout)
	}
	if spec.Inputs != d.Features() {
		return spec, fmt.Errorf("model %s reads 28×28 images; %s has %d features", s.Model, s.Data, d.Features())
	}
	return spec, nil
}
