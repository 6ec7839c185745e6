package continual

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// Sleep is sleep replay consolidation (SRC; Tadros, Krishnan, Ramyaa &
// Bazhenov 2022, "Sleep-like unsupervised replay reduces catastrophic
// forgetting in artificial neural networks", Nat. Commun. 13:7742,
// Algorithm 1): after each task the network is trained by
// backpropagation as in plain fine-tuning, then sleeps. Sleeping runs the
// network as spiking neurons on noise and lets the spikes change its
// weights by a local, unsupervised rule:
//
//  1. ANN → SNN: every ReLU unit becomes an integrate-and-fire neuron
//     (biases play no part: the network must have none), and layer l's
//     input is scaled by α_l, found from the largest weight and the
//     largest activation each layer reaches on the examples seen so far
//     (data-based normalisation, Diehl et al. 2015, as the authors' code
//     normalize_nn_data.m computes it), times AlphaScale;
//  2. for each time step of DT, the input layer fires Poisson spikes at
//     the mean intensity of the examples seen so far (all tasks up to the
//     one just learnt), limited to a random Window×Window patch of the
//     image (the authors' create_masked_input.m) — noise shaped like the
//     data seen, never the examples themselves;
//  3. each layer in turn integrates v_l ← Decay·v_l + α_l·W_l·s_{l−1},
//     and a neuron whose v reaches its threshold Beta[l] fires and is
//     reset to 0;
//  4. when a neuron fires, each synapse onto it changes: w ← w + Inc·σ(w)
//     when the presynaptic neuron fired (in this step, the one that made
//     it fire: pre before post), and w ← w − Dec·σ(w) when it did not,
//     with σ(w) = 2·(1 − 1/(1 + e^(−w/0.001))), the authors' sigmoid,
//     which leaves strong positive weights alone and moves weights near
//     zero or negative most;
//  5. SNN → ANN: the changed weights are the network's weights again.
//
// Where the trained network has dropout, the spiking network sees it as
// the authors' (whose dropout scales activations by 1 − p at test time,
// not the inputs by 1/(1 − p) during training as package ann's does): a
// layer after dropout p runs on W/(1 − p), its activations are counted
// times 1 − p, and its weights are mapped back times 1 − p, so that the
// constants below mean what they meant to the authors.
//
// The zero value takes the constants of the authors' code for MNIST
// (run_class_task_summary.m in github.com/tmtadros/SleepReplayConsolidation,
// found there by a genetic search for their 784-1200-1200-10 network
// trained on 5000 examples of each pair of digits): input rate 239.515363
// Hz, Inc 0.032064, Dec 0.003344, thresholds β = (14.548273, 44.560317,
// 38.046326), α scale 55.882454, decay 0.999 per 1 ms step, patches of 11
// pixels, and 15,000 steps for the first sleep, each later sleep 5,000
// steps longer (after task k, from 0: Steps + k·Growth). Beta has one
// threshold per dense layer; the default three fit networks of two hidden
// layers only.
type Sleep struct {
	// Steps is the number of time steps of the first sleep (default
	// 15000); Growth the steps each later sleep adds (default Steps/3).
	Steps, Growth int
	// DT is the time step in ms (default 1).
	DT float64
	// MaxRate is the input's firing rate in Hz for an intensity of 0.5
	// (default 239.515363): a pixel of intensity x fires with probability
	// 2·x·MaxRate·DT per step (the authors' rescale_fac/2).
	MaxRate float64
	// Inc and Dec are the potentiation and depression steps (defaults
	// 0.032064 and 0.003344), in units of the network's weights.
	Inc, Dec float64
	// Beta are the firing thresholds of the dense layers, in order
	// (default 14.548273, 44.560317, 38.046326).
	Beta []float64
	// AlphaScale multiplies every layer's normalisation factor (default
	// 55.882454).
	AlphaScale float64
	// Decay is the fraction of the membrane potential kept from one step
	// to the next, in (0, 1] (default 0.999: a 1 s time constant at 1 ms
	// steps).
	Decay float64
	// Window is the side of the square patch of an image the input fires
	// in each step, in pixels (default 11); inputs without an image shape
	// (Dataset.Shape [1, H, W] or [H, W]) fire everywhere.
	Window int
	// Examples bounds the examples of each task seen that the scales and
	// the mean input are computed on: the first N (default 10000; the
	// authors use all, which split MNIST's 5000 per task are, and which
	// would make each sleep over permuted MNIST a pass over up to 300,000
	// images).
	Examples int
}

// sigmoidScale is the width of the authors' sigmoid σ(w), in units of
// weights (sleepnn_old.m: exp(−x/0.001)).
const sigmoidScale = 0.001

// Name returns "sleep".
func (Sleep) Name() string { return "sleep" }

func (s Sleep) withDefaults() Sleep {
	if s.Steps == 0 {
		s.Steps = 15000
	}
	if s.Growth == 0 {
		s.Growth = s.Steps / 3
	}
	if s.DT == 0 {
		s.DT = 1
	}
	if s.MaxRate == 0 {
		s.MaxRate = 239.515363
	}
	if s.Inc == 0 {
		s.Inc = 0.032064
	}
	if s.Dec == 0 {
		s.Dec = 0.003344
	}
	if s.Beta == nil {
		s.Beta = []float64{14.548273, 44.560317, 38.046326}
	}
	if s.AlphaScale == 0 {
		s.AlphaScale = 55.882454
	}
	if s.Decay == 0 {
		s.Decay = 0.999
	}
	if s.Window == 0 {
		s.Window = 11
	}
	if s.Examples == 0 {
		s.Examples = 10000
	}
	return s
}

func (s Sleep) validate() error {
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch {
	case s.Steps < 1 || s.Growth < 0:
		return fmt.Errorf("continual: sleep of %d steps growing by %d: want at least 1, growing by 0 or more", s.Steps, s.Growth)
	case !pos(s.DT) || !pos(s.MaxRate) || !pos(s.AlphaScale):
		return fmt.Errorf("continual: sleep DT %v ms, rate %v Hz, α scale %v: want positive numbers", s.DT, s.MaxRate, s.AlphaScale)
	case !(s.Inc >= 0) || !(s.Dec >= 0) || math.IsInf(s.Inc, 0) || math.IsInf(s.Dec, 0):
		return fmt.Errorf("continual: sleep Inc %v, Dec %v: want non-negative numbers", s.Inc, s.Dec)
	case !(s.Decay > 0 && s.Decay <= 1):
		return fmt.Errorf("continual: sleep decay %v: want a fraction in (0, 1]", s.Decay)
	case s.Window < 1 || s.Examples < 1:
		return fmt.Errorf("continual: sleep window of %d pixels on %d examples per task: want at least 1 of each", s.Window, s.Examples)
	}
	for _, b := range s.Beta {
		if !pos(b) {
			return fmt.Errorf("continual: sleep thresholds %v: want positive numbers", s.Beta)
		}
	}
	return nil
}

// SleepStats count what sleeping cost: simulated time, spikes, synaptic
// events (spikes times fan-out, package energy's definition) and synapse
// updates (every synapse onto a neuron that fired is potentiated or
// depressed).
type SleepStats struct {
	// Sleeps is the number of sleep phases counted (one after each task).
	Sleeps int `json:"sleeps"`
	// Steps is the number of time steps, SimMS the simulated time in ms.
	Steps int     `json:"steps"`
	SimMS float64 `json:"sim_ms"`
	// Spikes counts every spike, InputSpikes the input's among them, and
	// LayerSpikes each dense layer's neurons'.
	Spikes      int64   `json:"spikes"`
	InputSpikes int64   `json:"input_spikes"`
	LayerSpikes []int64 `json:"layer_spikes"`
	// SynapticEvents is the spikes times the fan-out of the neuron (or
	// input) that fired.
	SynapticEvents int64 `json:"synaptic_events"`
	// Potentiations and Depressions count the synapse updates: onto a
	// neuron that fired, from an input that fired too or that did not.
	Potentiations int64 `json:"potentiations"`
	Depressions   int64 `json:"depressions"`
	// Scales are the input scales α_l of the last sleep's layers.
	Scales []float64 `json:"scales"`
	// Seconds is the wall time, normalisation included.
	Seconds float64 `json:"seconds"`
}

// Ops returns the sleep's operations as package energy counts them.
func (st SleepStats) Ops() energy.Ops {
	return energy.Ops{SynapticEvents: float64(st.SynapticEvents), Spikes: float64(st.Spikes), InputSpikes: float64(st.InputSpikes)}
}

// add accumulates another sleep's counts (its scales replace these).
func (st *SleepStats) add(o SleepStats) {
	st.Sleeps += o.Sleeps
	st.Steps += o.Steps
	st.SimMS += o.SimMS
	st.Spikes += o.Spikes
	st.InputSpikes += o.InputSpikes
	if len(st.LayerSpikes) < len(o.LayerSpikes) {
		st.LayerSpikes = append(st.LayerSpikes, make([]int64, len(o.LayerSpikes)-len(st.LayerSpikes))...)
	}
	for i, n := range o.LayerSpikes {
		st.LayerSpikes[i] += n
	}
	st.SynapticEvents += o.SynapticEvents
	st.Potentiations += o.Potentiations
	st.Depressions += o.Depressions
	st.Scales = o.Scales
	st.Seconds += o.Seconds
}

// sleepLayer is one dense layer run as integrate-and-fire neurons.
type sleepLayer struct {
	w       []float32 // the network's weights, out × in, changed in place
	in, out int
	// keepIn is the fraction of the layer's inputs dropout keeps (1 with
	// none before it): the spiking network runs on w/keepIn. keepOut is
	// the same for the dropout after the layer, which scales its
	// activations in the authors' convention.
	keepIn, keepOut float64
	alpha, beta     float64
	v               []float64 // membrane potentials
}

// sleepLayers finds the dense layers of net: ann.Linear layers with ReLU
// (ann.Activator) between them and optional dropout or other passthrough
// layers, all without biases.
func sleepLayers(net *ann.Sequential) ([]*sleepLayer, error) {
	var ls []*sleepLayer
	keep := 1.0
	for i, l := range net.Layers {
		switch l := l.(type) {
		case ann.Linear:
			w, b := l.Linear()
			for _, v := range b.Value.Data {
				if v != 0 {
					return nil, fmt.Errorf("continual: layer %d (%s) has biases; sleep runs bias-free networks, as the authors'", i, net.Layers[i].Kind())
				}
			}
			if len(ls) > 0 {
				ls[len(ls)-1].keepOut = keep
			}
			ls = append(ls, &sleepLayer{w: w.Value.Data, in: w.Value.Shape[1], out: w.Value.Shape[0], keepIn: keep, keepOut: 1})
			keep = 1
			continue
		case *ann.Dropout:
			keep *= 1 - l.P
			continue
		case ann.Activator:
			if f := l.Function(); f != ann.ReLU {
				return nil, fmt.Errorf("continual: layer %d is %s; sleep runs ReLU networks, whose units have a rate equivalent", i, f)
			}
			continue
		case ann.Passthrough:
			if l.Passthrough() {
				continue
			}
		}
		return nil, fmt.Errorf("continual: layer %d (%s) cannot sleep: dense, ReLU and dropout layers only", i, l.Kind())
	}
	if len(ls) == 0 {
		return nil, fmt.Errorf("continual: the network has no dense layer to sleep")
	}
	return ls, nil
}

// check returns an error unless s (with defaults) can run net.
func (s Sleep) check(net *ann.Sequential) error {
	if err := s.validate(); err != nil {
		return err
	}
	ls, err := sleepLayers(net)
	if err != nil {
		return err
	}
	if len(s.Beta) != len(ls) {
		return fmt.Errorf("continual: %d sleep thresholds (Beta) for %d dense layers: the authors' three fit networks of two hidden layers; give one per layer", len(s.Beta), len(ls))
	}
	return nil
}

// Consolidate runs one sleep phase on net, the k-th (from 0: it lasts
// Steps + k·Growth steps), with input shaped by seen, the examples learnt
// so far (as the network reads them: intensities, usually in [0, 1]; the
// first Examples of each), and
// randomness from seed. It changes net's weights in place and returns
// what the phase cost. It returns an error for a network it cannot run
// (see [Sleep]) or settings out of range, and ctx.Err() if ctx is
// cancelled (checked every 100 steps; the weights are then part-changed).
func (s Sleep) Consolidate(ctx context.Context, net *ann.Sequential, seen []*data.Dataset, k int, seed uint64) (SleepStats, error) {
	start := time.Now()
	s = s.withDefaults()
	if err := s.check(net); err != nil {
		return SleepStats{}, err
	}
	ls, _ := sleepLayers(net)
	if len(seen) == 0 || ls[0].in != seen[0].Features() {
		return SleepStats{}, fmt.Errorf("continual: sleep needs examples with the network's %d inputs", ls[0].in)
	}
	mean, err := s.normalise(net, ls, seen)
	if err != nil {
		return SleepStats{}, err
	}
	steps := s.Steps + k*s.Growth
	st := SleepStats{Sleeps: 1, Steps: steps, SimMS: float64(steps) * s.DT, LayerSpikes: make([]int64, len(ls))}
	for _, l := range ls {
		st.Scales = append(st.Scales, l.alpha)
		l.v = make([]float64, l.out)
	}

	// The input: intensity x fires with probability 2·x·rate·dt, in a
	// random patch of the image each step.
	p := make([]float64, len(mean))
	for i, x := range mean {
		p[i] = min(1, max(0, 2*float64(x)*s.MaxRate*s.DT/1000))
	}
	h, w := imageSize(seen[0])
	window := s.Window
	if h == 0 || window > h || window > w {
		h, w, window = 1, len(p), len(p) // no image: the whole input, every step
	}
	r := rand.New(rand.NewPCG(seed, 0x736c656570)) // "sleep"
	preIdx := make([]int, 0, len(p))
	fired := make([][]bool, len(ls)+1) // by layer (0: the input), this step
	fired[0] = make([]bool, len(p))
	for i, l := range ls {
		fired[i+1] = make([]bool, l.out)
	}
	var post []int
	for t := range steps {
		if t%100 == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
		}
		// Input spikes.
		clear(fired[0])
		preIdx = preIdx[:0]
		if window == len(p) {
			for i, q := range p {
				if q > 0 && r.Float64() < q {
					preIdx = append(preIdx, i)
				}
			}
		} else {
			y0, x0 := r.IntN(h-window+1), r.IntN(w-window+1)
			for y := y0; y < y0+window; y++ {
				for x := x0; x < x0+window; x++ {
					i := y*w + x
					if q := p[i]; q > 0 && r.Float64() < q {
						preIdx = append(preIdx, i)
					}
				}
			}
		}
		for _, i := range preIdx {
			fired[0][i] = true
		}
		st.InputSpikes += int64(len(preIdx))
		st.SynapticEvents += int64(len(preIdx) * ls[0].out)

		for li, l := range ls {
			post = l.step(post[:0], preIdx, fired[li], s, &st)
			clear(fired[li+1])
			for _, i := range post {
				fired[li+1][i] = true
			}
			st.LayerSpikes[li] += int64(len(post))
			if li+1 < len(ls) {
				st.SynapticEvents += int64(len(post) * ls[li+1].out)
			}
			preIdx = append(preIdx[:0], post...)
		}
	}
	st.Spikes = st.InputSpikes
	for _, n := range st.LayerSpikes {
		st.Spikes += n
	}
	st.Seconds = time.Since(start).Seconds()
	return st, nil
}

// step advances the layer by one time step given the indices of the
// inputs that fired (pre, with preFired their mask), applies the
// plasticity rule to the neurons that fire, and appends their indices to
// post.
func (l *sleepLayer) step(post, pre []int, preFired []bool, s Sleep, st *SleepStats) []int {
	c := l.alpha / l.keepIn // the spiking network runs on w/keepIn
	for i := range l.out {
		row := l.w[i*l.in : (i+1)*l.in]
		var sum float64
		for _, j := range pre {
			sum += float64(row[j])
		}
		l.v[i] = s.Decay*l.v[i] + c*sum
		if l.v[i] < l.beta {
			continue
		}
		post = append(post, i)
		l.v[i] = 0
		l.plastic(row, preFired, s)
		st.Potentiations += int64(len(pre))
		st.Depressions += int64(l.in - len(pre))
	}
	return post
}

// plastic applies the rule to the synapses onto a neuron that fired, in
// the spiking network's units (w/keepIn), mapping them back.
func (l *sleepLayer) plastic(row []float32, preFired []bool, s Sleep) {
	for j, w := range row {
		wt := float64(w) / l.keepIn
		x := wt / sigmoidScale
		var sg float64
		switch {
		case x > 30:
			// σ < 2e−13: below a float32 weight's resolution at this size.
			continue
		case x < -30:
			sg = 2
		default:
			sg = 2 / (1 + math.Exp(x))
		}
		if preFired[j] {
			wt += s.Inc * sg
		} else {
			wt -= s.Dec * sg
		}
		row[j] = float32(wt * l.keepIn)
	}
}

// normalise sets each layer's α and β from the examples seen and returns
// their mean input. The scale of layer l is the larger of its largest
// positive weight and its largest activation on the examples (in the
// authors' convention for dropout), divided by the previous layer's; α_l
// is AlphaScale over it (normalize_nn_data.m).
func (s Sleep) normalise(net *ann.Sequential, ls []*sleepLayer, seen []*data.Dataset) ([]float32, error) {
	f := ls[0].in
	mean := make([]float64, f)
	n := 0
	maxAct := make([]float64, len(ls))
	for _, d := range seen {
		if d.Features() != f {
			return nil, fmt.Errorf("continual: sleep examples with %d features, the network takes %d", d.Features(), f)
		}
		d = d.Head(s.Examples)
		for i := range d.Len() {
			for j, x := range d.X.Row(i) {
				mean[j] += float64(x)
			}
		}
		n += d.Len()
		for lo := 0; lo < d.Len(); lo += 1000 {
			hi := min(lo+1000, d.Len())
			h := tensor.FromData(d.X.Data[lo*f:hi*f], hi-lo, f)
			k := 0
			for _, layer := range net.Layers {
				h = layer.Forward(h, false)
				if _, ok := layer.(ann.Linear); ok {
					if m, _ := tensor.Max(h.Data); float64(m) > maxAct[k] {
						maxAct[k] = float64(m)
					}
					k++
				}
			}
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("continual: sleep needs examples")
	}
	out := make([]float32, f)
	for j := range mean {
		out[j] = float32(mean[j] / float64(n))
	}
	prev := 1.0
	for k, l := range ls {
		wmax := 0.0
		if m, _ := tensor.Max(l.w); m > 0 {
			wmax = float64(m) / l.keepIn
		}
		scale := max(wmax, maxAct[k]*l.keepOut)
		if scale <= 0 {
			scale = 1 // a silent layer with no positive weight: nothing to scale
		}
		applied := scale / prev
		l.alpha = s.AlphaScale / applied
		l.beta = s.Beta[k]
		prev = applied
	}
	return out, nil
}

// imageSize returns the height and width of d's examples when they are
// images of one channel, else 0, 0.
func imageSize(d *data.Dataset) (h, w int) {
	switch sh := d.Shape; {
	case len(sh) == 3 && sh[0] == 1 && sh[1]*sh[2] == d.Features():
		return sh[1], sh[2]
	case len(sh) == 2 && sh[0]*sh[1] == d.Features():
		return sh[0], sh[1]
	}
	return 0, 0
}

// sleepLearner sleeps after fine-tuning on each task.
type sleepLearner struct {
	base
	s Sleep
}

func (s Sleep) learner(net *ann.Sequential, loss ann.Loss, sc *Scenario, c Config) (learner, error) {
	s = s.withDefaults()
	if err := s.check(net); err != nil {
		return nil, err
	}
	return &sleepLearner{base: base{net: net, loss: loss, sc: sc, c: c}, s: s}, nil
}

func (l *sleepLearner) consolidate(ctx context.Context, t int, ph *Phase) error {
	seen := make([]*data.Dataset, t+1)
	for k := range seen {
		seen[k] = l.sc.Tasks[k].Train
	}
	st, err := l.s.Consolidate(ctx, l.net, seen, t, seedFor(l.c.Seed, t, 3))
	if err != nil {
		return err
	}
	ph.Sleep = &st
	return nil
}
