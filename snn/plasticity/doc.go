// Package plasticity holds learning rules that change a spiking network
// while it runs: "neurons that fire together, wire together".
//
//   - [STDP]: pair-based spike-timing-dependent plasticity (Bi & Poo 1998;
//     Song, Miller & Abbott 2000) with additive or multiplicative weight
//     dependence, computed with synaptic traces;
//   - [Triplet]: the triplet rule of Pfister & Gerstner (2006), which adds
//     the frequency dependence pair rules miss;
//   - [RateHebb]: rate-based Hebbian learning with Oja's normalisation on
//     firing-rate traces, and [Oja], the same rule on vectors, which
//     converges to the first principal component of its input;
//   - [Scaling]: homeostatic synaptic scaling (Turrigiano et al. 1998), which
//     keeps each neuron's rate near a target so Hebbian learning stays
//     stable;
//   - [Structural]: synapses pruned when weak and created at random, by
//     distance, or between co-active neurons, with the count recorded;
//   - [Chain] applies several rules to one projection.
//
// Each rule is a snn.Plasticity: set it as a Projection's Plasticity and
// the simulator calls it once per step with that step's spikes. Rules run
// on one goroutine, so results do not depend on the thread count.
package plasticity
