package compare

import (
	"time"

	"github.com/neurite/neurite/experiment"
)

// profile holds every setting of a comparison, one struct per experiment,
// so that a profile's sizes and hyperparameters are read in one place.
// The measurements several experiments share are set once, here, and
// measured once per run (env): the trained MLP and its spiking twin.
//
// Training, conversion and simulation settings are the application
// layer's own ([experiment.TrainSettings] and friends): compare runs the
// jobs a user runs. Their datasets (TrainSet, TestSet), Seed and Network
// are filled in when the experiment runs; a zero field takes the job's
// documented default, and the ones the report's text relies on are written
// out.
type profile struct {
	Name string
	// MLP is the 784-128-10 ReLU network of the size, topology, speed,
	// fault-tolerance, power and learning sections, trained by
	// backpropagation on all of MNIST; MLPDropout its twin trained with
	// dropout (fault tolerance).
	MLP, MLPDropout experiment.TrainSettings
	// Converted is the MLP converted to integrate-and-fire neurons and
	// simulated on the first Samples test images for Timesteps steps, with
	// analog (current) and with Poisson input: one measurement, whose
	// accuracy and counted operations speed, power and learning all
	// report. Input is set per coding.
	Converted experiment.ConvertSettings

	Size     sizeSettings
	Topology topologySettings
	Speed    speedSettings
	Fault    faultSettings
	Signals  signalsSettings
	Learning learningSettings
	// Adversarial attacks the MLP, its conversion, LeNet-5 and the
	// learning section's surrogate-gradient network (Learning.Surrogate,
	// trained once and shared).
	Adversarial adversarialSettings
	// Power has no settings of its own: it prices the operations counted
	// in MLP and Converted.
}

// sizeSettings configure the size experiment.
type sizeSettings struct {
	// COBA is the benchmark network simulated with its synapses and again
	// without them, to separate the cost of a neuron-step from the cost of
	// a synaptic event.
	COBA experiment.SimSettings
	// Microcircuit, when its Model is set (the full profile), is Potjans &
	// Diesmann's cortical microcircuit at natural density: neurons and
	// synapses of 1 mm² of cortex, simulated as `neurite sim microcircuit`.
	Microcircuit experiment.SimSettings
	// Scaling are the networks the scaling model (experiment.FitScaling)
	// is fitted to, each simulated over each of ScalingRanks ranks of one
	// thread (goroutines of this process): of other sizes and rates, so
	// that the fit separates the cost of a neuron-step from that of a
	// synaptic event, and the exchange's latency from its bytes.
	Scaling      []experiment.SimSettings
	ScalingRanks []int
}

// topologySettings configure the topology experiment.
type topologySettings struct {
	// SmallWorldN nodes with SmallWorldK neighbours, rewired with
	// probability SmallWorldP (Watts–Strogatz); the random graph gets the
	// same node and edge counts.
	SmallWorldN, SmallWorldK int
	SmallWorldP              float64
	// ScaleFreeN nodes, each new one attached to ScaleFreeM others
	// (Barabási–Albert).
	ScaleFreeN, ScaleFreeM int
	// Path lengths of graphs larger than SampleAbove nodes are averaged
	// from PathSources sampled sources; σ compares with SigmaGraphs
	// matched random graphs.
	SampleAbove, PathSources, SigmaGraphs int
	// Sparsity lists the fractions of the MLP's weights pruned.
	Sparsity []float64
}

// speedSettings configure the speed experiment.
type speedSettings struct {
	// LatencyReps single-image forward passes give the ANN's latency
	// (their median); ThroughputBatch images at once its throughput.
	LatencyReps, ThroughputBatch int
	// Velocities are the conduction velocities (m/s) the volleys travel
	// at, along each of Paths.
	Velocities []float64
	Paths      []volleyPath
	// VolleyNeurons fire together onto as many targets.
	VolleyNeurons int
	// Refractory lists the refractory periods (ms) of the f–I curves.
	Refractory []float64
}

// volleyPath is a distance a volley travels, with the individual's factor
// on the conduction velocity (1: the nominal velocity).
type volleyPath struct {
	Name   string
	MM     float64
	Factor float64
}

// faultSettings configure the fault-tolerance experiment.
type faultSettings struct {
	// Fractions of units removed; the MLPs are scored on TestImages test
	// images after each lesion.
	Fractions  []float64
	TestImages int
	// COBA is the spiking network lesioned and simulated for Duration
	// after each lesion.
	COBA experiment.SimSettings
	// Resume trains an MLP (Hidden units, Dropout) on the first Images
	// training images for Epochs epochs with Adam at LR, straight and
	// again interrupted after InterruptAt batches of the first epoch.
	Resume resumeSettings
}

// resumeSettings configure the interrupted training run: a run no job
// does (it is interrupted from inside, mid-epoch), so it is built from
// the library directly.
type resumeSettings struct {
	Images, Hidden, Epochs, Batch, InterruptAt int
	Dropout, LR                                float64
}

// signalsSettings configure the signals experiment.
type signalsSettings struct {
	// GradientBatch images go through one backward pass of DeepHidden
	// (sigmoid and ReLU) and of a row-by-row RNN and LSTM with
	// RecurrentHidden units.
	GradientBatch   int
	DeepHidden      []int
	RecurrentHidden int
}

// learningSettings configure the learning experiment.
type learningSettings struct {
	// Curve trains a fresh MLP, evaluated on a held-out part of the
	// training set (ValSplit) every MaxBatches batches: backpropagation's
	// learning curve. Its final accuracy is on TestSamples test images.
	Curve experiment.TrainSettings
	// Surrogate is the spiking network trained through its spikes by
	// surrogate gradients; STDP Diehl & Cook's network, learning without
	// labels.
	Surrogate, STDP experiment.TrainSettings
	// Pretrain trains LeNet-5 on digits 0–4 and FewShot the fine-tuning
	// and from-scratch runs on FewShotExamples of digits 5–9 (Draws draws,
	// averaged), all taken from the first Pool training images. FewShot's
	// Freeze applies to the fine-tuned runs only.
	Pretrain, FewShot experiment.TrainSettings
	Pool              int
	FewShotExamples   int
	Draws             int
	// StructuralMS is the simulated time of the structural-plasticity
	// sheet.
	StructuralMS float64
	// Drift presents one pattern Presentations times (PresentMS each,
	// PauseMS of silence between) to a spiking layer.
	Drift driftSettings
	// RecallImages are classified twice by the trained MLP.
	RecallImages int
	// Continual learns the tasks of split MNIST one after another with
	// each of ContinualMethods (the ANN without sleep, with EWC, with
	// sleep); a zero field takes the job's default (Tadros et al.'s
	// recipe, experiment.ContinualDefaults).
	Continual        experiment.TrainSettings
	ContinualMethods []string
}

// adversarialSettings configure the adversarial-examples section.
type adversarialSettings struct {
	// Images: the first Images test images are attacked by PGD (Steps
	// steps of 2.5ε/Steps, L∞) at each of Eps (pixel units; the clean
	// accuracy is the curves' ε = 0), white-box and transferred.
	Images int
	Eps    []float64
	Steps  int
	// LeNet5 is trained for this section on all of MNIST.
	LeNet5 experiment.TrainSettings
	// GridImages examples of PGD on the MLP at GridEps are shown.
	GridEps    float64
	GridImages int
	// SPSA attacks the two spiking networks by their scores alone:
	// SPSAImages images at SPSAEps, SPSASteps steps of SPSADirections
	// random directions.
	SPSAImages, SPSASteps, SPSADirections int
	SPSAEps                               float64
	// Corruptions at one level each: Gaussian pixel noise (σ), the
	// fraction of pixels blacked out, of input spikes lost, and the
	// largest shift of an input spike (a fraction of the presentation).
	Noise, PixelDrop, SpikeDrop, SpikeJitter float64
}

// driftSettings configure the drift of a plastic spiking layer.
type driftSettings struct {
	Inputs, Outputs, Presentations int
	PresentMS, PauseMS             float64
}

// digits lists the classes lo…hi.
func digits(lo, hi int) []int {
	var d []int
	for c := lo; c <= hi; c++ {
		d = append(d, c)
	}
	return d
}

// quickProfile is the default profile: minutes on two cores.
func quickProfile() profile {
	mlp := experiment.TrainSettings{Model: "mlp", Data: "mnist", Normalize: "standard", Hidden: []int{128}, Activation: "relu",
		Optimizer: "sgd", LR: 0.1, Epochs: 5, Batch: 64}
	dropout := mlp
	dropout.Dropout = 0.2
	return profile{
		Name: "quick", MLP: mlp, MLPDropout: dropout,
		// A few hundred test images, PGD-10; LeNet-5 one epoch of SGD with
		// momentum (about 98%).
		Adversarial: adversarialSettings{Images: 300, Eps: []float64{0.05, 0.1, 0.15, 0.2, 0.25, 0.3}, Steps: 10,
			LeNet5:  experiment.TrainSettings{Model: "lenet5", Data: "mnist", Normalize: "standard", Optimizer: "sgd", LR: 0.05, Momentum: 0.9, Epochs: 1, Batch: 64},
			GridEps: 0.1, GridImages: 8, SPSAImages: 50, SPSASteps: 10, SPSADirections: 8, SPSAEps: 0.1,
			Noise: 0.3, PixelDrop: 0.3, SpikeDrop: 0.5, SpikeJitter: 0.2},
		Converted: experiment.ConvertSettings{Timesteps: 64, Samples: 2000, Calib: 5000, Percentile: 99.9},
		Size: sizeSettings{COBA: experiment.SimSettings{Model: "coba", N: 4000, Duration: time.Second},
			// Brunel's asynchronous irregular regime (about 60 Hz), its slow
			// one (about 4 Hz), and the first at a quarter of the size.
			Scaling: []experiment.SimSettings{{Model: "brunel", Panel: "C", N: 4000, Duration: 300 * time.Millisecond},
				{Model: "brunel", Panel: "D", N: 4000, Duration: 300 * time.Millisecond},
				{Model: "brunel", Panel: "C", N: 1000, Duration: 300 * time.Millisecond}},
			ScalingRanks: []int{1, 2}},
		Topology: topologySettings{SmallWorldN: 1000, SmallWorldK: 10, SmallWorldP: 0.1, ScaleFreeN: 10000, ScaleFreeM: 3,
			SampleAbove: 5000, PathSources: 100, SigmaGraphs: 3, Sparsity: []float64{0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99}},
		Speed: speedSettings{LatencyReps: 300, ThroughputBatch: 1000, Velocities: []float64{0.61, 1, 2, 5, 10, 20, 50, 119},
			Paths:         []volleyPath{{"10 mm", 10, 1}, {"100 mm", 100, 1}, {"100 mm, individual factor 0.8", 100, 0.8}, {"100 mm, individual factor 1.2", 100, 1.2}},
			VolleyNeurons: 50, Refractory: []float64{0.5, 2, 5}},
		Fault: faultSettings{Fractions: []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}, TestImages: 5000,
			COBA:   experiment.SimSettings{Model: "coba", N: 2000, Duration: 500 * time.Millisecond},
			Resume: resumeSettings{Images: 6400, Hidden: 64, Epochs: 2, Batch: 64, InterruptAt: 50, Dropout: 0.2, LR: 1e-3}},
		Signals: signalsSettings{GradientBatch: 64, DeepHidden: []int{32, 32, 32, 32, 32, 32, 32, 32}, RecurrentHidden: 64},
		Learning: learningSettings{
			// 2000 of the 60,000 training images held out.
			Curve: experiment.TrainSettings{Model: "mlp", Data: "mnist", Normalize: "standard", Hidden: []int{128}, Activation: "relu",
				Optimizer: "sgd", LR: 0.1, Epochs: 12, Batch: 64, MaxBatches: 80, ValSplit: 2000.0 / 60000, TestSamples: 2000},
			Surrogate: experiment.TrainSettings{Model: "snn", Data: "mnist", Normalize: "none", Hidden: []int{128}, Steps: 25, Coding: "rate", Readout: "leaky",
				Optimizer: "adam", LR: 2e-3, Schedule: "cosine", Epochs: 1, Batch: 64, TrainSamples: 20000, TestSamples: 2000},
			STDP: experiment.TrainSettings{Model: "stdp", Data: "mnist", Normalize: "none", Neurons: 100, Epochs: 1, TrainSamples: 2000, TestSamples: 1000},
			// The few-shot sets are standardised by compare with the whole
			// training set's statistics, like every MNIST run here (hence
			// Normalize none: the job must not refit them on 20 images).
			Pretrain: experiment.TrainSettings{Model: "lenet5", Data: "mnist", Normalize: "none", Labels: digits(0, 4),
				Optimizer: "sgd", LR: 0.05, Momentum: 0.9, Epochs: 2, Batch: 64, TestSamples: 1000},
			FewShot: experiment.TrainSettings{Model: "lenet5", Data: "mnist", Normalize: "none", Labels: digits(5, 9),
				Optimizer: "sgd", LR: 0.01, Momentum: 0.9, Epochs: 40, Batch: 20, Freeze: 2},
			Pool: 12000, FewShotExamples: 20, Draws: 3,
			StructuralMS: 5000,
			Drift:        driftSettings{Inputs: 200, Outputs: 50, Presentations: 10, PresentMS: 500, PauseMS: 200},
			RecallImages: 1000,
			// 2000 training examples of each pair of digits (two epochs
			// each, the job's default) for the five-minute budget; the
			// full profile takes the job's 5000, Tadros et al.'s number.
			Continual:        experiment.TrainSettings{Continual: "split", Tasks: 5, TrainSamples: 2000},
			ContinualMethods: []string{"finetune", "ewc", "sleep"},
		},
	}
}

// fullProfile runs longer and larger: the quick profile with more epochs,
// examples and neurons.
func fullProfile() profile {
	p := quickProfile()
	p.Name = "full"
	p.MLP.Epochs, p.MLPDropout.Epochs = 10, 10
	p.Converted.Samples = 10000
	p.Size.COBA.N = 16000
	p.Size.Microcircuit = experiment.SimSettings{Model: "microcircuit", Duration: 1500 * time.Millisecond, Warmup: 500 * time.Millisecond}
	p.Topology.ScaleFreeN = 100000
	p.Fault.COBA.N = 4000
	l := &p.Learning
	l.Surrogate.TrainSamples, l.Surrogate.Epochs = 60000, 3
	l.STDP.Neurons, l.STDP.TrainSamples, l.STDP.TestSamples = 400, 60000, 10000
	l.Pool = 30000
	l.StructuralMS = 20000
	// All 10,000 test images under PGD-40: hours on two cores (its first
	// ε alone took over 20 minutes here), against three minutes quick.
	a := &p.Adversarial
	a.Images, a.Steps, a.LeNet5.Epochs = 10000, 40, 3
	a.SPSAImages, a.SPSASteps, a.SPSADirections = 200, 20, 16
	l.Continual.TrainSamples = 0 // the job's default
	return p
}
