// Package attack crafts adversarial examples: inputs changed by less than
// a person would notice that a classifier gets wrong. It attacks any model
// that scores a batch of inputs ([Model]), following its gradient when it
// has one ([Differentiable]) and its scores alone when not.
//
// # Attacks
//
//   - [FGSM], the fast gradient sign method (Goodfellow, Shlens & Szegedy
//     2015): one step of ε·sign(∇ₓL) under L∞, or ε·∇ₓL/‖∇ₓL‖₂ under L2
//     (the fast gradient method).
//   - [PGD], projected gradient descent from a random start in the ε-ball
//     (Madry et al. 2018, "Towards deep learning models resistant to
//     adversarial attacks"), under L∞ or L2: Steps steps of StepSize along
//     the gradient's sign (L∞) or direction (L2), each projected back onto
//     the ε-ball around the input and the valid input range.
//   - [SPSA], a gradient-free attack that only reads scores (Uesato et al.
//     2018, "Adversarial risk and the dangers of evaluating against weak
//     attacks"): the gradient of the margin loss is estimated from
//     Samples random ±1 directions per step (simultaneous perturbation
//     stochastic approximation, Spall 1992) and followed by Adam, within
//     the same projection. It suits models whose gradient is unreliable or
//     absent: a spiking network simulated with hard thresholds, or one
//     whose surrogate gradient flatters its robustness.
//
// Corruptions to compare them with, at no adversary's choosing: [Gaussian]
// pixel noise, [PixelDropout], and, inside spiking models, spikes dropped
// and jittered in time (data.SpikeNoise, which [Net.Spikes] applies to a
// network's encoded input).
//
// # Units
//
// ε is in the units of the inputs as the data holds them — pixel
// intensities in [0, 1] for images — whatever normalisation the model
// applies inside: [Net] standardises its inputs itself, so the gradient it
// returns is with respect to raw pixels (the network's gradient with
// respect to its standardised input divided by each pixel's deviation).
// Every example an attack returns lies in the valid range [Config.Min,
// Config.Max] and within ε of its original in the attack's norm, exactly
// (checked in float64 arithmetic on the float32 values).
//
// # Determinism
//
// Random starts and SPSA's directions are drawn from a stream per example,
// keyed by Config.Seed and the example's row, so the same seed gives the
// same examples on any thread count and for any batch size; the model's
// own arithmetic is deterministic in the same way (package tensor).
//
// # Errors
//
// A model with nothing to follow — a step activation's gradient is zero,
// a latency-coded spike train has none — gives an error wrapping
// [ErrNoGradient] when it is wrapped ([NewNet]), naming the layer and why;
// the score-based SPSA still attacks it.
package attack
