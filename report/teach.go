package report

import (
	"fmt"
	"html/template"
	"image/color"
	"math"

	"github.com/neurite/neurite/compare"
	"github.com/neurite/neurite/figure"
)

// Term is one entry of the report's glossary.
type Term struct {
	Name, Meaning string
}

// Glossary explains the terms the report uses, for a reader who knows
// neither field.
var Glossary = []Term{
	{"ANN", "artificial neural network: layers of units that each output a number (an activation) computed from a weighted sum of their inputs."},
	{"SNN", "spiking neural network: neurons with a membrane potential that integrate input over time and emit all-or-none events (spikes) when it crosses a threshold."},
	{"MLP 784-128-10", "multilayer perceptron with 784 inputs (the pixels of a 28×28 MNIST digit), 128 hidden units and 10 outputs, one per digit."},
	{"MNIST", "70,000 handwritten digits, 60,000 for training and 10,000 for testing; accuracy is the share of test digits classified correctly."},
	{"MAC", "multiply–accumulate: one input times one weight added into a sum, the unit of work of an ANN."},
	{"synaptic event", "one spike delivered to one target neuron: a weight read and added, no multiplication; a spike of a neuron with k targets is k events."},
	{"fp32", "32-bit floating point, 4 bytes per number: how the MLP stores its weights."},
	{"CSR", "compressed sparse row: a graph stored as, for each sender, the list of its targets, so memory grows with the synapses, not with neurons squared."},
	{"LIF", "leaky integrate-and-fire neuron: its potential decays to rest with time constant τm, jumps with input, and is reset after a spike."},
	{"refractory period", "t_ref: the time after a spike during which a neuron cannot fire again; it caps the rate at 1/t_ref."},
	{"reset by subtraction", "after a spike, the threshold is subtracted from the potential instead of setting it to rest, so input above threshold is not lost: what makes a converted network's spike rates track the ANN's activations."},
	{"conversion", "turning a trained ANN into an SNN with the same weights, each ReLU unit becoming an integrate-and-fire neuron whose rate codes the activation."},
	{"rate coding", "a value carried by how often a neuron fires; Poisson input codes each pixel as random spikes at a rate proportional to its brightness."},
	{"f–I curve", "a neuron's firing rate against its input; here the input is written as R·I, the depolarisation it would hold the membrane at."},
	{"CV (ISI)", "coefficient of variation of the intervals between a neuron's spikes: 0 for a clock, 1 for random (Poisson) firing; cortex shows about 1."},
	{"clustering", "the share of a node's neighbours that are neighbours of each other, averaged over nodes."},
	{"path length", "the mean number of steps on the shortest path between two nodes."},
	{"σ (small-world)", "(C/C_random)/(L/L_random): clustering relative to a random graph with the same nodes and edges, over path length relative to it; above 1 is a small world."},
	{"hub", "a node with far more connections than the typical one."},
	{"power law α", "the exponent of P(k) ∝ k^−α, the fraction of nodes with degree k in a scale-free graph."},
	{"dropout", "during training, each unit is silenced at random with a given probability, so that the network does not rely on any one unit."},
	{"backpropagation", "computing every weight's gradient of the error by the chain rule, layer by layer backwards, then stepping each weight against it."},
	{"surrogate gradient", "training an SNN by backpropagation, with the spike's zero-or-infinite derivative replaced by a smooth stand-in."},
	{"STDP", "spike-timing-dependent plasticity: a synapse strengthens when its input spike comes just before the neuron's spike and weakens when it comes after; it needs no labels."},
	{"structural plasticity", "synapses created and removed while the network runs, as fibres grow and retract in the brain."},
	{"EWC", "elastic weight consolidation: while learning a new task, weights important to earlier tasks are pulled towards their old values."},
	{"sleep (SRC)", "sleep replay consolidation: the ANN is run as a spiking network on noise with Hebbian updates between tasks, to protect what it learnt."},
	{"ε, PGD, FGSM", "an adversarial example changes each pixel by at most ε (of 1); FGSM takes one step along the sign of the gradient, PGD several."},
	{"Loihi, TrueNorth", "neuromorphic chips of Intel and IBM that run spiking networks, at 23.6 and 26 pJ per synaptic event."},
	{"J, pJ", "joule, the unit of energy (1 W for 1 s); a picojoule is 10⁻¹² J."},
}

// swatch is one entry of the colour key.
type swatch struct {
	Name string
	CSS  template.CSS
}

func css(c color.RGBA) template.CSS { return template.CSS(fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)) }

// colourKey lists the families' colours, as every chart uses them.
func colourKey() []swatch {
	return []swatch{
		{"artificial networks (ANN)", css(FamilyColour(compare.Artificial, 0))},
		{"biological or spiking networks (SNN, brain models)", css(FamilyColour(compare.Biological, 0))},
		{"neither (random graphs, tasks, this machine)", css(FamilyColour("", 0))},
	}
}

// Context sets a difference's numbers against references a reader knows
// — the brain, a GPU, a published figure — each sentence citing its
// source. Metrics the sentence needs but the difference lacks leave the
// sentence out.
func Context(d compare.Difference) []string {
	m := d.Metrics
	has := func(keys ...string) bool {
		for _, k := range keys {
			if v, ok := m[k]; !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
		return true
	}
	var out []string
	add := func(ok bool, format string, args ...any) {
		if ok {
			out = append(out, fmt.Sprintf(format, args...))
		}
	}
	switch d.Name {
	case "size":
		add(has("ann_params"), "The brain has about 8.6×10¹⁰ neurons (Azevedo et al. 2009) and 10¹⁴–10¹⁵ synapses; this run's MLP has %s weights, about %s of the lower figure. GPT-3, a large language model, has 1.75×10¹¹ parameters (Brown et al. 2020): still under a hundredth of the brain's synapses.",
			figure.SciLabel(roundTo(m["ann_params"], 3)), figure.SciLabel(roundTo(m["ann_params"]/1e14, 1)))
	case "topology":
		add(has("smallworld_sigma"), "The nematode C. elegans, whose whole wiring is mapped, has clustering 0.28 against 0.05 for a random graph and path length 2.65 against 2.25 (Watts & Strogatz 1998): σ ≈ 4.8. The generated small world here has σ = %.1f.", m["smallworld_sigma"])
		add(has("pruned_max_sparsity_within_1pp"), "Dense layers are mostly redundant: Han et al. (2015, NeurIPS) pruned 89%% of AlexNet's weights with no loss of accuracy after retraining; here %.0f%% go without retraining at a cost of at most one point.", 100*m["pruned_max_sparsity_within_1pp"])
	case "speed":
		add(has("snn_mean_decision_step"), "People categorise an image (animal or not) in about 150 ms (Thorpe, Fize & Marlot 1996, Nature 381:520) — time for each neuron on the way to fire only once or twice. The converted network needs %.1f steps of 1 ms to settle.", m["snn_mean_decision_step"])
		add(has("ann_latency_seconds"), "The MLP answers in %.1f µs on this CPU; the same 10⁵ MACs take well under a microsecond of a GPU's peak arithmetic, but launching work on a GPU costs microseconds itself.", 1e6*m["ann_latency_seconds"])
	case "fault_tolerance":
		add(true, "In Parkinson's disease, motor symptoms appear only after roughly half or more of the substantia nigra's dopaminergic neurons are lost (Fearnley & Lees 1991, Brain 114:2283): the brain hides large losses, then fails.")
		add(has("mlp_random_50", "mlp_random_0"), "The MLP with half its hidden units removed at random keeps %.0f%% of its accuracy.", 100*m["mlp_random_50"]/m["mlp_random_0"])
	case "power":
		add(has("brain_pj_per_synaptic_event", "gpu_pj_per_mac_at_peak"), "The brain spends about %.2f pJ per synaptic event (20 W over ~10¹⁴ events a second); a Titan X at peak %.0f pJ per MAC; Loihi 23.6 pJ per event (Davies et al. 2018). A MAC and an event are not the same work: an event is an addition.",
			m["brain_pj_per_synaptic_event"], m["gpu_pj_per_mac_at_peak"])
		add(has("energy_j_ann_gpu_peak", "energy_j_snn_poisson_brain"), "At %.2g J per image, a 250 W GPU at peak classifies about %.2g images per joule; priced at the brain's cost per event, the spiking twin would classify about %.2g.",
			m["energy_j_ann_gpu_peak"], 1/m["energy_j_ann_gpu_peak"], 1/m["energy_j_snn_poisson_brain"])
	case "signals":
		add(true, "A real spike lasts about 1 ms and swings the membrane by about 100 mV (Hodgkin & Huxley 1952); cortical neurons fire below 10 Hz on average (Lennie 2003), so most carry their value in a few spikes, not in a rate averaged over many.")
		add(has("gradnorm_sigmoid_first_over_last"), "Hochreiter (1991) and Glorot & Bengio (2010) showed sigmoid networks' gradients shrinking layer by layer; here the first layer gets %.2g of the last one's.", m["gradnorm_sigmoid_first_over_last"])
	case "learning":
		add(has("stdp_accuracy", "stdp_neurons"), "Diehl & Cook (2015) report 82.9%% with 100 STDP neurons and 95.0%% with 6400 on all of MNIST; here %.0f neurons reach %.1f%% on the examples of this profile.", m["stdp_neurons"], 100*m["stdp_accuracy"])
		add(has("mlp_accuracy"), "LeCun et al. (1998) list 95.3%% for a 784-300-10 MLP; this run's MLP reaches %.1f%%.", 100*m["mlp_accuracy"])
	case "adversarial":
		add(true, "Madry et al. (2018, ICLR) kept an MNIST network at 89%% under PGD at ε = 0.3 only by training it on such attacks; a person still reads the perturbed digits, whose change is visible but does not alter the digit.")
	}
	return out
}

// roundTo rounds v to n significant digits.
func roundTo(v float64, n int) float64 {
	if v == 0 {
		return 0
	}
	p := math.Pow(10, float64(n-1)-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}
