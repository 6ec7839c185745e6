// Package neurite is a Go toolkit that builds, trains, simulates and
// compares the two kinds of neural network: artificial ones (perceptrons,
// multilayer networks, CNNs, LSTMs, trained by backpropagation) and
// biological ones (spiking neurons with thresholds, refractory periods,
// fatigue, conduction delays and plasticity).
//
// This file is the map of the module; the root package holds no code.
//
// # Packages, by tier
//
// Imports flow from higher tiers to lower ones only; deps_test.go fails when
// one flows upward or sideways without being on its allow-list.
//
//	tier 0  tensor                  float32 arrays and kernels: GEMM, im2col, softmax, activations
//	        tensor/internal/kernel  the AVX2+FMA assembly micro-kernel and its Go reference
//	        topology                connection rules producing sender-ordered CSR graphs
//	        internal/atomicfile     all-or-nothing file writes
//	tier 1  snn                     spiking neurons, synapses, delays, the simulators, presets, specs
//	        ann                     layers, losses, Sequential, architecture specs, the perceptron
//	        data                    datasets (MNIST, CSV, logic tables), normalisation, spike encoders
//	tier 2  snn/snntest             conformance suite for neuron models and the engine
//	        ann/anntest             finite-difference gradient checks for layers and losses
//	        optim                   SGD, Adam(W), learning-rate schedules, gradient clipping
//	tier 3  modelio                 safetensors model files
//	tier 4  train                   the training loop: batches, schedules, early stopping, divergence
//	tier 6  report                  figures (spike rasters) and, later, the HTML report
//	tier 7  internal/cli            one file per command of the neurite CLI
//	        cmd/neurite             main, which only calls cli.Main
//
// Planned packages and their tiers (see docs/architecture.md): energy (0);
// snn/plasticity (2); convert (4); compare (5).
//
// # Where to start
//
// The README's two commands: one runs the main job, the other the tests.
// docs/architecture.md follows a command from main down to the kernels.
package neurite
