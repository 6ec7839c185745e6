// Package diehlcook is unsupervised digit learning by spike-timing-dependent
// plasticity, the network of Diehl & Cook (2015): Poisson-coded pixels
// drive a layer of excitatory conductance-based LIF neurons with adaptive
// thresholds through plastic synapses; each excitatory neuron excites one
// inhibitory partner, which inhibits all the other excitatory neurons
// (winner-take-all competition). Neurons specialise on their own, with no
// labels and no backpropagation; labels are only read afterwards, by
// assigning each neuron the class it responds to most.
//
// Parameters are those of the authors' Brian code (dt = 0.5 ms, 350 ms per
// image and a rest between images, τ_exc 100 ms, thresholds −52 mV plus an
// adaptive θ, STDP with a presynaptic trace and two postsynaptic traces,
// input weights normalised to sum 78 per neuron, input intensity raised
// when fewer than 5 spikes answer an image). It is simulated
// event-driven for the synapses: an input spike adds its 400-wide row of
// weights and depresses it in the same pass; only neuron states are
// updated every step, and the rest between images is replaced by
// resetting the state it exists to let decay.
package diehlcook

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurite/neurite/data"
)

// Params are the model's constants; Default returns the paper's.
type Params struct {
	Neurons                    int
	DT                         float64 // ms
	ExampleMS                  float64 // presentation per image
	RestMS                     float64 // rest between presentations (input off)
	MaxRateHz                  float64 // a white pixel's rate per unit of intensity (255/8)
	VRestE, VResetE, VThreshE  float64
	VRestI, VResetI, VThreshI  float64
	TauE, TauI                 float64 // membrane time constants
	TauGe, TauGi               float64
	RefracE, RefracI           float64 // potential held after a spike
	IntervalE                  float64 // least time between two spikes of an excitatory neuron
	ThetaInit, ThetaOffset     float64 // θ starts at ThetaInit; the threshold is VThreshE − ThetaOffset + θ
	ThetaPlus, TauTheta        float64
	WExcInh, WInhExc           float64
	TauPre, TauPost1, TauPost2 float64
	NuPre, NuPost, WMax, WSum  float64
	MinSpikes                  int
	Intensity                  float64 // starting input intensity (2 in the paper)
}

// Default returns Diehl & Cook's parameters for n excitatory neurons, as
// their Brian code has them. Two are easy to miss there: θ starts at 20 mV
// against a 20 mV offset and decays (τ 10⁴ s, the length of ~20,000
// presentations), so the base threshold drifts from −52 towards −72 mV as
// training goes on; and an excitatory neuron's threshold also requires
// its "timer" to exceed the 5 ms refractory period, but the timer runs at
// 0.1 ms per ms, so the neuron fires at most once per 50 ms.
func Default(n int) Params {
	return Params{Neurons: n, DT: 0.5, ExampleMS: 350, RestMS: 150, MaxRateHz: 255.0 / 8,
		VRestE: -65, VResetE: -65, VThreshE: -52, VRestI: -60, VResetI: -45, VThreshI: -40,
		TauE: 100, TauI: 10, TauGe: 1, TauGi: 2, RefracE: 5, RefracI: 2, IntervalE: 50,
		ThetaInit: 20, ThetaOffset: 20, ThetaPlus: 0.05, TauTheta: 1e7, WExcInh: 10.4, WInhExc: 17,
		TauPre: 20, TauPost1: 20, TauPost2: 40, NuPre: 0.0001, NuPost: 0.01, WMax: 1, WSum: 78,
		MinSpikes: 5, Intensity: 2}
}

// Net is the network's learned state.
type Net struct {
	P     Params
	In    int
	W     []float64 // input→excitatory, row-major by input: W[i*N+j]
	Theta []float64 // adaptive threshold θ per excitatory neuron, mV
	// Labels assigned to each neuron by Assign (−1 before).
	Labels []int

	r *rand.Rand

	// Simulation state, carried from one presentation to the next.
	now          int // steps simulated so far, rests included
	exc, inh     layer
	buckets      [][]int32 // input spikes of each step of a presentation
	firedE       []int
	firedI       []int
	score        []float64 // Evaluate's per-class scores
	pre          []float64 // presynaptic trace value at step preT
	preT         []int     // step of the last presynaptic spike
	preDecay     []float64 // e^(−k·dt/τpre) for the steps k a trace stays above 1e-6
	post1, post2 []float64
	events       int64 // synaptic events simulated
	spikes       int64
}

// never is the last-spike step of a neuron that has not fired.
const never = math.MinInt / 2

// New returns a network for images of in pixels with random initial
// weights (uniform in [0.003, 0.303), as the authors' files) from seed.
func New(p Params, in int, seed uint64) (*Net, error) {
	if p.Neurons < 1 || in < 1 || !(p.DT > 0) || !(p.ExampleMS > p.DT) || p.RestMS < 0 {
		return nil, fmt.Errorf("diehlcook: %d neurons, %d inputs, dt %v, example %v ms, rest %v ms", p.Neurons, in, p.DT, p.ExampleMS, p.RestMS)
	}
	n := p.Neurons
	net := &Net{P: p, In: in, W: make([]float64, in*n), Theta: make([]float64, n), Labels: make([]int, n), r: rand.New(rand.NewPCG(seed, 0x6463))}
	for i := range net.W {
		net.W[i] = (net.r.Float64() + 0.01) * 0.3
	}
	for j := range net.Labels {
		net.Labels[j], net.Theta[j] = -1, p.ThetaInit
	}
	// The authors start both populations 40 mV below rest.
	net.exc, net.inh = newLayer(n, p.VRestE-40), newLayer(n, p.VRestI-40)
	net.pre, net.preT = make([]float64, in), make([]int, in)
	for i := range net.preT {
		net.preT[i] = never
	}
	d := math.Exp(-p.DT / p.TauPre)
	for x := 1.0; x >= 1e-6; x *= d {
		net.preDecay = append(net.preDecay, x)
	}
	net.post1, net.post2 = make([]float64, n), make([]float64, n)
	return net, nil
}

// normalize scales each neuron's incoming weights to sum to WSum.
func (net *Net) normalize() {
	n := net.P.Neurons
	sums := make([]float64, n)
	for i := range net.In {
		row := net.W[i*n : (i+1)*n]
		for j, w := range row {
			sums[j] += w
		}
	}
	for j := range sums {
		if sums[j] > 0 {
			sums[j] = net.P.WSum / sums[j]
		}
	}
	for i := range net.In {
		row := net.W[i*n : (i+1)*n]
		for j := range row {
			row[j] *= sums[j]
		}
	}
}

// present runs one image (intensities 0–1) for ExampleMS with learning on
// or off, then the rest, and returns each excitatory neuron's spike count
// during the presentation. Input spikes are drawn from per-pixel Poisson
// processes at pixel·MaxRateHz·intensity Hz (63.75 Hz for white at the
// starting intensity 2).
func (net *Net) present(img []float32, intensity float64, learn bool, counts []int) {
	p := net.P
	clear(counts)
	steps := int(math.Round(p.ExampleMS / p.DT))
	// Input spikes, bucketed by step (the buckets are reused between images).
	if len(net.buckets) != steps {
		net.buckets = make([][]int32, steps)
	}
	buckets := net.buckets
	for s := range buckets {
		buckets[s] = buckets[s][:0]
	}
	for i, v := range img {
		rate := float64(v) * p.MaxRateHz * intensity / 1000 // per ms
		if rate <= 0 {
			continue
		}
		for t := net.r.ExpFloat64() / rate; t < p.ExampleMS; t += net.r.ExpFloat64() / rate {
			s := int(t / p.DT)
			buckets[s] = append(buckets[s], int32(i))
		}
	}
	for _, in := range buckets {
		net.step(in, learn, counts)
	}
	net.rest(learn)
}

// rest lets the network settle with the input off for RestMS. The first
// 20 ms are simulated (conductances fade within them: ge by 0.5 and gi by
// 0.75 per step); the remainder is applied in closed form, every neuron
// relaxing toward rest with no input, which is what the simulation of
// those steps would compute to within 1e-6 mV.
func (net *Net) rest(learn bool) {
	p := net.P
	steps := int(math.Round(p.RestMS / p.DT))
	quiet := min(steps, int(math.Round(20/p.DT)))
	for range quiet {
		net.step(nil, learn, nil)
	}
	k := float64(steps - quiet)
	net.exc.relax(p.VRestE, math.Pow(1-p.DT/p.TauE, k))
	net.inh.relax(p.VRestI, math.Pow(1-p.DT/p.TauI, k))
	if learn {
		d1, d2 := math.Exp(-k*p.DT/p.TauPost1), math.Exp(-k*p.DT/p.TauPost2)
		for j := range net.post1 {
			net.post1[j] *= d1
			net.post2[j] *= d2
		}
		decay := math.Pow(1-p.DT/p.TauTheta, k)
		for j := range net.Theta {
			net.Theta[j] *= decay
		}
	}
	net.now += steps - quiet
}

// step advances the network by one time step in the order of Brian's
// schedule: every neuron integrates (Euler, as the authors' code), then
// thresholds are tested, then spikes are delivered (input spikes to the
// excitatory conductances with STDP depression; excitatory spikes to their
// inhibitory partners with STDP potentiation; inhibitory spikes to every
// other excitatory neuron), then the neurons that fired are reset.
// counts, when not nil, receives the excitatory spikes.
func (net *Net) step(input []int32, learn bool, counts []int) {
	p := net.P
	n := p.Neurons
	now := net.now
	refE, refI := int(math.Round(p.RefracE/p.DT)), int(math.Round(p.RefracI/p.DT))
	net.exc.integrate(now, refE, p.DT, p.TauE, p.VRestE, -100, p.TauGe, p.TauGi)
	net.inh.integrate(now, refI, p.DT, p.TauI, p.VRestI, -85, p.TauGe, p.TauGi)
	if learn {
		decay := 1 - p.DT/p.TauTheta
		for j := range net.Theta {
			net.Theta[j] *= decay
		}
	}
	// The authors' timer must exceed IntervalE: one step more.
	gapE := max(refE, int(math.Round(p.IntervalE/p.DT))+1)
	firedE := net.exc.threshold(net.firedE[:0], now, gapE, p.VThreshE-p.ThetaOffset, net.Theta)
	firedI := net.inh.threshold(net.firedI[:0], now, refI, p.VThreshI, nil)
	net.firedE, net.firedI = firedE, firedI

	// Input spikes: conductance in, and depression from post1.
	for _, i := range input {
		row := net.W[int(i)*n : int(i+1)*n]
		ge, post1 := net.exc.ge[:len(row)], net.post1[:len(row)]
		net.events += int64(n)
		if !learn {
			for j, w := range row {
				ge[j] += w
			}
			continue
		}
		// One pass: the spike's conductance with the weight as it was,
		// then depression by the postsynaptic trace, clipped at 0.
		for j, w := range row {
			ge[j] += w
			if w -= p.NuPre * post1[j]; w < 0 {
				w = 0
			}
			row[j] = w
		}
		net.pre[i], net.preT[i] = 1, now
	}
	for _, j := range firedE {
		net.inh.ge[j] += p.WExcInh
		net.events++
		if counts != nil {
			counts[j]++
		}
		net.spikes++
		if !learn {
			continue
		}
		// Potentiation from every input's trace, decayed since its spike.
		post2 := net.post2[j]
		for i, t := range net.preT {
			if k := now - t; k < len(net.preDecay) {
				w := &net.W[i*n+j]
				*w = min(*w+p.NuPost*net.pre[i]*net.preDecay[k]*post2, p.WMax)
			}
		}
		net.post1[j], net.post2[j] = 1, 1
	}
	for _, k := range firedI {
		for j := range n {
			if j != k {
				net.exc.gi[j] += p.WInhExc
			}
		}
		net.events += int64(n - 1)
	}
	for _, j := range firedE {
		net.exc.v[j], net.exc.last[j] = p.VResetE, now
		if learn {
			net.Theta[j] += p.ThetaPlus
		}
	}
	for _, k := range firedI {
		net.inh.v[k], net.inh.last[k] = p.VResetI, now
	}
	if learn {
		d1, d2 := math.Exp(-p.DT/p.TauPost1), math.Exp(-p.DT/p.TauPost2)
		for j := range n {
			net.post1[j] *= d1
			net.post2[j] *= d2
		}
	}
	net.now++
}

// respond presents an image, raising the input intensity by one and
// presenting it again while fewer than MinSpikes answer (at most 20
// times), as the authors do; counts holds the last presentation's spikes.
// While learning, the weights are normalised before every presentation.
func (net *Net) respond(img []float32, learn bool, counts []int) {
	intensity := net.P.Intensity
	for tries := 0; ; tries++ {
		if learn {
			net.normalize()
		}
		net.present(img, intensity, learn, counts)
		if sum(counts) >= net.P.MinSpikes || tries >= 20 {
			return
		}
		intensity++
	}
}

// layer is a population of conductance-based LIF neurons: potentials,
// excitatory and inhibitory conductances, the step of the last spike.
type layer struct {
	v, ge, gi []float64
	last      []int
}

func newLayer(n int, v0 float64) layer {
	l := layer{v: make([]float64, n), ge: make([]float64, n), gi: make([]float64, n), last: make([]int, n)}
	for j := range l.v {
		l.v[j], l.last[j] = v0, never
	}
	return l
}

// integrate advances every neuron one Euler step of dv/dt = ((rest − v) +
// ge·(0 − v) + gi·(eInh − v))/τ, dge/dt = −ge/τge, dgi/dt = −gi/τgi. As in
// Brian, v is held for ref steps after the step of a spike.
func (l *layer) integrate(now, ref int, dt, tau, rest, eInh, tauGe, tauGi float64) {
	dtTau, kGe, kGi := dt/tau, 1-dt/tauGe, 1-dt/tauGi
	for j, v := range l.v {
		if now-l.last[j] > ref {
			l.v[j] = v + dtTau*((rest-v)+l.ge[j]*(0-v)+l.gi[j]*(eInh-v))
		}
		l.ge[j] *= kGe
		l.gi[j] *= kGi
	}
}

// threshold appends to fired the neurons above threshold (plus theta[j]
// when theta is not nil) whose last spike is at least gap steps old.
func (l *layer) threshold(fired []int, now, gap int, threshold float64, theta []float64) []int {
	for j, v := range l.v {
		th := threshold
		if theta != nil {
			th += theta[j]
		}
		if v > th && now-l.last[j] >= gap {
			fired = append(fired, j)
		}
	}
	return fired
}

// relax applies k input-free steps at once: v approaches rest by the
// factor keep = (1 − dt/τ)^k, conductances have faded.
func (l *layer) relax(rest, keep float64) {
	for j, v := range l.v {
		l.v[j] = rest + (v-rest)*keep
		l.ge[j], l.gi[j] = 0, 0
	}
}

// Progress reports training.
type Progress struct {
	Images, Total int
	Spikes        int64
}

// Train presents every image of d once with learning on, raising the input
// intensity and presenting again while fewer than MinSpikes answer. It
// returns the spike counts of the last up-to-10000 images for Assign.
func (net *Net) Train(ctx context.Context, d *data.Dataset, progress func(Progress)) ([][]int, error) {
	keep := min(10000, d.Len())
	recent := make([][]int, 0, keep)
	counts := make([]int, net.P.Neurons)
	for k := range d.Len() {
		if k%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(Progress{Images: k, Total: d.Len(), Spikes: net.spikes})
			}
		}
		net.normalize()
		net.respond(d.X.Row(k), true, counts)
		if k >= d.Len()-keep {
			recent = append(recent, slices.Clone(counts))
		}
	}
	return recent, nil
}

// Responses presents every image of d with learning off (weights and
// thresholds frozen) and returns each image's spike counts: the authors
// assigned labels from such a pass over the whole training set, after
// training, rather than from the responses recorded while learning.
func (net *Net) Responses(ctx context.Context, d *data.Dataset, progress func(Progress)) ([][]int, error) {
	out := make([][]int, d.Len())
	for k := range d.Len() {
		if k%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(Progress{Images: k, Total: d.Len(), Spikes: net.spikes})
			}
		}
		counts := make([]int, net.P.Neurons)
		net.respond(d.X.Row(k), false, counts)
		out[k] = counts
	}
	return out, nil
}

// Assign labels each neuron with the class of images it fired most for
// (mean count per class), from counts[k] the responses to the images whose
// labels are labels[k].
func (net *Net) Assign(counts [][]int, labels []int, classes int) {
	n := net.P.Neurons
	rates := make([][]float64, classes)
	per := make([]int, classes)
	for c := range rates {
		rates[c] = make([]float64, n)
	}
	for k, row := range counts {
		c := labels[k]
		per[c]++
		for j, v := range row {
			rates[c][j] += float64(v)
		}
	}
	for j := range n {
		best, bestRate := -1, -1.0
		for c := range classes {
			if per[c] == 0 {
				continue
			}
			if r := rates[c][j] / float64(per[c]); r > bestRate {
				best, bestRate = c, r
			}
		}
		net.Labels[j] = best
	}
}

// Result is a test run.
type Result struct {
	Accuracy             float64 `json:"accuracy"`
	SpikesPerSample      float64 `json:"spikes_per_sample"`
	SynapticOpsPerSample float64 `json:"synaptic_ops_per_sample"`
}

// Evaluate classifies the images of d with learning off: the class whose
// assigned neurons fired most on average.
func (net *Net) Evaluate(ctx context.Context, d *data.Dataset, classes int) (Result, error) {
	counts := make([]int, net.P.Neurons)
	assigned := make([]int, classes)
	for _, l := range net.Labels {
		if l >= 0 {
			assigned[l]++
		}
	}
	correct := 0
	s0, e0 := net.spikes, net.events
	for k := range d.Len() {
		if k%500 == 0 {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
		}
		net.respond(d.X.Row(k), false, counts)
		if len(net.score) != classes {
			net.score = make([]float64, classes)
		}
		score := net.score
		clear(score)
		for j, c := range counts {
			if l := net.Labels[j]; l >= 0 && assigned[l] > 0 {
				score[l] += float64(c) / float64(assigned[l])
			}
		}
		best := 0
		for c := range score {
			if score[c] > score[best] {
				best = c
			}
		}
		if best == d.Labels[k] {
			correct++
		}
	}
	n := float64(d.Len())
	return Result{Accuracy: float64(correct) / n, SpikesPerSample: float64(net.spikes-s0) / n, SynapticOpsPerSample: float64(net.events-e0) / n}, nil
}

func sum(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}
