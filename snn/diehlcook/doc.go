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
// happens in it. The neurons are shared among Net.Threads workers with
// one barrier per step; results do not depend on their number.
//
// Train, Responses and Evaluate loop over a dataset; Learn and Respond
// present one image, for a caller that runs its own loop so as to stop
// between any two images. State returns everything besides W, Theta and
// Labels that the next image depends on (potentials, conductances, the
// steps of the last spikes of neurons and inputs, the postsynaptic
// traces, the random stream's position), and SetState puts it back: a
// training run saved with them continues bit for bit. Tally sums the
// responses Assign reads, per class, so that a checkpoint keeps a few
// numbers per neuron instead of every response.
//
// Evaluate counts the spikes (input, excitatory, inhibitory) and synaptic
// events it simulates; Result.Ops gives them as package energy defines
// operations, comparable with the other families' counts.
//
// # Why a kernel of its own
//
// The network can be built from package snn's parts, and the tests do so:
// an snn.Sim with snn.CondLIF inhibitory neurons, projections and spike
// monitors, plus what snn lacks, written plainly in the test (the
// excitatory neuron's adaptive threshold and timer; the rule's traces,
// reset to 1 at a spike). TestGeneralSimulator checks that on 30+30
// neurons both fire the same neurons at the same steps, with learning on
// and off, and end each rest in the same state. The kernel stays separate
// because it exploits what only this network allows: an input's trace is
// read from a table by the step of its last spike instead of decaying 784
// traces every step, and its spike delivers and depresses its row in one
// pass (in the general network the rule's per-step work is half the
// time); the rest after the conductances fade is applied in closed form
// (a quarter of each image's steps); and its state is float64, where
// snn's float32 cannot resolve one step of θ's decay (1e-6 mV against
// 20 mV, τ_θ = 10⁷ ms). On the 400-neuron network, one worker each, the
// general path takes 1.9 times as long per image (median of 5 paired
// runs; 8.1 against 4.1 ms per image on a shared 2-core machine):
//
//	go test -run - -bench SpecialisedVsGeneral -benchtime 20x -count 5 ./snn/diehlcook
package diehlcook
