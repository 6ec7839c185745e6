package experiment

import (
	"context"
	"fmt"
	"strconv"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

// EvalSettings configure [Evaluate]. A test set whose classes are named
// (a CSV file's labels) is scored by name against the model's class names:
// a label the model never saw is an error naming it.
type EvalSettings struct {
	// Model is a model file written by Train: a network trained by
	// backpropagation or Rosenblatt's rule, or an stdp network.
	Model string
	// Data is mnist (default), xor, and, or, or a CSV file (scored on the
	// same 20% Train held out with the same Seed); DataDir the folder of
	// the MNIST files. TestSet, when set, is used instead (raw values; the
	// model's normalisation is applied here).
	Data    string
	DataDir string
	TestSet *data.Dataset
	// Seed splits a CSV file as Train did, and draws an stdp network's
	// Poisson input.
	Seed    uint64
	Threads int
	Reporting
}

// EvalReport is what [Evaluate] measured; its JSON is `neurite eval
// --json`'s.
type EvalReport struct {
	Accuracy float64 `json:"accuracy"`
	Loss     float64 `json:"loss"`
	Samples  int     `json:"samples"`
	Model    string  `json:"model"`
	Data     string  `json:"data"`
	// An stdp network has no loss; it reports its activity instead.
	SpikesPerSample      *float64 `json:"spikes_per_sample,omitempty"`
	SynapticOpsPerSample *float64 `json:"synaptic_ops_per_sample,omitempty"`
	// Operations per test example, as package energy defines them.
	Operations *energy.Ops `json:"operations,omitempty"`
}

// Evaluate scores a saved model on a test set.
func Evaluate(ctx context.Context, s EvalSettings) (*EvalReport, error) {
	var rep *EvalReport
	err := withThreads(s.Threads, func() error {
		var err error
		rep, err = evaluate(ctx, s)
		return err
	})
	return rep, err
}

func evaluate(ctx context.Context, s EvalSettings) (*EvalReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if s.Model == "" {
		return nil, fieldErr("Model", nil, "a model file is needed")
	}
	orString(&s.Data, "mnist")
	if s.TestSet == nil {
		if err := checkData("Data", s.Data); err != nil {
			return nil, err
		}
	}
	f, err := modelio.ReadFile(s.Model)
	if err != nil {
		return nil, err
	}
	test := s.TestSet
	if test == nil {
		if _, test, _, err = data.Open(s.Data, s.DataDir, s.Seed); err != nil {
			return nil, err
		}
	}
	rep := &EvalReport{Samples: test.Len(), Model: s.Model, Data: s.Data}
	if modelio.IsSTDP(f) {
		net, meta, err := modelio.STDPFromFile(f, s.Seed)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Model, err)
		}
		if test.Features() != net.In {
			return nil, fmt.Errorf("%s takes %d inputs; %s has %d features", s.Model, net.In, s.Data, test.Features())
		}
		if test.Classes > meta.Classes {
			return nil, fmt.Errorf("%s labels %d classes; %s has %d", s.Model, meta.Classes, s.Data, test.Classes)
		}
		net.Threads = s.Threads
		res, err := net.Evaluate(ctx, test, meta.Classes)
		if err != nil {
			return nil, err
		}
		ops := res.Ops()
		rep.Accuracy, rep.SpikesPerSample, rep.SynapticOpsPerSample, rep.Operations = res.Accuracy, &ops.Spikes, &ops.SynapticEvents, &ops
		return rep, nil
	}
	net, meta, err := modelio.FromFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Model, err)
	}
	if test.Features() != meta.Spec.Inputs {
		return nil, fmt.Errorf("%s takes %d inputs; %s has %d features", s.Model, meta.Spec.Inputs, s.Data, test.Features())
	}
	// Classes are matched by name where both sides name them, so a CSV
	// file whose labels sort differently scores the right outputs.
	if test, err = test.Relabel(meta.ClassNames); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Model, err)
	}
	for i, c := range test.Labels {
		if c < 0 || c >= meta.Classes {
			return nil, fmt.Errorf("%s: example %d has class %d; %s has %d classes", s.Data, i, c, s.Model, meta.Classes)
		}
	}
	if meta.Normalizer != nil {
		test = test.Clone()
		meta.Normalizer.Apply(test)
	}
	loss, err := ann.NewLoss(meta.Spec.Loss)
	if err != nil {
		return nil, err
	}
	rep.Accuracy, rep.Loss = train.Evaluate(net, loss, test, 1000)
	ops, err := countOps(net, test.X)
	if err != nil {
		return nil, err
	}
	rep.Operations = &ops
	if net.Spiking() {
		rep.SpikesPerSample, rep.SynapticOpsPerSample = &ops.Spikes, &ops.SynapticEvents
	}
	return rep, nil
}

// PredictSettings configure [Predict].
type PredictSettings struct {
	// Model is a model file written by Train.
	Model string
	// Input is one grayscale image (PNG or PGM, sized as the model's
	// input, white digit on black as in MNIST) or a CSV file of feature
	// rows (no label column). Inputs, when set, are the rows instead (raw
	// values; the model's normalisation is applied here).
	Input   string
	Inputs  *tensor.Tensor
	Threads int
}

// Prediction is one input's class and class probabilities. Label is the
// class's name as the training data wrote it ("cat", "-1"), or the class
// number in decimal when the model file names no classes (MNIST's digits;
// files written before names were kept) or the output is beyond its
// classes.
type Prediction struct {
	Class         int       `json:"class"`
	Label         string    `json:"label"`
	Probabilities []float32 `json:"probabilities"`
}

// PredictReport is what `neurite predict --json` prints.
type PredictReport struct {
	Predictions []Prediction `json:"predictions"`
}

// Predict classifies inputs with a saved model.
func Predict(ctx context.Context, s PredictSettings) (*PredictReport, error) {
	var rep *PredictReport
	err := withThreads(s.Threads, func() error {
		if s.Model == "" {
			return fieldErr("Model", nil, "a model file is needed")
		}
		if s.Input == "" && s.Inputs == nil {
			return fieldErr("Input", nil, "an image or CSV file of inputs is needed")
		}
		net, meta, err := modelio.Load(s.Model)
		if err != nil {
			return err
		}
		x := s.Inputs
		if x == nil {
			if x, err = data.ReadInputs(s.Input, meta.Spec.Inputs); err != nil {
				return err
			}
		} else {
			if x.Cols() != meta.Spec.Inputs {
				return fmt.Errorf("%d input columns; %s takes %d inputs", x.Cols(), s.Model, meta.Spec.Inputs)
			}
			x = tensor.FromData(append([]float32(nil), x.Data...), x.Rows(), x.Cols())
		}
		if meta.Normalizer != nil {
			for i := range x.Rows() {
				meta.Normalizer.Row(x.Row(i))
			}
		}
		rep = &PredictReport{Predictions: predict(net, x)}
		for i, p := range rep.Predictions {
			rep.Predictions[i].Label = strconv.Itoa(p.Class)
			if p.Class < len(meta.ClassNames) {
				rep.Predictions[i].Label = meta.ClassNames[p.Class]
			}
		}
		return nil
	})
	return rep, err
}

// predict returns each row's class and probabilities: the softmax of the
// outputs, or (for a single output unit) [1 − y, y].
func predict(net *ann.Sequential, x *tensor.Tensor) []Prediction {
	out := net.Forward(x, false)
	var probs *tensor.Tensor
	if out.Cols() == 1 {
		probs = tensor.New(out.Rows(), 2)
		for i := range out.Rows() {
			y := min(max(out.At(i, 0), 0), 1)
			probs.Set(1-y, i, 0)
			probs.Set(y, i, 1)
		}
	} else if net.Layers[len(net.Layers)-1].Kind() == "softmax" {
		probs = out
	} else {
		probs = tensor.New(out.Shape...)
		tensor.SoftmaxRows(probs, out)
	}
	preds := make([]Prediction, out.Rows())
	for i := range preds {
		row := append([]float32(nil), probs.Row(i)...)
		preds[i] = Prediction{Class: tensor.ArgMax(row), Probabilities: row}
	}
	return preds
}
