package compare

import (
	"math"
	"strings"

	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/snn"
)

// Cited constants (not measured here).
const (
	brainNeurons     = 86e9 // Azevedo et al. 2009
	brainSynapsesLow = 1e14 // the article: "more than 100 trillion"
	brainSynapsesHi  = 1e15 // the article: "1000 trillion"
	brainRateHz      = 1.0  // mean cortical rate below ~1 Hz: Lennie 2003
	machineBytes     = 24 << 30
	// brainWindowSteps is the exchange window assumed at brain scale: 1.5
	// ms (Brunel's delay, the fitted network's), in steps of 0.1 ms.
	brainWindowSteps = 15
)

// size measures what one neuron, synapse and parameter cost in each engine
// and extrapolates to the brain.
func size(e *env) (Difference, error) {
	m, err := measureSize(e, e.p.Size)
	if err != nil {
		return Difference{}, err
	}
	return presentSize(m), nil
}

// sizeData is what the size experiment measures.
type sizeData struct {
	MLP *experiment.TrainReport
	// GFLOPS is this machine's float32 GEMM speed at 512³.
	GFLOPS float64
	// COBA is the benchmark network simulated with its synapses, Bare the
	// same neurons without them.
	COBA, Bare *experiment.SimReport
	// Microcircuit is Potjans & Diesmann's model at full scale (nil when
	// the profile leaves it out).
	Microcircuit *experiment.SimReport
	// Scaling are the runs the scaling model is fitted to, and Model the
	// fit.
	Scaling []*experiment.SimReport
	Probes  []experiment.ExchangeProbe
	Model   experiment.ScalingModel
}

func measureSize(e *env, s sizeSettings) (sizeData, error) {
	var m sizeData
	var err error
	if m.MLP, err = e.trainedMLP(); err != nil {
		return m, err
	}
	e.progress("size: measuring GEMM speed and simulating COBA")
	m.GFLOPS = gflops()
	// Spiking side: the COBA benchmark network, as `neurite sim` runs it.
	if m.COBA, err = e.simulatePreset(s.COBA); err != nil {
		return m, err
	}
	// The same neurons without synapses isolate the cost of a neuron-step.
	bare, err := experiment.BuildNetwork(s.COBA.Model, s.COBA.N, s.COBA.Panel, e.o.Seed)
	if err != nil {
		return m, err
	}
	bare.Projections = nil
	if m.Bare, err = e.simulate(bare, ms(s.COBA.Duration), s.COBA.Threads); err != nil {
		return m, err
	}
	e.progress("size: simulating Brunel's network split over ranks to fit the scaling model")
	for _, net := range s.Scaling {
		for _, r := range s.ScalingRanks {
			run := net
			run.Seed, run.Threads = e.o.Seed, 1
			rep, err := experiment.SimulateRanks(e.ctx, run, r)
			if err != nil {
				return m, err
			}
			m.Scaling = append(m.Scaling, rep)
		}
	}
	// The runs' windows carry a few hundred bytes; a brain-scale one
	// carries hundreds of megabytes: the exchange of large payloads is
	// timed directly for the cost per byte.
	for _, r := range s.ScalingRanks {
		if r > 1 {
			probes, err := experiment.ProbeExchange(e.ctx, r, []int{64 << 10, 1 << 20, 8 << 20}, 0)
			if err != nil {
				return m, err
			}
			m.Probes = append(m.Probes, probes...)
		}
	}
	if m.Model, err = experiment.FitScaling(m.Scaling, m.Probes...); err != nil {
		return m, err
	}
	if s.Microcircuit.Model != "" {
		e.progress("size: simulating the cortical microcircuit (77,169 neurons, 3·10⁸ synapses)")
		if m.Microcircuit, err = e.simulatePreset(s.Microcircuit); err != nil {
			return m, err
		}
	}
	return m, nil
}

func presentSize(sm sizeData) Difference {
	d := Difference{Metrics: map[string]float64{}}
	// Artificial side: the trained MLP.
	params := sm.MLP.Params
	ep := sm.MLP.History[len(sm.MLP.History)-1]
	trainRate := float64(ep.Samples) / ep.Seconds
	gf := sm.GFLOPS
	run, bareRun := sm.COBA, sm.Bare
	n := run.Neurons
	steps := run.SimMS / run.DTMS
	nsPerNeuronStep := bareRun.WallSeconds * 1e9 / (float64(n) * steps)
	nsPerEvent := math.Max(run.WallSeconds-bareRun.WallSeconds, 1e-9) * 1e9 / float64(run.SynapticEvents)
	m := d.Metrics
	m["ann_params"] = float64(params)
	m["ann_bytes_per_param"] = 4
	m["ann_train_samples_per_second"] = trainRate
	m["gemm_gflops_512"] = gf
	m["snn_neurons"] = float64(run.Neurons)
	m["snn_synapses"] = float64(run.Synapses)
	m["snn_bytes_per_synapse"] = run.BytesPerSynapse
	m["snn_rate_hz"] = meanRate(run)
	m["snn_wall_seconds_per_bio_second"] = run.WallSeconds / (run.SimMS / 1000)
	m["snn_synaptic_events"] = float64(run.SynapticEvents)
	m["snn_ns_per_event"] = nsPerEvent
	m["snn_ns_per_neuron_step"] = nsPerNeuronStep

	sm.presentScaling(m)

	// Brain scale: memory, and time over as many ranks as machines it
	// needs, by the scaling model.
	for _, c := range []struct {
		key      string
		synapses float64
	}{{"1e14", brainSynapsesLow}, {"1e15", brainSynapsesHi}} {
		mem := c.synapses * run.BytesPerSynapse
		machines := math.Ceil(mem / machineBytes)
		seconds, compute, comm := sm.Model.Predict(experiment.ScalingWorkload{Neurons: brainNeurons, Synapses: c.synapses, RateHz: brainRateHz,
			DTMS: run.DTMS, WindowSteps: brainWindowSteps, Ranks: int(machines)})
		m["brain_"+c.key+"_snn_memory_bytes"] = mem
		m["brain_"+c.key+"_snn_machines_for_memory"] = machines
		m["brain_"+c.key+"_snn_seconds_per_bio_second"] = seconds
		m["brain_"+c.key+"_snn_compute_seconds_per_bio_second"] = compute
		m["brain_"+c.key+"_snn_exchange_seconds_per_bio_second"] = comm
		// An ANN with one parameter per synapse: fp32 weights and one
		// forward pass (2 FLOPs per weight) at the measured GEMM speed.
		m["brain_"+c.key+"_ann_memory_bytes"] = 4 * c.synapses
		m["brain_"+c.key+"_ann_seconds_per_inference"] = 2 * c.synapses / (gf * 1e9)
	}
	d.Figures = append(d.Figures, Figure{
		Title:   "Memory: this machine against the brain",
		Caption: "Bytes needed to hold the weights (artificial, fp32) or the synapses (spiking, at the measured bytes per synapse): this run's MLP and COBA network, an ANN with one weight per synapse of a brain with 10¹⁴ synapses, spiking networks of brain size with 10¹⁴ and 10¹⁵ synapses, and, last, this machine's 24 GiB of memory (the last bar): a bar taller than it does not fit in it.",
		YLabel:  "bytes", LogY: true,
		XTicks: []string{"MLP " + arch(sm.MLP.Settings), "COBA " + itoa(n), "brain-size ANN, 10¹⁴ weights", "brain SNN, 10¹⁴ synapses", "brain SNN, 10¹⁵ synapses", "this machine's memory"},
		Series: []Series{
			{Name: "artificial (fp32 weights)", Bars: true, X: []float64{0, 2}, Y: []float64{4 * float64(params), 4 * brainSynapsesLow}, Family: Artificial},
			{Name: "spiking (synapses)", Bars: true, X: []float64{1, 3, 4}, Y: []float64{float64(run.Synapses) * run.BytesPerSynapse, m["brain_1e14_snn_memory_bytes"], m["brain_1e15_snn_memory_bytes"]}, Family: Biological},
			{Name: "this machine's memory", Bars: true, X: []float64{5}, Y: []float64{machineBytes}}},
	})
	d.Tables = append(d.Tables, Table{
		Title:   "Measured cost and brain-scale extrapolation",
		Columns: []string{"quantity", "artificial (MLP)", "spiking (COBA)"},
		Rows: [][]string{
			{"units", itoa(units(sm.MLP.Settings)) + " (784 inputs not counted)", itoa(run.Neurons) + " neurons"},
			{"connections", itoa(params) + " weights", itoa(run.Synapses) + " synapses"},
			{"bytes per connection", "4", f("%.1f", run.BytesPerSynapse)},
			{"throughput", f("%.0f training samples/s", trainRate), f("%.3g synaptic events/s", float64(run.SynapticEvents)/run.WallSeconds)},
			{"cost per unit of work", f("%.1f GFLOP/s (GEMM 512³)", gf), f("%.2f ns/event, %.2f ns/neuron-step", nsPerEvent, nsPerNeuronStep)},
			{"brain with 1e14 synapses: memory", f("%.3g bytes", 4*brainSynapsesLow), f("%.3g bytes (%.0f machines of 24 GiB)", m["brain_1e14_snn_memory_bytes"], m["brain_1e14_snn_machines_for_memory"])},
			{"brain with 1e14 synapses: time", f("%.3g s per inference", m["brain_1e14_ann_seconds_per_inference"]), brainTime(m, "1e14")},
			{"brain with 1e15 synapses: time", f("%.3g s per inference", m["brain_1e15_ann_seconds_per_inference"]), brainTime(m, "1e15")},
		},
	})
	d.Sources = []string{
		"86 billion neurons: Azevedo et al. (2009), J. Comp. Neurol. 513:532–541.",
		"10^14–10^15 synapses: the article (“more than 100 trillion … 1000 trillion”).",
		"Mean cortical firing rate ≈ 1 Hz or less, used for brain-scale event counts: Lennie (2003), Curr. Biol. 13:493–497.",
		"COBA network: Brette et al. (2007), J. Comput. Neurosci. 23:349–398 (benchmark 1).",
	}
	d.Method = "The MLP is trained on MNIST in this run and its epoch timed; GEMM speed is the median of 5 products of 512×512 matrices. " +
		f("COBA is simulated for %g s of biological time on all threads, once with its synapses and once without,", run.SimMS/1000) + ` which separates the cost of a neuron-step (dt = 0.1 ms) from the cost of a synaptic event. The brain-scale memory multiplies the measured bytes per synapse by cited counts. ` + scalingMethod(sm)
	d.Meaning = f("The synapses of a brain-sized spiking network would fill %.0f machines like this one; split over that many ranks, the scaling model fitted here predicts ", m["brain_1e14_snn_machines_for_memory"]) +
		f("%.3g s per biological second even at a 1 Hz mean rate, %.0f%% of it exchanging spikes; the artificial network of this run is ", m["brain_1e14_snn_seconds_per_bio_second"],
			100*m["brain_1e14_snn_exchange_seconds_per_bio_second"]/m["brain_1e14_snn_seconds_per_bio_second"]) +
		f("%.2g times smaller than the brain's synapse count.", brainSynapsesLow/float64(params))
	if mc := sm.Microcircuit; mc != nil {
		presentMicrocircuit(&d, mc)
	}
	d.Status = "measured"
	return d
}

// presentMicrocircuit adds the cortical microcircuit at natural density:
// its size and cost, and each population's rate beside NEST's.
func presentMicrocircuit(d *Difference, mc *experiment.SimReport) {
	m := d.Metrics
	m["microcircuit_neurons"] = float64(mc.Neurons)
	m["microcircuit_synapses"] = float64(mc.Synapses)
	m["microcircuit_bytes_per_synapse"] = mc.BytesPerSynapse
	m["microcircuit_memory_bytes"] = float64(mc.Synapses) * mc.BytesPerSynapse
	m["microcircuit_build_seconds"] = mc.BuildSeconds
	m["microcircuit_real_time_factor"] = mc.RealTimeFactor
	rows := [][]string{
		{"neurons, synapses", itoa(mc.Neurons) + ", " + itoa(mc.Synapses)},
		{"memory of the synapses", f("%.2f GB (%.2f bytes a synapse)", float64(mc.Synapses)*mc.BytesPerSynapse/1e9, mc.BytesPerSynapse)},
		{"build, simulation", f("%.1f s to build; %.3g s of wall time per simulated second", mc.BuildSeconds, mc.RealTimeFactor)},
	}
	for k, name := range snn.MicrocircuitPopulations {
		r := mc.RateHz[name]
		m["microcircuit_rate_hz_"+name] = r
		rows = append(rows, []string{"rate of " + name, f("%.3f Hz (NEST %.3f Hz, %+.1f%%)", r, snn.MicrocircuitRates[k], 100*(r/snn.MicrocircuitRates[k]-1))})
	}
	d.Tables = append(d.Tables, Table{
		Title:   "A cortical column at natural density",
		Columns: []string{"Potjans & Diesmann (2014) microcircuit", "measured"},
		Rows:    rows,
	})
	d.Sources = append(d.Sources,
		"Cortical microcircuit: Potjans & Diesmann (2014), Cereb. Cortex 24:785–806; parameters and NEST's full-scale rates from nest-simulator's pynest/examples/Potjans_2014 (network_params.py).")
	d.Method += f(" The cortical microcircuit (%d neurons, %d synapses, Poisson background) is simulated for %g s after a %g ms warm-up, and its rates compared with NEST's published full-scale rates.",
		mc.Neurons, mc.Synapses, (mc.SimMS-mc.WarmupMS)/1000, mc.WarmupMS)
}

// units counts an MLP's hidden and output units.
func units(s experiment.TrainSettings) int {
	n := 10
	for _, h := range s.Hidden {
		n += h
	}
	return n
}

// presentScaling adds the scaling model's fitted costs and the split runs'
// measured exchange.
func (sm sizeData) presentScaling(m map[string]float64) {
	md := sm.Model
	m["scaling_ns_per_neuron_step"] = md.NeuronStepSeconds * 1e9
	m["scaling_ns_per_event"] = md.EventSeconds * 1e9
	m["scaling_us_latency_per_window"] = md.LatencySeconds * 1e6
	m["scaling_ns_per_byte"] = md.SecondsPerByte * 1e9
	m["scaling_runs"] = float64(md.Runs)
	m["scaling_probes"] = float64(md.Probes)
	// The first network over its fewest and most ranks (the runs go
	// network by network, ranks increasing).
	if len(sm.Scaling) == 0 {
		return
	}
	one, split := sm.Scaling[0], (*experiment.SimReport)(nil)
	for _, r := range sm.Scaling[1:] {
		if r.Neurons != one.Neurons || r.Ranks <= max(1, one.Ranks) || (split != nil && r.Ranks <= split.Ranks) {
			break
		}
		split = r
	}
	if split != nil && split.Comm != nil {
		m["scaling_ranks"] = float64(split.Ranks)
		m["scaling_comm_share"] = split.Comm.Share
		m["scaling_seconds_per_exchange"] = split.Comm.SecondsPerExchange
		m["scaling_bytes_per_exchange"] = split.Comm.BytesPerExchange
		if split.WallSeconds > 0 {
			m["scaling_speedup"] = one.WallSeconds / split.WallSeconds
		}
	}
}

// brainTime describes the model's time per biological second for a brain
// with synapses key.
func brainTime(m map[string]float64, key string) string {
	return f("%.3g s per biological second over %.0f ranks (%.3g s computing, %.3g s exchanging spikes)",
		m["brain_"+key+"_snn_seconds_per_bio_second"], m["brain_"+key+"_snn_machines_for_memory"],
		m["brain_"+key+"_snn_compute_seconds_per_bio_second"], m["brain_"+key+"_snn_exchange_seconds_per_bio_second"])
}

// scalingMethod states how the brain-scale times are predicted, and what
// that assumes.
func scalingMethod(sm sizeData) string {
	md := sm.Model
	sizes := ""
	for i, r := range sm.Scaling {
		if i > 0 {
			sizes += ", "
		}
		sizes += f("%d neurons at %.3g Hz over %d", r.Neurons, meanRate(r), max(1, r.Ranks))
	}
	probes := ""
	for i, p := range sm.Probes {
		if i > 0 {
			probes += ", "
		}
		probes += f("%d KiB over %d ranks in %.3g ms", p.BytesPerRank>>10, p.Ranks, p.Seconds*1e3)
	}
	return f("The brain-scale times come from a scaling model (experiment.FitScaling) fitted by least squares to Brunel's network in its asynchronous irregular (C) and slow (D) regimes, split over ranks of one thread each (%s; %d runs), and to exchanges of large payloads timed on their own (experiment.ProbeExchange: bytes per rank %s), since a small network's windows carry too few bytes to resolve a cost per byte: ", sizes, md.Runs, probes) +
		f("%.3g ns per neuron-step and %.3g ns per synaptic event, divided over the ranks, plus per exchange window a latency of %.3g µs × log₂R and %.3g ns per byte of spikes a rank receives (4 bytes a spike, every rank receiving every other's). ",
			md.NeuronStepSeconds*1e9, md.EventSeconds*1e9, md.LatencySeconds*1e6, md.SecondsPerByte*1e9) +
		"A neuron-step there includes drawing the neuron's external Poisson input, as Brunel's network has it. " +
		zeroCosts(md) +
		"Its assumptions: the ranks here are goroutines of one process exchanging through shared memory on this machine (the same code as mpirun's ranks, but not MPI's transport nor a network, whose latency and bandwidth are worse); compute divides evenly and keeps its measured cost per event at any size; the brain is split over as many ranks as machines of 24 GiB its synapses need, exchanging every 1.5 ms (the fitted network's delay) at a 1 Hz mean rate. " +
		"Measured over MPI instead, `mpirun -np R neurite sim brunel --json` reports the same quantities (comm: seconds and bytes per exchange, share of wall time)."
}

// zeroCosts says which of the model's costs the fit left at 0 (a least-
// squares coefficient that came out negative), since the runs did not
// resolve them.
func zeroCosts(md experiment.ScalingModel) string {
	var zero []string
	for _, c := range []struct {
		name string
		v    float64
	}{{"the cost of a neuron-step", md.NeuronStepSeconds}, {"the cost of a synaptic event", md.EventSeconds},
		{"the latency", md.LatencySeconds}, {"the cost per byte", md.SecondsPerByte}} {
		if c.v == 0 {
			zero = append(zero, c.name)
		}
	}
	if len(zero) == 0 {
		return ""
	}
	return "The measurements did not resolve " + strings.Join(zero, " nor ") + ": the fit sets it to 0, the other costs of its kind absorbing it. "
}
