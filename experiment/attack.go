package experiment

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/attack"
	"github.com/neurite/neurite/convert"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/figure"
	"github.com/neurite/neurite/internal/atomicfile"
	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/tensor"
)

// AttackMethods lists the methods [Attack] accepts: three attacks, and
// four corruptions to compare them with, which no adversary chooses.
var AttackMethods = []string{"fgsm", "pgd", "spsa", "noise", "pixel-dropout", "spike-drop", "spike-jitter"}

// AttackSettings configure [Attack]. Zero fields take the defaults written
// on them.
type AttackSettings struct {
	// Model is the model file the examples are crafted on: any network
	// trained by backpropagation (mlp, lenet5, lstm, rnn, a spec file's),
	// the snn through its surrogate gradient, or a multi-class
	// perceptron. Net, with its input Normalizer (nil: none) and Loss (""
	// : softmax cross-entropy), may be given instead, in memory. For a
	// corruption it is the model scored.
	Model      string
	Net        *ann.Sequential
	Normalizer *data.Normalizer
	Loss       string
	// Target, when set, is the model file the examples are scored on
	// instead of Model: a transfer (black-box) attack, crafted on one
	// network and tried on another. TargetNet and TargetNormalizer give
	// it in memory.
	Target           string
	TargetNet        *ann.Sequential
	TargetNormalizer *data.Normalizer
	// Convert scores the examples on the spiking network converted from
	// the target (from Model when there is no target; a dense ReLU network),
	// as [Convert] builds it: Timesteps steps per image (default 100),
	// Input current (default) or poisson, each layer scaled by the
	// Percentile (default 99.9) of its activations over the first Calib
	// training images (default 10,000). Gradient methods craft on the
	// network it was converted from — the rate approximation the spiking
	// network computes in the limit of many steps (Sharmin et al. 2019's
	// white-box attack on converted networks); spsa queries the spiking
	// network itself.
	Convert    bool
	Timesteps  int
	Input      string
	Percentile float64
	Calib      int

	// Method is fgsm, pgd (default) or spsa, or a corruption: noise
	// (Gaussian pixel noise of deviation Eps), pixel-dropout (each pixel
	// black with probability Eps), spike-drop (each input spike of a
	// spiking network lost with probability Eps) or spike-jitter (each
	// input spike moved by up to Eps of the presentation, in whole steps).
	Method string
	// Eps is the perturbation's bound in pixel units (default 0.1):
	// intensities in [0, 1], whatever normalisation the model applies.
	// Norm is linf (default) or l2 (fgsm and pgd).
	Eps  float64
	Norm string
	// Steps is PGD's and SPSA's number of iterations (default 40), of
	// StepSize each (default 2.5·Eps/Steps); Directions SPSA's random
	// directions per step (default 32, two queries each).
	Steps      int
	StepSize   float64
	Directions int

	// Data is mnist (default) or a CSV file of values in [0, 1]; DataDir
	// the folder of the MNIST files. TrainSet and TestSet, when set, are
	// used instead (raw values; TrainSet only calibrates a conversion).
	Data              string
	DataDir           string
	TrainSet, TestSet *data.Dataset
	// Samples attacks the first N test images (default 1000; all of them
	// when N is larger than the test set).
	Samples int
	// Batch is the rows scored per call of a model (default 256).
	Batch int
	// Out is a folder for adversarial.npy (the examples, float32, shaped
	// as the model's input), labels.npy (their true classes, int64) and
	// grid.png (Examples originals, perturbations and adversarial
	// examples with the predicted classes; default 8); "" writes nothing.
	Out      string
	Examples int

	// Seed draws PGD's random starts, SPSA's directions, the corruptions
	// and any Poisson spikes: the same seed gives the same bits for any
	// Threads.
	Seed    uint64
	Threads int
	// MaxMemory is the memory the job may use, in bytes (0: half of the
	// machine's memory).
	MaxMemory int64
	Reporting
}

// AttackReport is what [Attack] measured; its JSON is `neurite attack
// --json`'s.
type AttackReport struct {
	Method   string  `json:"method"`
	Norm     string  `json:"norm"`
	Eps      float64 `json:"eps"`
	Steps    int     `json:"steps"`
	StepSize float64 `json:"step_size"`
	// Accuracies of the model scored (Scored) on the clean and the
	// perturbed images; SuccessRate is the fraction of the images it
	// classified correctly that the perturbation makes it get wrong.
	CleanAccuracy       float64 `json:"clean_accuracy"`
	AdversarialAccuracy float64 `json:"adversarial_accuracy"`
	SuccessRate         float64 `json:"success_rate"`
	// Mean distances between the images and their perturbed versions, in
	// pixel units, over all Samples images (0 for spike corruptions, which
	// leave the pixels as they are).
	MeanLinf float64 `json:"mean_linf"`
	MeanL2   float64 `json:"mean_l2"`
	Samples  int     `json:"samples"`
	// Model crafted the examples; Scored says what scored them: "ann",
	// "surrogate-gradient snn" or "converted snn (…)"; Target names the
	// model scored when it is not Model. Gradient says what an attack
	// followed.
	Model    string `json:"model"`
	Target   string `json:"target,omitempty"`
	Scored   string `json:"scored"`
	Transfer bool   `json:"transfer"`
	Gradient string `json:"gradient"`
	// When the model scored is not the one the examples were crafted on
	// (a transfer, or a conversion): the crafting model's own accuracies.
	SourceCleanAccuracy       *float64 `json:"source_clean_accuracy,omitempty"`
	SourceAdversarialAccuracy *float64 `json:"source_adversarial_accuracy,omitempty"`
	// QueriesPerSample counts SPSA's model evaluations per image.
	QueriesPerSample float64  `json:"queries_per_sample,omitempty"`
	Files            []string `json:"files,omitempty"`
	Seed             uint64   `json:"seed"`
	Threads          int      `json:"threads"`
	WallSeconds      float64  `json:"wall_seconds"`

	// The images (raw pixels, one per row), their perturbed versions,
	// true labels and the scored model's predictions on both, and the
	// example grid.
	Clean, Adversarial                       *tensor.Tensor `json:"-"`
	Labels, CleanPredictions, AdvPredictions []int          `json:"-"`
	Grid                                     figure.Grid    `json:"-"`
}

func (s AttackSettings) withDefaults() AttackSettings {
	orString(&s.Method, "pgd")
	orString(&s.Norm, "linf")
	orString(&s.Data, "mnist")
	orInt(&s.Samples, 1000)
	orInt(&s.Batch, 256)
	orInt(&s.Examples, 8)
	if s.Eps == 0 {
		s.Eps = 0.1
	}
	if s.Method == "pgd" || s.Method == "spsa" {
		orInt(&s.Steps, 40)
		orInt(&s.Directions, 32)
		if s.StepSize == 0 {
			s.StepSize = 2.5 * s.Eps / float64(s.Steps)
		}
	}
	if s.Method == "fgsm" {
		orInt(&s.Steps, 1)
	}
	c := ConvertSettings{Timesteps: s.Timesteps, Input: s.Input, Percentile: s.Percentile, Calib: s.Calib}.withDefaults()
	s.Timesteps, s.Input, s.Percentile, s.Calib = c.Timesteps, c.Input, c.Percentile, c.Calib
	return s
}

func (s AttackSettings) validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	corruption := !slices.Contains([]string{"fgsm", "pgd", "spsa"}, s.Method)
	switch {
	case s.Model == "" && s.Net == nil:
		return fieldErr("Model", nil, "a trained model is needed (a model file)")
	case !slices.Contains(AttackMethods, s.Method):
		return fieldErr("Method", s.Method, "want one of %s", strings.Join(AttackMethods, ", "))
	case !(s.Eps > 0 && s.Eps <= 1) || !finite(s.Eps):
		return fieldErr("Eps", s.Eps, "want a size in (0, 1], in pixel units")
	case s.Norm != "linf" && s.Norm != "l2":
		return fieldErr("Norm", s.Norm, "want linf or l2")
	case s.Norm == "l2" && s.Method != "fgsm" && s.Method != "pgd":
		return fieldErr("Norm", s.Norm, "the L2 ball is fgsm's and pgd's; %s bounds each pixel", s.Method)
	case s.Method == "fgsm" && s.Steps != 1:
		return fieldErr("Steps", s.Steps, "fgsm takes one step; pgd takes many")
	case corruption && s.Steps != 0:
		return fieldErr("Steps", s.Steps, "a corruption takes no steps")
	case s.Steps < 0 || s.Steps > 100000:
		return fieldErr("Steps", s.Steps, "want 1 to 100000")
	case !(s.StepSize >= 0) || !finite(s.StepSize):
		return fieldErr("StepSize", s.StepSize, "must be a non-negative number")
	case s.Directions < 0 || s.Directions > 4096:
		return fieldErr("Directions", s.Directions, "want 1 to 4096")
	case s.Samples < 1:
		return fieldErr("Samples", s.Samples, "must be at least 1")
	case s.Batch < 1:
		return fieldErr("Batch", s.Batch, "must be at least 1")
	case s.Examples < 1 || s.Examples > 100:
		return fieldErr("Examples", s.Examples, "want 1 to 100 images in the grid")
	case corruption && (s.Target != "" || s.TargetNet != nil):
		return fieldNeeds("Target", s.Target, "a corruption is not crafted on a model: score it on the model itself (%s)", "Model")
	case s.Timesteps < 1:
		return fieldErr("Timesteps", s.Timesteps, "must be at least 1")
	case s.Input != "current" && s.Input != "poisson":
		return fieldErr("Input", s.Input, "want current or poisson")
	case !(s.Percentile > 0 && s.Percentile <= 100):
		return fieldErr("Percentile", s.Percentile, "want a percentile in (0, 100]")
	case s.Calib < 1:
		return fieldErr("Calib", s.Calib, "must be at least 1")
	case s.TrainSet != nil && s.TestSet == nil:
		return fieldNeeds("TrainSet", nil, "needs %s (the images to attack)", "TestSet")
	}
	if s.TestSet == nil {
		if err := checkData("Data", s.Data); err != nil {
			return err
		}
	}
	return checkDir("Out", s.Out)
}

// attackModel is a model file read for an attack: the network, its input
// normalisation and loss, and its name.
type attackModel struct {
	name   string
	net    *ann.Sequential
	norm   *data.Normalizer
	loss   ann.Loss
	inputs int
	shape  []int
	names  []string
	spec   *ann.Spec // nil for a network given in memory
}

// loadAttackModel reads path, or takes net, as a model an attack can use,
// with an error saying why a model cannot be attacked.
func loadAttackModel(path string, net *ann.Sequential, norm *data.Normalizer, lossName string) (*attackModel, error) {
	if net != nil {
		loss, err := ann.NewLoss(lossName)
		if err != nil {
			return nil, err
		}
		// A network in memory takes the data's width (it is the caller's
		// to build for it); its image shape, where it has one.
		inputs := 0
		if len(net.InputShape) > 0 {
			inputs = 1
			for _, d := range net.InputShape {
				inputs *= d
			}
		}
		return &attackModel{name: "the network", net: net, norm: norm, loss: loss, inputs: inputs, shape: net.InputShape}, nil
	}
	f, err := modelio.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if modelio.IsSTDP(f) {
		return nil, fmt.Errorf("%s is an stdp network, which cannot be attacked: it learns without a backward pass, so it has no gradient to follow, "+
			"and it classifies by simulating %s of Poisson spikes per image, too slow for the thousands of queries a score-based attack needs", path, "350 ms")
	}
	net, meta, err := modelio.FromFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	loss, err := ann.NewLoss(meta.Spec.Loss)
	if err != nil {
		return nil, err
	}
	return &attackModel{name: path, net: net, norm: meta.Normalizer, loss: loss, inputs: meta.Spec.Inputs, shape: meta.Spec.Shape,
		names: meta.ClassNames, spec: &meta.Spec}, nil
}

// kind describes what a network is, for the report.
func (m *attackModel) kind() string {
	if m.net.Spiking() {
		return "surrogate-gradient snn"
	}
	return "ann"
}

// convertedScorer is a spiking network converted from a trained one,
// scored after steps steps.
type convertedScorer struct {
	snn   *convert.SNN
	steps int
}

// Scores runs the spiking network; the shapes were checked before.
func (c convertedScorer) Scores(x *tensor.Tensor) *tensor.Tensor {
	s, err := c.snn.Scores(x, c.steps)
	if err != nil {
		panic("experiment: converted network: " + err.Error())
	}
	return s
}

// Attack crafts adversarial examples for the first Samples test images on
// one model and scores them on it, on another (a transfer attack) or on a
// spiking network converted from either; or corrupts the images (noise,
// occlusion) or a spiking network's input spikes, to compare. It reports
// the accuracy before and after, the attack's success rate and the
// perturbations' mean sizes, and writes the examples and a grid of them
// when Out is set. A model with nothing an attack can follow gives an
// error saying why (an stdp network; a perceptron's step output, or a
// latency-coded snn, for the gradient methods).
func Attack(ctx context.Context, s AttackSettings) (*AttackReport, error) {
	var rep *AttackReport
	err := withThreads(s.Threads, func() error {
		var err error
		rep, err = attackRun(ctx, s)
		return err
	})
	return rep, err
}

func attackRun(ctx context.Context, s AttackSettings) (*AttackReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	src, err := loadAttackModel(s.Model, s.Net, s.Normalizer, s.Loss)
	if err != nil {
		return nil, err
	}
	dst := src
	transfer := s.Target != "" || s.TargetNet != nil
	if transfer {
		if dst, err = loadAttackModel(s.Target, s.TargetNet, s.TargetNormalizer, s.Loss); err != nil {
			return nil, err
		}
		if dst.inputs != src.inputs && dst.inputs > 0 && src.inputs > 0 {
			return nil, fmt.Errorf("%s takes %d inputs, %s %d: a transfer attack needs models of the same inputs", src.name, src.inputs, dst.name, dst.inputs)
		}
	}
	trainSet, test := s.TrainSet, s.TestSet
	if test == nil {
		if trainSet, test, _, err = data.Open(s.Data, s.DataDir, s.Seed); err != nil {
			return nil, err
		}
	}
	for _, m := range []*attackModel{src, dst} {
		if m.inputs == 0 {
			m.inputs = test.Features()
		}
		if test.Features() != m.inputs {
			return nil, fmt.Errorf("%s takes %d inputs; %s has %d features", m.name, m.inputs, s.Data, test.Features())
		}
	}
	if test, err = test.Relabel(dst.names); err != nil {
		return nil, fmt.Errorf("%s: %w", dst.name, err)
	}
	test = test.Head(s.Samples)
	if err := checkPixels(s.Data, test); err != nil {
		return nil, err
	}
	if err := s.checkMemory(src, test); err != nil {
		return nil, err
	}

	// What scores the examples: the target network, or its converted
	// spiking twin.
	var scored attack.Model
	scoredName := dst.kind()
	var spiking *convert.SNN
	var dstNet *attack.Net
	if s.Convert {
		if trainSet == nil {
			return nil, fieldNeeds("Convert", true, "needs %s (training images to calibrate the conversion)", "TrainSet")
		}
		calib := trainSet.Head(s.Calib).Clone()
		if dst.norm != nil {
			dst.norm.Apply(calib)
		}
		if spiking, err = convert.Convert(dst.net, calib, dst.norm, convert.Options{Percentile: s.Percentile, Input: s.Input, Seed: s.Seed}); err != nil {
			return nil, fmt.Errorf("%s: %w", dst.name, err)
		}
		scored = convertedScorer{spiking, s.Timesteps}
		scoredName = fmt.Sprintf("converted snn (%s input, %d steps)", s.Input, s.Timesteps)
	} else {
		if dstNet, err = attack.NewScorer(dst.net, dst.inputs, dst.norm, dst.loss); err != nil {
			return nil, err
		}
		scored = dstNet
	}

	rep := &AttackReport{Method: s.Method, Norm: s.Norm, Eps: s.Eps, Steps: s.Steps, StepSize: s.StepSize, Samples: test.Len(),
		Model: src.name, Scored: scoredName, Transfer: transfer, Seed: s.Seed, Threads: threadsOr(s.Threads)}
	if transfer {
		rep.Target = dst.name
	}
	if !slices.Contains([]string{"fgsm", "pgd", "spsa"}, s.Method) {
		rep.Norm = "none" // a corruption is not bounded in a norm
	}
	cfg := attack.Config{Eps: s.Eps, Norm: attack.Norm(s.Norm), Steps: s.Steps, StepSize: s.StepSize, Samples: s.Directions,
		Batch: s.Batch, Seed: s.Seed}
	x, labels := test.X, test.Labels
	s.logf("attack %s: %s at ε = %g on %d images, scored on %s\n", src.name, s.Method, s.Eps, test.Len(), scoredName)
	rep.CleanPredictions = attack.Predict(scored, x, s.Batch)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	var adv *tensor.Tensor
	// crafter is the model the examples are crafted on, when it is not
	// the one scored.
	var crafter attack.Model
	switch s.Method {
	case "fgsm", "pgd":
		net, err := attack.NewNet(src.net, src.inputs, src.norm, src.loss)
		if err != nil {
			return nil, fmt.Errorf("%s cannot be attacked by %s: %w; the score-based spsa needs only its scores", src.name, s.Method, err)
		}
		rep.Gradient = "exact"
		if src.net.Spiking() {
			rep.Gradient = "surrogate (fast sigmoid through the spikes; rate coding's expected spike train)"
		}
		if s.Convert && !transfer {
			rep.Gradient = "the source ANN's (the rate approximation the converted network computes)"
		}
		if transfer || s.Convert {
			crafter = net
		}
		if s.Method == "fgsm" {
			adv, err = attack.FGSM(net, x, labels, cfg)
		} else {
			adv, err = attack.PGD(net, x, labels, cfg)
		}
		if err != nil {
			return nil, err
		}
	case "spsa":
		var m attack.Model = scored
		if transfer {
			if m, err = attack.NewScorer(src.net, src.inputs, src.norm, src.loss); err != nil {
				return nil, err
			}
			crafter = m
		}
		rep.Gradient = "none: estimated from scores (SPSA)"
		var queries []int
		if adv, queries, err = attack.SPSA(m, x, labels, cfg); err != nil {
			return nil, err
		}
		total := 0
		for _, q := range queries {
			total += q
		}
		rep.QueriesPerSample = float64(total) / float64(len(queries))
	default:
		rep.Gradient = "none: a corruption"
		if adv, err = s.corrupt(x, scored, dstNet, spiking); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep.AdvPredictions = attack.Predict(scored, adv, s.Batch)
	if spiking != nil {
		spiking.Noise = data.SpikeNoise{}
	}
	if dstNet != nil {
		dstNet.Spikes = data.SpikeNoise{}
	}
	rep.Clean, rep.Adversarial, rep.Labels = x, adv, labels
	rep.CleanAccuracy, rep.AdversarialAccuracy, rep.SuccessRate = scoreAttack(labels, rep.CleanPredictions, rep.AdvPredictions)
	if crafter != nil {
		c, a, _ := scoreAttack(labels, attack.Predict(crafter, x, s.Batch), attack.Predict(crafter, adv, s.Batch))
		rep.SourceCleanAccuracy, rep.SourceAdversarialAccuracy = &c, &a
	}
	linf, l2 := attack.Distances(x, adv)
	for i := range linf {
		rep.MeanLinf += linf[i] / float64(len(linf))
		rep.MeanL2 += l2[i] / float64(len(l2))
	}
	rep.Grid = exampleGrid(rep, src.shape, s.Examples, dst.names)
	if s.Out != "" {
		if rep.Files, err = writeAttack(s.Out, rep, src.shape); err != nil {
			return nil, err
		}
	}
	rep.WallSeconds = time.Since(start).Seconds()
	return rep, nil
}

// corrupt returns the images for a corruption method. Pixel corruptions
// change the images; spike corruptions leave them and switch on the
// scored spiking network's input noise (which the caller switches off).
func (s AttackSettings) corrupt(x *tensor.Tensor, scored attack.Model, net *attack.Net, spiking *convert.SNN) (*tensor.Tensor, error) {
	cfg := attack.Config{Seed: s.Seed}
	switch s.Method {
	case "noise":
		return attack.Gaussian(x, s.Eps, cfg)
	case "pixel-dropout":
		return attack.PixelDropout(x, s.Eps, cfg)
	}
	noise := data.SpikeNoise{Seed: s.Seed ^ 0x5350494b45}
	steps := 0
	switch {
	case spiking != nil && s.Input == "poisson":
		steps = s.Timesteps
	case net != nil && net.EncodesSpikes():
		steps = net.Net.Layers[0].(*ann.SpikeEncode).Steps
	default:
		return nil, fieldErr("Method", s.Method, "corrupts input spike trains; the model scored takes analog input (a surrogate-gradient snn with rate or latency coding, or a conversion with poisson input, has spikes)")
	}
	if s.Method == "spike-drop" {
		noise.Drop = s.Eps
	} else {
		noise.Jitter = int(math.Round(s.Eps * float64(steps)))
	}
	if spiking != nil {
		spiking.Noise = noise
	} else {
		net.Spikes = noise
	}
	return tensor.FromData(slices.Clone(x.Data), x.Shape...), nil
}

// scoreAttack returns the accuracies before and after, and the fraction
// of the correctly classified examples the attack turns wrong.
func scoreAttack(labels, clean, adv []int) (cleanAcc, advAcc, success float64) {
	var right, fooled, stillRight int
	for i, l := range labels {
		if clean[i] == l {
			right++
			if adv[i] != l {
				fooled++
			}
		}
		if adv[i] == l {
			stillRight++
		}
	}
	n := float64(max(1, len(labels)))
	cleanAcc, advAcc = float64(right)/n, float64(stillRight)/n
	if right > 0 {
		success = float64(fooled) / float64(right)
	}
	return cleanAcc, advAcc, success
}

// checkPixels refuses data outside [0, 1]: ε is in pixel units, and the
// attacks keep examples valid images.
func checkPixels(name string, d *data.Dataset) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range d.X.Data {
		lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
	}
	if lo < 0 || hi > 1 {
		return fmt.Errorf("%s holds values from %g to %g: attacks perturb intensities in [0, 1] (ε is in pixel units); rescale the data", name, lo, hi)
	}
	return nil
}

// checkMemory refuses an attack whose images, their perturbed copies and
// gradients, and the network's activations on a batch need more than
// MaxMemory.
func (s AttackSettings) checkMemory(m *attackModel, test *data.Dataset) error {
	rowsPerCall := float64(s.Batch)
	images := 4 * float64(test.Len()) * float64(test.Features()) * 4
	act := 0.0
	if m.spec != nil {
		if fp, err := m.spec.Footprint(); err == nil {
			act = 4 * (fp.Values*2 + fp.PerExample*rowsPerCall)
		}
	}
	probe := 4 * rowsPerCall * float64(test.Features())
	return budget.Check(fmt.Sprintf("attacking %d images in batches of %d", test.Len(), s.Batch), images+act+probe, s.MaxMemory)
}

// exampleGrid lays out the first examples the attack fooled (then the
// others), one per column: the original with the scored model's class,
// the perturbation (grey is none, white +ε, black −ε) and the adversarial
// example with its class.
func exampleGrid(r *AttackReport, shape []int, n int, names []string) figure.Grid {
	w, h := imageSize(shape, r.Clean.Cols())
	var order []int
	for i, l := range r.Labels {
		if r.CleanPredictions[i] == l && r.AdvPredictions[i] != l {
			order = append(order, i)
		}
	}
	for i := range r.Labels {
		if !slices.Contains(order, i) {
			order = append(order, i)
		}
	}
	order = order[:min(n, len(order))]
	label := func(c int) string {
		if c < len(names) {
			return names[c]
		}
		return strconv.Itoa(c)
	}
	g := figure.Grid{Title: fmt.Sprintf("%s, ε = %g: originals, perturbations (grey: none), adversarial examples; predicted classes", r.Method, r.Eps),
		Rows: 3, Cols: len(order), Width: w, Height: h, Cells: make([]figure.Cell, 3*len(order))}
	for k, i := range order {
		x, a := r.Clean.Row(i), r.Adversarial.Row(i)
		d := make([]float32, len(x))
		for j := range d {
			d[j] = a[j] - x[j]
		}
		g.Cells[k] = figure.Cell{Label: "original: " + label(r.CleanPredictions[i]), Pixels: slices.Clone(x)}
		g.Cells[len(order)+k] = figure.Cell{Label: "perturbation", Pixels: d, Lo: -r.Eps, Hi: r.Eps}
		g.Cells[2*len(order)+k] = figure.Cell{Label: "adversarial: " + label(r.AdvPredictions[i]), Pixels: slices.Clone(a)}
	}
	return g
}

// imageSize returns the width and height to draw a row of f values: the
// model's image shape, a square, or one line.
func imageSize(shape []int, f int) (w, h int) {
	if len(shape) >= 2 {
		w, h = shape[len(shape)-1], shape[len(shape)-2]
		if w*h == f {
			return w, h
		}
	}
	if s := int(math.Round(math.Sqrt(float64(f)))); s*s == f {
		return s, s
	}
	return f, 1
}

// writeAttack writes the adversarial examples, their labels and the grid
// into dir.
func writeAttack(dir string, r *AttackReport, shape []int) ([]string, error) {
	n := r.Adversarial.Rows()
	dims := []int{n, r.Adversarial.Cols()}
	if len(shape) > 0 {
		dims = append([]int{n}, shape...)
	}
	files := []string{filepath.Join(dir, "adversarial.npy"), filepath.Join(dir, "labels.npy"), filepath.Join(dir, "grid.png")}
	if err := atomicfile.Write(files[0], func(w io.Writer) error { return writeNPY(w, "<f4", dims, r.Adversarial.Data) }); err != nil {
		return nil, err
	}
	labels := make([]int64, n)
	for i, l := range r.Labels {
		labels[i] = int64(l)
	}
	if err := atomicfile.Write(files[1], func(w io.Writer) error { return writeNPY(w, "<i8", []int{n}, labels) }); err != nil {
		return nil, err
	}
	if err := figure.WriteGrid(files[2], r.Grid); err != nil {
		return nil, err
	}
	return files, nil
}

// writeNPY writes an array in NumPy's .npy format, version 1.0: the magic
// string, a little-endian header length, a Python dict literal padded with
// spaces to a multiple of 64 bytes, then the values in C order.
func writeNPY(w io.Writer, descr string, shape []int, values any) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	pad := 64 - (10+len(header)+1)%64
	if pad == 64 {
		pad = 0
	}
	header += strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	if err := binary.Write(&b, binary.LittleEndian, uint16(len(header))); err != nil {
		return err
	}
	b.WriteString(header)
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	return binary.Write(w, binary.LittleEndian, values)
}

// adversary returns the training hook that replaces each batch by its
// adversarial examples (s.Adversarial; nil when off). The batches reach it
// standardised as the network sees them; it attacks their pixels.
func (s TrainSettings) adversary(net *ann.Sequential, spec ann.Spec, norm *data.Normalizer, loss ann.Loss) (func(int, *tensor.Tensor, []int) error, error) {
	if s.Adversarial == "" {
		return nil, nil
	}
	m, err := attack.NewNet(net, spec.Inputs, norm, loss)
	if err != nil {
		if errors.Is(err, attack.ErrNoGradient) {
			return nil, fieldErr("Adversarial", s.Adversarial, "%s has no gradient to follow: %v", s.Model, err)
		}
		return nil, err
	}
	cfg := attack.Config{Eps: s.Eps, Steps: s.AdversarialSteps, Batch: max(1, s.Batch)}
	if s.Adversarial == "fgsm" {
		cfg.Steps, cfg.StepSize = 1, 1.25*s.Eps
	}
	return func(step int, x *tensor.Tensor, labels []int) error {
		pix := tensor.FromData(slices.Clone(x.Data), x.Shape...)
		if norm != nil {
			k := len(norm.Mean)
			for i := range pix.Rows() {
				row := pix.Row(i)
				for j := range row {
					row[j] = row[j]*norm.Std[j%k] + norm.Mean[j%k]
				}
			}
		}
		// Undoing the standardisation rounds; a pixel a hair outside
		// [0, 1] is that, one far outside is data adversarial training
		// cannot use.
		for k, v := range pix.Data {
			if v < -1e-3 || v > 1+1e-3 {
				return fmt.Errorf("adversarial training attacks intensities in [0, 1] (ε is in pixel units); %s holds %v", s.Data, v)
			}
			pix.Data[k] = min(max(v, 0), 1)
		}
		c := cfg
		c.Seed = s.Seed ^ (uint64(step)+1)*0x9e3779b97f4a7c15
		if step < s.EpsWarmup {
			c.Eps = s.Eps * float64(step+1) / float64(s.EpsWarmup)
			c.StepSize = cfg.StepSize * float64(step+1) / float64(s.EpsWarmup)
		}
		adv, err := attack.PGD(m, pix, labels, c)
		if err != nil {
			return err
		}
		copy(x.Data, adv.Data)
		if norm != nil {
			for i := range x.Rows() {
				norm.Row(x.Row(i))
			}
		}
		return nil
	}, nil
}
