package compare

import (
	"github.com/neurite/neurite/convert"
	"github.com/neurite/neurite/energy"
)

// Energy constants (cited, not measured): package energy holds them with
// their citations.
const (
	pjPerMACArith = energy.PJPerMACFP32        // fp32 multiply 3.7 pJ + add 0.9 pJ, 45 nm: Horowitz (2014)
	titanXWatts   = energy.TitanXWatts         // the article
	titanXFLOPS   = energy.TitanXFLOPS         // GeForce GTX Titan X (Maxwell) fp32 peak ≈ 6.1 TFLOP/s: NVIDIA
	pjTrueNorth   = energy.PJPerEventTrueNorth // per synaptic event: Merolla et al. (2014)
	pjLoihi       = energy.PJPerEventLoihi     // per synaptic operation: Davies et al. (2018)
	brainWatts    = energy.BrainWatts          // the article
)

// spikingCosts runs the converted MLP with both input codings on a few
// hundred images (cached).
func (e *env) spikingCosts() (current, poisson convert.Result, err error) {
	if e.convCurrent != nil {
		return *e.convCurrent, *e.convPoisson, nil
	}
	if err := e.trainMLP(); err != nil {
		return current, poisson, err
	}
	e.progress("power: counting synaptic events of the converted network")
	images := e.rawTest.Head(500)
	for _, c := range []struct {
		input string
		dst   *convert.Result
	}{{"current", &current}, {"poisson", &poisson}} {
		s, err := convert.Convert(e.mlp, e.train.Head(5000), e.norm, convert.Options{Input: c.input, Seed: e.o.Seed})
		if err != nil {
			return current, poisson, err
		}
		if *c.dst, err = s.Run(images, 64, nil); err != nil {
			return current, poisson, err
		}
	}
	e.convCurrent, e.convPoisson = &current, &poisson
	return current, poisson, nil
}

// power turns counted operations into energy per inference with cited
// energies per operation.
func power(e *env) (Difference, error) {
	d := Difference{Metrics: map[string]float64{}}
	cur, poi, err := e.spikingCosts()
	if err != nil {
		return d, err
	}
	macs := float64(e.mlp.DenseMACs())
	m := d.Metrics
	brainPJ := brainWatts / (brainSynapsesLow * brainRateHz) * 1e12 // J per event → pJ
	m["ann_macs_per_inference"] = macs
	m["snn_current_synaptic_events_per_inference"] = cur.SynapticOpsPerSample
	m["snn_current_input_macs_per_inference"] = cur.InputMACsPerSample
	m["snn_poisson_synaptic_events_per_inference"] = poi.SynapticOpsPerSample
	m["snn_poisson_accuracy_64_steps"] = poi.Accuracy
	m["snn_current_accuracy_64_steps"] = cur.Accuracy
	m["brain_pj_per_synaptic_event"] = brainPJ
	gpuPJ := titanXWatts / (titanXFLOPS / 2) * 1e12
	m["gpu_pj_per_mac_at_peak"] = gpuPJ
	rows := []struct {
		name string
		j    float64
		how  string
	}{
		{"MLP, fp32 arithmetic only (45 nm)", macs * pjPerMACArith * 1e-12, f("%.0f MACs × 4.6 pJ", macs)},
		{"MLP on a 250 W Titan X at peak", macs * gpuPJ * 1e-12, f("%.0f MACs × %.0f pJ (250 W / 3 TMAC/s)", macs, gpuPJ)},
		{"converted SNN (current input) on Loihi + input MACs", cur.SynapticOpsPerSample*pjLoihi*1e-12 + cur.InputMACsPerSample*pjPerMACArith*1e-12, f("%.0f events × 23.6 pJ + %.0f MACs × 4.6 pJ", cur.SynapticOpsPerSample, cur.InputMACsPerSample)},
		{"converted SNN (Poisson input) on TrueNorth", poi.SynapticOpsPerSample * pjTrueNorth * 1e-12, f("%.3g events × 26 pJ", poi.SynapticOpsPerSample)},
		{"converted SNN (Poisson input) on Loihi", poi.SynapticOpsPerSample * pjLoihi * 1e-12, f("%.3g events × 23.6 pJ", poi.SynapticOpsPerSample)},
		{"converted SNN (Poisson input) at the brain's cost per event", poi.SynapticOpsPerSample * brainPJ * 1e-12, f("%.3g events × %.2f pJ (20 W / 10^14 events/s)", poi.SynapticOpsPerSample, brainPJ)},
	}
	bars := Series{Name: "energy per inference (J)", Bars: true}
	table := Table{Title: "Energy per MNIST inference", Columns: []string{"implementation", "energy", "from"}}
	var ticks []string
	keys := []string{"ann_cpu_arith", "ann_gpu_peak", "snn_current_loihi", "snn_poisson_truenorth", "snn_poisson_loihi", "snn_poisson_brain"}
	short := []string{"MLP arith.", "MLP GPU", "SNN-a Loihi", "SNN TrueN.", "SNN Loihi", "SNN brain"}
	for k, r := range rows {
		bars.X, bars.Y = append(bars.X, float64(k)), append(bars.Y, r.j)
		ticks = append(ticks, short[k])
		table.Rows = append(table.Rows, []string{r.name, f("%.3g J", r.j), r.how})
		m["energy_j_"+keys[k]] = r.j
	}
	d.Figures = append(d.Figures, Figure{Title: "Energy per inference from counted operations", YLabel: "joules per image", LogY: true, XTicks: ticks,
		Caption: "Bars, left to right, as the table's rows (SNN-a: analog input current). Each bar multiplies operations counted in this run (the MLP's multiply–accumulates; the converted spiking network's synaptic events over 64 steps, averaged over 500 test images) by a cited energy per operation. Memory traffic, which dominates real chips, is not included in the arithmetic-only bar.",
		Series:  []Series{bars}})
	d.Tables = append(d.Tables, table)
	d.Sources = []string{
		"fp32 multiply 3.7 pJ and add 0.9 pJ at 45 nm: Horowitz (2014), ISSCC, “Computing's energy problem”.",
		"250 W GPU: the article (GeForce GTX Titan X); its fp32 peak ≈ 6.1 TFLOP/s: NVIDIA specifications.",
		"TrueNorth, 26 pJ per synaptic event: Merolla et al. (2014), Science 345:668–673.",
		"Loihi, 23.6 pJ per synaptic operation: Davies et al. (2018), IEEE Micro 38:82–99.",
		"20 W brain: the article; 10^14 synapses and ~1 Hz mean rate as in the size section (Lennie 2003), giving ~0.2 pJ per synaptic event.",
	}
	d.Method = "Operations are counted, not estimated: the MLP's MACs from its layer sizes; the spiking network's synaptic events (each spike times its neuron's fan-out) from simulating the converted MLP for 64 steps on 500 test images with analog or Poisson input. Energies per operation are the cited constants; no power was measured on this machine."
	d.Meaning = f("The dense MLP needs %.0f MACs per image; its spiking twin with spike-coded input spends ", macs) +
		f("%.3g synaptic events over 64 steps — more operations, each cheap only on neuromorphic hardware. ", poi.SynapticOpsPerSample) +
		f("At the brain's estimated %.2f pJ per event the spiking inference would cost ", brainPJ) + f("%.3g J, against ", poi.SynapticOpsPerSample*brainPJ*1e-12) +
		f("%.3g J for the MLP on a 250 W GPU at peak: the brain's advantage is its energy per event, not fewer operations.", macs*gpuPJ*1e-12)
	d.Status = "measured"
	return d, nil
}
