package snn

import (
	"fmt"
	"math"
)

// AdExParams are the parameters of the adaptive exponential
// integrate-and-fire model (Brette & Gerstner 2005):
//
//	C dV/dt = −gL(V − EL) + gL·ΔT·exp((V − VT)/ΔT) − w + I + Is
//	τw dw/dt = a(V − EL) − w
//	dIs/dt = −Is/τs
//
// with a spike when V > VPeak, then V = VReset and w = w + b. The
// adaptation current w is the model's fatigue: a constant input gives
// lengthening interspike intervals. Units: pF, nS, mV, ms, pA.
type AdExParams struct {
	C      float64 // membrane capacitance, pF (> 0)
	GL     float64 // leak conductance, nS (> 0)
	EL     float64 // leak reversal, mV
	VT     float64 // threshold slope point, mV
	DeltaT float64 // slope factor, mV (> 0)
	VPeak  float64 // spike cut-off, mV (> VT)
	VReset float64 // reset, mV
	TauW   float64 // adaptation time constant, ms (> 0)
	A      float64 // subthreshold adaptation, nS
	B      float64 // spike-triggered adaptation, pA
	TauS   float64 // synaptic current decay, ms (> 0)
	TRef   float64 // absolute refractory period, ms (≥ 0)
	Method Method  // Euler (default) or RK4
}

// AdExDefault returns the parameters of Brette & Gerstner (2005), Table 1
// (a pyramidal cell fit), with VPeak = VT + 5ΔT and a 5 ms synaptic decay.
func AdExDefault() AdExParams {
	return AdExParams{C: 281, GL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, VPeak: -40.4, VReset: -70.6,
		TauW: 144, A: 4, B: 80.5, TauS: 5}
}

// Validate reports parameters that cannot be simulated.
func (p AdExParams) Validate() error {
	err := firstErr(positive("AdEx", "C", p.C), positive("AdEx", "GL", p.GL), positive("AdEx", "DeltaT", p.DeltaT),
		positive("AdEx", "TauW", p.TauW), positive("AdEx", "TauS", p.TauS), nonNegative("AdEx", "TRef", p.TRef),
		finite("AdEx", "EL", p.EL), finite("AdEx", "VT", p.VT), finite("AdEx", "VReset", p.VReset),
		finite("AdEx", "A", p.A), finite("AdEx", "B", p.B))
	if err == nil && !(p.VPeak > p.VT) {
		err = fmt.Errorf("snn: AdEx: VPeak = %v must exceed VT = %v", p.VPeak, p.VT)
	}
	if err == nil && p.Method != Euler && p.Method != RK4 {
		err = fmt.Errorf("snn: AdEx: unknown integration method %d", p.Method)
	}
	return err
}

// AdEx is a population of adaptive exponential integrate-and-fire neurons.
type AdEx struct {
	AdExParams
	V, W  []float32 // membrane potential (mV) and adaptation current (pA)
	I, Is []float32 // held input and synaptic current, pA
	ref   []int32

	dt       float64
	refSteps int32
}

// NewAdEx returns n neurons at rest (V = EL, w = 0).
func NewAdEx(n int, p AdExParams) (*AdEx, error) {
	if n < 0 {
		return nil, fmt.Errorf("snn: AdEx: %d neurons", n)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := &AdEx{AdExParams: p, V: make([]float32, n), W: make([]float32, n), I: make([]float32, n),
		Is: make([]float32, n), ref: make([]int32, n)}
	for i := range m.V {
		m.V[i] = float32(p.EL)
	}
	return m, nil
}

// Len returns the number of neurons.
func (m *AdEx) Len() int { return len(m.V) }

// Vars lists the variables: v, w, I, Is.
func (m *AdEx) Vars() []string { return []string{"v", "w", "I", "Is"} }

// Var returns a variable's storage by name, or nil.
func (m *AdEx) Var(name string) []float32 {
	switch name {
	case "v":
		return m.V
	case "w":
		return m.W
	case "I":
		return m.I
	case "Is":
		return m.Is
	}
	return nil
}

// Gate marks v as ignoring input during refractoriness.
func (m *AdEx) Gate(name string) []int32 {
	if name == "v" {
		return m.ref
	}
	return nil
}

// Prepare validates the parameters.
func (m *AdEx) Prepare(dt float64, _ Stream) error {
	if err := firstErr(m.Validate(), positive("AdEx", "dt", dt)); err != nil {
		return err
	}
	m.dt = dt
	m.refSteps = refractorySteps(m.TRef, dt)
	return nil
}

// deriv returns dV/dt and dw/dt. The exponential is capped at VPeak, where
// the spike is cut anyway, so one large step cannot overflow.
func (m *AdEx) deriv(v, w, in float64) (float64, float64) {
	e := m.GL * m.DeltaT * math.Exp((min(v, m.VPeak)-m.VT)/m.DeltaT)
	return (-m.GL*(v-m.EL) + e - w + in) / m.C, (m.A*(v-m.EL) - w) / m.TauW
}

// Step advances neurons [lo, hi) by one step.
func (m *AdEx) Step(_ int64, lo, hi int, spikes []int32) []int32 {
	dt := m.dt
	decay := math.Exp(-dt / m.TauS)
	for k := lo; k < hi; k++ {
		v, w := float64(m.V[k]), float64(m.W[k])
		in := float64(m.I[k]) + float64(m.Is[k])
		m.Is[k] = float32(float64(m.Is[k]) * decay)
		frozen := false
		if r := m.ref[k]; r > 0 {
			m.ref[k] = r - 1
			frozen = r > 1
		}
		var nv, nw float64
		if frozen {
			_, dw := m.deriv(v, w, in)
			m.W[k] = float32(w + dt*dw)
			continue
		}
		if m.Method == RK4 {
			k1v, k1w := m.deriv(v, w, in)
			k2v, k2w := m.deriv(v+dt/2*k1v, w+dt/2*k1w, in)
			k3v, k3w := m.deriv(v+dt/2*k2v, w+dt/2*k2w, in)
			k4v, k4w := m.deriv(v+dt*k3v, w+dt*k3w, in)
			nv, nw = v+dt/6*(k1v+2*k2v+2*k3v+k4v), w+dt/6*(k1w+2*k2w+2*k3w+k4w)
		} else {
			dv, dw := m.deriv(v, w, in)
			nv, nw = v+dt*dv, w+dt*dw
		}
		m.V[k], m.W[k] = float32(nv), float32(nw)
		if nv > m.VPeak {
			m.ref[k] = m.refSteps
			spikes = append(spikes, int32(k))
		}
	}
	return spikes
}

// Reset applies V = VReset, w = w + b.
func (m *AdEx) Reset(spikes []int32) {
	for _, i := range spikes {
		m.V[i] = float32(m.VReset)
		m.W[i] += float32(m.B)
	}
}
