// Package continual learns tasks one after another with one network and
// measures what it forgets: the scenarios, the metrics and the learners
// of continual learning, sleep among them.
//
// # Overview
//
// A [Scenario] is a sequence of tasks cut from a dataset: [Split] makes
// class-incremental tasks (split MNIST: the digits 0–1, then 2–3, …, all
// ten told apart at the end with no hint of the task), [Permuted] makes
// permuted MNIST (every task all ten digits under a pixel permutation of
// its own). [Run] trains a network on the tasks in turn by
// backpropagation (package train) as a [Method] says and scores it on
// every task's test examples before any training and after each task:
// the accuracy matrix R of Lopez-Paz & Ranzato (2017), from which
// [AverageAccuracy], [BackwardTransfer] (forgetting) and
// [ForwardTransfer] follow.
//
// The methods:
//
//   - [FineTune]: each task's examples in turn, nothing else — the
//     forgetting baseline;
//   - [Joint]: every task so far at once — the upper bound;
//   - [EWC]: elastic weight consolidation (Kirkpatrick et al. 2017), a
//     quadratic penalty holding the weights that mattered to earlier
//     tasks;
//   - [Replay]: a small buffer of earlier examples trained with each new
//     task (rehearsal);
//   - [Sleep]: sleep replay consolidation (Tadros, Krishnan, Ramyaa &
//     Bazhenov 2022, Nat. Commun. 13:7742): after each task the network
//     runs as integrate-and-fire neurons on Poisson noise at the mean
//     intensity of the data seen, and a local spike-timing rule changes
//     its weights — no example, no label, no gradient. Its constants are
//     the authors' for MNIST, from their code; [Sleep] documents each.
//
// # Units
//
// Accuracies are fractions in [0, 1]; the sleep's time step DT and
// simulated time are in ms, its input rate in Hz; weights and their
// changes (Inc, Dec) in the network's own units.
//
// # Errors
//
// Run returns an error for a network whose outputs do not cover the
// scenario's classes or that the method cannot run (sleep: dense and ReLU
// layers without biases, one threshold per dense layer), for settings out
// of range, ctx.Err() when cancelled, and train.ErrDiverged (wrapped) when
// the loss diverges. The scenarios refuse, before copying anything,
// copies of the data estimated above their memory limit
// (*budget.Error). The metrics panic on a matrix that is not square: a
// programming error.
//
// # Concurrency and determinism
//
// A run changes its network in place and must not share it. Results are
// the same bits for a seed whatever GOMAXPROCS is: training uses the
// tensor kernels' fixed summation order, and the sleep phase and EWC's
// importance estimate run on the calling goroutine.
package continual
