package snn

import (
	"container/heap"
	"context"
	"fmt"
	"math"

	"github.com/neurite/neurite/topology"
)

// EventLIFParams are the parameters of an event-driven network of leaky
// integrate-and-fire neurons with instantaneous synapses:
//
//	τm dv/dt = VRest − v,   v → v + w on each presynaptic spike
//
// with a spike when v reaches VThresh, then v = VReset for TRef ms, during
// which input is lost (as in the clock-driven models). Between events v
// relaxes exponentially towards VRest, so the next threshold crossing has a
// closed form and spike times are exact, not rounded to a time step. When
// VRest > VThresh, neurons fire on their own.
type EventLIFParams struct {
	TauM    float64 // membrane time constant, ms (> 0)
	VRest   float64 // resting potential, including any constant drive, mV
	VThresh float64 // threshold, mV
	VReset  float64 // reset, mV (< VThresh)
	TRef    float64 // absolute refractory period, ms (≥ 0)
	Delay   float64 // synaptic delay, ms (≥ 0)
}

// Validate reports parameters that cannot be simulated.
func (p EventLIFParams) Validate() error {
	err := firstErr(positive("EventLIF", "TauM", p.TauM), nonNegative("EventLIF", "TRef", p.TRef),
		nonNegative("EventLIF", "Delay", p.Delay), finite("EventLIF", "VRest", p.VRest),
		finite("EventLIF", "VThresh", p.VThresh), finite("EventLIF", "VReset", p.VReset))
	if err == nil && !(p.VReset < p.VThresh) {
		err = fmt.Errorf("snn: EventLIF: VReset = %v must be below VThresh = %v", p.VReset, p.VThresh)
	}
	return err
}

// EventLIF is an event-driven network of one population of such neurons,
// wired by a CSR graph with a weight per presynaptic neuron (an
// excitatory/inhibitory split, as in Brette et al. 2007) or per synapse.
// This is the exact-spike-time engine of Brette et al. (2007), benchmark 4:
// neurons fire asynchronously, each at its own real-valued time.
type EventLIF struct {
	EventLIFParams
	Graph *topology.CSR
	// PreWeight[i] is the jump (mV) every synapse of neuron i causes, used
	// when Weights is nil.
	PreWeight []float64
	// Weights, if not nil, gives each synapse its own jump (mV).
	Weights []float64
	// V holds the membrane potentials (mV); set it before Run.
	V []float64

	initial  []float64 // V when Run first started, for comparisons
	last     []float64 // time v was last brought up to date, ms
	refUntil []float64 // end of the refractory period, ms
	version  []uint32  // invalidates stale threshold predictions
	queue    eventQueue
	now      float64
	started  bool

	// Spikes lists every spike in time order.
	Spikes []EventSpike
	// Events counts the synaptic events delivered so far.
	Events int64
}

// EventSpike is one spike at an exact time.
type EventSpike struct {
	Neuron int32
	Time   float64 // ms
}

// NewEventLIF returns a network on graph g (pre = post = population), all
// neurons at VRest.
func NewEventLIF(p EventLIFParams, g *topology.CSR, preWeight []float64) (*EventLIF, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if g.Pre != g.Post || len(preWeight) != g.Pre {
		return nil, fmt.Errorf("snn: EventLIF: graph %d→%d with %d weights: need one population and one weight per neuron", g.Pre, g.Post, len(preWeight))
	}
	n := g.Pre
	e := &EventLIF{EventLIFParams: p, Graph: g, PreWeight: preWeight, V: make([]float64, n),
		last: make([]float64, n), refUntil: make([]float64, n), version: make([]uint32, n)}
	for i := range e.V {
		e.V[i] = p.VRest
		e.refUntil[i] = math.Inf(-1)
	}
	return e, nil
}

// Event kinds, in the order they are handled when they fall at the same
// time: deliveries before the crossings they may cause or cancel.
const (
	eventArrival  = iota // the spikes of neuron i reach its targets
	eventCrossing        // neuron i is predicted to reach threshold
)

type event struct {
	t       float64
	kind    uint8
	neuron  int32
	version uint32
}

type eventQueue []event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(a, b int) bool {
	if q[a].t != q[b].t {
		return q[a].t < q[b].t
	}
	if q[a].kind != q[b].kind {
		return q[a].kind < q[b].kind
	}
	return q[a].neuron < q[b].neuron
}
func (q eventQueue) Swap(a, b int) { q[a], q[b] = q[b], q[a] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// advance brings neuron i's potential up to time t.
func (e *EventLIF) advance(i int, t float64) {
	from := math.Max(e.last[i], e.refUntil[i])
	if t > from {
		e.V[i] = e.VRest + (e.V[i]-e.VRest)*math.Exp(-(t-from)/e.TauM)
	}
	e.last[i] = t
}

// predict schedules neuron i's next threshold crossing, if it has one,
// from its state at time t.
func (e *EventLIF) predict(i int, t float64) {
	e.version[i]++
	if e.VRest <= e.VThresh {
		return // without input the membrane never reaches threshold
	}
	from := math.Max(t, e.refUntil[i])
	v := e.V[i]
	if v >= e.VThresh {
		heap.Push(&e.queue, event{t: from, kind: eventCrossing, neuron: int32(i), version: e.version[i]})
		return
	}
	// Solve VRest + (v − VRest)·e^(−Δ/τ) = θ for Δ.
	dt := e.TauM * math.Log((e.VRest-v)/(e.VRest-e.VThresh))
	heap.Push(&e.queue, event{t: from + dt, kind: eventCrossing, neuron: int32(i), version: e.version[i]})
}

// fire records a spike of neuron i at t, resets it and schedules the
// delivery of its spike.
func (e *EventLIF) fire(i int, t float64) {
	e.Spikes = append(e.Spikes, EventSpike{int32(i), t})
	e.V[i] = e.VReset
	e.last[i] = t
	e.refUntil[i] = t + e.TRef
	heap.Push(&e.queue, event{t: t + e.Delay, kind: eventArrival, neuron: int32(i)})
	e.predict(i, t)
}

// Run advances the network by duration ms, processing every event in
// time order. It checks ctx every 65536 events.
func (e *EventLIF) Run(ctx context.Context, duration float64) error {
	if !(duration >= 0) {
		return fmt.Errorf("snn: EventLIF: duration %v ms", duration)
	}
	if !e.started {
		e.started = true
		e.initial = append([]float64(nil), e.V...)
		for i := range e.V {
			if e.V[i] >= e.VThresh {
				e.fire(i, 0)
			} else {
				e.predict(i, 0)
			}
		}
	}
	end := e.now + duration
	for count := 0; len(e.queue) > 0 && e.queue[0].t <= end; count++ {
		if count&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		ev := heap.Pop(&e.queue).(event)
		i := int(ev.neuron)
		switch ev.kind {
		case eventCrossing:
			if ev.version != e.version[i] {
				continue // the prediction was overtaken by input
			}
			e.advance(i, ev.t)
			e.fire(i, ev.t)
		case eventArrival:
			g := e.Graph
			for s := g.RowPtr[i]; s < g.RowPtr[i+1]; s++ {
				j := int(g.Targets[s])
				e.Events++
				if ev.t < e.refUntil[j] {
					continue // refractory: the input is lost
				}
				w := e.PreWeight[i]
				if e.Weights != nil {
					w = e.Weights[s]
				}
				e.advance(j, ev.t)
				e.V[j] += w
				if e.V[j] >= e.VThresh {
					e.fire(j, ev.t)
				} else {
					e.predict(j, ev.t)
				}
			}
		}
	}
	e.now = end
	return nil
}

// EventCUBA builds benchmark 4 of Brette et al. (2007) as an event-driven
// network: the CUBA network (n neurons, 80% excitatory, probability
// 80/n, τm 20 ms, rest −49, threshold −50, reset −60 mV, refractory 5 ms)
// with its exponential synaptic currents replaced by voltage jumps that
// deliver the same charge: we·τe/τm = 1.62·5/20 = 0.405 mV and
// wi·τi/τm = −9·10/20 = −4.5 mV, after a 0.1 ms delay. Initial v ~ U(Vr,
// Vt). The delay stands for the one-step lag a clock-driven engine has
// anyway; without any, instantaneous excitation cascades through the whole
// network at a single instant.
func EventCUBA(n int, seed uint64) (*EventLIF, error) {
	ne, _, err := splitEI(n)
	if err != nil {
		return nil, err
	}
	if err := EventCUBAEstimate(n).Check(0); err != nil {
		return nil, err
	}
	r := buildRand(seed)
	g, err := topology.FixedProbability(n, n, 80/float64(n), true, r)
	if err != nil {
		return nil, err
	}
	w := make([]float64, n)
	for i := range w {
		if i < ne {
			w[i] = 1.62 * 5 / 20
		} else {
			w[i] = -9.0 * 10 / 20
		}
	}
	e, err := NewEventLIF(EventLIFParams{TauM: 20, VRest: -49, VThresh: -50, VReset: -60, TRef: 5, Delay: 0.1}, g, w)
	if err != nil {
		return nil, err
	}
	for i := range e.V {
		e.V[i] = -60 + 10*r.Float64()
	}
	return e, nil
}
