package experiment

import (
	"math"
	"slices"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/snn"
)

// An Event is one observation of a running job, given to
// [Reporting.Observe]: a *[TrainStep], *[SimFrame] or *[ReceptiveFields].
// Its JSON is what `neurite serve` streams to the browser; Kind names
// the type there.
type Event interface {
	Kind() string
}

// TrainStep is a training run's state after a batch.
type TrainStep struct {
	Epoch   int `json:"epoch"`   // from 1
	Epochs  int `json:"epochs"`  // in all
	Batch   int `json:"batch"`   // batches done in the epoch, from 1
	Batches int `json:"batches"` // in the epoch
	Step    int `json:"step"`    // batches done in the run, counted over epochs
	// Loss and Accuracy are the running means over the epoch so far
	// (accuracy in [0, 1] on the training batches); LearningRate is the
	// rate the last step used.
	Loss         float64 `json:"loss"`
	Accuracy     float64 `json:"accuracy"`
	LearningRate float64 `json:"learning_rate"`
	// Layers holds each parameter tensor's L2 norm and its last
	// gradient's, in the network's order.
	Layers []ParamNorm `json:"layers"`
}

// ParamNorm is the L2 norm of one parameter tensor and of its gradient.
type ParamNorm struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Grad   float64 `json:"grad"`
}

// SimFrame is what a simulation did since the previous frame.
type SimFrame struct {
	// FromMS and ToMS bound the simulated time the frame covers, in ms.
	FromMS float64 `json:"from_ms"`
	ToMS   float64 `json:"to_ms"`
	// Neurons counts the network's neurons; a spike's neuron is numbered
	// across populations in the network's order (Offsets[k] is population
	// k's first).
	Neurons     int      `json:"neurons"`
	Populations []string `json:"populations"`
	Offsets     []int    `json:"offsets"`
	// Spikes holds at most SimFrameSpikes of the frame's spikes as
	// (neuron, time in ms) pairs, flattened; Dropped counts the rest.
	Spikes  []float64 `json:"spikes"`
	Dropped int64     `json:"dropped"`
	// RateHz is each population's mean rate over the frame, in Hz.
	RateHz []float64 `json:"rate_hz"`
	// Traces holds the membrane potential (mV) of the first few neurons
	// of the first population with a variable v, sampled as the frame
	// ends: TraceNeurons are their numbers across populations.
	TraceNeurons []int     `json:"trace_neurons,omitempty"`
	Traces       []float64 `json:"traces,omitempty"`
}

// ReceptiveFields is the input weights of an STDP network's first
// excitatory neurons as images: Pixels[k*Height*Width + y*Width + x] is
// neuron k's weight from input pixel (y, x), scaled to [0, 1] by the
// largest weight shown.
type ReceptiveFields struct {
	Image   int       `json:"image"` // images learned so far
	Neurons int       `json:"neurons"`
	Width   int       `json:"width"`
	Height  int       `json:"height"`
	Pixels  []float32 `json:"pixels"`
}

func (*TrainStep) Kind() string       { return "train" }
func (*SimFrame) Kind() string        { return "sim" }
func (*ReceptiveFields) Kind() string { return "fields" }

// SimFrameSpikes bounds the spikes a SimFrame carries; TraceNeurons the
// neurons traced; FieldNeurons the receptive fields sent.
const (
	SimFrameSpikes = 2000
	TraceNeurons   = 4
	FieldNeurons   = 100
)

// defaultObserveEvery is the shortest wall time between two events of a
// kind when Reporting.ObserveEvery is 0: sixty a second.
const defaultObserveEvery = time.Second / 60

// fieldsEvery is the shortest wall time between two ReceptiveFields.
const fieldsEvery = 250 * time.Millisecond

// observing reports whether events are wanted.
func (r Reporting) observing() bool { return r.Observe != nil }

// observeGate decides when the next event of a kind is due: at most one
// every Reporting.ObserveEvery of wall time. Events read the run's state
// and never change it, so a run gives the same bits with and without.
type observeGate struct {
	every time.Duration
	next  time.Time
}

func (r Reporting) gate() observeGate {
	every := r.ObserveEvery
	if every <= 0 {
		every = defaultObserveEvery
	}
	return observeGate{every: every}
}

// due reports whether an event may go now, and if so starts the wait for
// the next; last forces it.
func (g *observeGate) due(last bool) bool {
	now := time.Now()
	if !last && now.Before(g.next) {
		return false
	}
	g.next = now.Add(g.every)
	return true
}

// paramNorms returns each parameter's norm and its gradient's.
func paramNorms(params []*ann.Param) []ParamNorm {
	out := make([]ParamNorm, len(params))
	for i, p := range params {
		out[i] = ParamNorm{Name: p.Name, Weight: norm32(p.Value.Data)}
		if p.Grad != nil {
			out[i].Grad = norm32(p.Grad.Data)
		}
	}
	return out
}

func norm32(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// simObserver turns a simulation's spikes into SimFrames: one sink per
// population collects the frame's spikes (a bounded sample) and counts;
// a frame (whole chunks of steps) goes out when the gate allows, as the
// next chunk's spikes arrive (between chunks, when no worker runs, so the
// potentials can be read).
type simObserver struct {
	r      Reporting
	gate   observeGate
	sim    *snn.Sim
	dt     float64
	pops   []*snn.Population
	offset []int
	total  int

	frame    SimFrame
	counts   []int64
	fromStep int64
	toStep   int64
	v        []float32 // the traced population's potentials
	traced   []int     // their indices in it
	tracedAt int       // the traced population's offset
}

func newSimObserver(r Reporting, net *snn.Network, sim *snn.Sim, fromStep int64) *simObserver {
	fromStep = max(fromStep, sim.Steps())
	o := &simObserver{r: r, gate: r.gate(), sim: sim, dt: sim.DT, pops: net.Populations, fromStep: fromStep, toStep: fromStep}
	for _, p := range net.Populations {
		o.offset = append(o.offset, o.total)
		o.total += p.Len()
		if o.v == nil {
			if v := p.Model.Var("v"); v != nil {
				o.v, o.tracedAt = v, o.total-p.Len()
				for i := range min(TraceNeurons, p.Len()) {
					o.traced = append(o.traced, i)
				}
			}
		}
	}
	o.counts = make([]int64, len(o.pops))
	o.gate.due(false) // the first frame after one interval
	return o
}

func (o *simObserver) sink(k int) snn.SpikeSink { return observeSink{o, k} }

type observeSink struct {
	o *simObserver
	k int
}

func (s observeSink) WriteSpikes(steps []int64, index []int32) error {
	o := s.o
	// The simulation's clock is at the end of the chunk whose spikes
	// these are; a later clock than the frame's end means a new chunk,
	// and the frame so far (whole chunks) may go.
	if now := o.sim.Steps(); now > o.toStep {
		if o.toStep > o.fromStep && o.gate.due(false) {
			o.emit()
		}
		o.toStep = now
	}
	o.counts[s.k] += int64(len(steps))
	off := float64(o.offset[s.k])
	room := SimFrameSpikes - len(o.frame.Spikes)/2
	n := min(room, len(steps))
	if n > 0 {
		// An even sample over the chunk, not its first spikes, so the
		// raster is not cut off at the left when a frame is full.
		stride := float64(len(steps)) / float64(n)
		for i := range n {
			j := int(float64(i) * stride)
			o.frame.Spikes = append(o.frame.Spikes, off+float64(index[j]), float64(steps[j])*o.dt)
		}
	}
	o.frame.Dropped += int64(len(steps) - n)
	return nil
}

// emit sends the frame so far and starts the next.
func (o *simObserver) emit() {
	f := o.frame
	f.FromMS, f.ToMS = float64(o.fromStep)*o.dt, float64(o.toStep)*o.dt
	f.Neurons = o.total
	f.Offsets = slices.Clone(o.offset)
	for _, p := range o.pops {
		f.Populations = append(f.Populations, p.Name)
	}
	span := f.ToMS - f.FromMS
	f.RateHz = make([]float64, len(o.pops))
	for k, p := range o.pops {
		if span > 0 && p.Len() > 0 {
			f.RateHz[k] = float64(o.counts[k]) * 1000 / (span * float64(p.Len()))
		}
		o.counts[k] = 0
	}
	for _, i := range o.traced {
		f.TraceNeurons = append(f.TraceNeurons, o.tracedAt+i)
		f.Traces = append(f.Traces, float64(o.v[i]))
	}
	o.r.Observe(&f)
	o.frame = SimFrame{Spikes: make([]float64, 0, 2*min(SimFrameSpikes, 256))}
	o.fromStep = o.toStep
}

// finish sends the last frame, up to step end.
func (o *simObserver) finish(end int64) {
	o.toStep = max(o.toStep, end)
	o.emit()
}

// receptiveFields returns the first neurons' input weights as images:
// w[i*n+j] is the weight from input i to neuron j.
func receptiveFields(w []float64, inputs, n, image int) *ReceptiveFields {
	side := int(math.Round(math.Sqrt(float64(inputs))))
	width, height := side, side
	if side*side != inputs {
		width, height = inputs, 1
	}
	k := min(n, FieldNeurons)
	f := &ReceptiveFields{Image: image, Neurons: k, Width: width, Height: height, Pixels: make([]float32, k*inputs)}
	var top float64
	for i := range inputs {
		for j := range k {
			top = max(top, w[i*n+j])
		}
	}
	if top <= 0 {
		return f
	}
	for i := range inputs {
		for j := range k {
			f.Pixels[j*inputs+i] = float32(w[i*n+j] / top)
		}
	}
	return f
}
