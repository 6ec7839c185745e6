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
// The clock-driven engine runs Brian2's schedule, so that a network gives
// Brian2's spikes: Brian2 2.5.1 wrote the spikes of a small recurrent
// network in testdata (brian2_step.py), and the tests require every one.
// Step n, from t = n·dt to t + dt, for Brunel's (2000) LIF neurons with
// delta synapses onto v, beside what Brian2 runs at the same point:
//
//  1. State monitors sample (Brian2's "start" slot).
//  2. [Model].Step, per neuron (Brian2's "groups" and "thresholds"
//     slots): the refractory counter r counts down; while it is still
//     positive v is left as it is, otherwise v advances by the exact
//     propagator, v ← e^(−dt/τ)·v (Brian2: not_refractory =
//     timestep(t − lastspike, dt) ≥ timestep(τref, dt), then v advances
//     unless refractory). If v > θ the neuron fires and r ← R =
//     round(τref/dt) (Brian2: v > θ and not_refractory, then lastspike ←
//     t and not_refractory ← False).
//  3. Each spike adds its weight into the ring slot of step n + d, d =
//     round(delay/dt), or straight into v when nothing onto v is delayed
//     (Brian2: the synaptic pathway pushes the spike d steps into its
//     queue).
//  4. Inputs act: [PoissonInput] adds J·k, k ~ Binomial(C, ν·dt) (Brian2's
//     PoissonInput, in the same "synapses" slot).
//  5. The slot of step n is added into v (Brian2: the queue's current
//     slot runs on_pre, v += w).
//  6. [Model].Reset: v ← VReset for the neurons that fired (Brian2's
//     "resets" slot).
//
// In 3–5 a neuron whose counter is positive gets nothing: Brian2 makes
// every write to a variable marked "(unless refractory)" conditional on
// not_refractory (NeuronGroup sets it as the variable's conditional
// write; only the reset overrides it), so an event that arrives then is
// lost, not postponed. A model says which variables behave so through
// [Gated] (LIF's v, not its synaptic ge and gi). Within 3–5 the order does
// not matter: they only add.
//
// So, as in Brian2: a spike in step n with delay d first counts in the
// threshold test of step n+d+1, after one step of decay; a neuron that
// fires in step n loses the inputs of steps n … n+R−1, keeps v = VReset
// through step n+R−1 and integrates again, with its inputs, from step n+R,
// where it can fire again: the shortest interval between spikes is τref.
//
// NEST's iaf_psc_delta (NEST 3, models/iaf_psc_delta.cpp) orders its step
// differently: it adds the input arriving in step n together with the
// decay and tests V ≥ θ in the same step, so an input counts one step
// sooner and undecayed (a spike of step m with delay d can cause one in
// step m+d); after a spike it holds V for R steps and integrates from
// step m+R+1, so the shortest interval is τref + dt, discarding the input
// of those R steps (refractory_input false, the default); and it stamps a
// spike at the end of its step, (m+1)·dt, where Brian2 and neurite stamp
// the start. Against NEST, expect these one-step offsets.
//
// A Brunel network's rate depends on its random wiring far more than the
// two engines differ: over seeds, which draw the wiring, its standard
// deviation is about 4% in panel B, 6% in C and 10% in D, while neurite on
// the wiring Brian2 drew gives Brian2's rate within 1% network for network
// in panels B and C, and in D (whose slow oscillation makes one wiring's
// rate vary too) within 1% on average over five. So five seeds a side
// cannot tell 3% apart in panels C and D; over 30 seeds a side the means
// of panels B, C and D agree within 3% (scripts/brunel-seeds-vs-brian2.sh).
// scripts/validate-vs-brian2.sh compares the means over seeds and,
// network for network, on Brian2's wiring.
//
// Plasticity follows Brian2's synaptic pathways: a rule's Update sees the
// spikes of step n as they are emitted (Brian2's on_pre and on_post with
// no delay), presynaptic before postsynaptic, and [STP] scales a spike of
// step n by the efficacy its interval since the previous spike gives.
// After 10,000 steps of fixed spike trains, each rule of snn/plasticity
// (but the random structural one) ends with Brian2's weights, to float32
// rounding, and every spike transmits Brian2's Tsodyks–Markram efficacy
// (snn/plasticity/brian2_test.go, stp_test.go). Over every preset,
// scripts/validate-vs-brian2.sh --suite compares rates, CVs of
// interspike intervals, spike-count correlations and per-neuron rate
// distributions with those of 60 stored Brian2 runs
// (testdata/brian2_fidelity.json.gz), all its tests corrected together by
// Holm–Bonferroni; TestFidelityAgainstBrian2 runs the same tests of rates,
// CVs and rate distributions under `go test` (a subset; every preset with
// NEURITE_LONG=1).
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
// then, after a barrier, each walks every spike but writes only the
// synapses that land in its own range, in presynaptic order. They meet
// once per window of steps one longer than the shortest delay (a spike
// reaches no other neuron sooner), delivering the window's spikes step by
// step, so the sums are those of delivery every step; without delays or
// with plasticity, once per step. Random
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
// whether two networks were built the same way. Split over processes,
// each rank saves and loads its own share, which only the same rank of as
// many processes takes back.
//
// # Several processes
//
// With [SimOptions].Cluster (MPI ranks, see internal/mpi; or
// snn.LocalCluster's goroutines), each process owns a contiguous,
// 8-aligned range of every population ([RankRange]) as the workers do
// within a process, keeps only the synapses onto its own neurons, and
// sends its spikes to every rank once per exchange window: the shortest
// delay in steps (a spike cannot act earlier), or every step when a
// synapse has no delay or plasticity reads every step's spikes. The
// received spikes join the workers' lists in the order of their neurons,
// so every sum is formed as in one process, and the spikes are the same
// bits for any number of ranks and threads. [Sim.CommStats] measures the
// exchange. Rows a structural rule rewires are pruned again, so its
// History counts the rank's own synapses. Each rank builds only its
// share of the network ([Share]: [Spec.BuildShare], [PresetOptions].Share):
// every neuron, and the synapses onto its own, drawn with every random
// number of the whole network so that they are the whole network's bits;
// memory divides by the ranks, construction time does not.
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
