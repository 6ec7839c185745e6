// Package snntest is neurite's conformance suite for spiking neuron models
// and for the simulator: checks against closed-form solutions, published
// figures and reference simulators that any model, or any change to the
// engine, must pass. A model's own test runs the generic checks in one
// line:
//
//	func TestMyModel(t *testing.T) { snntest.Model(t, snntest.Case{…}) }
//
// The model-specific checks (LIF, Izhikevich, Hodgkin–Huxley, AdEx,
// Tsodyks–Markram, delays) carry their sources in their doc comments.
package snntest
