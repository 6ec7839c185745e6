package compare

import (
	"context"
	"time"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/snn"
)

// env is what the experiments of one run share: the options and
// settings, MNIST, and the measurements several sections report, each
// made once (trainedMLP, dropoutMLP, convertedMLP, surrogateSNN).
type env struct {
	ctx      context.Context
	o        Options
	p        profile
	progress func(format string, args ...any)

	rawTrain, rawTest *data.Dataset    // MNIST, pixels in [0, 1]
	norm              *data.Normalizer // MNIST's global standardisation, from the training set
	test              *data.Dataset    // the test set standardised, for the library's direct uses

	mlp, mlpDropout *experiment.TrainReport
	conv            *converted
	surrogate       *experiment.TrainReport
}

// loadMNIST loads MNIST once.
func (e *env) loadMNIST() error {
	if e.rawTrain != nil {
		return nil
	}
	tr, te, norm, err := data.Open("mnist", e.o.DataDir, e.o.Seed)
	if err != nil {
		return err
	}
	e.rawTrain, e.rawTest, e.norm = tr, te, norm
	e.test = e.standardised(te)
	return nil
}

// standardised returns a copy of d (raw pixels) standardised with MNIST's
// statistics, as the MLP sees its inputs.
func (e *env) standardised(d *data.Dataset) *data.Dataset {
	c := d.Clone()
	e.norm.Apply(c)
	return c
}

// onMNIST returns s set to train on this run's MNIST (raw pixels: the job
// normalises them as s.Normalize says) with the run's seed.
func (e *env) onMNIST(s experiment.TrainSettings) (experiment.TrainSettings, error) {
	if err := e.loadMNIST(); err != nil {
		return s, err
	}
	s.TrainSet, s.TestSet, s.Seed = e.rawTrain, e.rawTest, e.o.Seed
	return s, nil
}

// trainedMLP trains the 784-128-10 MLP of the profile once.
func (e *env) trainedMLP() (*experiment.TrainReport, error) {
	if e.mlp != nil {
		return e.mlp, nil
	}
	s, err := e.onMNIST(e.p.MLP)
	if err != nil {
		return nil, err
	}
	e.progress("training the %s MLP by backpropagation (%d epochs, %s %g)", arch(s), s.Epochs, optimizerName(s.Optimizer), s.LR)
	if e.mlp, err = experiment.Train(e.ctx, s); err != nil {
		return nil, err
	}
	return e.mlp, nil
}

// dropoutMLP trains the MLP's twin with dropout once.
func (e *env) dropoutMLP() (*experiment.TrainReport, error) {
	if e.mlpDropout != nil {
		return e.mlpDropout, nil
	}
	s, err := e.onMNIST(e.p.MLPDropout)
	if err != nil {
		return nil, err
	}
	e.progress("training the same MLP with dropout %g", s.Dropout)
	if e.mlpDropout, err = experiment.Train(e.ctx, s); err != nil {
		return nil, err
	}
	return e.mlpDropout, nil
}

// surrogateSNN trains the spiking network of the learning section's
// recipe (Learning.Surrogate: spikes trained through a surrogate
// gradient) once.
func (e *env) surrogateSNN() (*experiment.TrainReport, error) {
	if e.surrogate != nil {
		return e.surrogate, nil
	}
	s, err := e.onMNIST(e.p.Learning.Surrogate)
	if err != nil {
		return nil, err
	}
	e.progress("training the %s spiking network through a surrogate gradient (%d steps, %s coding)", hiddenArch(s)+"-10", s.Steps, s.Coding)
	if e.surrogate, err = experiment.Train(e.ctx, s); err != nil {
		return nil, err
	}
	return e.surrogate, nil
}

// converted is the trained MLP run as integrate-and-fire neurons on the
// same test images for the same number of steps, with analog (Current)
// and with Poisson input: the one conversion speed, power and learning
// report.
type converted struct {
	Current, Poisson *experiment.ConvertReport
}

// convertedMLP converts and simulates the trained MLP once.
func (e *env) convertedMLP() (converted, error) {
	if e.conv != nil {
		return *e.conv, nil
	}
	mlp, err := e.trainedMLP()
	if err != nil {
		return converted{}, err
	}
	var c converted
	for _, in := range []struct {
		input string
		dst   **experiment.ConvertReport
	}{{"current", &c.Current}, {"poisson", &c.Poisson}} {
		s := e.p.Converted
		s.Net, s.Normalizer, s.TrainSet, s.TestSet, s.Input, s.Seed = mlp.Net, mlp.Normalizer, e.rawTrain, e.rawTest, in.input, e.o.Seed
		e.progress("converting the MLP to spiking neurons: %d test images, %d steps, %s input", s.Samples, s.Timesteps, s.Input)
		if *in.dst, err = experiment.Convert(e.ctx, s); err != nil {
			return converted{}, err
		}
	}
	e.conv = &c
	return c, nil
}

// simulate runs the simulation job on a network built in Go for ms
// milliseconds with the run's seed (threads 0: all cores), keeping every
// spike in the report's Monitors.
func (e *env) simulate(net *snn.Network, ms float64, threads int) (*experiment.SimReport, error) {
	return experiment.Simulate(e.ctx, experiment.SimSettings{Network: net, Duration: duration(ms), Seed: e.o.Seed, Threads: threads, KeepSpikes: true})
}

// simulatePreset runs the simulation job on the preset s names, with the
// run's seed.
func (e *env) simulatePreset(s experiment.SimSettings) (*experiment.SimReport, error) {
	s.Seed = e.o.Seed
	return experiment.Simulate(e.ctx, s)
}

// meanRate is a simulation's mean firing rate over all its neurons, in Hz.
func meanRate(r *experiment.SimReport) float64 {
	return float64(r.Spikes) / float64(r.Neurons) / (r.SimMS / 1000)
}

// duration converts milliseconds to a time.Duration (to the nanosecond;
// the simulator rounds to whole steps).
func duration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// ms converts a time.Duration to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// arch names an MLP's layer sizes on MNIST, e.g. "784-128-10";
// hiddenArch stops at its last hidden layer ("784-128").
func arch(s experiment.TrainSettings) string { return hiddenArch(s) + "-10" }

func hiddenArch(s experiment.TrainSettings) string {
	a := "784"
	for _, h := range s.Hidden {
		a += "-" + itoa(h)
	}
	return a
}

// optimizerName writes an optimizer as papers do: SGD, Adam, AdamW.
func optimizerName(name string) string {
	switch name {
	case "sgd":
		return "SGD"
	case "adam":
		return "Adam"
	case "adamw":
		return "AdamW"
	}
	return name
}
