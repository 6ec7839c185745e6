package compare

import (
	"math"
	"strconv"
	"strings"

	"github.com/neurite/neurite/figure"
)

// Verdict sets one difference's measurements against the article's claim:
// the report's summary table. It is computed from the Difference's metrics
// by the rule it states (Judge), never written by hand.
type Verdict struct {
	// Claim is the article's claim, briefly; Measured what this run
	// measured, in one line.
	Claim    string `json:"claim"`
	Measured string `json:"measured"`
	// Ratio is the number the rule reads, RatioOf what it divides; both
	// empty (0, "") where the rule reads no ratio.
	Ratio   float64 `json:"ratio,omitempty"`
	RatioOf string  `json:"ratio_of,omitempty"`
	// Verdict is Confirmed, Nuanced or Contradicted.
	Verdict string `json:"verdict"`
	// Rule states how Verdict follows from the metrics.
	Rule string `json:"rule"`
}

// The verdicts of Verdict.Verdict.
const (
	Confirmed    = "confirmed"
	Nuanced      = "nuanced"
	Contradicted = "contradicted"
)

// Judge computes the verdict of a measured difference from its metrics, by
// the rule for its name; nil for a difference not measured, or one whose
// metrics the rule needs are missing.
func Judge(d Difference) *Verdict {
	if d.Status != "measured" {
		return nil
	}
	j, ok := judges[d.Name]
	if !ok {
		return nil
	}
	m := d.Metrics
	for _, k := range j.needs {
		if _, ok := m[k]; !ok {
			return nil
		}
	}
	v := j.judge(m)
	v.Claim, v.Rule = j.claim, j.rule
	return &v
}

// byRatio grades a ratio against two thresholds: at least confirm is
// confirmed, below contradict is contradicted, nuanced between.
func byRatio(r, confirm, contradict float64) string {
	switch {
	case r >= confirm:
		return Confirmed
	case r < contradict:
		return Contradicted
	}
	return Nuanced
}

type judge struct {
	claim, rule string
	needs       []string
	judge       func(m map[string]float64) Verdict
}

var judges = map[string]judge{
	"size": {
		claim: "The brain has ~86 billion neurons and 10¹⁴–10¹⁵ synapses; artificial networks have far fewer “neurons”.",
		rule:  "confirmed if the brain's 10¹⁴ synapses outnumber the MLP's weights at least 1000 times; contradicted if the MLP has more; nuanced between.",
		needs: []string{"ann_params", "brain_1e14_snn_machines_for_memory"},
		judge: func(m map[string]float64) Verdict {
			r := brainSynapsesLow / m["ann_params"]
			return Verdict{Ratio: r, RatioOf: "brain synapses (10¹⁴) / MLP weights", Verdict: byRatio(r, 1e3, 1),
				Measured: f("the MLP has %.0f weights; a spiking network of brain size would need %.0f machines like this one for its synapses alone.", m["ann_params"], m["brain_1e14_snn_machines_for_memory"])}
		},
	},
	"topology": {
		claim: "Biological networks are small worlds with hubs; ANNs are layered and fully connected.",
		rule:  "confirmed if the small-world graph's σ exceeds 1 while the layered ANN has no clustering at all; nuanced if, besides, the MLP keeps its accuracy within one point with half or more of its weights pruned (full connectivity is not needed); contradicted if σ ≤ 1 or the ANN clusters.",
		needs: []string{"smallworld_sigma", "layered_clustering", "pruned_max_sparsity_within_1pp"},
		judge: func(m map[string]float64) Verdict {
			s := m["smallworld_sigma"]
			v := Confirmed
			switch {
			case s <= 1 || m["layered_clustering"] > 0:
				v = Contradicted
			case m["pruned_max_sparsity_within_1pp"] >= 0.5:
				v = Nuanced
			}
			return Verdict{Ratio: s, RatioOf: "small-world σ (clustering and path length against a random graph)", Verdict: v,
				Measured: f("small world σ = %.1f, layered ANN clustering %.2f; the MLP stays within one point of its accuracy with %.0f%% of its weights pruned.", s, m["layered_clustering"], 100*m["pruned_max_sparsity_within_1pp"])}
		},
	},
	"speed": {
		claim: "Neurons fire at most ~200 times a second; ANNs compute a layer at a time at the speed of the hardware.",
		rule:  "confirmed if the spiking network's time to a stable answer (1 ms a step, biological time) is at least 10 times the MLP's latency on this machine; contradicted if shorter; nuanced between.",
		needs: []string{"snn_mean_decision_step", "ann_latency_seconds"},
		judge: func(m map[string]float64) Verdict {
			r := m["snn_mean_decision_step"] * 1e-3 / m["ann_latency_seconds"]
			return Verdict{Ratio: r, RatioOf: "spiking answer time (biological) / MLP latency", Verdict: byRatio(r, 10, 1),
				Measured: f("the converted spiking network settles after %.1f ms of biological time; the MLP answers in %.1f µs.", m["snn_mean_decision_step"], 1e6*m["ann_latency_seconds"])}
		},
	},
	"fault_tolerance": {
		claim: "Biological networks are fault-tolerant thanks to their topology; ANNs are not.",
		rule:  "at the largest lesion, activity kept by the spiking network against accuracy kept by the MLP (each relative to intact): confirmed if the spiking network keeps more under both random and hubs-first removal; contradicted if it keeps less under both; nuanced otherwise.",
		needs: []string{"mlp_random_0", "mlp_hubs-first_0"},
		judge: func(m map[string]float64) Verdict {
			p := largestLesion(m)
			if p < 0 {
				return Verdict{Verdict: Nuanced, Measured: "no lesion beyond 0% was measured."}
			}
			ps := strconv.Itoa(p)
			annR := m["mlp_random_"+ps] / m["mlp_random_0"]
			annH := m["mlp_hubs-first_"+ps] / m["mlp_hubs-first_0"]
			snnR, snnH := m["snn_random_"+ps+"_relative_rate"], m["snn_hubs-first_"+ps+"_relative_rate"]
			v := Nuanced
			switch {
			case snnR >= annR && snnH >= annH:
				v = Confirmed
			case snnR < annR && snnH < annH:
				v = Contradicted
			}
			return Verdict{Ratio: snnR / annR, RatioOf: f("kept by the spiking network / by the MLP, %d%% removed at random", p), Verdict: v,
				Measured: f("with %d%% removed, the MLP keeps %.0f%% (random) and %.0f%% (hubs first) of its accuracy; the spiking network %.0f%% and %.0f%% of its activity.", p, 100*annR, 100*annH, 100*snnR, 100*snnH)}
		},
	},
	"power": {
		claim: "The brain runs on about 20 W; one Titan X GPU on 250 W.",
		rule:  "energy per MNIST image of the MLP on a 250 W GPU against its spiking twin priced at the brain's energy per synaptic event: confirmed if the GPU spends at least 10 times more; contradicted if less; nuanced between.",
		needs: []string{"energy_j_ann_gpu_peak", "energy_j_snn_poisson_brain", "energy_j_snn_poisson_loihi"},
		judge: func(m map[string]float64) Verdict {
			r := m["energy_j_ann_gpu_peak"] / m["energy_j_snn_poisson_brain"]
			return Verdict{Ratio: r, RatioOf: "GPU energy / brain-priced spiking energy, per image", Verdict: byRatio(r, 10, 1),
				Measured: f("%s J per image for the MLP on the GPU; %s J for its spiking twin at the brain's cost per event, %s J on Loihi.", figure.SciLabel(m["energy_j_ann_gpu_peak"]), figure.SciLabel(m["energy_j_snn_poisson_brain"]), figure.SciLabel(m["energy_j_snn_poisson_loihi"]))}
		},
	},
	"signals": {
		claim: "Biological neurons fire or not (spikes); artificial ones output continuous values.",
		rule:  "confirmed if the LIF neuron answers a constant step with spikes and Izhikevich's three classes answer the same input with different spike counts (the code, not the size, carries the signal); contradicted if the neuron does not spike; nuanced otherwise.",
		needs: []string{"lif_step_spikes_200ms", "izhikevich_RS_spikes_300ms", "izhikevich_CH_spikes_300ms"},
		judge: func(m map[string]float64) Verdict {
			v := Nuanced
			switch {
			case m["lif_step_spikes_200ms"] < 1:
				v = Contradicted
			case m["izhikevich_RS_spikes_300ms"] != m["izhikevich_CH_spikes_300ms"]:
				v = Confirmed
			}
			return Verdict{Verdict: v,
				Measured: f("a step of input gives %.0f identical spikes in 200 ms; the same current gives %.0f spikes (regular spiking) or %.0f (chattering) in 300 ms.", m["lif_step_spikes_200ms"], m["izhikevich_RS_spikes_300ms"], m["izhikevich_CH_spikes_300ms"])}
		},
	},
	"learning": {
		claim: "Synapses grow, strengthen and weaken in the brain; ANNs learn by backpropagation, keep a fixed topology and recall the same answers.",
		rule:  "confirmed if the trained MLP answers every repeated test image identically while STDP keeps changing the spiking layer's weights and structural plasticity changes the synapse count; contradicted if the MLP's answers change or the spiking network's weights do not; nuanced otherwise.",
		needs: []string{"ann_recall_identical_fraction", "snn_plastic_weight_change", "structural_synapses_start", "structural_synapses_end"},
		judge: func(m map[string]float64) Verdict {
			v := Nuanced
			switch {
			case m["ann_recall_identical_fraction"] < 1 || m["snn_plastic_weight_change"] <= 0:
				v = Contradicted
			case m["structural_synapses_end"] != m["structural_synapses_start"]:
				v = Confirmed
			}
			return Verdict{Ratio: m["snn_plastic_weight_change"], RatioOf: "STDP's relative weight change ‖w − w₀‖/‖w₀‖ (the MLP's is 0)", Verdict: v,
				Measured: f("the MLP gives %.0f%% identical answers on repeat; STDP changes the spiking layer's weights by %.1f%%; structural plasticity goes from %.0f to %.0f synapses.", 100*m["ann_recall_identical_fraction"], 100*m["snn_plastic_weight_change"], m["structural_synapses_start"], m["structural_synapses_end"])}
		},
	},
	"adversarial": {
		claim: "Networks are fooled by adversarial examples because they do not “see” as we do.",
		rule:  "at the largest ε, white-box: confirmed if every network, artificial and spiking, keeps less than half its clean accuracy; contradicted if none does; nuanced if only some are fooled.",
		needs: []string{"whitebox_mlp_eps_0"},
		judge: func(m map[string]float64) Verdict {
			eps := largestEps(m)
			fooled, total := 0, 0
			var parts []string
			for _, kind := range advKinds {
				clean, ok0 := m["whitebox_"+kind+"_eps_0"]
				att, ok1 := m["whitebox_"+kind+"_eps_"+eps]
				if !ok0 || !ok1 || clean <= 0 {
					continue
				}
				total++
				if att < clean/2 {
					fooled++
				}
				parts = append(parts, f("%s %.0f%% → %.0f%%", advNames[kind], 100*clean, 100*att))
			}
			v := Nuanced
			switch {
			case total > 0 && fooled == total:
				v = Confirmed
			case fooled == 0:
				v = Contradicted
			}
			return Verdict{Ratio: float64(fooled) / float64(max(total, 1)), RatioOf: "share of networks fooled", Verdict: v,
				Measured: "accuracy at ε = " + eps + ": " + strings.Join(parts, ", ") + "."}
		},
	},
}

// largestLesion is the largest lesion percentage in the fault metrics
// (keys mlp_random_P), or −1.
func largestLesion(m map[string]float64) int {
	best := -1
	for k := range m {
		if s, ok := strings.CutPrefix(k, "mlp_random_"); ok {
			if p, err := strconv.Atoi(s); err == nil && p > best {
				best = p
			}
		}
	}
	if best == 0 {
		return -1
	}
	return best
}

// largestEps is the largest ε of the white-box metrics
// (whitebox_mlp_eps_E), as the key writes it.
func largestEps(m map[string]float64) string {
	best, bestS := math.Inf(-1), "0"
	for k := range m {
		if s, ok := strings.CutPrefix(k, "whitebox_mlp_eps_"); ok {
			if e, err := strconv.ParseFloat(s, 64); err == nil && e > best {
				best, bestS = e, s
			}
		}
	}
	return bestS
}
