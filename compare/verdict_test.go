package compare

import (
	"fmt"
	"testing"
)

// TestJudgeRules checks each difference's stated rule on hand-built
// metrics: one set that must read confirmed, one contradicted, and for
// some a nuanced one.
func TestJudgeRules(t *testing.T) {
	tests := []struct {
		name, diff string
		m          map[string]float64
		want       string
	}{
		{"size confirmed", "size", map[string]float64{"ann_params": 101770, "brain_1e14_snn_machines_for_memory": 16298}, Confirmed},
		{"size contradicted", "size", map[string]float64{"ann_params": 2e14, "brain_1e14_snn_machines_for_memory": 1}, Contradicted},
		{"size nuanced", "size", map[string]float64{"ann_params": 1e12, "brain_1e14_snn_machines_for_memory": 1}, Nuanced},
		{"topology confirmed", "topology", map[string]float64{"smallworld_sigma": 10.8, "layered_clustering": 0, "pruned_max_sparsity_within_1pp": 0.3}, Confirmed},
		{"topology nuanced", "topology", map[string]float64{"smallworld_sigma": 10.8, "layered_clustering": 0, "pruned_max_sparsity_within_1pp": 0.9}, Nuanced},
		{"topology contradicted", "topology", map[string]float64{"smallworld_sigma": 0.9, "layered_clustering": 0, "pruned_max_sparsity_within_1pp": 0}, Contradicted},
		{"speed confirmed", "speed", map[string]float64{"snn_mean_decision_step": 4, "ann_latency_seconds": 20e-6}, Confirmed},
		{"speed contradicted", "speed", map[string]float64{"snn_mean_decision_step": 4, "ann_latency_seconds": 0.01}, Contradicted},
		{"fault confirmed", "fault_tolerance", faultMetrics(0.9, 0.8, 0.95, 0.9), Confirmed},
		{"fault nuanced", "fault_tolerance", faultMetrics(0.8, 0.6, 0.85, 0.02), Nuanced},
		{"fault contradicted", "fault_tolerance", faultMetrics(0.9, 0.8, 0.5, 0.1), Contradicted},
		{"power confirmed", "power", map[string]float64{"energy_j_ann_gpu_peak": 8e-6, "energy_j_snn_poisson_brain": 1e-7, "energy_j_snn_poisson_loihi": 1e-5}, Confirmed},
		{"power contradicted", "power", map[string]float64{"energy_j_ann_gpu_peak": 1e-8, "energy_j_snn_poisson_brain": 1e-7, "energy_j_snn_poisson_loihi": 1e-5}, Contradicted},
		{"signals confirmed", "signals", map[string]float64{"lif_step_spikes_200ms": 9, "izhikevich_RS_spikes_300ms": 8, "izhikevich_CH_spikes_300ms": 30}, Confirmed},
		{"signals contradicted", "signals", map[string]float64{"lif_step_spikes_200ms": 0, "izhikevich_RS_spikes_300ms": 8, "izhikevich_CH_spikes_300ms": 30}, Contradicted},
		{"learning confirmed", "learning", map[string]float64{"ann_recall_identical_fraction": 1, "snn_plastic_weight_change": 0.1, "structural_synapses_start": 2400, "structural_synapses_end": 2510}, Confirmed},
		{"learning contradicted", "learning", map[string]float64{"ann_recall_identical_fraction": 0.9, "snn_plastic_weight_change": 0.1, "structural_synapses_start": 2400, "structural_synapses_end": 2510}, Contradicted},
		{"adversarial confirmed", "adversarial", advMetrics(0, 0, 0, 0.02), Confirmed},
		{"adversarial nuanced", "adversarial", advMetrics(0, 0, 0, 0.5), Nuanced},
		{"adversarial contradicted", "adversarial", advMetrics(0.8, 0.5, 0.8, 0.5), Contradicted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Judge(Difference{Name: tt.diff, Status: "measured", Metrics: tt.m})
			if v == nil {
				t.Fatalf("Judge(%s) = nil", tt.diff)
			}
			if v.Verdict != tt.want {
				t.Errorf("Judge(%s %v).Verdict = %s, want %s (%s)", tt.diff, tt.m, v.Verdict, tt.want, v.Measured)
			}
			if v.Claim == "" || v.Rule == "" || v.Measured == "" {
				t.Errorf("Judge(%s): claim %q, rule %q, measured %q", tt.diff, v.Claim, v.Rule, v.Measured)
			}
		})
	}
	if v := Judge(Difference{Name: "size", Status: "not_built"}); v != nil {
		t.Errorf("Judge(not built) = %+v, want nil", v)
	}
	if v := Judge(Difference{Name: "size", Status: "measured", Metrics: map[string]float64{}}); v != nil {
		t.Errorf("Judge(no metrics) = %+v, want nil", v)
	}
}

// faultMetrics: the MLP keeps annR (random) and annH (hubs first) of its
// accuracy at 50% removed, the spiking network snnR and snnH of its rate.
func faultMetrics(annR, annH, snnR, snnH float64) map[string]float64 {
	return map[string]float64{"mlp_random_0": 0.8, "mlp_hubs-first_0": 0.8, "mlp_random_30": 0.79, "mlp_random_50": 0.8 * annR, "mlp_hubs-first_50": 0.8 * annH,
		"snn_random_50_relative_rate": snnR, "snn_hubs-first_50_relative_rate": snnH}
}

// advMetrics: clean accuracies, and those at ε = 0.3 given (ε = 0.1 is
// higher and must be ignored).
func advMetrics(mlp, lenet, conv, surr float64) map[string]float64 {
	m := map[string]float64{}
	for kind, v := range map[string]float64{"mlp": mlp, "lenet5": lenet, "converted": conv, "surrogate": surr} {
		m["whitebox_"+kind+"_eps_0"] = 0.9
		m["whitebox_"+kind+"_eps_0.1"] = 0.85
		m["whitebox_"+kind+"_eps_"+fmt.Sprint(0.3)] = v
	}
	return m
}
