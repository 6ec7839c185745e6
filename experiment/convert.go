package experiment

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/convert"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/train"
)

// ConvertSettings configure [Convert]. Zero fields take the defaults
// written on them.
type ConvertSettings struct {
	// Model is the model file of a trained ReLU network. Net (with its
	// input Normalizer, nil for none) may be given instead, in memory.
	Model      string
	Net        *ann.Sequential
	Normalizer *data.Normalizer
	// Data is mnist (default) or a CSV file; DataDir the folder of the
	// MNIST files. TrainSet and TestSet, when both set, are used instead
	// (raw values; the model's normalisation is applied here).
	Data              string
	DataDir           string
	TrainSet, TestSet *data.Dataset
	// Timesteps is the simulation steps per image (default 100). The
	// accuracy is also reported at each power of two below it.
	Timesteps int
	// Input is the input coding: current (default: analog currents) or
	// poisson (spikes).
	Input string
	// Percentile of each layer's activations used as its scale, in
	// (0, 100] (default 99.9), over the first Calib training images
	// (default 10,000).
	Percentile float64
	Calib      int
	// Samples scores only the first N test images (0: all).
	Samples int
	// Seed draws the Poisson input spikes.
	Seed    uint64
	Threads int
	// MaxMemory is the memory the job may use, in bytes (0: half of the
	// machine's memory): a request estimated to need more is refused with
	// a *budget.Error before anything is allocated.
	MaxMemory int64
	Reporting
}

// ConvertReport is what [Convert] measured; its JSON is `neurite convert
// --json`'s.
type ConvertReport struct {
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
	// Operations per test image, as package energy defines them.
	Operations energy.Ops `json:"operations"`

	// Result is the simulation's measurement, SNN the converted network.
	Result convert.Result `json:"-"`
	SNN    *convert.SNN   `json:"-"`
}

func (s ConvertSettings) withDefaults() ConvertSettings {
	orString(&s.Data, "mnist")
	orString(&s.Input, "current")
	orInt(&s.Timesteps, 100)
	orInt(&s.Calib, 10000)
	if s.Percentile == 0 {
		s.Percentile = 99.9
	}
	return s
}

func (s ConvertSettings) validate() error {
	switch {
	case s.Model == "" && s.Net == nil:
		return fieldErr("Model", nil, "a trained ReLU network is needed (a model file)")
	case s.Timesteps < 1:
		return fieldErr("Timesteps", s.Timesteps, "must be at least 1")
	case s.Calib < 1:
		return fieldErr("Calib", s.Calib, "must be at least 1")
	case s.Samples < 0:
		return fieldErr("Samples", s.Samples, "must not be negative")
	case !(s.Percentile > 0 && s.Percentile <= 100) || math.IsNaN(s.Percentile):
		return fieldErr("Percentile", s.Percentile, "want a percentile in (0, 100]")
	case s.Input != "current" && s.Input != "poisson":
		return fieldErr("Input", s.Input, "want current or poisson")
	case s.TrainSet == nil && checkData("Data", s.Data) != nil:
		return checkData("Data", s.Data)
	case (s.TrainSet == nil) != (s.TestSet == nil):
		return fieldNeeds("TrainSet", nil, "%s and %s go together", "TrainSet", "TestSet")
	}
	return nil
}

// Convert turns a trained ReLU network into integrate-and-fire neurons
// (Diehl et al. 2015; Rueckauer et al. 2017), runs the test images for
// Timesteps steps and reports its accuracy over time, the ANN's own, and
// the synaptic operations and spikes each image costs.
func Convert(ctx context.Context, s ConvertSettings) (*ConvertReport, error) {
	var rep *ConvertReport
	err := withThreads(s.Threads, func() error {
		var err error
		rep, err = convertRun(ctx, s)
		return err
	})
	return rep, err
}

func convertRun(ctx context.Context, s ConvertSettings) (*ConvertReport, error) {
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	net, norm, lossName := s.Net, s.Normalizer, ""
	if net == nil {
		var meta modelio.Meta
		var err error
		if net, meta, err = modelio.Load(s.Model); err != nil {
			return nil, err
		}
		norm, lossName = meta.Normalizer, meta.Spec.Loss
	}
	trainSet, test := s.TrainSet, s.TestSet
	if trainSet == nil {
		var err error
		if trainSet, test, _, err = data.Open(s.Data, s.DataDir, s.Seed); err != nil {
			return nil, err
		}
	}
	if in := denseInputs(net); in > 0 && test.Features() != in {
		return nil, fmt.Errorf("%s takes %d inputs; %s has %d features", s.name(), in, s.Data, test.Features())
	}
	test = test.Head(s.Samples)
	if err := s.checkMemory(net, min(s.Calib, trainSet.Len()), test.Features()); err != nil {
		return nil, err
	}
	calib := trainSet.Head(s.Calib).Clone()
	if norm != nil {
		norm.Apply(calib)
	}
	snn, err := convert.Convert(net, calib, norm, convert.Options{Percentile: s.Percentile, Input: s.Input, Seed: s.Seed})
	if err != nil {
		return nil, err
	}
	var cps []int
	for t := 1; t < s.Timesteps; t *= 2 {
		cps = append(cps, t)
	}
	s.logf("convert %s: %d test images, %d steps, %s input\n", s.name(), test.Len(), s.Timesteps, s.Input)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := snn.Run(test, s.Timesteps, cps)
	if err != nil {
		return nil, err
	}
	normTest := test.Clone()
	if norm != nil {
		norm.Apply(normTest)
	}
	loss, err := ann.NewLoss(lossName)
	if err != nil {
		return nil, err
	}
	annAcc, _ := train.Evaluate(net, loss, normTest, 1000)
	return &ConvertReport{Model: s.name(), Input: s.Input, TestAccuracy: res.Accuracy, ANNAccuracy: annAcc, Timesteps: s.Timesteps,
		AccuracyByTimesteps: res.AccuracyByTimesteps, SynapticOpsPerSample: res.SynapticOpsPerSample,
		InputMACsPerSample: res.InputMACsPerSample, SpikesPerSample: res.SpikesPerSample, ANNMACsPerSample: float64(net.DenseMACs()),
		MeanDecisionStep: res.MeanDecisionStep, Scales: snn.Scales, Samples: test.Len(), Seed: s.Seed, Threads: threadsOr(s.Threads),
		WallSeconds: time.Since(start).Seconds(), Operations: res.Ops(), Result: res, SNN: snn}, nil
}

func (s ConvertSettings) name() string {
	if s.Model == "" {
		return "the network"
	}
	return s.Model
}

// denseInputs returns the width of a dense network's input (0 when its
// first layer is not dense: convert then says what it cannot convert).
func denseInputs(net *ann.Sequential) int {
	if len(net.Layers) > 0 {
		if d, ok := net.Layers[0].(*ann.Dense); ok {
			return d.In
		}
	}
	return 0
}
