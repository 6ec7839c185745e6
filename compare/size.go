package compare

import (
	"math"

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

	// Brain scale: memory and time on this machine.
	for _, c := range []struct {
		key      string
		synapses float64
	}{{"1e14", brainSynapsesLow}, {"1e15", brainSynapsesHi}} {
		mem := c.synapses * run.BytesPerSynapse
		events := c.synapses * brainRateHz
		seconds := (brainNeurons*steps*nsPerNeuronStep + events*nsPerEvent) / 1e9
		m["brain_"+c.key+"_snn_memory_bytes"] = mem
		m["brain_"+c.key+"_snn_machines_for_memory"] = math.Ceil(mem / machineBytes)
		m["brain_"+c.key+"_snn_seconds_per_bio_second"] = seconds
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
			{"brain with 1e14 synapses: time", f("%.3g s per inference", m["brain_1e14_ann_seconds_per_inference"]), f("%.3g s per biological second", m["brain_1e14_snn_seconds_per_bio_second"])},
			{"brain with 1e15 synapses: time", f("%.3g s per inference", m["brain_1e15_ann_seconds_per_inference"]), f("%.3g s per biological second", m["brain_1e15_snn_seconds_per_bio_second"])},
		},
	})
	d.Sources = []string{
		"86 billion neurons: Azevedo et al. (2009), J. Comp. Neurol. 513:532–541.",
		"10^14–10^15 synapses: the article (“more than 100 trillion … 1000 trillion”).",
		"Mean cortical firing rate ≈ 1 Hz or less, used for brain-scale event counts: Lennie (2003), Curr. Biol. 13:493–497.",
		"COBA network: Brette et al. (2007), J. Comput. Neurosci. 23:349–398 (benchmark 1).",
	}
	d.Method = "The MLP is trained on MNIST in this run and its epoch timed; GEMM speed is the median of 5 products of 512×512 matrices. " +
		f("COBA is simulated for %g s of biological time on all threads, once with its synapses and once without,", run.SimMS/1000) + " which separates the cost of a neuron-step (dt = 0.1 ms) from the cost of a synaptic event. The brain-scale rows multiply those measured costs by cited counts; they assume this machine's speed holds at any size (it would not: memory traffic would dominate), so they are lower bounds."
	d.Meaning = f("One biological second of a brain-sized spiking network would take about %.3g s on this machine even at a 1 Hz mean rate, and its synapses alone would fill ", m["brain_1e14_snn_seconds_per_bio_second"]) +
		f("%.0f such machines; the artificial network of this run is ", m["brain_1e14_snn_machines_for_memory"]) +
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
