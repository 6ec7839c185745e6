package snn

import "fmt"

// IzhikevichScheme is how an Izhikevich population is integrated.
type IzhikevichScheme int

const (
	// IzhikevichHalfSteps advances v in two half steps and then u with the
	// new v, as the paper's net.m does (Izhikevich 2003). It is the default.
	IzhikevichHalfSteps IzhikevichScheme = iota
	// IzhikevichEuler advances v and u together by forward Euler, as
	// Brian2's Izhikevich_2003 example does.
	IzhikevichEuler
)

// IzhikevichPreset is a named parameter set (a, b, c, d) from Izhikevich
// (2003), "Simple model of spiking neurons", Fig. 2.
type IzhikevichPreset struct {
	Name       string
	A, B, C, D float64
}

// IzhikevichPresets are the paper's cortical and thalamic cell classes.
var IzhikevichPresets = map[string]IzhikevichPreset{
	"RS":  {"regular spiking", 0.02, 0.2, -65, 8},
	"IB":  {"intrinsically bursting", 0.02, 0.2, -55, 4},
	"CH":  {"chattering", 0.02, 0.2, -50, 2},
	"FS":  {"fast spiking", 0.1, 0.2, -65, 2},
	"LTS": {"low-threshold spiking", 0.02, 0.25, -65, 2},
	"TC":  {"thalamo-cortical", 0.02, 0.25, -65, 0.05},
	"RZ":  {"resonator", 0.1, 0.26, -65, 2},
}

// Izhikevich is a population of Izhikevich (2003) neurons:
//
//	dv/dt = 0.04v² + 5v + 140 − u + I + Iext      (v in mV, t in ms)
//	du/dt = a(bv − u)
//
// and when v ≥ 30 mV: v = c, u = u + d. Each neuron has its own a, b, c,
// d. I is a pulse input: synapses add to it, one step uses it, and it is
// cleared (the paper's I = sum of this step's presynaptic weights). Iext is
// a held input, for currents set by a Current input.
type Izhikevich struct {
	A, B, C, D []float32 // per-neuron parameters (dimensionless, as in the paper)
	V, U       []float32 // membrane potential (mV) and recovery variable
	I, Iext    []float32 // pulse and held input
	Scheme     IzhikevichScheme
	TRef       float64 // absolute refractory period, ms (default 0: none)

	ref      []int32
	dt       float32
	refSteps int32
}

// NewIzhikevich returns n neurons of one preset at v = −65 mV, u = b·v.
func NewIzhikevich(n int, p IzhikevichPreset) (*Izhikevich, error) {
	if n < 0 {
		return nil, fmt.Errorf("snn: Izhikevich: %d neurons", n)
	}
	m := &Izhikevich{
		A: make([]float32, n), B: make([]float32, n), C: make([]float32, n), D: make([]float32, n),
		V: make([]float32, n), U: make([]float32, n), I: make([]float32, n), Iext: make([]float32, n),
		ref: make([]int32, n),
	}
	for i := range n {
		m.A[i], m.B[i], m.C[i], m.D[i] = float32(p.A), float32(p.B), float32(p.C), float32(p.D)
		m.V[i] = -65
		m.U[i] = m.B[i] * m.V[i]
	}
	return m, nil
}

// Len returns the number of neurons.
func (m *Izhikevich) Len() int { return len(m.V) }

// Vars lists the variables: v, u, I, Iext.
func (m *Izhikevich) Vars() []string { return []string{"v", "u", "I", "Iext"} }

// Var returns a variable's storage by name, or nil.
func (m *Izhikevich) Var(name string) []float32 {
	switch name {
	case "v":
		return m.V
	case "u":
		return m.U
	case "I":
		return m.I
	case "Iext":
		return m.Iext
	}
	return nil
}

// Prepare checks the parameters.
func (m *Izhikevich) Prepare(dt float64, _ Stream) error {
	n := len(m.V)
	for name, s := range map[string][]float32{"A": m.A, "B": m.B, "C": m.C, "D": m.D, "U": m.U, "I": m.I, "Iext": m.Iext} {
		if len(s) != n {
			return fmt.Errorf("snn: Izhikevich: %s has %d values for %d neurons", name, len(s), n)
		}
	}
	if m.Scheme != IzhikevichHalfSteps && m.Scheme != IzhikevichEuler {
		return fmt.Errorf("snn: Izhikevich: unknown scheme %d", m.Scheme)
	}
	if err := firstErr(positive("Izhikevich", "dt", dt), nonNegative("Izhikevich", "TRef", m.TRef)); err != nil {
		return err
	}
	m.dt = float32(dt)
	m.refSteps = refractorySteps(m.TRef, dt)
	return nil
}

// Step advances neurons [lo, hi) by one step and clears their pulse input.
func (m *Izhikevich) Step(_ int64, lo, hi int, spikes []int32) []int32 {
	dt := m.dt
	half := dt / 2
	for k := lo; k < hi; k++ {
		v, u := m.V[k], m.U[k]
		in := m.I[k] + m.Iext[k]
		m.I[k] = 0
		frozen := false
		if r := m.ref[k]; r > 0 {
			m.ref[k] = r - 1
			frozen = r > 1
		}
		a, b := m.A[k], m.B[k]
		var nv float32
		if m.Scheme == IzhikevichEuler {
			nv = v + dt*(0.04*v*v+5*v+140-u+in)
			u += dt * a * (b*v - u)
		} else {
			nv = v + half*(0.04*v*v+5*v+140-u+in)
			nv += half * (0.04*nv*nv + 5*nv + 140 - u + in)
			u += dt * a * (b*nv - u)
		}
		m.U[k] = u
		if frozen {
			continue
		}
		m.V[k] = nv
		if nv >= 30 {
			m.ref[k] = m.refSteps
			spikes = append(spikes, int32(k))
		}
	}
	return spikes
}

// Reset applies v = c, u = u + d to the neurons that fired.
func (m *Izhikevich) Reset(spikes []int32) {
	for _, i := range spikes {
		m.V[i] = m.C[i]
		m.U[i] += m.D[i]
	}
}
