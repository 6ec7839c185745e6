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
//	        topology                graphs and connection rules (CSR), generators, graph metrics
//	        energy                  what one operation is (MAC, synaptic event, spike); cited energies per operation
//	        internal/atomicfile     all-or-nothing file writes
//	        internal/specfile       decoding of the spec files users write (YAML or JSON)
//	        internal/barrier        the workers' per-step rendezvous, shared by the simulators
//	        internal/budget         memory estimates checked against a limit before allocating
//	        internal/browsertest    a headless Chromium for the web UI's tests
//	tier 1  snn                     spiking neurons, synapses, delays, the simulator, presets, specs
//	        ann                     layers (dense, conv, recurrent, spiking), losses, Sequential, specs
//	        data                    datasets (MNIST, CSV, logic tables), normalisation, spike encoders
//	        figure                  plots of single jobs: spike rasters, degree distributions
//	tier 2  snn/snntest             conformance suite for neuron models and the engine
//	        ann/anntest             finite-difference gradient checks for layers and losses
//	        optim                   SGD, Adam(W), learning-rate schedules, gradient clipping
//	        snn/plasticity          STDP, triplet, Oja, homeostatic scaling, structural plasticity
//	        lesion                  removing units or synapses from either kind of network
//	        snn/diehlcook           Diehl & Cook's unsupervised STDP digit learner
//	tier 3  modelio                 safetensors model files and checkpoints, STDP networks, ONNX export
//	tier 4  train                   the training loop: batches, schedules, early stopping, checkpoints
//	        convert                 trained ReLU networks run as integrate-and-fire neurons
//	        continual               learning tasks one after another: split and permuted MNIST, forgetting metrics, EWC, replay, sleep
//	        attack                  adversarial examples (FGSM, PGD, SPSA) and corruptions, for any model that scores inputs
//	tier 5  experiment              whole jobs, one call each: train, evaluate, predict, convert, attack, simulate…
//	tier 6  compare                 the seven experiments behind neurite compare, built from experiment's jobs
//	tier 7  report                  the comparison's figures and HTML report
//	        serve                   the web UI: jobs started, streamed live and stopped from a browser
//	tier 8  internal/cli            one file per command: flags → settings → one call → print
//	        cmd/neurite             main, which only calls cli.Main
//
// # Where to start
//
// The README's two commands: one runs the main job, the other the tests.
// docs/architecture.md follows a command from main down to the kernels.
package neurite
