package snn

import (
	"fmt"
	"math"
)

// Model is a population of neurons of one kind, with its state stored as
// one slice per variable (structure of arrays). The simulator drives it at
// population granularity: never one call per neuron.
//
// Each time step the engine calls, for each worker's range [lo, hi):
//
//  1. Step(n, lo, hi, …): integrate the subthreshold dynamics over one dt,
//     skipping the membrane of refractory neurons, report the neurons whose
//     membrane crossed threshold and start their refractory period;
//  2. (the engine delivers synaptic events into the variables named by
//     projections, as Brian2 does in its "synapses" slot, skipping gated
//     variables of refractory neurons: see Gated);
//  3. Reset(spikes): apply the reset.
type Model interface {
	// Len returns the number of neurons.
	Len() int
	// Prepare validates the parameters and precomputes whatever depends
	// on the time step dt (ms). The engine calls it before a run; rng is
	// the population's own random stream, for models that draw numbers.
	Prepare(dt float64, rng Stream) error
	// Step advances neurons [lo, hi) from step n to n+1 and appends the
	// indices of those that fired to spikes, in increasing order.
	Step(n int64, lo, hi int, spikes []int32) []int32
	// Reset applies the after-spike reset to the given neurons.
	Reset(spikes []int32)
	// Var returns the storage of a state variable (for synapses, inputs
	// and monitors), or nil if the model has no such variable.
	Var(name string) []float32
	// Vars lists the variable names Var accepts.
	Vars() []string
}

// Gated is implemented by models whose variables, like Brian2's variables
// marked "(unless refractory)", ignore synaptic and external input while a
// neuron is refractory: a neuron that fires in step n loses what arrives
// in steps n … n+R−1, R = round(TRef/dt), and takes input again from step
// n+R, the step its membrane integrates again (see the package doc,
// "Engine"). Events arriving then are lost, not postponed.
type Gated interface {
	// Gate returns, for a gated variable, a slice in which a nonzero entry
	// marks a refractory neuron; nil if the variable is not gated.
	Gate(name string) []int32
}

// gateOf returns the gate of a model's variable, or nil.
func gateOf(m Model, name string) []int32 {
	if g, ok := m.(Gated); ok {
		return g.Gate(name)
	}
	return nil
}

// refractorySteps converts an absolute refractory period in ms into whole
// time steps, rounding to the nearest step as Brian2's timestep() does.
func refractorySteps(tref, dt float64) int32 {
	return int32(math.Round(tref / dt))
}

// positive reports a parameter error for a time constant or other quantity
// that must be > 0 (NaN included).
func positive(model, name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("snn: %s: %s = %v, must be positive and finite", model, name, v)
	}
	return nil
}

func nonNegative(model, name string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("snn: %s: %s = %v, must be zero or positive and finite", model, name, v)
	}
	return nil
}

func finite(model, name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("snn: %s: %s = %v, must be finite", model, name, v)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
