package diehlcook

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/internal/barrier"
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

// Validate checks that the parameters describe a network that can be
// simulated: positive sizes, time constants and step, and at most a
// million steps per presentation or rest.
func (p Params) Validate() error {
	if p.Neurons < 1 || p.MinSpikes < 0 {
		return fmt.Errorf("diehlcook: %d neurons, %d minimum spikes", p.Neurons, p.MinSpikes)
	}
	type named struct {
		name     string
		v        float64
		positive bool
	}
	for _, f := range []named{{"DT", p.DT, true}, {"ExampleMS", p.ExampleMS, true}, {"RestMS", p.RestMS, false},
		{"MaxRateHz", p.MaxRateHz, true}, {"VRestE", p.VRestE, false}, {"VResetE", p.VResetE, false},
		{"VThreshE", p.VThreshE, false}, {"VRestI", p.VRestI, false}, {"VResetI", p.VResetI, false},
		{"VThreshI", p.VThreshI, false}, {"TauE", p.TauE, true}, {"TauI", p.TauI, true}, {"TauGe", p.TauGe, true},
		{"TauGi", p.TauGi, true}, {"RefracE", p.RefracE, false}, {"RefracI", p.RefracI, false},
		{"IntervalE", p.IntervalE, false}, {"ThetaInit", p.ThetaInit, false}, {"ThetaOffset", p.ThetaOffset, false},
		{"ThetaPlus", p.ThetaPlus, false}, {"TauTheta", p.TauTheta, true}, {"WExcInh", p.WExcInh, false},
		{"WInhExc", p.WInhExc, false}, {"TauPre", p.TauPre, true}, {"TauPost1", p.TauPost1, true},
		{"TauPost2", p.TauPost2, true}, {"NuPre", p.NuPre, false}, {"NuPost", p.NuPost, false},
		{"WMax", p.WMax, false}, {"WSum", p.WSum, false}, {"Intensity", p.Intensity, true}} {
		switch {
		case math.IsNaN(f.v) || math.IsInf(f.v, 0):
			return fmt.Errorf("diehlcook: %s = %v, want a finite number", f.name, f.v)
		case f.positive && !(f.v > 0):
			return fmt.Errorf("diehlcook: %s = %v, want a positive number", f.name, f.v)
		}
	}
	if p.RestMS < 0 || p.ExampleMS < p.DT || p.ExampleMS/p.DT > 1e6 || p.RestMS/p.DT > 1e6 {
		return fmt.Errorf("diehlcook: dt %v ms, example %v ms, rest %v ms: want a presentation of 1 to 10⁶ steps and a rest of 0 to 10⁶", p.DT, p.ExampleMS, p.RestMS)
	}
	return nil
}

// Net is the network's learned state.
type Net struct {
	P     Params
	In    int
	W     []float64 // input→excitatory, row-major by input: W[i*N+j]
	Theta []float64 // adaptive threshold θ per excitatory neuron, mV
	// Labels assigned to each neuron by Assign (−1 before).
	Labels []int
	// Threads is the number of workers simulating the network, each a
	// share of the neurons; 0 means runtime.GOMAXPROCS(0). Results are
	// bit-identical for any value.
	Threads int

	r   *rand.Rand
	src *rand.PCG // r's state

	// Simulation state, carried from one presentation to the next.
	now          int // steps simulated so far, rests included
	exc, inh     layer
	buckets      [][]int32 // input spikes of each step of a presentation
	silence      [][]int32 // empty buckets for the rest
	score        []float64 // Evaluate's per-class scores
	scale        []float64 // normalize's column sums, then factors
	preDecay     []float64 // e^(−k·dt/τpre) while above 1e-6 (at most 2¹⁶ steps); older traces count as 0
	post1, post2 []float64
	workers      []*worker
	bar          *barrier.Barrier
	inSpikes     int64 // input spikes simulated
}

// worker simulates the excitatory neurons [lo, hi) and their inhibitory
// partners: every step it integrates and tests them, then (after one
// barrier, so that all workers know which inhibitory neurons fired)
// delivers the step's spikes into their columns of the weights and their
// conductances. Nothing it writes is read by another worker except its
// inhibitory spikes, kept by step parity so that the next step's can be
// found while the others still read this step's.
type worker struct {
	lo, hi         int
	preT           []int // step of each input's last spike (its trace is 1 then)
	firedE         []int
	firedI         [2][]int
	events, spikes int64
	inhSpikes      int64
}

// never is the last-spike step of a neuron that has not fired.
const never = math.MinInt / 2

// New returns a network for images of in pixels with random initial
// weights (uniform in [0.003, 0.303), as the authors' files) from seed.
func New(p Params, in int, seed uint64) (*Net, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if in < 1 {
		return nil, fmt.Errorf("diehlcook: %d inputs, want at least 1", in)
	}
	n := p.Neurons
	net := &Net{P: p, In: in, W: make([]float64, in*n), Theta: make([]float64, n), Labels: make([]int, n), src: rand.NewPCG(seed, 0x6463)}
	net.r = rand.New(net.src)
	for i := range net.W {
		net.W[i] = (net.r.Float64() + 0.01) * 0.3
	}
	for j := range net.Labels {
		net.Labels[j], net.Theta[j] = -1, p.ThetaInit
	}
	// The authors start both populations 40 mV below rest.
	net.exc, net.inh = newLayer(n, p.VRestE-40), newLayer(n, p.VRestI-40)
	d := math.Exp(-p.DT / p.TauPre)
	for x := 1.0; x >= 1e-6 && len(net.preDecay) < 1<<16; x *= d {
		net.preDecay = append(net.preDecay, x)
	}
	net.post1, net.post2 = make([]float64, n), make([]float64, n)
	return net, nil
}

// normalize scales each neuron's incoming weights to sum to WSum.
func (net *Net) normalize() {
	n := net.P.Neurons
	if len(net.scale) != n {
		net.scale = make([]float64, n)
	}
	sums := net.scale
	clear(sums)
	for i := range net.In {
		row := net.W[i*n : (i+1)*n]
		row = row[:len(sums)]
		for j, w := range row {
			sums[j] += w
		}
	}
	for j, s := range sums {
		if s > 0 {
			sums[j] = net.P.WSum / s
		}
	}
	for i := range net.In {
		row := net.W[i*n : (i+1)*n]
		row = row[:len(sums)]
		for j, f := range sums {
			row[j] *= f
		}
	}
}

// present runs one image (intensities 0–1) for ExampleMS with learning on
// or off, then the rest, and returns each excitatory neuron's spike count
// during the presentation. Input spikes are drawn from per-pixel Poisson
// processes at pixel·MaxRateHz·intensity Hz (63.75 Hz for white at the
// starting intensity 2).
func (net *Net) present(img []float32, intensity float64, learn bool, counts []int) {
	clear(counts)
	net.run(net.inputSpikes(img, intensity), learn, counts)
	net.rest(learn)
}

// inputSpikes draws a presentation's input spikes, bucketed by step (the
// buckets are reused between images).
func (net *Net) inputSpikes(img []float32, intensity float64) [][]int32 {
	p := net.P
	steps := int(math.Round(p.ExampleMS / p.DT))
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
		for t := net.r.ExpFloat64() / rate; ; t += net.r.ExpFloat64() / rate {
			s := int(t / p.DT)
			if s >= steps { // the presentation is a whole number of steps
				break
			}
			buckets[s] = append(buckets[s], int32(i))
		}
	}
	return buckets
}

// run simulates one step per input bucket (counting excitatory spikes into
// counts when it is not nil) on the workers.
func (net *Net) run(buckets [][]int32, learn bool, counts []int) {
	net.split()
	if len(net.workers) == 1 {
		net.workers[0].run(net, buckets, learn, counts)
	} else {
		var wg sync.WaitGroup
		for _, w := range net.workers {
			wg.Go(func() { w.run(net, buckets, learn, counts) })
		}
		wg.Wait()
	}
	net.now += len(buckets)
	for _, b := range buckets {
		net.inSpikes += int64(len(b))
	}
}

// split deals the neurons to Threads workers in runs of 8 (a cache line
// of float64), keeping each worker's input history.
func (net *Net) split() {
	t := net.Threads
	if t <= 0 {
		t = runtime.GOMAXPROCS(0)
	}
	n := net.P.Neurons
	t = max(1, min(t, (n+7)/8))
	if len(net.workers) == t {
		return
	}
	preT := make([]int, net.In)
	for i := range preT {
		preT[i] = never
	}
	ws := make([]*worker, t)
	for k := range ws {
		lo, hi := 8*((n+7)/8*k/t), 8*((n+7)/8*(k+1)/t)
		ws[k] = &worker{lo: min(lo, n), hi: min(hi, n), preT: slices.Clone(preT)}
	}
	if len(net.workers) > 0 { // carry the input history and the counters
		for _, w := range ws {
			copy(w.preT, net.workers[0].preT)
		}
		ws[0].spikes, ws[0].events = net.counters()
		ws[0].inhSpikes = net.inhibitorySpikes()
	}
	net.workers, net.bar = ws, barrier.New(t)
}

// counters returns the excitatory spikes and synaptic events simulated.
func (net *Net) counters() (spikes, events int64) {
	for _, w := range net.workers {
		spikes += w.spikes
		events += w.events
	}
	return spikes, events
}

// inhibitorySpikes returns the inhibitory spikes simulated.
func (net *Net) inhibitorySpikes() int64 {
	var n int64
	for _, w := range net.workers {
		n += w.inhSpikes
	}
	return n
}

// rest lets the network settle with the input off for RestMS. The first
// 20 ms are simulated, and more, 5 ms at a time, until every conductance
// has faded below fadedG (ge halves and gi loses a quarter per step, but
// a spike late in the presentation or in the rest leaves some). If no
// neuron can then reach its threshold while it relaxes toward rest, the
// remainder is applied in closed form, which is what simulating those
// steps would compute to within 1e-6 mV; otherwise (a neuron whose θ has
// decayed below rest fires on its own) it is simulated too.
func (net *Net) rest(learn bool) {
	p := net.P
	steps := int(math.Round(p.RestMS / p.DT))
	quiet := min(steps, int(math.Round(20/p.DT)))
	if len(net.silence) < steps {
		net.silence = make([][]int32, steps)
	}
	net.run(net.silence[:quiet], learn, nil)
	for more := max(1, int(math.Round(5/p.DT))); quiet < steps && !net.faded(); quiet += more {
		more = min(more, steps-quiet)
		net.run(net.silence[:more], learn, nil)
	}
	if quiet == steps {
		return // a rest too short for the conductances to fade: all simulated
	}
	k := float64(steps - quiet)
	thetaKeep := 1.0
	if learn {
		thetaKeep = math.Pow(1-p.DT/p.TauTheta, k)
	}
	if !net.silentWhileRelaxing(thetaKeep) {
		net.run(net.silence[:steps-quiet], learn, nil)
		return
	}
	net.exc.relax(p.VRestE, math.Pow(1-p.DT/p.TauE, k))
	net.inh.relax(p.VRestI, math.Pow(1-p.DT/p.TauI, k))
	if learn {
		d1, d2 := math.Exp(-k*p.DT/p.TauPost1), math.Exp(-k*p.DT/p.TauPost2)
		for j := range net.post1 {
			net.post1[j] *= d1
			net.post2[j] *= d2
		}
		for j := range net.Theta {
			net.Theta[j] *= thetaKeep
		}
	}
	net.now += steps - quiet
}

// fadedG is the conductance below which the closed-form rest may ignore
// it: what it would still add to a potential over the rest of the rest,
// at most (τ_g/τ)·g·|E − v| (0.1·g·105 mV at worst with the defaults,
// 1e-7 mV), stays under 1e-6 mV.
const fadedG = 1e-8

// faded reports whether every conductance is below fadedG.
func (net *Net) faded() bool {
	for _, g := range [][]float64{net.exc.ge, net.exc.gi, net.inh.ge, net.inh.gi} {
		for _, x := range g {
			if x > fadedG {
				return false
			}
		}
	}
	return true
}

// silentWhileRelaxing reports whether every neuron stays at or below its
// threshold while its potential moves monotonically toward rest and θ
// shrinks to at least thetaKeep of its value.
func (net *Net) silentWhileRelaxing(thetaKeep float64) bool {
	p := net.P
	for j, v := range net.exc.v {
		if max(v, p.VRestE) > p.VThreshE-p.ThetaOffset+net.Theta[j]*thetaKeep {
			return false
		}
	}
	for _, v := range net.inh.v {
		if max(v, p.VRestI) > p.VThreshI {
			return false
		}
	}
	return true
}

// run advances the worker's neurons by one time step per bucket of input
// spikes, in the order of Brian's schedule: every neuron integrates
// (Euler, as the authors' code), thresholds are tested, spikes are
// delivered (input spikes to the excitatory conductances with STDP
// depression; excitatory spikes to their inhibitory partners with STDP
// potentiation; inhibitory spikes to every other excitatory neuron), and
// the neurons that fired are reset.
func (w *worker) run(net *Net, buckets [][]int32, learn bool, counts []int) {
	p := net.P
	n, lo, hi := p.Neurons, w.lo, w.hi
	// The authors' timer must exceed IntervalE: one step more.
	de := newDynamics(p, p.TauE, p.VRestE, -100, p.VThreshE-p.ThetaOffset, p.RefracE, max(p.RefracE, p.IntervalE+p.DT))
	di := newDynamics(p, p.TauI, p.VRestI, -85, p.VThreshI, p.RefracI, p.RefracI)
	thetaKeep := 1.0
	if learn {
		thetaKeep = 1 - p.DT/p.TauTheta
	}
	d1, d2 := math.Exp(-p.DT/p.TauPost1), math.Exp(-p.DT/p.TauPost2)
	exc, inh, theta := &net.exc, &net.inh, net.Theta
	post1, post2 := net.post1[lo:hi], net.post2[lo:hi]
	for s, input := range buckets {
		now := net.now + s
		for _, i := range input {
			w.preT[i] = now
		}
		w.firedE = exc.advance(w.firedE[:0], lo, hi, now, &de, theta, thetaKeep)
		w.firedI[now&1] = inh.advance(w.firedI[now&1][:0], lo, hi, now, &di, nil, 1)
		w.inhSpikes += int64(len(w.firedI[now&1]))
		net.bar.Wait()

		// Input spikes: conductance in, and depression from post1.
		ge := exc.ge[lo:hi]
		for _, i := range input {
			row := net.W[int(i)*n+lo : int(i)*n+hi]
			w.events += int64(len(row))
			if !learn {
				for j, x := range row {
					ge[j] += x
				}
				continue
			}
			// One pass: the spike's conductance with the weight as it
			// was, then depression by the postsynaptic trace, clipped to
			// [0, WMax] (Brian clips the whole row, so a weight that
			// normalisation raised above WMax comes down here too).
			for j, x := range row {
				ge[j] += x
				row[j] = min(max(x-p.NuPre*post1[j], 0), p.WMax)
			}
		}
		for _, j := range w.firedE {
			inh.ge[j] += p.WExcInh
			w.events++
			w.spikes++
			if counts != nil {
				counts[j]++
			}
			if !learn {
				continue
			}
			// Potentiation from every input's trace, decayed since its
			// spike, and the whole column clipped at WMax as Brian does,
			// inputs too long silent to have a trace included.
			p2 := net.post2[j]
			for i, t := range w.preT {
				x := &net.W[i*n+j]
				if k := now - t; k < len(net.preDecay) {
					*x = min(*x+p.NuPost*net.preDecay[k]*p2, p.WMax)
				} else if *x > p.WMax {
					*x = p.WMax
				}
			}
			net.post1[j], net.post2[j] = 1, 1
		}
		gi := exc.gi[lo:hi]
		for _, o := range net.workers {
			for _, k := range o.firedI[now&1] {
				// Onto every excitatory neuron but its own partner.
				before, after := gi, gi[:0]
				if lo <= k && k < hi {
					before, after = gi[:k-lo], gi[k-lo+1:]
				}
				for j := range before {
					before[j] += p.WInhExc
				}
				for j := range after {
					after[j] += p.WInhExc
				}
				w.events += int64(len(before) + len(after))
			}
		}
		for _, j := range w.firedE {
			exc.v[j], exc.last[j] = p.VResetE, now
			if learn {
				theta[j] += p.ThetaPlus
			}
		}
		for _, k := range w.firedI[now&1] {
			inh.v[k], inh.last[k] = p.VResetI, now
		}
		if learn {
			for j := range post1 {
				post1[j] *= d1
				post2[j] *= d2
			}
		}
	}
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

// dynamics are a population's constants, per time step.
type dynamics struct {
	dtTau, rest, eInh, keepGe, keepGi float64 // dt/τ, mV, mV, 1 − dt/τge, 1 − dt/τgi
	threshold                         float64 // mV, plus θ where there is one
	ref, gap                          int     // steps v is held after a spike; least steps between spikes
}

func newDynamics(p Params, tau, rest, eInh, threshold, ref, gap float64) dynamics {
	return dynamics{dtTau: p.DT / tau, rest: rest, eInh: eInh, keepGe: 1 - p.DT/p.TauGe, keepGi: 1 - p.DT/p.TauGi,
		threshold: threshold, ref: int(math.Round(ref / p.DT)), gap: int(math.Round(gap / p.DT))}
}

// advance moves the neurons [lo, hi) one Euler step of dv/dt = ((rest −
// v) + ge·(0 − v) + gi·(eInh − v))/τ, dge/dt = −ge/τge, dgi/dt = −gi/τgi,
// with v held for ref steps after the step of a spike as in Brian; θ, when
// given, decays by thetaKeep. It appends to fired the neurons then above
// threshold (+ θ) whose last spike is at least gap steps old.
func (l *layer) advance(fired []int, lo, hi, now int, d *dynamics, theta []float64, thetaKeep float64) []int {
	v, ge, gi, last := l.v[lo:hi], l.ge[lo:hi], l.gi[lo:hi], l.last[lo:hi]
	ge, gi, last = ge[:len(v)], gi[:len(v)], last[:len(v)]
	if theta != nil {
		theta = theta[lo:hi]
		theta = theta[:len(v)]
	}
	for j, x := range v {
		g, h, since := ge[j], gi[j], now-last[j]
		if since > d.ref {
			x += d.dtTau * ((d.rest - x) + g*(0-x) + h*(d.eInh-x))
			v[j] = x
		}
		ge[j], gi[j] = g*d.keepGe, h*d.keepGi
		th := d.threshold
		if theta != nil {
			if thetaKeep != 1 {
				theta[j] *= thetaKeep
			}
			th += theta[j]
		}
		if x > th && since >= d.gap {
			fired = append(fired, lo+j)
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

// Recent is the number of last training images whose responses Train
// returns for Assign: the authors' 10,000.
const Recent = 10000

// Train presents every image of d once with learning on (Learn), raising
// the input intensity and presenting again while fewer than MinSpikes
// answer. It returns the spike counts of the last up-to-Recent images for
// Assign.
func (net *Net) Train(ctx context.Context, d *data.Dataset, progress func(Progress)) ([][]int, error) {
	keep := min(Recent, d.Len())
	recent := make([][]int, 0, keep)
	counts := make([]int, net.P.Neurons)
	for k := range d.Len() {
		if err := net.report(ctx, k, d.Len(), progress); err != nil {
			return nil, err
		}
		net.Learn(d.X.Row(k), counts)
		if k >= d.Len()-keep {
			recent = append(recent, slices.Clone(counts))
		}
	}
	return recent, nil
}

// Learn presents one image (In intensities in [0, 1]) with learning on,
// as Train does each of its images: the input weights are normalised
// before every presentation, and the image is shown again, brighter,
// while fewer than MinSpikes neurons answer. counts receives each
// excitatory neuron's spikes in the last presentation. A caller that runs
// its own loop over the images (to stop and continue between any two,
// with State and SetState) gets exactly Train's network. Learn panics if
// img does not have In values or counts Neurons.
func (net *Net) Learn(img []float32, counts []int) {
	net.check(img, counts)
	net.respond(img, true, counts)
}

// Respond presents one image with learning off, as Responses does each
// of its images, and counts each excitatory neuron's spikes in the last
// presentation. It panics as Learn does.
func (net *Net) Respond(img []float32, counts []int) {
	net.check(img, counts)
	net.respond(img, false, counts)
}

func (net *Net) check(img []float32, counts []int) {
	if len(img) != net.In || len(counts) != net.P.Neurons {
		panic(fmt.Sprintf("diehlcook: an image of %d values and %d counts for a network of %d inputs and %d neurons", len(img), len(counts), net.In, net.P.Neurons))
	}
}

// report checks for cancellation before every image (a signal must stop
// a run within a second; an image takes milliseconds) and reports
// progress every 100.
func (net *Net) report(ctx context.Context, k, total int, progress func(Progress)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if progress != nil && k%100 == 0 {
		spikes, _ := net.counters()
		progress(Progress{Images: k, Total: total, Spikes: spikes})
	}
	return nil
}

// Responses presents every image of d with learning off (weights and
// thresholds frozen) and returns each image's spike counts: the authors
// assigned labels from such a pass over the whole training set, after
// training, rather than from the responses recorded while learning.
func (net *Net) Responses(ctx context.Context, d *data.Dataset, progress func(Progress)) ([][]int, error) {
	out := make([][]int, d.Len())
	for k := range d.Len() {
		if err := net.report(ctx, k, d.Len(), progress); err != nil {
			return nil, err
		}
		counts := make([]int, net.P.Neurons)
		net.Respond(d.X.Row(k), counts)
		out[k] = counts
	}
	return out, nil
}

// Assign labels each neuron with the class of images it fired most for
// (mean count per class), from counts[k] the responses to the images whose
// labels are labels[k]: AssignTally over their Tally.
func (net *Net) Assign(counts [][]int, labels []int, classes int) {
	t := NewTally(classes, net.P.Neurons)
	for k, row := range counts {
		t.Add(row, labels[k])
	}
	net.AssignTally(t)
}

// Tally is what Assign reads from the responses to labelled images, summed
// as they come so that a training run can keep it in a checkpoint instead
// of every response: per class, each excitatory neuron's spikes over the
// images of that class, and the number of those images. The sums are of
// integers, exact in float64 up to 2⁵³, so they do not depend on the
// order the images come in.
type Tally struct {
	Classes, Neurons int
	Spikes           []float64 // Spikes[c*Neurons+j]: neuron j's spikes over the images of class c
	Images           []int     // images of each class
}

// NewTally returns an empty tally for classes classes and neurons neurons.
func NewTally(classes, neurons int) *Tally {
	return &Tally{Classes: classes, Neurons: neurons, Spikes: make([]float64, classes*neurons), Images: make([]int, classes)}
}

// Add counts one image of class label whose presentation made neuron j
// fire counts[j] times. It panics if label is not a class of t or counts
// does not have t.Neurons values.
func (t *Tally) Add(counts []int, label int) {
	if label < 0 || label >= t.Classes || len(counts) != t.Neurons {
		panic(fmt.Sprintf("diehlcook: tally of %d classes and %d neurons given class %d and %d counts", t.Classes, t.Neurons, label, len(counts)))
	}
	t.Images[label]++
	row := t.Spikes[label*t.Neurons : (label+1)*t.Neurons]
	for j, v := range counts {
		row[j] += float64(v)
	}
}

// Reset empties t.
func (t *Tally) Reset() {
	clear(t.Spikes)
	clear(t.Images)
}

// AssignTally labels each neuron with the class whose images it fired
// most for on average (−1 when t holds no image); ties go to the lower
// class. It panics if t is not for the network's number of neurons.
func (net *Net) AssignTally(t *Tally) {
	n := net.P.Neurons
	if t.Neurons != n || len(t.Spikes) != t.Classes*n || len(t.Images) != t.Classes {
		panic(fmt.Sprintf("diehlcook: a tally of %d neurons for a network of %d", t.Neurons, n))
	}
	for j := range n {
		best, bestRate := -1, -1.0
		for c := range t.Classes {
			if t.Images[c] == 0 {
				continue
			}
			if r := t.Spikes[c*n+j] / float64(t.Images[c]); r > bestRate {
				best, bestRate = c, r
			}
		}
		net.Labels[j] = best
	}
}

// Result is a test run. Counts are per image, over every presentation of
// it (an image is shown again, brighter, when too few neurons answer).
type Result struct {
	Accuracy float64 `json:"accuracy"`
	// SpikesPerSample counts the excitatory neurons' spikes.
	SpikesPerSample float64 `json:"spikes_per_sample"`
	// SynapticOpsPerSample counts synaptic events: each input spike
	// reaches every excitatory neuron, each excitatory spike its
	// inhibitory partner, each inhibitory spike every other excitatory
	// neuron.
	SynapticOpsPerSample float64 `json:"synaptic_ops_per_sample"`
	// InhibitorySpikesPerSample counts the inhibitory neurons' spikes.
	InhibitorySpikesPerSample float64 `json:"inhibitory_spikes_per_sample"`
	// InputSpikesPerSample counts the Poisson input's spikes.
	InputSpikesPerSample float64 `json:"input_spikes_per_sample"`
}

// Ops returns the run's operations per image as package energy defines
// them: no MACs, the synaptic events, and every spike (excitatory,
// inhibitory and input), the input's also counted apart.
func (r Result) Ops() energy.Ops {
	return energy.Ops{SynapticEvents: r.SynapticOpsPerSample,
		Spikes:      r.SpikesPerSample + r.InhibitorySpikesPerSample + r.InputSpikesPerSample,
		InputSpikes: r.InputSpikesPerSample}
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
	s0, e0 := net.counters()
	i0, in0 := net.inhibitorySpikes(), net.inSpikes
	for k := range d.Len() {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		net.Respond(d.X.Row(k), counts)
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
	s1, e1 := net.counters()
	i1 := net.inhibitorySpikes()
	return Result{Accuracy: float64(correct) / n, SpikesPerSample: float64(s1-s0) / n, SynapticOpsPerSample: float64(e1-e0) / n,
		InhibitorySpikesPerSample: float64(i1-i0) / n, InputSpikesPerSample: float64(net.inSpikes-in0) / n}, nil
}

func sum(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}
