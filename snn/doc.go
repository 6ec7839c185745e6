// Package snn simulates networks of spiking neurons: the biological side
// of neurite.
//
// # Overview
//
// A [Network] holds populations of neurons ([Population], each a [Model]),
// projections of synapses between them ([Projection]) and external
// [Input]s. [NewSim] prepares it and [Sim.Run] advances it in steps of
// Network.DT ms. Monitors record spikes ([SpikeMonitor], with CSV and NumPy
// export, CV of interspike intervals, population rate) and sampled state
// ([StateMonitor]); for runs of any length, [SpikeStats] keeps per-neuron
// counts and interval statistics, [CountCorrelation] the mean pairwise
// correlation of sampled neurons' spike counts, and a [SpikeSink]
// ([CSVWriter], [NPYWriter]) takes the spikes as they come, in memory
// that does not grow with simulated time.
// Networks can be written in Go, built from a YAML or JSON
// [Spec], or taken from the presets of the standard benchmarks: [COBA] and
// [CUBA] (Brette et al. 2007), [Brunel] (Brunel 2000), [IzhikevichNetwork]
// (Izhikevich 2003), [HHCells] and the cortical microcircuit of Potjans &
// Diesmann (2014) with NEST's parameters ([Microcircuit],
// [MicrocircuitSpec]: 77,169 neurons, 3·10⁸ synapses, scalable); [EventCUBA]
// runs benchmark 4 with the event-driven engine [EventLIF], which computes
// exact spike times.
//
// Neuron models: [LIF] (current-based, exact integration, exponential or
// alpha synapses, optional adaptive threshold; with a capacitance CM its
// inputs are currents in pA and it is NEST's iaf_psc_exp), [CondLIF]
// (conductance-based), [Izhikevich] (with the paper's presets), [AdEx]
// (adaptation), [HH] (Hodgkin–Huxley), and the sources [PoissonGroup] and
// [SpikeTrains]. Every model has an absolute refractory period.
// Short-term depression and facilitation ([STP], Tsodyks–Markram) and
// delays from distance and conduction velocity ([SetAnatomicalDelays])
// belong to projections.
//
// # Engine
//
// The clock-driven engine follows Brian2's schedule, so that its results
// can be checked against Brian2's: each step, every population integrates
// and reports threshold crossings; spikes are queued into per-variable ring
// buffers `delay` steps ahead (delivered straight into the variable when
// nothing is delayed); inputs act; the current slot is delivered; the
// neurons that fired are reset. A variable that ignores input during
// refractoriness (Brian2's "unless refractory") says so through [Gated].
//
// # Units
//
// Time in ms, potentials in mV, conductances in nS, capacitance in pF,
// currents in pA (nA for [HH]), rates in Hz, positions in mm and
// velocities in m/s (= mm/ms). Each parameter's doc comment gives its unit.
//
// # Concurrency and determinism
//
// [SimOptions].Threads workers each own a contiguous range of every
// population (aligned to 8 neurons). They integrate their own neurons,
// then, after one barrier per step, each walks every spike but writes only
// the synapses that land in its own range, in presynaptic order. Random
// numbers come from counter-based streams ([Stream]) addressed by step and
// neuron. So the same seed gives the same spikes, bit for bit, whatever the
// thread count. On amd64 with AVX2 the LIF and conductance-based LIF
// updates run eight neurons at a time in assembly that performs the same
// float32 operations as the Go code, so it changes speed, not results.
//
// # Saving and resuming
//
// [Sim.SaveState] writes everything a run changes — the step count,
// every model's state ([Stateful]), the weights and rows plasticity
// changed with its rules' traces and generators, short-term plasticity,
// the spikes in flight in the delay buffers, the monitors' records and
// statistics — and [Sim.LoadState] puts it into a Sim built from the same
// network and seed, which then runs on bit for bit as the first would
// have, on any thread count. The random streams need no saving: each
// draw is addressed by step and neuron. [Network.Fingerprint] tells
// whether two networks were built the same way.
//
// # Several processes
//
// With [SimOptions].Cluster (MPI ranks, see internal/mpi; or
// snntest.LocalCluster's goroutines), each process owns a contiguous,
// 8-aligned range of every population ([RankRange]) as the workers do
// within a process, keeps only the synapses onto its own neurons, and
// sends its spikes to every rank once per exchange window: the shortest
// delay in steps (a spike cannot act earlier), or every step when a
// synapse has no delay or plasticity reads every step's spikes. The
// received spikes join the workers' lists in the order of their neurons,
// so every sum is formed as in one process, and the spikes are the same
// bits for any number of ranks and threads. [Sim.CommStats] measures the
// exchange. Rows a structural rule rewires are pruned again, so its
// History counts the rank's own synapses. Every rank builds the whole
// network before keeping its share: construction is not distributed.
//
// # Errors
//
// Parameters are validated when a model is built and again by Prepare,
// with errors naming the model and field ("snn: LIF: TauM = -1, must be
// positive and finite"). Hot loops panic only on violated preconditions.
//
// # Memory
//
// Networks described by a size are estimated before they are built
// ([Spec.Estimate], [PresetEstimate]): each model's state per neuron, the
// synapses each connection rule is expected to make (all: pre·post;
// probability p: p·pre·post plus five standard deviations; in-degree k:
// k·post) at the bytes a synapse takes (see [Projection.Bytes]), the
// delay ring buffers (longest delay in steps times the target neurons)
// and the simulator's bookkeeping. Above the limit (half of the machine's
// memory unless [Spec.BuildWithin], [PresetOptions] or [SimOptions] set
// another) they give a *budget.Error naming the network, the estimate and
// the limit, and nothing is allocated. Delays are at most [MaxDelaySteps]
// steps. [Projection.Compact] (a spec's compact: true) stores a synapse in
// 5 bytes instead of 10 (16-bit target, weight quantised to 16 bits across
// the projection's range, 8-bit delay) where they fit.
//
// # References
//
// Brette R. et al. (2007) Simulation of networks of spiking neurons: a
// review of tools and strategies. J Comput Neurosci 23:349–398.
// Brunel N. (2000) Dynamics of sparsely connected networks of excitatory
// and inhibitory spiking neurons. J Comput Neurosci 8:183–208.
// Izhikevich E.M. (2003) Simple model of spiking neurons. IEEE Trans
// Neural Netw 14:1569–1572.
// Brette R., Gerstner W. (2005) Adaptive exponential integrate-and-fire
// model. J Neurophysiol 94:3637–3642.
// Hodgkin A.L., Huxley A.F. (1952) J Physiol 117:500–544.
// Maass W., Markram H. (2002) Synapses as dynamic memory buffers. Neural
// Netw 15:155–161.
// Rotter S., Diesmann M. (1999) Exact digital simulation of time-invariant
// linear systems. Biol Cybern 81:381–402.
// Tsodyks M., Uziel A., Markram H. (2000) Synchrony generation in recurrent
// networks with frequency-dependent synapses. J Neurosci 20:RC50.
// Potjans T.C., Diesmann M. (2014) The cell-type specific cortical
// microcircuit. Cereb Cortex 24:785–806.
// van Albada S.J. et al. (2018) Performance comparison of the digital
// neuromorphic hardware SpiNNaker and the neural network simulation software
// NEST for a full-scale cortical microcircuit model. Front Neurosci 12:291.
package snn
