package compare

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/plasticity"
	"github.com/neurite/neurite/topology"
	"github.com/neurite/neurite/train"
)

// learning compares how the two families learn and what learning does to
// them afterwards.
func learning(e *env) (Difference, error) {
	d := Difference{Metrics: map[string]float64{}}
	if err := e.trainMLP(); err != nil {
		return d, err
	}
	m := d.Metrics

	// Backpropagation: accuracy against examples seen.
	e.progress("learning: backpropagation learning curve")
	net, err := ann.MLP(784, []int{128}, ann.ReLU, 10, 0).Build(e.o.Seed)
	if err != nil {
		return d, err
	}
	opt, _ := optim.New("sgd", 0.1, 0, 0, false)
	val := e.test.Head(2000)
	t0 := time.Now()
	res, err := train.Fit(e.ctx, net, ann.SoftmaxCrossEntropy{}, opt, e.train, val, train.Config{Epochs: 12, Batch: 64, MaxBatches: 80, Seed: e.o.Seed})
	if err != nil {
		return d, err
	}
	backpropSeconds := time.Since(t0).Seconds()
	curve := Series{Name: "backpropagation (MLP 784-128-10, SGD 0.1)"}
	seen := 0
	for _, ep := range res.Epochs {
		seen += ep.Samples
		curve.X, curve.Y = append(curve.X, float64(seen)), append(curve.Y, ep.ValidationAccuracy)
	}
	m["backprop_examples"] = float64(seen)
	m["backprop_accuracy"] = curve.Y[len(curve.Y)-1]
	m["backprop_wall_seconds"] = backpropSeconds
	cur, _, err := e.spikingCosts()
	if err != nil {
		return d, err
	}
	m["conversion_accuracy_64_steps"] = cur.Accuracy
	m["conversion_synaptic_events_per_inference"] = cur.SynapticOpsPerSample
	mlpAcc, mlpExamples, mlpSeconds := accuracy(e.mlp, e.test), 0, 0.0
	for _, ep := range e.mlpRes.Epochs {
		mlpExamples += ep.Samples
		mlpSeconds += ep.Seconds
	}
	m["mlp_accuracy"], m["mlp_examples"], m["mlp_wall_seconds"] = mlpAcc, float64(mlpExamples), mlpSeconds

	// Spiking networks that learn themselves: surrogate gradients and
	// Diehl & Cook's unsupervised STDP, on subsets sized for the profile.
	e.progress("learning: surrogate-gradient spiking network")
	sg, err := e.surrogate()
	if err != nil {
		return d, err
	}
	e.progress("learning: unsupervised STDP (Diehl & Cook)")
	dc, err := e.diehlCook()
	if err != nil {
		return d, err
	}
	for k, v := range map[string]float64{
		"surrogate_accuracy": sg.accuracy, "surrogate_examples": sg.examples, "surrogate_wall_seconds": sg.seconds, "surrogate_synaptic_events_per_inference": sg.ops,
		"stdp_accuracy": dc.accuracy, "stdp_examples": dc.examples, "stdp_wall_seconds": dc.seconds, "stdp_synaptic_events_per_inference": dc.ops, "stdp_neurons": dc.neurons,
	} {
		m[k] = v
	}
	d.Figures = append(d.Figures, Figure{Title: "Learning by backpropagation", XLabel: "training examples seen", YLabel: "accuracy on 2000 test images",
		Caption: f("Backpropagation's learning curve: a fresh 784-128-10 MLP evaluated every 80 batches of 64 (%.1f s of training in all). The four learners are compared in the next figure and the table.", backpropSeconds),
		Series:  []Series{curve}})
	d.Figures = append(d.Figures, Figure{Title: "Four ways to learn MNIST", YLabel: "test accuracy", XTicks: []string{"backprop MLP", "converted", "surrogate SNN", "STDP (D&C)"},
		Caption: f("Backpropagation (the MLP of the other sections, %d examples), that MLP converted to spiking neurons (64 steps, 500 test images), ", mlpExamples) +
			f("a spiking 784-128-10 network trained by surrogate gradients (%.0f examples) and Diehl & Cook's unsupervised STDP network ", sg.examples) +
			f("(%.0f excitatory neurons, %.0f examples, labels only read afterwards). Subsets are sized for the quick profile; see the table for wall times and operations.", dc.neurons, dc.examples),
		Series: []Series{{Name: "accuracy", Bars: true, X: []float64{0, 1, 2, 3}, Y: []float64{mlpAcc, cur.Accuracy, sg.accuracy, dc.accuracy}}}})
	d.Tables = append(d.Tables, Table{Title: "Learning MNIST", Columns: []string{"learner", "examples", "accuracy", "wall time", "synaptic operations per test image"},
		Rows: [][]string{
			{"backpropagation, MLP 784-128-10 (the network of the other sections)", f("%d", mlpExamples), f("%.2f%%", 100*mlpAcc), f("%.1f s", mlpSeconds), f("%d MACs", e.mlp.DenseMACs())},
			{"conversion of that MLP to IF neurons (64 steps)", "— (reuses the MLP)", f("%.2f%%", 100*cur.Accuracy), "—", f("%.0f events + %.0f input MACs", cur.SynapticOpsPerSample, cur.InputMACsPerSample)},
			{"surrogate gradients, LIF 784-128 + leaky read-out, 25 steps, rate coding", f("%.0f", sg.examples), f("%.2f%%", 100*sg.accuracy), f("%.1f s", sg.seconds), f("%.0f events", sg.ops)},
			{f("STDP, Diehl & Cook, %.0f neurons, no labels", dc.neurons), f("%.0f", dc.examples), f("%.2f%%", 100*dc.accuracy), f("%.1f s", dc.seconds), f("%.0f events", dc.ops)},
		}})

	// Fine-tuning against training from scratch.
	e.progress("learning: fine-tuning a pretrained LeNet-5 on few examples")
	tuned, scratch, err := e.fineTune()
	if err != nil {
		return d, err
	}
	m["finetune_accuracy"], m["scratch_accuracy"] = tuned, scratch
	d.Figures = append(d.Figures, Figure{Title: "A pretrained network improved with few examples", YLabel: "accuracy on digits 5–9", XTicks: []string{"fine-tuned (pretrained on 0–4)", "from scratch"},
		Caption: "LeNet-5 pretrained on digits 0–4, its convolutions frozen, trained on 20 examples of digits 5–9, against the same network trained from scratch on those 20 (mean of three draws of the 20).",
		Series:  []Series{{Name: "accuracy", Bars: true, X: []float64{0, 1}, Y: []float64{tuned, scratch}}}})

	// Structural plasticity: synapses grow and are pruned while it runs.
	e.progress("learning: structural plasticity in a spiking network")
	rounds, err := e.structural()
	if err != nil {
		return d, err
	}
	count, created, pruned := Series{Name: "synapses"}, Series{Name: "created in the round"}, Series{Name: "pruned in the round"}
	for _, r := range rounds {
		count.X, count.Y = append(count.X, r.TimeMS), append(count.Y, float64(r.Synapses))
		created.X, created.Y = append(created.X, r.TimeMS), append(created.Y, float64(r.Created))
		pruned.X, pruned.Y = append(pruned.X, r.TimeMS), append(pruned.Y, float64(r.Pruned))
	}
	m["structural_synapses_start"] = count.Y[0] - created.Y[0] + pruned.Y[0]
	m["structural_synapses_end"] = count.Y[len(count.Y)-1]
	m["structural_simulated_ms"] = count.X[len(count.X)-1]
	d.Figures = append(d.Figures,
		Figure{Title: "Structural plasticity: the wiring changes while the network runs", XLabel: "time (ms)", YLabel: "synapses",
			Caption: "400 LIF neurons wired by distance, driven by Poisson input, with STDP on the recurrent synapses and, every 100 ms, weak synapses pruned and new ones grown between recently active neurons.",
			Series:  []Series{count}},
		Figure{Title: "Synapses created and pruned per round", XLabel: "time (ms)", YLabel: "synapses per round", Series: []Series{created, pruned}})

	// Recall: the trained ANN answers the same; a plastic SNN drifts.
	e.progress("learning: recall of a fixed ANN against a plastic spiking network")
	a := e.mlp.Predict(e.test.Head(1000).X)
	b := e.mlp.Predict(e.test.Head(1000).X)
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	m["ann_recall_identical_fraction"] = float64(same) / float64(len(a))
	plastic, frozen, err := e.drift()
	if err != nil {
		return d, err
	}
	pres := make([]float64, len(plastic))
	for i := range pres {
		pres[i] = float64(i + 1)
	}
	m["snn_plastic_weight_change"] = plastic[len(plastic)-1]
	m["snn_frozen_weight_change"] = frozen[len(frozen)-1]
	m["snn_plastic_last_response_correlation"] = e.driftCorr[0][len(e.driftCorr[0])-1]
	m["snn_frozen_last_response_correlation"] = e.driftCorr[1][len(e.driftCorr[1])-1]
	annChange := make([]float64, len(plastic)) // inference never changes an ANN's weights
	d.Figures = append(d.Figures, Figure{Title: "Recall: fixed weights against ongoing plasticity", XLabel: "presentation of the same input", YLabel: "relative weight change ‖w − w₀‖/‖w₀‖",
		Caption: f("The trained MLP answers 1000 test images identically on every pass (%.0f%% equal answers) because using it never changes it. ", 100*m["ann_recall_identical_fraction"]) +
			"A spiking layer (200 Poisson inputs onto 50 LIF neurons) shown the same 500 ms pattern ten times keeps rewriting its synapses while STDP is on; with plasticity off its weights stay put and its responses differ only by spike noise (response correlations with the first presentation are in the metrics).",
		Series: []Series{{Name: "ANN (weights fixed after training)", X: pres, Y: annChange}, {Name: "SNN with STDP on", X: pres, Y: plastic}, {Name: "SNN with plasticity off", X: pres, Y: frozen}}})
	d.Sources = []string{"STDP: Bi & Poo (1998), J. Neurosci. 18:10464–10472; Song, Miller & Abbott (2000), Nat. Neurosci. 3:919–926.", "Conversion: Diehl et al. (2015); Rueckauer et al. (2017).",
		"Surrogate gradients: Neftci, Mostafa & Zenke (2019), IEEE Signal Process. Mag. 36:51–63.",
		"Unsupervised STDP network and its parameters: Diehl & Cook (2015), Front. Comput. Neurosci. 9:99 (82.9% with 100, 87.0% with 400 excitatory neurons)."}
	d.Method = "All runs are in this process with the seed given: the learning curve evaluates every 80 batches of 64; fine-tuning freezes LeNet-5's convolutions (neurite train --init --freeze does the same from the command line); the structural-plasticity network is the snn/plasticity example scaled to 5 s; drift compares output spike-count vectors by Pearson correlation."
	d.Meaning = f("Backpropagation reached %.1f%% after ", 100*m["backprop_accuracy"]) + f("%.0f examples; ", m["backprop_examples"]) +
		f("a spiking network trained through its spikes by surrogate gradients %.1f%%, ", 100*m["surrogate_accuracy"]) +
		f("and Diehl & Cook's network, learning with STDP and no labels at all, %.1f%%. ", 100*m["stdp_accuracy"]) +
		f("Pretraining gives a head start when examples are scarce (%.1f%% against ", 100*tuned) + f("%.1f%% from scratch). ", 100*scratch) +
		f("The spiking network's wiring is never final: it went from %.0f to ", m["structural_synapses_start"]) + f("%.0f synapses in ", m["structural_synapses_end"]) + f("%.0f s, and with STDP on, ten presentations of one input rewrote ", m["structural_simulated_ms"]/1000) +
		f("%.0f%% of its weights' norm, where using the trained ANN never changes it and it recalls the same answers every time.", 100*m["snn_plastic_weight_change"])
	d.Status = "measured"
	return d, nil
}

// learner is one learner's measurements.
type learner struct{ accuracy, examples, seconds, ops, neurons float64 }

// surrogate trains the spiking 784-128-10 network by surrogate gradients.
func (e *env) surrogate() (learner, error) {
	n, epochs := 20000, 1
	if e.full {
		n, epochs = 60000, 3
	}
	raw, err := e.rawTrain()
	if err != nil {
		return learner{}, err
	}
	net, err := ann.SpikingMLPLeaky(784, []int{128}, 10, 25, ann.RateCoding).Build(e.o.Seed)
	if err != nil {
		return learner{}, err
	}
	opt, _ := optim.New("adam", 2e-3, 0, 0, false)
	batches := (n + 63) / 64
	sched, _ := optim.NewSchedule("cosine", batches*epochs, batches, 0)
	t0 := time.Now()
	if _, err := train.Fit(e.ctx, net, ann.SoftmaxCrossEntropy{}, opt, raw.Head(n), nil, train.Config{Epochs: epochs, Batch: 64, Seed: e.o.Seed, Schedule: sched}); err != nil {
		return learner{}, err
	}
	sec := time.Since(t0).Seconds()
	test := e.rawTest.Head(2000)
	acc := accuracy(net, test)
	var ops float64
	var hidden *ann.LIF
	for _, l := range net.Layers {
		if l, ok := l.(*ann.LIF); ok {
			hidden = l
		}
	}
	// Events on the test images: input spikes fan out to the hidden layer,
	// hidden spikes to the 10 read-out units.
	h := test.X
	for _, l := range net.Layers {
		h = l.Forward(h, false)
		if _, ok := l.(*ann.SpikeEncode); ok {
			for _, v := range h.Data {
				if v != 0 {
					ops += float64(hidden.Out)
				}
			}
		}
	}
	ops += float64(hidden.Spikes * 10)
	return learner{accuracy: acc, examples: float64(n * epochs), seconds: sec, ops: ops / float64(test.Len())}, nil
}

// diehlCook trains Diehl & Cook's network without labels.
func (e *env) diehlCook() (learner, error) {
	neurons, n, nTest := 100, 2000, 1000
	if e.full {
		neurons, n, nTest = 400, 60000, 10000
	}
	raw, err := e.rawTrain()
	if err != nil {
		return learner{}, err
	}
	net, err := diehlcook.New(diehlcook.Default(neurons), 784, e.o.Seed)
	if err != nil {
		return learner{}, err
	}
	t0 := time.Now()
	tr := raw.Head(n)
	counts, err := net.Train(e.ctx, tr, nil)
	if err != nil {
		return learner{}, err
	}
	sec := time.Since(t0).Seconds()
	net.Assign(counts, tr.Labels[tr.Len()-len(counts):], 10)
	res, err := net.Evaluate(e.ctx, e.rawTest.Head(nTest), 10)
	if err != nil {
		return learner{}, err
	}
	return learner{accuracy: res.Accuracy, examples: float64(n), seconds: sec, ops: res.SynapticOpsPerSample, neurons: float64(neurons)}, nil
}

// fineTune pretrains LeNet-5 on digits 0–4 and compares fine-tuning on 20
// examples of 5–9 against training from scratch (mean of three draws).
func (e *env) fineTune() (tuned, scratch float64, err error) {
	n := 12000
	if e.full {
		n = 30000
	}
	src := e.train.Head(n)
	low, high := src.WithLabels(0, 1, 2, 3, 4), src.WithLabels(5, 6, 7, 8, 9)
	test := e.test.WithLabels(5, 6, 7, 8, 9)
	spec := ann.LeNet5()
	pre, err := spec.Build(e.o.Seed)
	if err != nil {
		return 0, 0, err
	}
	opt, _ := optim.New("sgd", 0.05, 0.9, 0, false)
	if _, err := train.Fit(e.ctx, pre, ann.SoftmaxCrossEntropy{}, opt, low, nil, train.Config{Epochs: 2, Batch: 64, Seed: e.o.Seed}); err != nil {
		return 0, 0, err
	}
	fit := func(net *ann.Sequential, few *data.Dataset, seed uint64) (float64, error) {
		opt, _ := optim.New("sgd", 0.01, 0.9, 0, false)
		if _, err := train.Fit(e.ctx, net, ann.SoftmaxCrossEntropy{}, opt, few, nil, train.Config{Epochs: 40, Batch: 20, Seed: seed}); err != nil {
			return 0, err
		}
		return accuracy(net, test), nil
	}
	const draws = 3
	for k := uint64(1); k <= draws; k++ {
		few := high.Subset(rand.New(rand.NewPCG(e.o.Seed+k, 9)).Perm(high.Len())[:20])
		net, err := spec.Build(k)
		if err != nil {
			return 0, 0, err
		}
		for i, p := range net.Params() {
			copy(p.Value.Data, pre.Params()[i].Value.Data)
		}
		if err := net.Freeze(2); err != nil {
			return 0, 0, err
		}
		a, err := fit(net, few, k)
		if err != nil {
			return 0, 0, err
		}
		fresh, _ := spec.Build(k)
		b, err := fit(fresh, few, k)
		if err != nil {
			return 0, 0, err
		}
		tuned, scratch = tuned+a/draws, scratch+b/draws
	}
	return tuned, scratch, nil
}

// plasticSheet builds 400 LIF neurons wired by distance, driven by
// Poisson input.
func (e *env) plasticSheet() (*snn.Network, *snn.Projection, error) {
	g, err := topology.Spatial(400, 2, 2, 0.3, 0.2, e.rng(7))
	if err != nil {
		return nil, nil, err
	}
	net := &snn.Network{DT: 0.1}
	lif, err := snn.NewLIF(400, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -54, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
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

// structural runs the sheet with STDP and structural plasticity.
func (e *env) structural() ([]plasticity.Round, error) {
	net, rec, err := e.plasticSheet()
	if err != nil {
		return nil, err
	}
	growth := &plasticity.Structural{Every: 100, PruneBelow: 0.3, PruneIdle: 300, Create: 30, Growth: plasticity.GrowActivity, NewWeight: 0.5, Seed: e.o.Seed}
	rec.Plasticity = plasticity.Chain{&plasticity.STDP{APlus: 0.01, AMinus: 0.0105, TauPlus: 20, TauMinus: 20, WMax: 1}, growth}
	ms := 5000.0
	if e.full {
		ms = 20000
	}
	if _, err := e.simulate(net, ms, threads()); err != nil {
		return nil, err
	}
	return growth.History, nil
}

// drift presents one Poisson input pattern ten times to a feed-forward
// spiking layer, with STDP on and off, and returns the relative change of
// its weights since the start after each presentation (‖w − w₀‖/‖w₀‖);
// the correlations of each response's spike counts with the first's are
// kept in e.driftCorr.
func (e *env) drift() (plastic, frozen []float64, err error) {
	for _, learn := range []bool{true, false} {
		const nIn, nOut, presentations = 200, 50, 10
		src, err := snn.NewPoissonGroup(nIn, 0)
		if err != nil {
			return nil, nil, err
		}
		pattern := make([]float32, nIn)
		r := e.rng(11)
		for i := range pattern {
			pattern[i] = float32(40 * r.Float64() * r.Float64())
		}
		lif, err := snn.NewLIF(nOut, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -54, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
		if err != nil {
			return nil, nil, err
		}
		net := &snn.Network{DT: 0.1}
		in, out := net.AddPopulation("in", src), net.AddPopulation("out", lif)
		g, err := topology.FixedProbability(nIn, nOut, 0.3, true, e.rng(12))
		if err != nil {
			return nil, nil, err
		}
		p, err := net.Connect("ff", in, out, "v", g, 1.2, 1)
		if err != nil {
			return nil, nil, err
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
			return nil, nil, err
		}
		mon, err := sim.MonitorSpikes(out)
		if err != nil {
			return nil, nil, err
		}
		var first []float64
		var corr []float64
		w0 := slices.Clone(p.Weights)
		var change []float64
		for k := range presentations {
			copy(src.Rates, pattern)
			start := mon.Len()
			if err := sim.Run(e.ctx, 500, nil); err != nil {
				return nil, nil, err
			}
			counts := make([]float64, nOut)
			for _, i := range mon.Index[start:] {
				counts[i]++
			}
			clear(src.Rates)
			if err := sim.Run(e.ctx, 200, nil); err != nil {
				return nil, nil, err
			}
			if k == 0 {
				first = counts
			}
			corr = append(corr, pearson(first, counts))
			var num, den float64
			for i, w := range p.Weights {
				num += float64((w - w0[i]) * (w - w0[i]))
				den += float64(w0[i] * w0[i])
			}
			change = append(change, math.Sqrt(num/den))
		}
		if learn {
			plastic, e.driftCorr[0] = change, corr
		} else {
			frozen, e.driftCorr[1] = change, corr
		}
	}
	return plastic, frozen, nil
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
