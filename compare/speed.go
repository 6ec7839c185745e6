package compare

import (
	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

// speed compares synchronous ANN inference with a spiking network's time
// to decision, and measures how conduction velocity and the refractory
// period shape spiking timing.
func speed(e *env) (Difference, error) {
	m, err := measureSpeed(e, e.p.Speed)
	if err != nil {
		return Difference{}, err
	}
	return presentSpeed(m), nil
}

// speedData is what the speed experiment measures.
type speedData struct {
	Settings speedSettings
	MLP      *experiment.TrainReport
	// ANNLatency is the MLP's single-image latency (s), ANNThroughput its
	// batched throughput (images/s).
	ANNLatency, ANNThroughput float64
	// Converted is the shared conversion's run with analog input.
	Converted *experiment.ConvertReport
	// Volley holds, per path of Settings.Paths, the response latency (ms)
	// at each of Settings.Velocities.
	Volley [][]float64
	// FI holds, per refractory period of Settings.Refractory, the f–I
	// curve: firing rate (Hz) against input (mV).
	FI []xy
}

func measureSpeed(e *env, s speedSettings) (speedData, error) {
	m := speedData{Settings: s}
	var err error
	if m.MLP, err = e.trainedMLP(); err != nil {
		return m, err
	}
	m.ANNLatency, m.ANNThroughput = inferenceTiming(m.MLP.Net, e.test.X.Data, e.test.Features(), s.LatencyReps, s.ThroughputBatch)

	// The same network as integrate-and-fire neurons, read out by spike
	// counts after every number of steps.
	conv, err := e.convertedMLP()
	if err != nil {
		return m, err
	}
	m.Converted = conv.Current

	// Conduction velocity: delay of a volley across each path.
	e.progress("speed: conduction delays and refractory limits")
	for _, p := range s.Paths {
		var lats []float64
		for _, v := range s.Velocities {
			lat, err := e.volleyLatency(s.VolleyNeurons, p.MM, snn.Conduction{Velocity: v, Synaptic: 0.5, Factor: p.Factor})
			if err != nil {
				return m, err
			}
			lats = append(lats, lat)
		}
		m.Volley = append(m.Volley, lats)
	}
	// Refractory period: f–I curves of LIF neurons.
	for _, ref := range s.Refractory {
		c, err := e.fiCurve(ref)
		if err != nil {
			return m, err
		}
		m.FI = append(m.FI, c)
	}
	return m, nil
}

func presentSpeed(sm speedData) Difference {
	d := Difference{Metrics: map[string]float64{}}
	m := d.Metrics
	s, res := sm.Settings, sm.Converted
	lat, thr := sm.ANNLatency, sm.ANNThroughput
	m["ann_latency_seconds"], m["ann_batch_samples_per_second"] = lat, thr
	m["ann_accuracy"] = sm.MLP.TestAccuracy
	m["ann_accuracy_on_snn_images"] = res.ANNAccuracy
	acc := Series{Name: "spiking network (converted MLP), rate-decoded", Family: Biological}
	for _, p := range res.AccuracyByTimesteps {
		acc.X, acc.Y = append(acc.X, p[0]), append(acc.Y, p[1])
		m[f("snn_accuracy_at_%.0f_steps", p[0])] = p[1]
	}
	steps, samples := res.Timesteps, res.Samples
	annLine := Series{Name: f("the MLP itself (one synchronous pass, same %d images)", samples), X: []float64{1, float64(steps)}, Y: []float64{res.ANNAccuracy, res.ANNAccuracy}, Family: Artificial}
	m["snn_mean_decision_step"] = res.MeanDecisionStep
	m["snn_wall_seconds_per_image"] = res.WallSeconds / float64(samples)
	m["snn_samples"] = float64(samples)
	d.Figures = append(d.Figures, Figure{Title: "Accuracy against observation window", XLabel: "time steps of spiking simulation (1 ms each)", YLabel: "MNIST test accuracy", LogX: true,
		Caption: f("The trained MLP converted to integrate-and-fire neurons and read out by its output spike counts after each number of steps, on %d test images; ", samples) +
			f("the ANN answers after one synchronous pass. A correctly classified image's answer settles after %.1f steps on average.", res.MeanDecisionStep),
		Series: []Series{acc, annLine}})

	var volley []Series
	for k, p := range s.Paths {
		ser := Series{Name: p.Name, X: s.Velocities, Y: sm.Volley[k], Family: Biological}
		if p.Factor == 1 {
			for i, v := range s.Velocities {
				m[f("latency_ms_%.0fmm_", p.MM)+f("%gms", v)] = sm.Volley[k][i]
			}
		}
		volley = append(volley, ser)
	}
	d.Figures = append(d.Figures, Figure{Title: "Conduction velocity sets network timing", XLabel: "conduction velocity (m/s)", YLabel: "response latency (ms)", LogX: true, LogY: true,
		Caption: f("A volley of %d spikes sent across each distance to %d LIF neurons, delays from distance, velocity (%g–%g m/s, unmyelinated to myelinated) and a per-individual factor; ", s.VolleyNeurons, s.VolleyNeurons, s.Velocities[0], s.Velocities[len(s.Velocities)-1]) +
			"latency is measured from the volley to the first postsynaptic spike in simulation.",
		Series: volley})

	var fi []Series
	for k, ref := range s.Refractory {
		c := sm.FI[k]
		ser := c.series(f("t_ref = %g ms", ref))
		ser.Family = Biological
		fi = append(fi, ser)
		m[f("lif_max_rate_hz_tref_%gms", ref)] = c.Y[len(c.Y)-1]
	}
	d.Figures = append(d.Figures, Figure{Title: "The refractory period caps the firing rate", XLabel: "input drive R·I (mV above rest; threshold at 20)", YLabel: "firing rate (Hz)", LogX: true,
		Caption: "f–I curves of leaky integrate-and-fire neurons (τm = 20 ms, threshold 20 mV above rest) with absolute refractory periods of " + joinFloats(s.Refractory, "ms") + ", simulated for 1 s each: the rate saturates below 1/t_ref. " +
			"The input is a constant current, written as the depolarisation R·I it would hold the membrane at without a threshold. Real neurons see drives of tens of mV at most; the curve goes on to hundreds of mV only to show the ceiling the refractory period sets.",
		Series: fi})
	d.Tables = append(d.Tables, Table{Title: "Inference timing", Columns: []string{"", "artificial (MLP)", "spiking (converted)"},
		Rows: [][]string{
			{"single-example latency", f("%.1f µs", lat*1e6), f("%.1f steps to a stable answer (1 ms each: %.1f ms biological)", res.MeanDecisionStep, res.MeanDecisionStep)},
			{"accuracy", f("%.2f%% (%.2f%% on all test images)", 100*res.ANNAccuracy, 100*m["ann_accuracy"]), f("%.2f%% after %d steps", 100*res.TestAccuracy, steps)},
			{"throughput on this machine", f("%.0f images/s (batch %d)", thr, s.ThroughputBatch), f("%.0f images/s (simulated, batch 500, conversion included)", float64(samples)/res.WallSeconds)},
		}})
	d.Sources = []string{
		"Conduction velocities 0.61–119 m/s: the article; myelinated fibres up to ~120 m/s (Purves et al., Neuroscience).",
		"Maximum firing around 200 Hz: the article; absolute refractory periods of ~1–2 ms (Hodgkin & Huxley 1952).",
		"Conversion: Diehl et al. (2015) IJCNN; Rueckauer et al. (2017) Front. Neurosci. 11:682.",
	}
	d.Method = f("ANN latency is the median of %d single-image forward passes; throughput a batch of %d. ", s.LatencyReps, s.ThroughputBatch) +
		f("The spiking network is the same trained MLP converted (data-based normalisation, reset by subtraction, image as constant input current) and simulated step by step on %d test images — the conversion the power and learning sections report too; ", samples) +
		"accuracy is read from output spike counts. Its steps are counted as 1 ms each, a common step for such networks: an assumption, not a measurement. Conduction and f–I curves are simulations with neurite's spiking engine (dt = 0.1 ms)."
	d.Meaning = f("The ANN answers in %.0f µs, all at once; the spiking network needs time to integrate evidence: ", lat*1e6) +
		f("%.1f%% after 4 steps, ", 100*m["snn_accuracy_at_4_steps"]) + f("%.1f%% after 16 and ", 100*m["snn_accuracy_at_16_steps"]) + f("%.1f%% after %d. ", 100*res.TestAccuracy, steps) +
		f("Across 100 mm a slow unmyelinated fibre delays the response by %.0f ms where a myelinated one takes ", m["latency_ms_100mm_0.61ms"]) + f("%.1f ms, and the refractory period, not the input, bounds the firing rate.", m["latency_ms_100mm_119ms"])
	d.Status = "measured"
	return d
}

// joinFloats writes 0.5, 2 and 5 ms.
func joinFloats(v []float64, unit string) string {
	s := ""
	for i, x := range v {
		switch {
		case i == 0:
		case i == len(v)-1:
			s += " and "
		default:
			s += ", "
		}
		s += f("%g", x)
	}
	return s + " " + unit
}

// volleyLatency simulates n source neurons firing together at 5 ms, mm
// millimetres from n LIF targets, and returns the delay to the first
// target spike.
func (e *env) volleyLatency(n int, mm float64, c snn.Conduction) (float64, error) {
	times := make([][]float64, n)
	for i := range times {
		times[i] = []float64{5}
	}
	src, err := snn.NewSpikeTrains(times)
	if err != nil {
		return 0, err
	}
	lif, err := snn.NewLIF(n, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
	if err != nil {
		return 0, err
	}
	net := &snn.Network{DT: 0.1}
	pre, post := net.AddPopulation("source", src), net.AddPopulation("target", lif)
	pre.Positions, post.Positions = make([][3]float64, n), make([][3]float64, n)
	for i := range n {
		post.Positions[i] = [3]float64{mm, float64(i) * 0.001, 0}
	}
	g, err := topology.AllToAll(n, n, true)
	if err != nil {
		return 0, err
	}
	p, err := net.Connect("volley", pre, post, "v", g, 1, 0)
	if err != nil {
		return 0, err
	}
	if err := snn.SetAnatomicalDelays(p, net.DT, c); err != nil {
		return 0, err
	}
	run, err := e.simulate(net, 5+mm/(c.Velocity*min(c.Factor, 1)+1e-9)+50, 1)
	if err != nil {
		return 0, err
	}
	mon := run.Monitors[1]
	if mon.Len() == 0 {
		return 0, errorf("no target spike after the volley across %g mm at %g m/s", mm, c.Velocity)
	}
	return mon.Time(0) - 5, nil
}

// fiCurve returns the firing rate of LIF neurons against constant input,
// with refractory period ref ms.
func (e *env) fiCurve(ref float64) (xy, error) {
	inputs := []float64{15, 20, 22, 25, 30, 40, 60, 100, 200, 400, 800, 1600}
	lif, err := snn.NewLIF(len(inputs), snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TRef: ref, TauE: 5, TauI: 10})
	if err != nil {
		return xy{}, err
	}
	net := &snn.Network{DT: 0.1}
	pop := net.AddPopulation("lif", lif)
	net.Inputs = append(net.Inputs, &snn.Current{Pop: pop, Bias: inputs})
	run, err := e.simulate(net, 1000, 1)
	if err != nil {
		return xy{}, err
	}
	counts := make([]float64, len(inputs))
	for _, i := range run.Monitors[0].Index {
		counts[i]++
	}
	return xy{X: inputs, Y: counts}, nil // spikes in 1 s = Hz
}
