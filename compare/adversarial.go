package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neurite/neurite/experiment"
)

// adversarial attacks the four kinds of trained classifier — the MLP,
// LeNet-5, the MLP converted to integrate-and-fire neurons and the spiking
// network trained through a surrogate gradient — with PGD, white-box and
// transferred from another network, at growing ε; with SPSA, which reads
// the spiking networks' scores only; and with corruptions no adversary
// chooses.
func adversarial(e *env) (Difference, error) {
	m, err := measureAdversarial(e)
	if err != nil {
		return Difference{}, err
	}
	return presentAdversarial(m, e.p.Adversarial), nil
}

// The four kinds of network, in the report's order, and how the report
// names them.
var advKinds = []string{"mlp", "lenet5", "converted", "surrogate"}

var advNames = map[string]string{
	"mlp": "MLP", "lenet5": "LeNet-5", "converted": "converted SNN", "surrogate": "surrogate-gradient SNN",
}

// advFamily is the family of an attacked network: the spiking ones are
// biological.
func advFamily(kind string) string {
	if kind == "converted" || kind == "surrogate" {
		return Biological
	}
	return Artificial
}

// transfers are the transfer attacks: the target, scored, and the source
// the examples were crafted on.
var transfers = [][2]string{{"mlp", "lenet5"}, {"lenet5", "mlp"}, {"converted", "lenet5"}, {"surrogate", "mlp"}, {"mlp", "surrogate"}}

// adversarialData is what the section measures.
type adversarialData struct {
	// Eps are the perturbation sizes, 0 (clean) first.
	Eps []float64
	// WhiteBox[kind][k] is the kind's accuracy under PGD at Eps[k] crafted
	// on itself (the converted SNN: on the MLP it came from);
	// Transfer[target+"<"+source][k] under PGD crafted on the source.
	WhiteBox, Transfer map[string][]float64
	// SPSA is the spiking networks' accuracy under SPSA (scores only),
	// with the clean accuracy on the same images and the queries spent.
	SPSA map[string]*experiment.AttackReport
	// Corrupt[method][kind] is a kind's accuracy under a corruption.
	Corrupt map[string]map[string]*experiment.AttackReport
	// Grid is the example attack (PGD on the MLP).
	Grid *experiment.AttackReport
	// Clean accuracies on the attacked images, and the networks' test
	// accuracies as trained.
	Clean   map[string]float64
	Trained map[string]float64
	Images  int
	// ConvertedSteps is the converted network's simulation length.
	ConvertedSteps int
}

// attackNets are the trained networks the section attacks.
type attackNets struct {
	mlp, lenet5, surrogate *experiment.TrainReport
}

// set makes s craft on (target false) or score on (target true) a kind of
// network; the converted SNN is the MLP, converted (with Convert set, a
// job crafts gradient attacks on the MLP and scores on its spiking twin).
func (n attackNets) set(s *experiment.AttackSettings, kind string, target bool) {
	r := n.mlp
	switch kind {
	case "lenet5":
		r = n.lenet5
	case "surrogate":
		r = n.surrogate
	case "converted":
		s.Convert = true
	}
	if target {
		s.TargetNet, s.TargetNormalizer = r.Net, r.Normalizer
		return
	}
	s.Net, s.Normalizer = r.Net, r.Normalizer
}

func measureAdversarial(e *env) (adversarialData, error) {
	p := e.p.Adversarial
	mlp, err := e.trainedMLP()
	if err != nil {
		return adversarialData{}, err
	}
	s, err := e.onMNIST(p.LeNet5)
	if err != nil {
		return adversarialData{}, err
	}
	e.progress("adversarial: training LeNet-5 (%d epochs, %s %g)", s.Epochs, optimizerName(s.Optimizer), s.LR)
	lenet, err := experiment.Train(e.ctx, s)
	if err != nil {
		return adversarialData{}, err
	}
	sg, err := e.surrogateSNN()
	if err != nil {
		return adversarialData{}, err
	}
	nets := attackNets{mlp: mlp, lenet5: lenet, surrogate: sg}
	d := adversarialData{Eps: append([]float64{0}, p.Eps...), WhiteBox: map[string][]float64{}, Transfer: map[string][]float64{},
		SPSA: map[string]*experiment.AttackReport{}, Corrupt: map[string]map[string]*experiment.AttackReport{}, Clean: map[string]float64{},
		Trained: map[string]float64{"mlp": mlp.TestAccuracy, "lenet5": lenet.TestAccuracy, "surrogate": sg.TestAccuracy}}
	conv := e.p.Converted
	run := func(s experiment.AttackSettings, images int) (*experiment.AttackReport, error) {
		s.TrainSet, s.TestSet, s.Samples, s.Seed = e.rawTrain, e.rawTest, images, e.o.Seed
		if s.Convert {
			s.Timesteps, s.Calib, s.Percentile = conv.Timesteps, conv.Calib, conv.Percentile
		}
		if err := e.ctx.Err(); err != nil {
			return nil, err
		}
		return experiment.Attack(e.ctx, s)
	}
	for _, eps := range p.Eps {
		e.progress("adversarial: PGD-%d at ε = %g on %d images", p.Steps, eps, p.Images)
		pgd := experiment.AttackSettings{Method: "pgd", Eps: eps, Steps: p.Steps}
		// White-box: each network crafted on itself; the converted SNN on
		// the MLP it came from (whose own accuracy that report holds too).
		for _, kind := range []string{"converted", "lenet5", "surrogate"} {
			s := pgd
			nets.set(&s, kind, false)
			r, err := run(s, p.Images)
			if err != nil {
				return d, fmt.Errorf("PGD on the %s at ε = %g: %w", advNames[kind], eps, err)
			}
			d.add(d.WhiteBox, kind, r.AdversarialAccuracy)
			d.Clean[kind] = r.CleanAccuracy
			if kind == "converted" {
				d.add(d.WhiteBox, "mlp", *r.SourceAdversarialAccuracy)
				d.Clean["mlp"] = *r.SourceCleanAccuracy
			}
		}
		for _, t := range transfers {
			s := pgd
			nets.set(&s, t[1], false)
			nets.set(&s, t[0], true)
			r, err := run(s, p.Images)
			if err != nil {
				return d, fmt.Errorf("PGD transferred from the %s to the %s at ε = %g: %w", advNames[t[1]], advNames[t[0]], eps, err)
			}
			d.add(d.Transfer, t[0]+"<"+t[1], r.AdversarialAccuracy)
		}
	}
	for _, kind := range advKinds {
		d.WhiteBox[kind] = append([]float64{d.Clean[kind]}, d.WhiteBox[kind]...)
	}
	for _, t := range transfers {
		key := t[0] + "<" + t[1]
		d.Transfer[key] = append([]float64{d.Clean[t[0]]}, d.Transfer[key]...)
	}
	d.Images, d.ConvertedSteps = p.Images, conv.Timesteps

	e.progress("adversarial: SPSA (scores only) on the spiking networks, %d images", p.SPSAImages)
	for _, kind := range []string{"converted", "surrogate"} {
		s := experiment.AttackSettings{Method: "spsa", Eps: p.SPSAEps, Steps: p.SPSASteps, Directions: p.SPSADirections}
		nets.set(&s, kind, false)
		r, err := run(s, p.SPSAImages)
		if err != nil {
			return d, fmt.Errorf("SPSA on the %s: %w", advNames[kind], err)
		}
		d.SPSA[kind] = r
	}

	e.progress("adversarial: corruptions")
	for _, c := range []struct {
		method string
		eps    float64
		kinds  []string
		input  string
	}{
		{"noise", p.Noise, advKinds, ""},
		{"pixel-dropout", p.PixelDrop, advKinds, ""},
		{"spike-drop", p.SpikeDrop, []string{"converted", "surrogate"}, "poisson"},
		{"spike-jitter", p.SpikeJitter, []string{"converted", "surrogate"}, "poisson"},
	} {
		d.Corrupt[c.method] = map[string]*experiment.AttackReport{}
		for _, kind := range c.kinds {
			s := experiment.AttackSettings{Method: c.method, Eps: c.eps}
			nets.set(&s, kind, false)
			if s.Convert && c.input != "" {
				s.Input = c.input
			}
			r, err := run(s, p.Images)
			if err != nil {
				return d, fmt.Errorf("%s on the %s: %w", c.method, advNames[kind], err)
			}
			d.Corrupt[c.method][kind] = r
		}
	}

	grid := experiment.AttackSettings{Method: "pgd", Eps: p.GridEps, Steps: p.Steps, Examples: p.GridImages}
	nets.set(&grid, "mlp", false)
	if d.Grid, err = run(grid, max(p.GridImages*4, 50)); err != nil {
		return d, err
	}
	return d, nil
}

// add appends v to m[key].
func (d adversarialData) add(m map[string][]float64, key string, v float64) {
	m[key] = append(m[key], v)
}

// at returns the curve's value at ε (NaN-free: 0 when absent).
func (d adversarialData) at(curve []float64, eps float64) float64 {
	for k, x := range d.Eps {
		if x == eps && k < len(curve) {
			return curve[k]
		}
	}
	return 0
}

func transferName(key string) string {
	target, source, _ := strings.Cut(key, "<")
	return advNames[target] + " ← " + advNames[source]
}

func presentAdversarial(m adversarialData, p adversarialSettings) Difference {
	d := Difference{Metrics: map[string]float64{}}
	mt := d.Metrics
	mt["images"], mt["pgd_steps"] = float64(m.Images), float64(p.Steps)
	for kind, a := range m.Trained {
		mt["test_accuracy_"+kind] = a
	}
	white := Figure{Title: f("White-box PGD-%d (L∞): accuracy against ε", p.Steps), XLabel: "ε (pixel intensity, of 1)", YLabel: "accuracy under attack",
		Caption: f("Each network attacked through its own gradient: the MLP and LeNet-5 exactly, the surrogate-gradient SNN through its surrogate (and its rate coding's expected spike train), "+
			"the converted SNN through the MLP it was converted from — the rate approximation it computes as steps grow (%d steps here). ", m.ConvertedSteps) +
			f("PGD from a random start, %d steps of 2.5ε/%d, on the first %d test images; ε = 0 is the clean accuracy on the same images.", p.Steps, p.Steps, m.Images)}
	for _, kind := range advKinds {
		white.Series = append(white.Series, Series{Name: advNames[kind], X: m.Eps, Y: m.WhiteBox[kind], Family: advFamily(kind)})
		for k, eps := range m.Eps {
			mt[f("whitebox_%s_eps_%g", kind, eps)] = m.WhiteBox[kind][k]
		}
	}
	trans := Figure{Title: f("Transferred PGD-%d: accuracy against ε", p.Steps), XLabel: "ε (pixel intensity, of 1)", YLabel: "accuracy under attack",
		Caption: "Adversarial examples crafted white-box on one network (after ←) and scored on another (before ←): a black-box attacker who trained a stand-in. " +
			"The converted SNN ← LeNet-5 line scores LeNet-5's examples on the spiking twin of the MLP."}
	for _, t := range transfers {
		key := t[0] + "<" + t[1]
		trans.Series = append(trans.Series, Series{Name: transferName(key), X: m.Eps, Y: m.Transfer[key], Family: advFamily(t[0])})
		for k, eps := range m.Eps {
			mt[f("transfer_%s_from_%s_eps_%g", t[0], t[1], eps)] = m.Transfer[key][k]
		}
	}
	d.Figures = append(d.Figures, white, trans)
	if m.Grid != nil {
		g := m.Grid.Grid
		d.Figures = append(d.Figures, Figure{Title: f("PGD examples against the MLP at ε = %g", p.GridEps), Grid: &g,
			Caption: f("Top: test images and the MLP's class; middle: the perturbation PGD found (grey: none; white +%g, black −%g); bottom: what the MLP sees, and its class. ", p.GridEps, p.GridEps) +
				"A person reads the same digit in the top and bottom rows."})
	}

	table := Table{Title: f("Accuracy under PGD-%d (L∞) on %d test images", p.Steps, m.Images), Columns: []string{"ε"}}
	for _, kind := range advKinds {
		table.Columns = append(table.Columns, advNames[kind]+" (white-box)")
	}
	for _, t := range transfers {
		table.Columns = append(table.Columns, transferName(t[0]+"<"+t[1]))
	}
	for k, eps := range m.Eps {
		row := []string{f("%g", eps)}
		for _, kind := range advKinds {
			row = append(row, f("%.3f", m.WhiteBox[kind][k]))
		}
		for _, t := range transfers {
			row = append(row, f("%.3f", m.Transfer[t[0]+"<"+t[1]][k]))
		}
		table.Rows = append(table.Rows, row)
	}
	other := Table{Title: "Without a gradient, and without an adversary", Columns: []string{"attack or corruption", "network", "clean", "after", "note"}}
	for _, kind := range []string{"converted", "surrogate"} {
		r := m.SPSA[kind]
		if r == nil {
			continue
		}
		other.Rows = append(other.Rows, []string{f("SPSA, ε = %g, %d steps × %d directions", p.SPSAEps, p.SPSASteps, p.SPSADirections), advNames[kind],
			f("%.3f", r.CleanAccuracy), f("%.3f", r.AdversarialAccuracy), f("%d images, %.0f queries each", r.Samples, r.QueriesPerSample)})
		mt[f("spsa_%s_clean", kind)], mt[f("spsa_%s_accuracy", kind)], mt[f("spsa_%s_queries_per_image", kind)] = r.CleanAccuracy, r.AdversarialAccuracy, r.QueriesPerSample
	}
	levels := map[string]string{
		"noise":         f("Gaussian pixel noise, σ = %g", p.Noise),
		"pixel-dropout": f("%g of the pixels black", p.PixelDrop),
		"spike-drop":    f("%g of the input spikes lost", p.SpikeDrop),
		"spike-jitter":  f("input spikes moved by up to %g of the presentation", p.SpikeJitter),
	}
	for _, method := range []string{"noise", "pixel-dropout", "spike-drop", "spike-jitter"} {
		for _, kind := range advKinds {
			r := m.Corrupt[method][kind]
			if r == nil {
				continue
			}
			note := ""
			if kind == "converted" && strings.HasPrefix(method, "spike") {
				note = "Poisson input"
			}
			other.Rows = append(other.Rows, []string{levels[method], advNames[kind], f("%.3f", r.CleanAccuracy), f("%.3f", r.AdversarialAccuracy), note})
			mt[f("%s_%s_accuracy", strings.ReplaceAll(method, "-", "_"), kind)] = r.AdversarialAccuracy
		}
	}
	d.Tables = append(d.Tables, table, other)

	// The text reads the curves at the example grid's ε (the first ε
	// measured if the grid's is not among them).
	eps := p.GridEps
	if !slices.Contains(p.Eps, eps) && len(p.Eps) > 0 {
		eps = p.Eps[0]
	}
	wb := func(kind string) float64 { return m.at(m.WhiteBox[kind], eps) }
	tr := func(key string) float64 { return m.at(m.Transfer[key], eps) }
	d.Method = f("Four networks trained here on MNIST: the shared 784-128-10 MLP (test accuracy %.3f), LeNet-5 (%.3f), the MLP converted to integrate-and-fire neurons (%d steps, analog input), ", m.Trained["mlp"], m.Trained["lenet5"], m.ConvertedSteps) +
		f("and the learning section's spiking network trained through a surrogate gradient (%.3f). Each is attacked by PGD under L∞ (experiment.Attack, the job behind neurite attack) on the first %d test images, ", m.Trained["surrogate"], m.Images) +
		"ε in pixel units whatever the network normalises inside; white-box through its own gradient, and transferred from another network. " +
		f("SPSA (Uesato et al. 2018) attacks the two spiking networks through their output scores alone, on %d images. Corruptions apply once, at the levels the table names.", p.SPSAImages)
	d.Meaning = f("At ε = %g — a change of %.0f%% of a pixel's range, which leaves the digits in the grid plain to a person — white-box PGD leaves the MLP %.0f%% accuracy, LeNet-5 %.0f%%, the converted SNN %.0f%% and the surrogate-gradient SNN %.0f%%. ",
		eps, 100*eps, 100*wb("mlp"), 100*wb("lenet5"), 100*wb("converted"), 100*wb("surrogate")) +
		convertedMeaning(wb("converted"), wb("mlp")) +
		f("Transferred from another network, the perturbations leave the MLP %.0f%% (from LeNet-5) and the surrogate SNN %.0f%% (from the MLP)", 100*tr("mlp<lenet5"), 100*tr("surrogate<mlp")) +
		map[bool]string{true: " — more than white-box: each network's blind spots are partly its own. ", false: ". "}[tr("mlp<lenet5") > wb("mlp") && tr("surrogate<mlp") > wb("surrogate")] +
		surrogateMeaning(wb("surrogate"), wb("mlp"), m.SPSA["surrogate"]) +
		"The article's point holds for both families: they learn relations in the pixels, not the digit a person sees, and spikes by themselves do not change that."
	d.Sources = []string{
		"FGSM: Goodfellow, Shlens & Szegedy (2015), “Explaining and harnessing adversarial examples”, ICLR.",
		"PGD and adversarial training: Madry, Makelov, Schmidt, Tsipras & Vladu (2018), “Towards deep learning models resistant to adversarial attacks”, ICLR.",
		"SPSA as an attack: Uesato, O’Donoghue, van den Oord & Kohli (2018), “Adversarial risk and the dangers of evaluating against weak attacks”, ICML; Spall (1992), IEEE Trans. Automatic Control 37:332–341.",
		"Converted and spiking networks under attack: Sharmin, Panda, Sarwar, Lee, Ponghiran & Roy (2019), “A comprehensive analysis on adversarial robustness of spiking neural networks”, IJCNN.",
		"Rate coding and discrete spikes blunting gradients: Sharmin, Rathi, Panda & Roy (2020), “Inherent adversarial robustness of deep spiking neural networks: effects of discrete input encoding and non-linear activations”, ECCV.",
		"Surrogate-gradient robustness overestimated: Bu, Ding, Hao & Yu (2023), “Rate gradient approximation attack threats deep spiking neural networks”, CVPR; Xu, Mahmood, Fang, Rietman, Ding & van Dijk (2022), “Attacking the spike: on the transferability and security of spiking neural networks to adversarial examples”, arXiv:2209.03358; Wang, Zhao, Chen, Zhang & Zeng (2025), “Towards reliable evaluation of adversarial robustness for spiking neural networks”, arXiv:2512.22522.",
		"Gradient masking gives a false sense of security: Athalye, Carlini & Wagner (2018), “Obfuscated gradients give a false sense of security”, ICML.",
	}
	d.Status = "measured"
	return d
}

// convertedMeaning says how the converted network fared against its
// source's gradient.
func convertedMeaning(conv, mlp float64) string {
	if conv <= mlp+0.15 {
		return "The converted network falls with its source: it computes the MLP's function in spike rates, so the MLP's gradient is, to a good approximation, its own (as Sharmin et al. 2019 found). "
	}
	return f("The converted network keeps more (%.0f%% against the MLP's %.0f%%): its finite simulation rounds the MLP's activations to spike counts, which a perturbation crafted on the MLP does not fully survive (Sharmin et al. 2019, 2020). ", 100*conv, 100*mlp)
}

// surrogateMeaning reads the surrogate-gradient network's white-box
// result against the MLP's and against the score-based attack's.
func surrogateMeaning(sg, mlp float64, spsa *experiment.AttackReport) string {
	out := ""
	if sg > mlp+0.1 {
		out = f("The surrogate-gradient SNN holds up better than the MLP (%.0f%% against %.0f%%), but that measures the attack as much as the network: its surrogate is not the gradient of what it computes, and rate coding makes every pass a new random draw, which blunts the direction PGD follows (Sharmin et al. 2020; Athalye et al. 2018 on such masked gradients). ", 100*sg, 100*mlp)
	} else {
		out = f("The surrogate-gradient SNN is no harder to fool than the MLP (%.0f%% against %.0f%%): its surrogate gradient is a good enough guide. ", 100*sg, 100*mlp)
	}
	if spsa == nil {
		return out
	}
	out += f("SPSA, reading only its output scores, takes it from %.0f%% to %.0f%% on %d images with %.0f queries each", 100*spsa.CleanAccuracy, 100*spsa.AdversarialAccuracy, spsa.Samples, spsa.QueriesPerSample)
	if spsa.AdversarialAccuracy > sg {
		out += " — less than PGD through the surrogate, so here the surrogate gradient hides no robustness. " +
			"Where a surrogate does (a steep one, few steps, latency codes), score-based and transfer attacks and ones built for spiking networks find the weakness again: the robustness reported for spiking networks has been found overestimated (Xu et al. 2022; Bu et al. 2023; Wang et al. 2025). "
	} else {
		out += " — more than PGD through the surrogate: the surrogate gradient flatters the network, as Xu et al. (2022), Bu et al. (2023) and Wang et al. (2025) found for spiking networks' reported robustness. "
	}
	return out
}
