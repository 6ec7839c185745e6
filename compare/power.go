package compare

import (
	"strings"

	"github.com/neurite/neurite/energy"
)

// power turns counted operations into energy per inference with cited
// energies per operation.
func power(e *env) (Difference, error) {
	m, err := measurePower(e)
	if err != nil {
		return Difference{}, err
	}
	return presentPower(m), nil
}

// powerData is what the power experiment counts: operations per
// inference as package energy defines them, for the MLP and for the
// shared conversion of it (analog and Poisson input).
type powerData struct {
	MLP       energy.Ops
	Converted converted
}

func measurePower(e *env) (powerData, error) {
	mlp, err := e.trainedMLP()
	if err != nil {
		return powerData{}, err
	}
	if mlp.Operations == nil {
		return powerData{}, errorf("the MLP's training report counts no operations")
	}
	conv, err := e.convertedMLP()
	if err != nil {
		return powerData{}, err
	}
	e.progress("power: pricing the counted operations")
	return powerData{MLP: *mlp.Operations, Converted: conv}, nil
}

// The brain's energy per synaptic event: its power over its events per
// second (synapses × mean rate, as in the size section), in pJ.
const brainPJPerEvent = energy.BrainWatts / (brainSynapsesLow * brainRateHz) * 1e12

// definition is package energy's definition of an operation, cited in
// the power section's sources: every count priced here follows it.
const definition = "One operation as neurite's package energy defines it, for every counter priced here (ann.Sequential.CountOps, convert.Result.Ops, diehlcook.Result.Ops): " +
	"a MAC is one analog value times a weight added into a sum (an analog input current counts once per image, not once per step); " +
	"a synaptic event is one spike delivered to one target — one weight read and added, no multiply — so a spike of a neuron (or input) with fan-out k is k events; " +
	"bias additions, activation functions, the neurons' own state updates and memory traffic are not counted."

func presentPower(pm powerData) Difference {
	d := Difference{Metrics: map[string]float64{}}
	cur, poi := pm.Converted.Current, pm.Converted.Poisson
	ann, curOps, poiOps := pm.MLP, cur.Operations, poi.Operations
	steps, images := cur.Timesteps, cur.Samples
	m := d.Metrics
	m["ann_macs_per_inference"] = ann.MACs
	m["snn_current_synaptic_events_per_inference"] = curOps.SynapticEvents
	m["snn_current_input_macs_per_inference"] = curOps.MACs
	m["snn_poisson_synaptic_events_per_inference"] = poiOps.SynapticEvents
	m["snn_poisson_spikes_per_inference"] = poiOps.Spikes
	m[f("snn_poisson_accuracy_%d_steps", poi.Timesteps)] = poi.TestAccuracy
	m[f("snn_current_accuracy_%d_steps", steps)] = cur.TestAccuracy
	m["snn_images"] = float64(images)
	m["brain_pj_per_synaptic_event"] = brainPJPerEvent
	m["gpu_pj_per_mac_at_peak"] = energy.PJPerMACTitanX
	mac := f("%g pJ", energy.PJPerMACFP32)
	rows := []struct {
		name, short, key string
		ops              energy.Ops
		costs            energy.Costs
		how              string
	}{
		{"MLP, fp32 arithmetic only (45 nm)", "MLP arith.", "ann_cpu_arith", ann, energy.Costs{MAC: energy.PJPerMACFP32},
			f("%.0f MACs × ", ann.MACs) + mac},
		{"MLP on a 250 W Titan X at peak", "MLP GPU", "ann_gpu_peak", ann, energy.Costs{MAC: energy.PJPerMACTitanX},
			f("%.0f MACs × %.0f pJ (250 W / 3 TMAC/s)", ann.MACs, energy.PJPerMACTitanX)},
		{"converted SNN (current input) on Loihi + input MACs", "SNN-a Loihi", "snn_current_loihi", curOps, energy.Costs{MAC: energy.PJPerMACFP32, SynapticEvent: energy.PJPerEventLoihi},
			f("%.0f events × %g pJ + ", curOps.SynapticEvents, energy.PJPerEventLoihi) + f("%.0f MACs × ", curOps.MACs) + mac},
		{"converted SNN (Poisson input) on TrueNorth", "SNN TrueN.", "snn_poisson_truenorth", poiOps, energy.Costs{SynapticEvent: energy.PJPerEventTrueNorth},
			f("%.3g events × %g pJ", poiOps.SynapticEvents, float64(energy.PJPerEventTrueNorth))},
		{"converted SNN (Poisson input) on Loihi", "SNN Loihi", "snn_poisson_loihi", poiOps, energy.Costs{SynapticEvent: energy.PJPerEventLoihi},
			f("%.3g events × %g pJ", poiOps.SynapticEvents, energy.PJPerEventLoihi)},
		{"converted SNN (Poisson input) at the brain's cost per event", "SNN brain", "snn_poisson_brain", poiOps, energy.Costs{SynapticEvent: brainPJPerEvent},
			f("%.3g events × %.2f pJ (20 W / 10^14 events/s)", poiOps.SynapticEvents, brainPJPerEvent)},
	}
	annBars := Series{Name: "artificial (MLP)", Bars: true, Family: Artificial}
	snnBars := Series{Name: "spiking (converted MLP)", Bars: true, Family: Biological}
	table := Table{Title: "Energy per MNIST inference", Columns: []string{"implementation", "energy", "from"}}
	var ticks []string
	joules := map[string]float64{}
	for k, r := range rows {
		j := energy.Joules(r.ops, r.costs)
		joules[r.key] = j
		bars := &snnBars
		if strings.HasPrefix(r.key, "ann_") {
			bars = &annBars
		}
		bars.X, bars.Y = append(bars.X, float64(k)), append(bars.Y, j)
		ticks = append(ticks, r.short)
		table.Rows = append(table.Rows, []string{r.name, f("%.3g J", j), r.how})
		m["energy_j_"+r.key] = j
	}
	d.Figures = append(d.Figures, Figure{Title: "Energy per inference from counted operations", YLabel: "joules per image", LogY: true, XTicks: ticks,
		Caption: "Bars, left to right, as the table's rows (SNN-a: analog input current); the taller the bar, the more energy, on a logarithmic axis whose bars rise from a power of ten below the smallest. Each bar multiplies operations counted in this run " +
			f("(the MLP's multiply–accumulates; the converted spiking network's synaptic events over %d steps, averaged over %d test images) by a cited energy per operation. ", steps, images) +
			"Memory traffic, which dominates real chips, is not included in the arithmetic-only bar.",
		Series: []Series{annBars, snnBars}})
	d.Tables = append(d.Tables, table)
	d.Sources = []string{
		definition,
		"fp32 multiply 3.7 pJ and add 0.9 pJ at 45 nm: Horowitz (2014), ISSCC, “Computing's energy problem”.",
		"250 W GPU: the article (GeForce GTX Titan X); its fp32 peak ≈ 6.1 TFLOP/s: NVIDIA specifications.",
		"TrueNorth, 26 pJ per synaptic event: Merolla et al. (2014), Science 345:668–673.",
		"Loihi, 23.6 pJ per synaptic operation: Davies et al. (2018), IEEE Micro 38:82–99.",
		"20 W brain: the article; 10^14 synapses and ~1 Hz mean rate as in the size section (Lennie 2003), giving ~0.2 pJ per synaptic event.",
	}
	d.Method = "Operations are counted, not estimated, as package energy defines them (see the first source): the MLP's MACs by ann's counter; " +
		f("the spiking network's synaptic events (each spike times its neuron's fan-out) from simulating the converted MLP for %d steps on %d test images with analog or Poisson input ", steps, images) +
		"— the conversion the speed and learning sections report. Energy is operations × the cited energies per operation (energy.Joules); no power was measured on this machine."
	d.Meaning = f("The dense MLP needs %.0f MACs per image; its spiking twin with spike-coded input spends ", ann.MACs) +
		f("%.3g synaptic events over %d steps — more operations, each cheap only on neuromorphic hardware. ", poiOps.SynapticEvents, steps) +
		f("At the brain's estimated %.2f pJ per event the spiking inference would cost ", brainPJPerEvent) + f("%.3g J, against ", joules["snn_poisson_brain"]) +
		f("%.3g J for the MLP on a 250 W GPU at peak: the brain's advantage is its energy per event, not fewer operations.", joules["ann_gpu_peak"])
	d.Status = "measured"
	return d
}
