package compare

import (
	"time"

	"github.com/neurite/neurite/convert"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

// speed compares synchronous ANN inference with a spiking network's time
// to decision, and measures how conduction velocity and the refractory
// period shape spiking timing.
func speed(e *env) (Difference, error) {
	d := Difference{Metrics: map[string]float64{}}
	if err := e.trainMLP(); err != nil {
		return d, err
	}
	m := d.Metrics
	lat, thr := inferenceTiming(e.mlp, e.test.X.Data, 784, 300)
	m["ann_latency_seconds"], m["ann_batch_samples_per_second"] = lat, thr
	m["ann_accuracy"] = accuracy(e.mlp, e.test)

	// The same network as integrate-and-fire neurons, read out by spike
	// counts after every number of steps.
	e.progress("speed: converting the MLP to spiking neurons")
	samples, steps := 2000, 128
	if e.full {
		samples = 10000
	}
	snnNet, err := convert.Convert(e.mlp, e.train.Head(5000), e.norm, convert.Options{Seed: e.o.Seed})
	if err != nil {
		return d, err
	}
	t0 := time.Now()
	res, err := snnNet.Run(e.rawTest.Head(samples), steps, []int{1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96})
	if err != nil {
		return d, err
	}
	wall := time.Since(t0).Seconds()
	acc := Series{Name: "spiking network (converted MLP), rate-decoded"}
	for _, p := range res.AccuracyByTimesteps {
		acc.X, acc.Y = append(acc.X, p[0]), append(acc.Y, p[1])
		m[f("snn_accuracy_at_%.0f_steps", p[0])] = p[1]
	}
	annLine := Series{Name: "the MLP itself (one synchronous pass)", X: []float64{1, float64(steps)}, Y: []float64{m["ann_accuracy"], m["ann_accuracy"]}}
	m["snn_mean_decision_step"] = res.MeanDecisionStep
	m["snn_wall_seconds_per_image"] = wall / float64(samples)
	m["snn_samples"] = float64(samples)
	d.Figures = append(d.Figures, Figure{Title: "Accuracy against observation window", XLabel: "time steps of spiking simulation (1 ms each)", YLabel: "MNIST test accuracy", LogX: true,
		Caption: f("The trained MLP converted to integrate-and-fire neurons and read out by its output spike counts after each number of steps, on %.0f test images; ", float64(samples)) +
			f("the ANN answers after one synchronous pass. A correctly classified image's answer settles after %.1f steps on average.", res.MeanDecisionStep),
		Series: []Series{acc, annLine}})

	// Conduction velocity: delay of a volley across 10 or 100 mm.
	e.progress("speed: conduction delays and refractory limits")
	velocities := []float64{0.61, 1, 2, 5, 10, 20, 50, 119}
	var volley []Series
	for _, c := range []struct {
		name   string
		mm     float64
		factor float64
	}{{"10 mm", 10, 1}, {"100 mm", 100, 1}, {"100 mm, individual factor 0.8", 100, 0.8}, {"100 mm, individual factor 1.2", 100, 1.2}} {
		s := Series{Name: c.name}
		for _, v := range velocities {
			lat, err := e.volleyLatency(c.mm, snn.Conduction{Velocity: v, Synaptic: 0.5, Factor: c.factor})
			if err != nil {
				return d, err
			}
			s.X, s.Y = append(s.X, v), append(s.Y, lat)
			if c.factor == 1 {
				m[f("latency_ms_%.0fmm_", c.mm)+f("%gms", v)] = lat
			}
		}
		volley = append(volley, s)
	}
	d.Figures = append(d.Figures, Figure{Title: "Conduction velocity sets network timing", XLabel: "conduction velocity (m/s)", YLabel: "response latency (ms)", LogX: true, LogY: true,
		Caption: "A volley of 50 spikes sent across 10 or 100 mm to 50 LIF neurons, delays from distance, velocity (0.61–119 m/s, unmyelinated to myelinated) and a per-individual factor; latency is measured from the volley to the first postsynaptic spike in simulation.",
		Series:  volley})

	// Refractory period: f–I curves of LIF neurons.
	var fi []Series
	for _, ref := range []float64{0.5, 2, 5} {
		s, err := e.fiCurve(ref)
		if err != nil {
			return d, err
		}
		fi = append(fi, s)
		m[f("lif_max_rate_hz_tref_%gms", ref)] = s.Y[len(s.Y)-1]
	}
	d.Figures = append(d.Figures, Figure{Title: "The refractory period caps the firing rate", XLabel: "input (mV of steady depolarisation)", YLabel: "firing rate (Hz)",
		Caption: "f–I curves of leaky integrate-and-fire neurons (τm = 20 ms, threshold 20 mV above rest) with absolute refractory periods of 0.5, 2 and 5 ms, simulated for 1 s each: the rate saturates below 1/t_ref.",
		Series:  fi})
	d.Tables = append(d.Tables, Table{Title: "Inference timing", Columns: []string{"", "artificial (MLP)", "spiking (converted)"},
		Rows: [][]string{
			{"single-example latency", f("%.1f µs", lat*1e6), f("%.1f steps to a stable answer (1 ms each: %.1f ms biological)", res.MeanDecisionStep, res.MeanDecisionStep)},
			{"accuracy", f("%.2f%%", 100*m["ann_accuracy"]), f("%.2f%% after %d steps", 100*res.Accuracy, steps)},
			{"throughput on this machine", f("%.0f images/s (batch 1000)", thr), f("%.0f images/s (simulated, batch 500)", float64(samples)/wall)},
		}})
	d.Sources = []string{
		"Conduction velocities 0.61–119 m/s: the article; myelinated fibres up to ~120 m/s (Purves et al., Neuroscience).",
		"Maximum firing around 200 Hz: the article; absolute refractory periods of ~1–2 ms (Hodgkin & Huxley 1952).",
		"Conversion: Diehl et al. (2015) IJCNN; Rueckauer et al. (2017) Front. Neurosci. 11:682.",
	}
	d.Method = "ANN latency is the median of 300 single-image forward passes; throughput a batch of 1000. The spiking network is the same trained MLP converted (data-based normalisation, reset by subtraction, image as constant input current) and simulated step by step; accuracy is read from output spike counts. Its steps are counted as 1 ms each, a common step for such networks: an assumption, not a measurement. Conduction and f–I curves are simulations with neurite's spiking engine (dt = 0.1 ms)."
	d.Meaning = f("The ANN answers in %.0f µs, all at once; the spiking network needs time to integrate evidence: ", lat*1e6) +
		f("%.1f%% after 4 steps, ", 100*m["snn_accuracy_at_4_steps"]) + f("%.1f%% after 16 and ", 100*m["snn_accuracy_at_16_steps"]) + f("%.1f%% after 128. ", 100*res.Accuracy) +
		f("Across 100 mm a slow unmyelinated fibre delays the response by %.0f ms where a myelinated one takes ", m["latency_ms_100mm_0.61ms"]) + f("%.1f ms, and the refractory period, not the input, bounds the firing rate.", m["latency_ms_100mm_119ms"])
	d.Status = "measured"
	return d, nil
}

// volleyLatency simulates 50 source neurons firing together at 5 ms,
// mm millimetres from 50 LIF targets, and returns the delay to the first
// target spike.
func (e *env) volleyLatency(mm float64, c snn.Conduction) (float64, error) {
	const n = 50
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
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: e.o.Seed, Threads: 1})
	if err != nil {
		return 0, err
	}
	mon, err := sim.MonitorSpikes(post)
	if err != nil {
		return 0, err
	}
	if err := sim.Run(e.ctx, 5+mm/(c.Velocity*min(c.Factor, 1)+1e-9)+50, nil); err != nil {
		return 0, err
	}
	if mon.Len() == 0 {
		return 0, errorf("no target spike after the volley across %g mm at %g m/s", mm, c.Velocity)
	}
	return mon.Time(0) - 5, nil
}

// fiCurve returns the firing rate of LIF neurons against constant input,
// with refractory period ref ms.
func (e *env) fiCurve(ref float64) (Series, error) {
	inputs := []float64{15, 20, 22, 25, 30, 40, 60, 100, 200, 400, 800, 1600}
	lif, err := snn.NewLIF(len(inputs), snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TRef: ref, TauE: 5, TauI: 10})
	if err != nil {
		return Series{}, err
	}
	net := &snn.Network{DT: 0.1}
	pop := net.AddPopulation("lif", lif)
	net.Inputs = append(net.Inputs, &snn.Current{Pop: pop, Bias: inputs})
	run, err := e.simulate(net, 1000, 1)
	if err != nil {
		return Series{}, err
	}
	s := Series{Name: f("t_ref = %g ms", ref), X: inputs}
	counts := make([]float64, len(inputs))
	for _, i := range run.Monitors[0].Index {
		counts[i]++
	}
	s.Y = counts // spikes in 1 s = Hz
	return s, nil
}
