package compare

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/plasticity"
	"github.com/neurite/neurite/topology"
)

// learning compares how the two families learn and what learning does to
// them afterwards.
func learning(e *env) (Difference, error) {
	m, err := measureLearning(e, e.p.Learning)
	if err != nil {
		return Difference{}, err
	}
	return presentLearning(m), nil
}

// learningData is what the learning experiment measures.
type learningData struct {
	Profile  string
	Settings learningSettings
	// MLP is the network of the other sections; Converted its shared
	// conversion (analog input); Curve a fresh MLP's learning curve.
	MLP, Curve *experiment.TrainReport
	Converted  *experiment.ConvertReport
	// HeldOut is the number of training images the curve is measured on.
	HeldOut int
	// Surrogate and STDP are the spiking networks that learn themselves.
	Surrogate, STDP *experiment.TrainReport
	// FineTuned and Scratch are LeNet-5's mean accuracies on digits 5–9
	// after few-shot training, pretrained on 0–4 or from scratch.
	FineTuned, Scratch float64
	// Rounds are the structural-plasticity sheet's rounds.
	Rounds []plasticity.Round
	// RecallIdentical is the fraction of test images the trained MLP
	// answers identically on two passes.
	RecallIdentical float64
	// Plastic and Frozen are the spiking layer's drift with STDP on and
	// off.
	Plastic, Frozen drift
	// Continual are the continual-learning runs, one per method of
	// Settings.ContinualMethods.
	Continual []*experiment.TrainReport
}

func measureLearning(e *env, s learningSettings) (learningData, error) {
	m := learningData{Profile: e.p.Name, Settings: s}
	var err error
	if m.MLP, err = e.trainedMLP(); err != nil {
		return m, err
	}
	// Backpropagation: accuracy against examples seen.
	e.progress("learning: backpropagation learning curve")
	if m.Curve, err = e.train(s.Curve); err != nil {
		return m, err
	}
	// The job trained on what its validation split left of its examples.
	examples := e.rawTrain.Len()
	if n := s.Curve.TrainSamples; n > 0 && n < examples {
		examples = n
	}
	m.HeldOut = examples - m.Curve.TrainSamples
	conv, err := e.convertedMLP()
	if err != nil {
		return m, err
	}
	m.Converted = conv.Current

	// Spiking networks that learn themselves: surrogate gradients and
	// Diehl & Cook's unsupervised STDP, on subsets sized for the profile.
	e.progress("learning: surrogate-gradient spiking network")
	if m.Surrogate, err = e.train(s.Surrogate); err != nil {
		return m, err
	}
	e.progress("learning: unsupervised STDP (Diehl & Cook)")
	if m.STDP, err = e.train(s.STDP); err != nil {
		return m, err
	}
	if m.MLP.Operations == nil || m.STDP.Operations == nil || m.Surrogate.Operations == nil {
		return m, errorf("a learner's report counts no operations")
	}

	// Fine-tuning against training from scratch.
	e.progress("learning: fine-tuning a pretrained LeNet-5 on few examples")
	if m.FineTuned, m.Scratch, err = e.fineTune(s); err != nil {
		return m, err
	}

	// Structural plasticity: synapses grow and are pruned while it runs.
	e.progress("learning: structural plasticity in a spiking network")
	if m.Rounds, err = e.structural(s.StructuralMS); err != nil {
		return m, err
	}
	if len(m.Rounds) == 0 {
		return m, errorf("structural plasticity ran no round in %g ms", s.StructuralMS)
	}

	// Recall: the trained ANN answers the same; a plastic SNN drifts.
	e.progress("learning: recall of a fixed ANN against a plastic spiking network")
	x := e.test.Head(s.RecallImages).X
	a, b := m.MLP.Net.Predict(x), m.MLP.Net.Predict(x)
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	m.RecallIdentical = float64(same) / float64(len(a))
	if m.Plastic, err = e.drift(s.Drift, true); err != nil {
		return m, err
	}
	if m.Frozen, err = e.drift(s.Drift, false); err != nil {
		return m, err
	}

	// Learning over a lifetime: tasks one after another, with and
	// without consolidation.
	for _, method := range s.ContinualMethods {
		c := s.Continual
		c.Method = method
		e.progress("learning: continual learning on split MNIST, %s", method)
		r, err := e.train(c)
		if err != nil {
			return m, err
		}
		m.Continual = append(m.Continual, r)
	}
	return m, nil
}

// train runs the training job on this run's MNIST.
func (e *env) train(s experiment.TrainSettings) (*experiment.TrainReport, error) {
	s, err := e.onMNIST(s)
	if err != nil {
		return nil, err
	}
	return experiment.Train(e.ctx, s)
}

// trained sums a training run's examples and seconds over its epochs.
func trained(r *experiment.TrainReport) (examples int, seconds float64) {
	for _, ep := range r.History {
		examples += ep.Samples
		seconds += ep.Seconds
	}
	return examples, seconds
}

func presentLearning(lm learningData) Difference {
	d := Difference{Metrics: map[string]float64{}}
	m := d.Metrics
	s := lm.Settings
	conv, sg, dc := lm.Converted, lm.Surrogate, lm.STDP

	curve := Series{Name: f("backpropagation (MLP %s, %s %g)", arch(lm.Curve.Settings), optimizerName(lm.Curve.Settings.Optimizer), lm.Curve.Settings.LR), Family: Artificial}
	seen := 0
	for _, ep := range lm.Curve.History {
		seen += ep.Samples
		curve.X, curve.Y = append(curve.X, float64(seen)), append(curve.Y, ep.ValidationAccuracy)
	}
	_, backpropSeconds := trained(lm.Curve)
	m["backprop_examples"] = float64(seen)
	m["backprop_accuracy"] = lm.Curve.TestAccuracy
	m["backprop_wall_seconds"] = backpropSeconds
	m[f("conversion_accuracy_%d_steps", conv.Timesteps)] = conv.TestAccuracy
	m["conversion_synaptic_events_per_inference"] = conv.Operations.SynapticEvents
	mlpExamples, mlpSeconds := trained(lm.MLP)
	mlpAcc := lm.MLP.TestAccuracy
	m["mlp_accuracy"], m["mlp_examples"], m["mlp_wall_seconds"] = mlpAcc, float64(mlpExamples), mlpSeconds

	sgExamples, sgSeconds := trained(sg)
	dcExamples, dcSeconds := trained(dc)
	dcNeurons := dc.Settings.Neurons
	for k, v := range map[string]float64{
		"surrogate_accuracy": sg.TestAccuracy, "surrogate_examples": float64(sgExamples), "surrogate_wall_seconds": sgSeconds, "surrogate_synaptic_events_per_inference": sg.Operations.SynapticEvents,
		"stdp_accuracy": dc.TestAccuracy, "stdp_examples": float64(dcExamples), "stdp_wall_seconds": dcSeconds, "stdp_synaptic_events_per_inference": dc.Operations.SynapticEvents, "stdp_neurons": float64(dcNeurons),
	} {
		m[k] = v
	}
	d.Figures = append(d.Figures, Figure{Title: "Learning by backpropagation", XLabel: "training examples seen", YLabel: f("accuracy on %d held-out training images", lm.HeldOut),
		Caption: f("Backpropagation's learning curve: a fresh %s MLP evaluated every %d batches of %d ", arch(lm.Curve.Settings), lm.Curve.Settings.MaxBatches, lm.Curve.Settings.Batch) +
			f("on training images held out from it (%.1f s of training in all); it ends at %.2f%% on the first %d test images. ", backpropSeconds, 100*lm.Curve.TestAccuracy, lm.Curve.TestSamples) +
			"The four learners are compared in the next figure and the table.",
		Series: []Series{curve}})
	d.Figures = append(d.Figures, Figure{Title: "Four ways to learn MNIST", YLabel: "test accuracy", XTicks: []string{"backprop MLP", "converted", "surrogate SNN", "STDP (D&C)"},
		Caption: f("Backpropagation (the MLP of the other sections, %d examples), that MLP converted to spiking neurons (%d steps, %d test images, as in the speed and power sections), ", mlpExamples, conv.Timesteps, conv.Samples) +
			f("a spiking %s network trained by surrogate gradients (%d examples) and Diehl & Cook's unsupervised STDP network ", arch(sg.Settings), sgExamples) +
			f("(%d excitatory neurons, %d examples, labels only read afterwards). Subsets are sized for the %s profile; see the table for wall times and operations.", dcNeurons, dcExamples, lm.Profile),
		Series: []Series{{Name: "artificial (backpropagation)", Bars: true, X: []float64{0}, Y: []float64{mlpAcc}, Family: Artificial},
			{Name: "spiking", Bars: true, X: []float64{1, 2, 3}, Y: []float64{conv.TestAccuracy, sg.TestAccuracy, dc.TestAccuracy}, Family: Biological}}})
	d.Tables = append(d.Tables, Table{Title: "Learning MNIST", Columns: []string{"learner", "examples", "accuracy", "wall time", "synaptic operations per test image"},
		Rows: [][]string{
			{f("backpropagation, MLP %s (the network of the other sections)", arch(lm.MLP.Settings)), f("%d", mlpExamples), f("%.2f%%", 100*mlpAcc), f("%.1f s", mlpSeconds), f("%.0f MACs", lm.MLP.Operations.MACs)},
			{f("conversion of that MLP to IF neurons (%d steps)", conv.Timesteps), "— (reuses the MLP)", f("%.2f%%", 100*conv.TestAccuracy), "—", f("%.0f events + %.0f input MACs", conv.Operations.SynapticEvents, conv.Operations.MACs)},
			{f("surrogate gradients, LIF %s + leaky read-out, %d steps, %s coding", hiddenArch(sg.Settings), sg.Settings.Steps, sg.Settings.Coding), f("%d", sgExamples), f("%.2f%%", 100*sg.TestAccuracy), f("%.1f s", sgSeconds), f("%.0f events", sg.Operations.SynapticEvents)},
			{f("STDP, Diehl & Cook, %d neurons, no labels", dcNeurons), f("%d", dcExamples), f("%.2f%%", 100*dc.TestAccuracy), f("%.1f s", dcSeconds), f("%.0f events", dc.Operations.SynapticEvents)},
		}})

	m["finetune_accuracy"], m["scratch_accuracy"] = lm.FineTuned, lm.Scratch
	d.Figures = append(d.Figures, Figure{Title: "A pretrained network improved with few examples", YLabel: "accuracy on digits 5–9", XTicks: []string{"fine-tuned (pretrained on 0–4)", "from scratch"},
		Caption: f("LeNet-5 pretrained on digits 0–4, its first %d layers with weights frozen, trained on %d examples of digits 5–9, against the same network trained from scratch on those %d (mean of %d draws of the %d).", s.FewShot.Freeze, s.FewShotExamples, s.FewShotExamples, s.Draws, s.FewShotExamples),
		Series:  []Series{{Name: "accuracy", Bars: true, X: []float64{0, 1}, Y: []float64{lm.FineTuned, lm.Scratch}, Family: Artificial}}})

	syn, created, pruned := Series{Name: "synapses", Family: Biological}, Series{Name: "created in the round", Family: Biological}, Series{Name: "pruned in the round", Family: Biological}
	for _, r := range lm.Rounds {
		syn.X, syn.Y = append(syn.X, r.TimeMS), append(syn.Y, float64(r.Synapses))
		created.X, created.Y = append(created.X, r.TimeMS), append(created.Y, float64(r.Created))
		pruned.X, pruned.Y = append(pruned.X, r.TimeMS), append(pruned.Y, float64(r.Pruned))
	}
	m["structural_synapses_start"] = syn.Y[0] - created.Y[0] + pruned.Y[0]
	m["structural_synapses_end"] = syn.Y[len(syn.Y)-1]
	m["structural_simulated_ms"] = syn.X[len(syn.X)-1]
	d.Figures = append(d.Figures,
		Figure{Title: "Structural plasticity: the wiring changes while the network runs", XLabel: "time (ms)", YLabel: "synapses",
			Caption: f("%d LIF neurons wired by distance, driven by Poisson input, with STDP on the recurrent synapses and, every %d ms, weak synapses pruned and new ones grown between recently active neurons.", sheetNeurons, structuralEvery),
			Series:  []Series{syn}},
		Figure{Title: "Synapses created and pruned per round", XLabel: "time (ms)", YLabel: "synapses per round",
			Caption: "The same run, round by round: synapses grown between recently active neurons, and synapses pruned because they had grown weak or their presynaptic neuron had fallen silent.",
			Series:  []Series{created, pruned}})

	m["ann_recall_identical_fraction"] = lm.RecallIdentical
	plastic, frozen := lm.Plastic, lm.Frozen
	m["snn_plastic_weight_change"] = plastic.Change[len(plastic.Change)-1]
	m["snn_frozen_weight_change"] = frozen.Change[len(frozen.Change)-1]
	m["snn_plastic_last_response_correlation"] = plastic.Correlation[len(plastic.Correlation)-1]
	m["snn_frozen_last_response_correlation"] = frozen.Correlation[len(frozen.Correlation)-1]
	pres := count(len(plastic.Change))
	annChange := make([]float64, len(plastic.Change)) // inference never changes an ANN's weights
	dr := s.Drift
	d.Figures = append(d.Figures, Figure{Title: "Recall: fixed weights against ongoing plasticity", XLabel: "presentation of the same input", YLabel: "relative weight change ‖w − w₀‖/‖w₀‖",
		Caption: f("The trained MLP answers %d test images identically on every pass (%.0f%% equal answers) because using it never changes it. ", s.RecallImages, 100*lm.RecallIdentical) +
			f("A spiking layer (%d Poisson inputs onto %d LIF neurons) shown the same %g ms pattern %d times keeps rewriting its synapses while STDP is on; ", dr.Inputs, dr.Outputs, dr.PresentMS, dr.Presentations) +
			"with plasticity off its weights stay put and its responses differ only by spike noise (response correlations with the first presentation are in the metrics). " +
			"The ANN's and the frozen SNN's changes are both exactly 0: their points are moved 0.08 apart sideways so that neither hides the other.",
		Series: []Series{{Name: "SNN with STDP on", X: pres, Y: plastic.Change, Family: Biological},
			{Name: "SNN with plasticity off", X: dodge(pres, -0.08), Y: frozen.Change, Family: Biological},
			{Name: "ANN (weights fixed after training)", X: dodge(pres, 0.08), Y: annChange, Family: Artificial}}})
	d.Sources = []string{"STDP: Bi & Poo (1998), J. Neurosci. 18:10464–10472; Song, Miller & Abbott (2000), Nat. Neurosci. 3:919–926.", "Conversion: Diehl et al. (2015); Rueckauer et al. (2017).",
		"Surrogate gradients: Neftci, Mostafa & Zenke (2019), IEEE Signal Process. Mag. 36:51–63.",
		"Unsupervised STDP network and its parameters: Diehl & Cook (2015), Front. Comput. Neurosci. 9:99 (82.9% with 100, 87.0% with 400 excitatory neurons)."}
	d.Method = "All runs are in this process with the seed given, through the jobs `neurite train` and `neurite convert` run (package experiment): " +
		f("the learning curve evaluates every %d batches of %d on held-out training images; ", lm.Curve.Settings.MaxBatches, lm.Curve.Settings.Batch) +
		"fine-tuning saves the pretrained LeNet-5 and trains from it with its convolutions frozen (neurite train --init --freeze does the same from the command line); " +
		f("the structural-plasticity network is the snn/plasticity example scaled to %g s; drift compares output spike-count vectors by Pearson correlation.", s.StructuralMS/1000)
	d.Meaning = f("Backpropagation reached %.1f%% after ", 100*m["backprop_accuracy"]) + f("%.0f examples; ", m["backprop_examples"]) +
		f("a spiking network trained through its spikes by surrogate gradients %.1f%%, ", 100*m["surrogate_accuracy"]) +
		f("and Diehl & Cook's network, learning with STDP and no labels at all, %.1f%%. ", 100*m["stdp_accuracy"]) +
		f("Pretraining gives a head start when examples are scarce (%.1f%% against ", 100*lm.FineTuned) + f("%.1f%% from scratch). ", 100*lm.Scratch) +
		f("The spiking network's wiring is never final: it went from %.0f to ", m["structural_synapses_start"]) + f("%.0f synapses in ", m["structural_synapses_end"]) +
		f("%.0f s, and with STDP on, %d presentations of one input rewrote ", m["structural_simulated_ms"]/1000, dr.Presentations) +
		f("%.0f%% of its weights' norm, where using the trained ANN never changes it and it recalls the same answers every time.", 100*m["snn_plastic_weight_change"])
	presentContinual(&d, lm)
	d.Status = "measured"
	return d
}

// fineTune pretrains LeNet-5 on digits 0–4 and compares fine-tuning on a
// few examples of 5–9 against training from scratch (mean of s.Draws
// draws). The pretrained network goes through a model file, as it would
// from the command line (neurite train --out, then --init --freeze).
func (e *env) fineTune(s learningSettings) (tuned, scratch float64, err error) {
	if err := e.loadMNIST(); err != nil {
		return 0, 0, err
	}
	dir, err := os.MkdirTemp("", "neurite-compare-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	pool := e.standardised(e.rawTrain.Head(s.Pool))
	pre := s.Pretrain
	pre.TrainSet, pre.TestSet, pre.Seed, pre.Out = pool, e.test, e.o.Seed, filepath.Join(dir, "pretrained.safetensors")
	if _, err := experiment.Train(e.ctx, pre); err != nil {
		return 0, 0, err
	}
	few := pool.WithLabels(s.FewShot.Labels...)
	if few.Len() < s.FewShotExamples {
		return 0, 0, errorf("fine-tuning: %d examples of digits %v among the first %d images, want %d", few.Len(), s.FewShot.Labels, s.Pool, s.FewShotExamples)
	}
	draws := float64(s.Draws)
	for k := uint64(1); k <= uint64(s.Draws); k++ {
		shot := few.Subset(rand.New(rand.NewPCG(e.o.Seed+k, 9)).Perm(few.Len())[:s.FewShotExamples])
		ft := s.FewShot
		ft.TrainSet, ft.TestSet, ft.Seed, ft.Init = shot, e.test, k, pre.Out
		a, err := experiment.Train(e.ctx, ft)
		if err != nil {
			return 0, 0, err
		}
		fresh := s.FewShot
		fresh.TrainSet, fresh.TestSet, fresh.Seed, fresh.Freeze = shot, e.test, k, 0
		b, err := experiment.Train(e.ctx, fresh)
		if err != nil {
			return 0, 0, err
		}
		tuned, scratch = tuned+a.TestAccuracy/draws, scratch+b.TestAccuracy/draws
	}
	return tuned, scratch, nil
}

// The structural-plasticity sheet: sheetNeurons LIF neurons, pruned and
// grown every structuralEvery ms.
const (
	sheetNeurons    = 400
	structuralEvery = 100
)

// plasticSheet builds the sheet's LIF neurons wired by distance, driven by
// Poisson input.
func (e *env) plasticSheet() (*snn.Network, *snn.Projection, error) {
	g, err := topology.Spatial(sheetNeurons, 2, 2, 0.3, 0.2, e.rng(7))
	if err != nil {
		return nil, nil, err
	}
	net := &snn.Network{DT: 0.1}
	lif, err := snn.NewLIF(sheetNeurons, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -54, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
	if err != nil {
		return nil, nil, err
	}
	sheet := net.AddPopulation("sheet", lif)
	sheet.Positions = g.Pos
	rec, err := net.Connect("recurrent", sheet, sheet, "v", g.Projection(), 0.5, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := snn.SetAnatomicalDelays(rec, net.DT, snn.Conduction{Velocity: 0.5, Synaptic: 0.5}); err != nil {
		return nil, nil, err
	}
	net.Inputs = append(net.Inputs, &snn.PoissonInput{Pop: sheet, Var: "v", N: 100, Rate: 14, Weight: 0.5})
	return net, rec, nil
}

// structural runs the sheet with STDP and structural plasticity for ms.
func (e *env) structural(ms float64) ([]plasticity.Round, error) {
	net, rec, err := e.plasticSheet()
	if err != nil {
		return nil, err
	}
	growth := &plasticity.Structural{Every: structuralEvery, PruneBelow: 0.3, PruneIdle: 300, Create: 30, Growth: plasticity.GrowActivity, NewWeight: 0.5, Seed: e.o.Seed}
	rec.Plasticity = plasticity.Chain{&plasticity.STDP{APlus: 0.01, AMinus: 0.0105, TauPlus: 20, TauMinus: 20, WMax: 1}, growth}
	if _, err := e.simulate(net, ms, 0); err != nil {
		return nil, err
	}
	return growth.History, nil
}

// drift is a spiking layer's response to repeated presentations of one
// pattern: after each, the relative change of its weights since the start
// (‖w − w₀‖/‖w₀‖) and the correlation of its output spike counts with the
// first presentation's.
type drift struct {
	Change, Correlation []float64
}

// drift presents one Poisson input pattern s.Presentations times to a
// feed-forward spiking layer, with STDP on (learn) or off. The input's
// rates change between runs of one simulation, which no job does, so this
// drives the simulator directly.
func (e *env) drift(s driftSettings, learn bool) (drift, error) {
	var dr drift
	src, err := snn.NewPoissonGroup(s.Inputs, 0)
	if err != nil {
		return dr, err
	}
	pattern := make([]float32, s.Inputs)
	r := e.rng(11)
	for i := range pattern {
		pattern[i] = float32(40 * r.Float64() * r.Float64())
	}
	lif, err := snn.NewLIF(s.Outputs, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -54, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
	if err != nil {
		return dr, err
	}
	net := &snn.Network{DT: 0.1}
	in, out := net.AddPopulation("in", src), net.AddPopulation("out", lif)
	g, err := topology.FixedProbability(s.Inputs, s.Outputs, 0.3, true, e.rng(12))
	if err != nil {
		return dr, err
	}
	p, err := net.Connect("ff", in, out, "v", g, 1.2, 1)
	if err != nil {
		return dr, err
	}
	w := p.PerSynapseWeights()
	for i := range w {
		w[i] = float32(0.4 + 1.6*r.Float64())
	}
	if learn {
		p.Plasticity = &plasticity.STDP{APlus: 0.05, AMinus: 0.0525, TauPlus: 20, TauMinus: 20, WMax: 3}
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: e.o.Seed, Threads: 1})
	if err != nil {
		return dr, err
	}
	mon, err := sim.MonitorSpikes(out)
	if err != nil {
		return dr, err
	}
	var first []float64
	w0 := slices.Clone(p.Weights)
	for k := range s.Presentations {
		copy(src.Rates, pattern)
		start := mon.Len()
		if err := sim.Run(e.ctx, s.PresentMS, nil); err != nil {
			return dr, err
		}
		counts := make([]float64, s.Outputs)
		for _, i := range mon.Index[start:] {
			counts[i]++
		}
		clear(src.Rates)
		if err := sim.Run(e.ctx, s.PauseMS, nil); err != nil {
			return dr, err
		}
		if k == 0 {
			first = counts
		}
		dr.Correlation = append(dr.Correlation, pearson(first, counts))
		var num, den float64
		for i, w := range p.Weights {
			num += float64((w - w0[i]) * (w - w0[i]))
			den += float64(w0[i] * w0[i])
		}
		dr.Change = append(dr.Change, math.Sqrt(num/den))
	}
	return dr, nil
}

func pearson(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i] / float64(len(a))
		mb += b[i] / float64(len(b))
	}
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

// continualLabels name the continual-learning methods in figures.
var continualLabels = map[string]string{
	"finetune": "ANN without sleep (plain fine-tuning)", "ewc": "with EWC", "sleep": "with sleep (SRC)",
	"joint": "joint training (every task so far)", "replay": "with a replay buffer",
}

// presentContinual adds the continual-learning runs to the section: for
// each method, the accuracy on every pair of digits as the pairs are
// learnt; a table of the metrics; and what the sleep phase cost.
func presentContinual(d *Difference, lm learningData) {
	if len(lm.Continual) == 0 {
		return
	}
	m := d.Metrics
	table := Table{Title: "Learning five pairs of digits one after another (split MNIST, class-incremental)",
		Columns: []string{"learner", "average accuracy after the last pair", "backward transfer (forgetting)", "forward transfer", "backprop training", "consolidation"}}
	var meaning []string
	for _, r := range lm.Continual {
		c := r.ContinualReport
		label := continualLabels[c.Method]
		var series []Series
		for j, task := range c.Tasks {
			s := Series{Name: "digits " + task}
			for i, row := range c.TaskAccuracy {
				s.X, s.Y = append(s.X, float64(i+1)), append(s.Y, row[j])
			}
			series = append(series, s)
		}
		var examples int
		var trainS, consS float64
		for _, ph := range c.Phases {
			examples += ph.Examples
			trainS += ph.TrainSeconds
			consS += ph.ConsolidateSeconds
		}
		key := "continual_" + c.Method + "_"
		m[key+"average_accuracy"], m[key+"backward_transfer"], m[key+"forward_transfer"] = c.AverageAccuracy, c.BackwardTransfer, c.ForwardTransfer
		m[key+"train_wall_seconds"], m[key+"consolidation_wall_seconds"], m[key+"examples"] = trainS, consS, float64(examples)
		last := c.TaskAccuracy[len(c.TaskAccuracy)-1]
		m[key+"first_task_final_accuracy"], m[key+"last_task_final_accuracy"] = last[0], last[len(last)-1]
		st := r.Settings
		d.Figures = append(d.Figures, Figure{Title: "Learning digits two at a time: " + label, XLabel: "pairs of digits learnt", YLabel: "test accuracy on each pair",
			Caption: f("An MLP %s (ReLU, no biases) learns the digits 0–1, then 2–3, …, then 8–9, %d training images of each pair, %d epochs each, ", arch(st), st.TrainSamples, st.Epochs) +
				f("and must tell all ten apart with no hint of the pair (class-incremental). Each line is one pair's test accuracy after each stage; %s ends at %.1f%% on average.", label, 100*c.AverageAccuracy),
			Series: series})
		table.Rows = append(table.Rows, []string{label, f("%.1f%%", 100*c.AverageAccuracy), f("%+.3f", c.BackwardTransfer), f("%+.3f", c.ForwardTransfer),
			f("%d examples, %.1f s", examples, trainS), f("%.1f s", consS)})
		meaning = append(meaning, f("%s %.1f%%", label, 100*c.AverageAccuracy))
		if c.Sleep == nil || r.Operations == nil {
			continue
		}
		sl := c.Sleep
		events, updates := float64(sl.SynapticEvents), float64(sl.Potentiations+sl.Depressions)
		// Backpropagation: the forward pass's MACs, and twice that backward
		// (the gradients of the weights and of the inputs), per example.
		trainMACs := 3 * r.Operations.MACs * float64(examples)
		m["sleep_phases"], m["sleep_simulated_ms"], m["sleep_spikes"], m["sleep_input_spikes"] = float64(sl.Sleeps), sl.SimMS, float64(sl.Spikes), float64(sl.InputSpikes)
		m["sleep_synaptic_events"], m["sleep_synapse_updates"], m["sleep_wall_seconds"] = events, updates, consS
		m["sleep_energy_j_loihi"] = events * energy.PJPerEventLoihi * 1e-12
		m["sleep_training_macs"] = trainMACs
		m["sleep_training_energy_j_fp32"] = trainMACs * energy.PJPerMACFP32 * 1e-12
		d.Figures = append(d.Figures, Figure{Title: "What the sleep phases cost", YLabel: "wall time on this machine (s)", XTicks: []string{"backprop training, 5 pairs", "5 sleep phases"},
			Caption: f("The sleep run's time: training by backpropagation (%d examples, %.3g MACs, %.2g J at %.1f pJ per fp32 MAC) ", examples, trainMACs, m["sleep_training_energy_j_fp32"], energy.PJPerMACFP32) +
				f("against its five sleep phases (%.0f s simulated: %d spikes, %d of them the input's, %.3g synaptic events, ", sl.SimMS/1000, sl.Spikes, sl.InputSpikes, events) +
				f("%.2g J at Loihi's %.1f pJ per event; %.3g synapse updates, which no cited figure prices).", m["sleep_energy_j_loihi"], energy.PJPerEventLoihi, updates),
			Series: []Series{{Name: "backpropagation", Bars: true, X: []float64{0}, Y: []float64{trainS}, Family: Artificial},
				{Name: "sleep (spiking)", Bars: true, X: []float64{1}, Y: []float64{consS}, Family: Biological}}})
	}
	d.Tables = append(d.Tables, table)
	d.Sources = append(d.Sources,
		"Continual-learning metrics (average accuracy, backward and forward transfer): Lopez-Paz & Ranzato (2017), NeurIPS, §2.",
		"Elastic weight consolidation: Kirkpatrick et al. (2017), PNAS 114:3521–3526.",
		"Sleep replay consolidation, its algorithm and its constants for MNIST: Tadros, Krishnan, Ramyaa & Bazhenov (2022), Nat. Commun. 13:7742, and their code (github.com/tmtadros/SleepReplayConsolidation).",
		"Split MNIST as a class-incremental scenario: van de Ven & Tolias (2019), arXiv:1904.07734.")
	d.Method += " Continual learning runs the job `neurite train --continual split --method finetune|ewc|sleep` runs (package continual), " +
		"scoring every pair of digits after each stage; the sleep phase turns the network into integrate-and-fire neurons driven by Poisson noise " +
		"at the mean intensity of the images seen, and lets spike timing alone change the weights (Tadros et al.'s algorithm and constants)."
	acc := map[string]float64{}
	for _, r := range lm.Continual {
		acc[r.ContinualReport.Method] = r.ContinualReport.AverageAccuracy
	}
	d.Meaning += " Learning one pair of digits after another, an ANN trained the usual way keeps little but the last pair (average accuracy over the five pairs after the last: " +
		strings.Join(meaning, ", ") + ")."
	if ft, ok := acc["finetune"]; ok {
		if e, ok := acc["ewc"]; ok {
			d.Meaning += f(" EWC, which holds the weights that mattered to earlier pairs, changes that by %+.1f points here: ", 100*(e-ft)) +
				"protecting weights does not teach the network to tell new digits from old ones it no longer sees."
		}
		if sl, ok := acc["sleep"]; ok {
			d.Meaning += f(" A sleep phase that replays no example, only noise shaped like the images seen, and changes weights by spike timing alone moves it by %+.1f points: ", 100*(sl-ft)) +
				"what comes back was still stored in the weights, and sleep rebalances it against the newest pair, " +
				"a small-scale instance of the article's claim that the brain builds on what it already stores and consolidates it during sleep. " +
				f("The sleep phases took %.0f%% of the training's wall time here; the result stays far from training on every pair again.", 100*m["sleep_wall_seconds"]/math.Max(m["continual_sleep_train_wall_seconds"], 1e-9))
		}
	}
}

// dodge returns xs shifted by d, to draw two series that coincide side
// by side.
func dodge(xs []float64, d float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x + d
	}
	return out
}
