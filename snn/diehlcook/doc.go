// Package diehlcook is unsupervised digit learning by spike-timing-dependent
// plasticity, the network of Diehl & Cook (2015): Poisson-coded pixels
// drive a layer of excitatory conductance-based LIF neurons with adaptive
// thresholds through plastic synapses; each excitatory neuron excites one
// inhibitory partner, which inhibits all the other excitatory neurons
// (winner-take-all competition). Neurons specialise on their own, with no
// labels and no backpropagation; labels are only read afterwards, by
// assigning each neuron the class it responds to most.
//
// Parameters and update order are those of the authors' Brian code (dt =
// 0.5 ms, 350 ms per image then 150 ms of rest, τ_exc 100 ms, thresholds
// −52 mV plus an adaptive θ, STDP with a presynaptic trace and two
// postsynaptic traces, input weights normalised to sum 78 per neuron,
// input intensity raised when fewer than 5 spikes answer an image; see
// Default). It is simulated event-driven for the synapses: an input spike
// adds its row of weights and depresses it in the same pass, and a
// neuron's spike potentiates its column from the inputs' last spike
// times; only neuron states are updated every step. Each rest, once its
// conductances have faded (after 20 ms, or a little more after late
// spikes), is applied in closed form, since nothing but relaxation
// happens in it. The neurons are shared among Net.Threads workers with one barrier
// per step; results do not depend on their number.
//
// Evaluate counts the spikes (input, excitatory, inhibitory) and synaptic
// events it simulates; Result.Ops gives them as package energy defines
// operations, comparable with the other families' counts.
package diehlcook
