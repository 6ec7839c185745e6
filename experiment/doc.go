// Package experiment holds neurite's jobs, one library call each: train a
// model ([Train]), evaluate it ([Evaluate]), classify inputs with it
// ([Predict]), convert a trained ReLU network to spiking neurons
// ([Convert]), craft adversarial examples against a model and measure it
// under attack ([Attack]), simulate a spiking network ([Simulate]), build
// and measure a wiring ([Graph]), describe a model file ([Inspect]),
// export it to ONNX ([Export]), and time standard workloads ([BenchGEMM],
// [BenchTrain], [BenchSim]). The command line, the comparison (package compare) and the
// web UI all run these same functions, so a number means the same
// wherever it is shown.
//
// # Settings and reports
//
// Every job takes a settings struct and returns a report struct. A zero
// field of the settings takes its documented default, written once, beside
// the job; where models differ, per model ([TrainDefaults] lists them, and
// `neurite train --help` prints that table). A report's JSON is exactly
// what the matching `neurite … --json` prints; fields tagged `json:"-"`
// hand Go callers what a command cannot print (the trained network, the
// spike statistics, every spike when asked). [SimReport] holds no NaN or
// Inf: a quantity that cannot be measured is 0 or absent, and its Notes
// say why.
//
// Datasets and models can be named (Data: "mnist", Model: "mlp" or a file
// path) or passed in memory (TrainSet and TestSet, Spec, Net, Network):
// the same job then runs on them.
//
// # Watching a job
//
// Reporting.Observe, when set, receives typed events as the job runs
// ([Event]: *[TrainStep] after training batches, *[SimFrame] as a
// simulation advances, *[ReceptiveFields] while an STDP network learns),
// at most one of a kind every Reporting.ObserveEvery (1/60 s by default)
// and always the run's last. Events only read the run's state: a job
// gives the same bits observed or not. The web UI (package serve) streams
// them to the browser; [TrainSettings.Check] and [SimSettings.Check] give
// it the job's refusals before it starts one.
//
// # Operations
//
// Reports count operations per example with package energy's one
// definition (MACs, synaptic events, spikes, input spikes): the training,
// evaluation and conversion jobs and the comparison's Power section all
// use it.
//
// # Errors
//
// A setting a job cannot use gives a *[FieldError] naming the Go field
// (the CLI turns it into a usage error naming its flag); anything else
// (a missing file, a model that does not fit the data) is an ordinary
// error. A training run cancelled through its context after writing a
// checkpoint gives an *[InterruptedError] saying where the checkpoint is.
//
// # Memory
//
// Every job estimates what its settings will make it allocate (networks'
// parameters and a batch's activations, neurons' state and synapses,
// delay buffers, graphs' edges) before it allocates anything, and a
// request above the settings' MaxMemory (0: half of the machine's memory,
// or of the process's address-space limit) gives a *budget.Error naming
// the request, the estimate and the limit (errors.Is
// budget.ErrOverBudget). A batch larger than the training set is cut to
// it, and the log says so.
//
// # Concurrency
//
// Settings.Threads sets the number of worker threads for the job (0: all
// cores); results are the same bits for any value. The tensor kernels and
// the artificial networks' batch loops take it from the process's
// GOMAXPROCS, which a job sets for its duration, so jobs that set
// different thread counts should not run at the same time; the simulators
// take it explicitly.
package experiment
