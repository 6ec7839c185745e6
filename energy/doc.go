// Package energy defines what neurite counts as one operation of a neural
// network, and turns operation counts into energy with cited constants.
//
// # Overview
//
// Every model family counts its work into the same [Ops], per sample (one
// image presented once, every time step of the presentation included),
// so an artificial network, a converted spiking network and a spiking
// network trained by STDP or surrogate gradients can be set side by side.
// The counters live with the models: ann's Sequential.CountOps,
// convert's Result.Ops and diehlcook's Result.Ops. [Joules] multiplies
// the counts by energies per operation ([Costs]); the constants below are
// cited, not measured.
//
// # What one operation is
//
// A MAC (multiply–accumulate) is one product of an analog (non-spike)
// value and a weight added into a sum, s += x·w: a dense layer costs
// In·Out per example, a convolution F·OutH·OutW·C·KH·KW, a recurrent layer
// G·H·(In + H) per time step (G gates, H hidden units). An analog input
// presented as a constant current to a spiking network (ann's direct
// coding, convert's "current" input) costs In·Out MACs once per sample,
// not once per step: the current does not change while the image is
// shown, so it is computed once.
//
// A synaptic event is one spike delivered to one target: one weight read
// and added into the target's current or conductance (an accumulate, no
// multiply). A spike of a neuron with fan-out k is k synaptic events.
//
// A spike is one neuron reaching its threshold at one time step, or one
// spike of the input when the input is encoded as spike trains (Poisson
// or rate coding, latency coding). Input spikes are real events for the
// hardware: they count in Spikes, and their fan-out in SynapticEvents,
// like any other spike; InputSpikes says how many of the Spikes encode
// the input, so Spikes − InputSpikes were fired by the network's own
// neurons (hidden, output, inhibitory).
//
// Not counted: bias additions, activation functions, normalisation,
// pooling, softmax, and the per-neuron state update of a spiking neuron
// (leak, threshold test, reset) — work that grows with the number of
// neurons, not of synapses, and that the cited per-operation energies do
// not price. Memory traffic, which dominates real chips, is not counted
// either.
//
// # Units
//
// Counts are per sample, as float64 (averages over the samples counted).
// Costs are in picojoules (pJ) per operation; [Joules] returns joules.
//
// # References
//
//   - M. Horowitz (2014), “Computing's energy problem (and what we can do
//     about it)”, ISSCC, 10–14: fp32 multiply 3.7 pJ, add 0.9 pJ at 45 nm.
//   - P. A. Merolla et al. (2014), “A million spiking-neuron integrated
//     circuit with a scalable communication network and interface”,
//     Science 345:668–673: TrueNorth, 26 pJ per synaptic event.
//   - M. Davies et al. (2018), “Loihi: a neuromorphic manycore processor
//     with on-chip learning”, IEEE Micro 38:82–99: 23.6 pJ per synaptic
//     operation.
//   - “The differences between Artificial and Biological Neural Networks”
//     (the article neurite compare follows): a 250 W GPU (GeForce GTX
//     Titan X) against a 20 W brain; the Titan X's fp32 peak of about
//     6.1 TFLOP/s is NVIDIA's specification.
package energy
