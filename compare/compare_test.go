package compare

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/experiment"
)

// tinyProfile is the quick profile's recipes at sizes that run all seven
// experiments in seconds: a few hundred MNIST images, small networks,
// short simulations. Its numbers are not the report's; its tests check
// what each experiment must show at any size.
func tinyProfile() profile {
	p := quickProfile()
	p.Name = "tiny"
	p.MLP.TrainSamples, p.MLP.Epochs = 1000, 2
	p.MLPDropout.TrainSamples, p.MLPDropout.Epochs = 1000, 2
	p.Converted.Samples, p.Converted.Timesteps, p.Converted.Calib = 200, 32, 500
	p.Size.COBA.N, p.Size.COBA.Duration = 2000, 200*time.Millisecond
	for i := range p.Size.Scaling {
		p.Size.Scaling[i].N, p.Size.Scaling[i].Duration = p.Size.Scaling[i].N/4, 100*time.Millisecond
	}
	t := &p.Topology
	t.SmallWorldN, t.ScaleFreeN, t.SigmaGraphs, t.Sparsity = 300, 1000, 2, []float64{0, 0.5, 0.9}
	s := &p.Speed
	s.LatencyReps, s.ThroughputBatch, s.Velocities, s.Refractory = 20, 100, []float64{0.61, 10, 119}, []float64{2, 5}
	s.Paths = s.Paths[:2] // 10 and 100 mm
	fl := &p.Fault
	fl.Fractions, fl.TestImages = []float64{0, 0.3, 0.5}, 500 // the spiking network keeps its quick size: smaller, it does not sustain its activity
	fl.Resume.Images, fl.Resume.InterruptAt = 640, 5
	p.Signals.GradientBatch, p.Signals.RecurrentHidden = 16, 16
	l := &p.Learning
	l.Curve.TrainSamples, l.Curve.ValSplit, l.Curve.MaxBatches, l.Curve.Epochs, l.Curve.TestSamples = 1000, 0.2, 5, 3, 200
	l.Surrogate.TrainSamples, l.Surrogate.TestSamples = 256, 100
	l.STDP.Neurons, l.STDP.TrainSamples, l.STDP.TestSamples = 10, 40, 20
	l.Pool = 3000
	l.Pretrain.TestSamples = 100
	l.FewShot.TestSamples = 200
	l.Draws = 1
	l.StructuralMS = 500
	l.Drift.Presentations = 3
	l.RecallImages = 200
	a := &p.Adversarial
	a.Images, a.Eps, a.Steps = 100, []float64{0.1, 0.3}, 5
	a.LeNet5.TrainSamples, a.LeNet5.TestSamples = 2000, 200
	a.GridImages, a.SPSAImages, a.SPSASteps, a.SPSADirections = 4, 20, 3, 4
	l.Continual.TrainSamples, l.Continual.TestSamples = 500, 200
	return p
}

// tiny runs every experiment once with the tiny profile, for all the
// tests that read its results.
var tiny = sync.OnceValues(func() (*Results, error) {
	p := tinyProfile()
	return Run(context.Background(), Options{Seed: 1, profile: &p}, nil, Machine{})
})

// tinyMetrics returns the tiny run's metrics of one experiment, failing
// the test if it was not measured.
func tinyMetrics(t *testing.T, name string) map[string]float64 {
	t.Helper()
	res, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Differences {
		if d.Name == name {
			if d.Status != "measured" {
				t.Fatalf("%s: status %q: %s", name, d.Status, d.Reason)
			}
			return d.Metrics
		}
	}
	t.Fatalf("no experiment %s in the results", name)
	return nil
}

// timing reports metrics that measure this machine's speed, which differ
// between runs; every other metric must not.
func timing(key string) bool {
	for _, s := range []string{"seconds", "per_second", "ns_per", "gflops", "latency_seconds", "wall"} {
		if strings.Contains(key, s) {
			return true
		}
	}
	return false
}

// TestEveryExperimentIsMeasured checks that all seven experiments run
// and present a complete Difference: claim, figures with data and
// captions, sources, method and meaning, finite metrics.
func TestEveryExperimentIsMeasured(t *testing.T) {
	res, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "tiny" || len(res.Differences) != len(Names) {
		t.Fatalf("profile %q, %d experiments; want tiny, %d", res.Profile, len(res.Differences), len(Names))
	}
	for k, d := range res.Differences {
		if d.Name != Names[k] {
			t.Errorf("experiment %d is %s, want %s", k, d.Name, Names[k])
		}
		if d.Status != "measured" || d.Claim == "" || len(d.Figures) == 0 || len(d.Sources) == 0 || d.Meaning == "" || d.Method == "" {
			t.Errorf("%s: status %q (%s), %d figures, %d sources", d.Name, d.Status, d.Reason, len(d.Figures), len(d.Sources))
		}
		for _, f := range d.Figures {
			if f.Grid == nil && (len(f.Series) == 0 || len(f.Series[0].Y) == 0) || f.Grid != nil && len(f.Grid.Cells) == 0 || f.Caption == "" {
				t.Errorf("%s: figure %q has no data or caption", d.Name, f.Title)
			}
		}
		for k, v := range d.Metrics {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: metric %s = %v", d.Name, k, v)
			}
		}
		for _, s := range append([]string{d.Method, d.Meaning}, d.Sources...) {
			if strings.Contains(s, "%!") {
				t.Errorf("%s: badly formatted text %q", d.Name, s)
			}
		}
	}
}

// TestSharedMeasurementsAgree checks that a number several sections
// report is one measurement: the converted network's accuracy and
// events in learning, speed and power, and the MLP's test accuracy in
// topology, speed and learning.
func TestSharedMeasurementsAgree(t *testing.T) {
	steps := tinyProfile().Converted.Timesteps
	learn, speed, power, topo := tinyMetrics(t, "learning"), tinyMetrics(t, "speed"), tinyMetrics(t, "power"), tinyMetrics(t, "topology")
	conv := learn[f("conversion_accuracy_%d_steps", steps)]
	for _, c := range []struct {
		name string
		got  float64
	}{{"speed snn_accuracy_at_N_steps", speed[f("snn_accuracy_at_%d_steps", steps)]}, {"power snn_current_accuracy_N_steps", power[f("snn_current_accuracy_%d_steps", steps)]}} {
		if c.got != conv || conv == 0 {
			t.Errorf("converted accuracy: %s = %v, learning says %v", c.name, c.got, conv)
		}
	}
	if a, b := learn["conversion_synaptic_events_per_inference"], power["snn_current_synaptic_events_per_inference"]; a != b || a == 0 {
		t.Errorf("converted events: learning %v, power %v", a, b)
	}
	mlp := learn["mlp_accuracy"]
	if speed["ann_accuracy"] != mlp || topo["pruned_0_accuracy"] != mlp || mlp < 0.5 {
		t.Errorf("MLP accuracy: learning %v, speed %v, topology (unpruned) %v; want one number above 0.5", mlp, speed["ann_accuracy"], topo["pruned_0_accuracy"])
	}
}

// TestTopologyShowsSmallWorld: the small world is far more clustered than
// the random graph with its node and edge counts, at a comparable path
// length; the layered ANN has no triangles.
func TestTopologyShowsSmallWorld(t *testing.T) {
	m := tinyMetrics(t, "topology")
	if sw, er := m["smallworld_clustering"], m["random_clustering"]; !(sw > 5*er) {
		t.Errorf("clustering: small world %v, random %v; want the small world's ≫ (5×) the random graph's", sw, er)
	}
	if sw, er := m["smallworld_path_length"], m["random_path_length"]; !(sw < 2*er) {
		t.Errorf("path length: small world %v, random %v; want comparable (within 2×)", sw, er)
	}
	if m["smallworld_sigma"] <= 1 {
		t.Errorf("small-world σ = %v, want > 1", m["smallworld_sigma"])
	}
	if m["layered_clustering"] != 0 {
		t.Errorf("layered clustering = %v, want 0", m["layered_clustering"])
	}
	if m["scalefree_hubs"] == 0 || m["scalefree_powerlaw_alpha"] <= 1 {
		t.Errorf("scale-free: %v hubs, α = %v; want hubs and α > 1", m["scalefree_hubs"], m["scalefree_powerlaw_alpha"])
	}
}

// TestFaultToleranceHubsFirstHurtsMore: removing the strongest hidden
// units (the MLP) or the most connected neurons (the spiking network)
// first hurts more than removing as many at random; a resumed run is bit
// for bit the uninterrupted one.
func TestFaultToleranceHubsFirstHurtsMore(t *testing.T) {
	m := tinyMetrics(t, "fault_tolerance")
	for _, net := range []string{"mlp", "mlp_dropout"} {
		for _, pc := range []string{"30", "50"} {
			if hubs, random := m[net+"_hubs-first_"+pc], m[net+"_random_"+pc]; !(hubs < random) {
				t.Errorf("%s, %s%% removed: accuracy %v hubs first, %v at random; want hubs first lower", net, pc, hubs, random)
			}
		}
		if m[net+"_random_0"] != m[net+"_hubs-first_0"] {
			t.Errorf("%s intact: %v and %v", net, m[net+"_random_0"], m[net+"_hubs-first_0"])
		}
	}
	if hubs, random := m["snn_hubs-first_50_relative_rate"], m["snn_random_50_relative_rate"]; !(hubs < random) {
		t.Errorf("spiking network, half removed: relative rate %v hubs first, %v at random; want hubs first lower", hubs, random)
	}
	if m["snn_intact_rate_hz"] <= 0 {
		t.Errorf("the intact spiking network is silent")
	}
	if m["checkpoint_resume_bit_identical"] != 1 {
		t.Error("the resumed run's weights differ from the uninterrupted run's")
	}
}

// TestPowerIsCountedOpsTimesCitedEnergy: every energy per inference is
// the counted operations times the cited energy per operation, written
// out by hand, and the section cites what one operation is.
func TestPowerIsCountedOpsTimesCitedEnergy(t *testing.T) {
	m := tinyMetrics(t, "power")
	if want := float64(784*128 + 128*10); m["ann_macs_per_inference"] != want {
		t.Errorf("MLP MACs = %v, want %v (784·128 + 128·10)", m["ann_macs_per_inference"], want)
	}
	poi, cur := m["snn_poisson_synaptic_events_per_inference"], m["snn_current_synaptic_events_per_inference"]
	if poi <= cur || cur <= 0 {
		t.Errorf("synaptic events: Poisson input %v, current input %v; want both counted, Poisson's more", poi, cur)
	}
	for _, c := range []struct {
		key  string
		want float64
	}{
		{"energy_j_ann_cpu_arith", m["ann_macs_per_inference"] * energy.PJPerMACFP32 * 1e-12},
		{"energy_j_ann_gpu_peak", m["ann_macs_per_inference"] * energy.PJPerMACTitanX * 1e-12},
		{"energy_j_snn_poisson_truenorth", poi * energy.PJPerEventTrueNorth * 1e-12},
		{"energy_j_snn_poisson_loihi", poi * energy.PJPerEventLoihi * 1e-12},
		{"energy_j_snn_poisson_brain", poi * m["brain_pj_per_synaptic_event"] * 1e-12},
		{"energy_j_snn_current_loihi", cur*energy.PJPerEventLoihi*1e-12 + m["snn_current_input_macs_per_inference"]*energy.PJPerMACFP32*1e-12},
	} {
		if got := m[c.key]; got != c.want || got <= 0 {
			t.Errorf("%s = %v, want %v (counted operations × cited pJ)", c.key, got, c.want)
		}
	}
	// 20 W over 10^14 synapses at 1 Hz: 0.2 pJ per event.
	if got := m["brain_pj_per_synaptic_event"]; math.Abs(got-0.2) > 1e-15 {
		t.Errorf("brain pJ per event = %v, want 0.2", got)
	}
	res, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	cited := false
	for _, d := range res.Differences {
		if d.Name == "power" {
			for _, s := range d.Sources {
				cited = cited || strings.Contains(s, "a synaptic event is one spike delivered to one target")
			}
		}
	}
	if !cited {
		t.Error("power does not cite energy's definition of a synaptic event in its sources")
	}
}

// TestSpeedDelaysAreSlowerThanANN: a volley's latency, set by conduction
// delays, is longer than the ANN's whole inference, longer over 100 mm
// than 10 mm and shorter at higher velocity; the converted network gains
// accuracy with steps; the refractory period caps the rate.
func TestSpeedDelaysAreSlowerThanANN(t *testing.T) {
	m := tinyMetrics(t, "speed")
	s := tinyProfile().Speed
	annMS := 1000 * m["ann_latency_seconds"]
	for _, p := range s.Paths {
		prev := math.Inf(1)
		for _, v := range s.Velocities {
			key := f("latency_ms_%.0fmm_", p.MM) + f("%gms", v)
			lat, ok := m[key]
			if !ok || !(lat > annMS) {
				t.Errorf("%s = %v (present %v), want longer than the ANN's %v ms", key, lat, ok, annMS)
			}
			if !(lat < prev) {
				t.Errorf("%s = %v, not shorter than at the slower velocity (%v)", key, lat, prev)
			}
			prev = lat
		}
	}
	for _, v := range s.Velocities {
		if a, b := m[f("latency_ms_10mm_%gms", v)], m[f("latency_ms_100mm_%gms", v)]; !(b > a) {
			t.Errorf("at %g m/s: 10 mm %v ms, 100 mm %v ms; want 100 mm slower", v, a, b)
		}
	}
	steps := tinyProfile().Converted.Timesteps
	if first, last := m["snn_accuracy_at_1_steps"], m[f("snn_accuracy_at_%d_steps", steps)]; !(last > first) {
		t.Errorf("converted accuracy %v after 1 step, %v after %d; want it to grow", first, last, steps)
	}
	for _, ref := range s.Refractory {
		if r := m[f("lif_max_rate_hz_tref_%gms", ref)]; !(r > 0 && r < 1000/ref) {
			t.Errorf("t_ref %g ms: max rate %v Hz, want in (0, %v)", ref, r, 1000/ref)
		}
	}
}

// TestSizeExtrapolatesMeasuredCosts: the brain-scale memory is the
// measured bytes per synapse times the cited synapse counts.
func TestSizeExtrapolatesMeasuredCosts(t *testing.T) {
	m := tinyMetrics(t, "size")
	if m["ann_params"] != 784*128+128+128*10+10 {
		t.Errorf("ann_params = %v, want 101770", m["ann_params"])
	}
	if m["snn_synapses"] <= 0 || m["snn_bytes_per_synapse"] <= 0 || m["snn_synaptic_events"] <= 0 || m["snn_rate_hz"] <= 0 {
		t.Errorf("COBA: %v synapses, %v bytes each, %v events, %v Hz; want all measured", m["snn_synapses"], m["snn_bytes_per_synapse"], m["snn_synaptic_events"], m["snn_rate_hz"])
	}
	if got, want := m["brain_1e14_snn_memory_bytes"], 1e14*m["snn_bytes_per_synapse"]; got != want {
		t.Errorf("brain memory = %v, want 1e14 × %v", got, m["snn_bytes_per_synapse"])
	}
	// The brain's time is the scaling model's, fitted to 3 networks × 1
	// and 2 ranks, over as many ranks as machines its synapses fill.
	if m["scaling_runs"] != 6 || m["scaling_probes"] != 3 || !(m["scaling_ns_per_byte"] > 0) || m["scaling_ranks"] != 2 || !(m["scaling_comm_share"] > 0 && m["scaling_comm_share"] < 1) ||
		!(m["scaling_ns_per_event"]+m["scaling_ns_per_neuron_step"] > 0) || !(m["scaling_bytes_per_exchange"] > 0) {
		t.Errorf("scaling: %v runs, %v probes, %v ns/byte, %v ranks, exchange share %v, %v ns/event, %v ns/neuron-step, %v bytes/exchange",
			m["scaling_runs"], m["scaling_probes"], m["scaling_ns_per_byte"], m["scaling_ranks"], m["scaling_comm_share"], m["scaling_ns_per_event"], m["scaling_ns_per_neuron_step"], m["scaling_bytes_per_exchange"])
	}
	model := experiment.ScalingModel{NeuronStepSeconds: m["scaling_ns_per_neuron_step"] / 1e9, EventSeconds: m["scaling_ns_per_event"] / 1e9,
		LatencySeconds: m["scaling_us_latency_per_window"] / 1e6, SecondsPerByte: m["scaling_ns_per_byte"] / 1e9}
	want, _, _ := model.Predict(experiment.ScalingWorkload{Neurons: 86e9, Synapses: 1e14, RateHz: 1, DTMS: 0.1, WindowSteps: 15,
		Ranks: int(m["brain_1e14_snn_machines_for_memory"])})
	if got := m["brain_1e14_snn_seconds_per_bio_second"]; math.Abs(got-want) > 1e-9*want || got != m["brain_1e14_snn_compute_seconds_per_bio_second"]+m["brain_1e14_snn_exchange_seconds_per_bio_second"] {
		t.Errorf("brain time %v s per biological second, want the model's %v", got, want)
	}
}

// TestSignalsShowSpikesAndVanishingGradients: spiking cells fire, in
// bursts for the bursting classes; sigmoid depth and plain recurrence
// attenuate gradients more than ReLU and the LSTM.
func TestSignalsShowSpikesAndVanishingGradients(t *testing.T) {
	m := tinyMetrics(t, "signals")
	if m["lif_step_spikes_200ms"] == 0 || m["izhikevich_RS_spikes_300ms"] == 0 {
		t.Errorf("LIF %v spikes, RS %v; want both to fire", m["lif_step_spikes_200ms"], m["izhikevich_RS_spikes_300ms"])
	}
	if !(m["izhikevich_CH_spikes_300ms"] > m["izhikevich_RS_spikes_300ms"]) {
		t.Errorf("chattering %v spikes, regular %v; want the bursts to fire more", m["izhikevich_CH_spikes_300ms"], m["izhikevich_RS_spikes_300ms"])
	}
	if s, r := m["gradnorm_sigmoid_first_over_last"], m["gradnorm_relu_first_over_last"]; !(s < 0.01 && s < r) {
		t.Errorf("first/last gradient: sigmoid %v, ReLU %v; want sigmoid's vanishing (< 0.01) and below ReLU's", s, r)
	}
	if rnn, lstm := m["gradnorm_rnn_step1_over_step28"], m["gradnorm_lstm_step1_over_step28"]; !(rnn < lstm) {
		t.Errorf("step 1/step 28 gradient: RNN %v, LSTM %v; want the RNN's smaller", rnn, lstm)
	}
}

// TestLearningFixedAgainstPlastic: the trained ANN recalls identically,
// a plastic spiking layer drifts while a frozen one does not, structural
// plasticity rewires, and every learner learns something.
func TestLearningFixedAgainstPlastic(t *testing.T) {
	m := tinyMetrics(t, "learning")
	p := tinyProfile().Learning
	if m["ann_recall_identical_fraction"] != 1 {
		t.Errorf("ANN recall identical on %v of images, want all", m["ann_recall_identical_fraction"])
	}
	if m["snn_frozen_weight_change"] != 0 || !(m["snn_plastic_weight_change"] > 0) {
		t.Errorf("weight change: frozen %v, plastic %v; want 0 and positive", m["snn_frozen_weight_change"], m["snn_plastic_weight_change"])
	}
	if m["structural_synapses_start"] == m["structural_synapses_end"] || m["structural_simulated_ms"] != p.StructuralMS {
		t.Errorf("structural plasticity: %v synapses to %v in %v ms; want a change over %v ms", m["structural_synapses_start"], m["structural_synapses_end"], m["structural_simulated_ms"], p.StructuralMS)
	}
	if want := float64(p.Curve.Epochs * p.Curve.MaxBatches * p.Curve.Batch); m["backprop_examples"] != want {
		t.Errorf("backprop examples = %v, want %v", m["backprop_examples"], want)
	}
	if want := float64(p.STDP.TrainSamples); m["stdp_examples"] != want || m["stdp_neurons"] != float64(p.STDP.Neurons) {
		t.Errorf("STDP: %v examples, %v neurons; want %v and %d", m["stdp_examples"], m["stdp_neurons"], want, p.STDP.Neurons)
	}
	for _, k := range []string{"mlp_accuracy", "backprop_accuracy", "surrogate_accuracy", "finetune_accuracy", "scratch_accuracy"} {
		if !(m[k] > 0.2) { // chance is 0.1 (0.2 for five digits)
			t.Errorf("%s = %v, want above chance", k, m[k])
		}
	}
	if m["surrogate_synaptic_events_per_inference"] <= 0 || m["stdp_synaptic_events_per_inference"] <= 0 {
		t.Errorf("spiking learners' events: surrogate %v, STDP %v", m["surrogate_synaptic_events_per_inference"], m["stdp_synaptic_events_per_inference"])
	}
}

// TestLearningContinual: plain fine-tuning forgets the first pair of
// digits; every method has its figure; the sleep phase's cost is counted
// and priced as package energy says.
func TestLearningContinual(t *testing.T) {
	m := tinyMetrics(t, "learning")
	if a := m["continual_finetune_first_task_final_accuracy"]; a > 0.05 {
		t.Errorf("fine-tuning: first pair at %v after the last, want forgotten (≤ 0.05)", a)
	}
	for _, meth := range tinyProfile().Learning.ContinualMethods {
		if _, ok := m["continual_"+meth+"_average_accuracy"]; !ok {
			t.Errorf("no average accuracy for %s", meth)
		}
	}
	if m["sleep_synaptic_events"] <= 0 || m["sleep_spikes"] <= m["sleep_input_spikes"] || m["sleep_simulated_ms"] != 125000 {
		t.Errorf("sleep: %v events, %v spikes (%v input), %v ms; want events, neurons firing, 125 s simulated",
			m["sleep_synaptic_events"], m["sleep_spikes"], m["sleep_input_spikes"], m["sleep_simulated_ms"])
	}
	if got, want := m["sleep_energy_j_loihi"], m["sleep_synaptic_events"]*energy.PJPerEventLoihi*1e-12; got != want {
		t.Errorf("sleep energy %v J, want %v (events × Loihi's pJ)", got, want)
	}
	res, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	figures := 0
	for _, d := range res.Differences {
		for _, fig := range d.Figures {
			if strings.HasPrefix(fig.Title, "Learning digits two at a time") && len(fig.Series) == 5 && len(fig.Series[0].Y) == 5 {
				figures++
			}
		}
	}
	if want := len(tinyProfile().Learning.ContinualMethods); figures != want {
		t.Errorf("%d continual-learning figures with five pairs over five stages, want %d", figures, want)
	}
}

// TestExperimentsAreRepeatable runs two experiments again with another
// seed, twice: the same seed gives the same numbers (timings aside).
func TestExperimentsAreRepeatable(t *testing.T) {
	p := tinyProfile()
	for _, name := range []string{"topology", "signals"} {
		var first map[string]float64
		for run := range 2 {
			res, err := Run(context.Background(), Options{Only: name, Seed: 3, profile: &p}, nil, Machine{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Differences) != 1 || res.Differences[0].Status != "measured" {
				t.Fatalf("--only %s: %+v", name, res.Differences)
			}
			d := res.Differences[0]
			if run == 0 {
				first = d.Metrics
				continue
			}
			for k, v := range first {
				if !timing(k) && d.Metrics[k] != v {
					t.Errorf("%s: metric %s was %v, then %v with the same seed", name, k, v, d.Metrics[k])
				}
			}
		}
	}
}

// TestAdversarialFoolsBothFamilies: white-box PGD brings every network
// below its clean accuracy, the MLP nearly to nothing at ε = 0.3; every
// curve starts at the clean accuracy on the same images; the section
// shows its examples as images.
func TestAdversarialFoolsBothFamilies(t *testing.T) {
	m := tinyMetrics(t, "adversarial")
	for _, kind := range advKinds {
		clean, attacked := m["whitebox_"+kind+"_eps_0"], m["whitebox_"+kind+"_eps_0.3"]
		if !(attacked < clean) || clean < 0.3 {
			t.Errorf("%s: accuracy %v clean, %v under PGD at ε = 0.3; want it trained and fooled", kind, clean, attacked)
		}
	}
	if a := m["whitebox_mlp_eps_0.3"]; a > 0.2 {
		t.Errorf("MLP under white-box PGD at ε = 0.3: accuracy %v, want below 0.2", a)
	}
	for _, tr := range transfers {
		if got, want := m[f("transfer_%s_from_%s_eps_0", tr[0], tr[1])], m["whitebox_"+tr[0]+"_eps_0"]; got != want {
			t.Errorf("%s ← %s at ε = 0: %v, the white-box curve's clean point %v", tr[0], tr[1], got, want)
		}
	}
	if !(m["transfer_mlp_from_lenet5_eps_0.1"] > m["whitebox_mlp_eps_0.1"]) {
		t.Errorf("MLP at ε = 0.1: %v against LeNet-5's examples, %v against its own; want the transferred attack weaker",
			m["transfer_mlp_from_lenet5_eps_0.1"], m["whitebox_mlp_eps_0.1"])
	}
	for k, v := range m {
		if strings.HasSuffix(k, "_accuracy") || strings.Contains(k, "_eps_") {
			if v < 0 || v > 1 {
				t.Errorf("%s = %v, not an accuracy", k, v)
			}
		}
	}
	res, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	grids := 0
	for _, d := range res.Differences {
		if d.Name != "adversarial" {
			continue
		}
		for _, fig := range d.Figures {
			if fig.Grid != nil {
				grids++
				if fig.Grid.Rows != 3 || fig.Grid.Cols != tinyProfile().Adversarial.GridImages {
					t.Errorf("example grid %d×%d", fig.Grid.Rows, fig.Grid.Cols)
				}
			}
		}
	}
	if grids != 1 {
		t.Errorf("%d example grids, want 1", grids)
	}
}

func TestRunRejectsUnknownNames(t *testing.T) {
	if _, err := Run(context.Background(), Options{Only: "telepathy"}, nil, Machine{}); err == nil {
		t.Error("an unknown experiment was accepted")
	}
	if _, err := Run(context.Background(), Options{Profile: "huge"}, nil, Machine{}); err == nil {
		t.Error("an unknown profile was accepted")
	}
}

// TestProfilesDiffer: the full profile runs longer than the quick one and
// both name themselves.
func TestProfilesDiffer(t *testing.T) {
	q, fp := quickProfile(), fullProfile()
	if q.Name != "quick" || fp.Name != "full" {
		t.Errorf("profiles named %q and %q", q.Name, fp.Name)
	}
	if !(fp.MLP.Epochs > q.MLP.Epochs && fp.Converted.Samples > q.Converted.Samples && fp.Learning.STDP.Neurons > q.Learning.STDP.Neurons) {
		t.Error("the full profile is not larger than the quick one")
	}
	if q.MLP.Dropout != 0 || q.MLPDropout.Dropout == 0 {
		t.Errorf("dropout: MLP %v, its twin %v", q.MLP.Dropout, q.MLPDropout.Dropout)
	}
}

// TestWriteTinyFixture regenerates report's testdata/compare-tiny.json,
// the tiny run's results without the image grids, which the report's
// figure and browser tests draw:
//
//	NEURITE_WRITE_TINY=../report/testdata/compare-tiny.json go test -run TestWriteTinyFixture ./compare
func TestWriteTinyFixture(t *testing.T) {
	path := os.Getenv("NEURITE_WRITE_TINY")
	if path == "" {
		t.Skip("set NEURITE_WRITE_TINY to the fixture's path to regenerate it")
	}
	res, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	out := *res
	out.Started, out.WallSeconds = "2026-01-01T00:00:00Z", 0
	out.Differences = nil
	for _, d := range res.Differences {
		d.Verdict = nil // the report fills it in
		var figs []Figure
		for _, f := range d.Figures {
			if f.Grid == nil {
				f.File = ""
				figs = append(figs, f)
			}
		}
		d.Figures = figs
		out.Differences = append(out.Differences, d)
	}
	b, err := json.MarshalIndent(&out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
