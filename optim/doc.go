// Package optim updates network parameters from their gradients: SGD
// (with momentum, Nesterov momentum and weight decay), Adam and AdamW;
// learning-rate schedules (step, exponential, cosine, linear warm-up); and
// gradient clipping. Updates follow PyTorch's definitions, so settings
// carry over.
//
// # Overview
//
// An optimizer is built from a settings struct, [SGD], [Adam] or [AdamW],
// whose New method validates it and returns an [Optimizer]:
//
//	opt, err := optim.SGD{LR: 0.05, Momentum: 0.9}.New()
//
// A schedule is a value of [Constant], [StepDecay], [Exponential],
// [Cosine] or [Warmup] (which wraps another); it has no state, so its
// settings are the schedule. Its Validate method checks them once, and
// its LR method gives the rate at each step from the optimizer's initial
// rate:
//
//	sched := optim.Warmup{Steps: 500, Then: optim.Cosine{Total: total - 500}}
//	if err := sched.Validate(); err != nil { … }
//	opt.SetLR(sched.LR(base, step))
//
// [New] and [NewSchedule] build the same values by name ("sgd", "adam",
// "adamw"; "constant", "step", "exponential", "cosine"), the way the
// command line and checkpoints identify them; they are thin wrappers over
// the types, and both paths give the same updates bit for bit.
//
// # Defaults
//
// A zero field means its default, documented on the field and written
// once in the code, so SGD{}, Adam{} and AdamW{} are PyTorch's optimizers
// with PyTorch's defaults: learning rate 0.001; Adam's β₁ 0.9, β₂ 0.999,
// ε 1e-8; no weight decay, except AdamW's 0.01; no momentum. StepDecay's
// Gamma defaults to 0.1 and Exponential's to 0.95. Lengths that depend on
// the run (StepDecay.Every, Cosine.Total) have no default.
//
// # Errors
//
// Validate and New return a *[FieldError] naming the Go field of the first
// setting outside its range, as in "optim: SGD.LR -1: must be positive and
// finite"; [New] names its parameters instead ("optim: lr 0: …"). Callers
// that expose the settings under other names, such as command-line flags,
// map FieldError.Field to theirs. [Optimizer.Restore] returns an error
// when a [State] does not fit the parameters.
//
// # Checkpoints
//
// [Optimizer.State] and [Optimizer.Restore] save and restore an
// optimizer's memory under PyTorch's buffer names (momentum_buffer;
// exp_avg and exp_avg_sq), so a run resumed from a checkpoint continues
// bit for bit. The State does not record which optimizer or settings made
// it: a checkpoint keeps the name and arguments, and rebuilds with [New].
//
// # Concurrency
//
// Settings and schedules are values, safe to share. An Optimizer keeps
// per-parameter state and is not safe for concurrent use.
//
// # References
//
//   - Sutskever, Martens, Dahl & Hinton (2013), On the importance of
//     initialization and momentum in deep learning. ICML.
//   - Kingma & Ba (2015), Adam: a method for stochastic optimization. ICLR.
//   - Loshchilov & Hutter (2017), SGDR: stochastic gradient descent with
//     warm restarts. ICLR.
//   - Loshchilov & Hutter (2019), Decoupled weight decay regularization.
//     ICLR.
package optim
