package snn

import (
	"fmt"
	"math"
)

// HHParams are the parameters of the Hodgkin–Huxley (1952) squid axon
// model in the form of NEURON's built-in hh mechanism (rates at 6.3 °C,
// scaled by Q10 = 3 for other temperatures). Densities are per cm² of
// membrane; the injected current I is in nA and is spread over Area.
type HHParams struct {
	Cm          float64 // µF/cm² (> 0)
	GNa, GK, GL float64 // maximal conductances, mS/cm² (≥ 0)
	ENa, EK, EL float64 // reversal potentials, mV
	Celsius     float64 // temperature, °C; rates scale by 3^((T−6.3)/10)
	Area        float64 // membrane area, µm² (> 0)
	VThresh     float64 // upward crossing that counts as a spike, mV
	TRef        float64 // dead time after a counted spike, ms (≥ 0)
	Method      Method  // Euler: exponential Euler on the gates, Euler on V; or RK4
}

// HHDefault returns NEURON's hh defaults for a 20 µm × 20 µm soma at
// 6.3 °C (shared/peers/snn/neuron_hh.py), counting spikes at 0 mV.
func HHDefault() HHParams {
	return HHParams{Cm: 1, GNa: 120, GK: 36, GL: 0.3, ENa: 50, EK: -77, EL: -54.3, Celsius: 6.3,
		Area: math.Pi * 20 * 20, VThresh: 0, TRef: 1}
}

// Validate reports parameters that cannot be simulated.
func (p HHParams) Validate() error {
	err := firstErr(positive("HH", "Cm", p.Cm), positive("HH", "Area", p.Area),
		nonNegative("HH", "GNa", p.GNa), nonNegative("HH", "GK", p.GK), nonNegative("HH", "GL", p.GL),
		finite("HH", "ENa", p.ENa), finite("HH", "EK", p.EK), finite("HH", "EL", p.EL),
		finite("HH", "Celsius", p.Celsius), finite("HH", "VThresh", p.VThresh), nonNegative("HH", "TRef", p.TRef))
	if err == nil && p.Method != Euler && p.Method != RK4 {
		err = fmt.Errorf("snn: HH: unknown integration method %d", p.Method)
	}
	return err
}

// HH is a population of single-compartment Hodgkin–Huxley neurons, the
// biophysical reference: spikes, thresholds and refractoriness emerge from
// the sodium and potassium gates rather than being imposed. Spikes are
// counted at upward crossings of VThresh; TRef only stops a spike being
// counted twice and never alters the dynamics.
type HH struct {
	HHParams
	V, M, H, N []float32 // membrane potential (mV) and gating variables
	I          []float32 // injected current, nA (held)

	above    []bool
	ref      []int32
	dt       float64
	q10      float64
	iScale   float64 // nA → µA/cm²
	refSteps int32
}

// NewHH returns n neurons at −65 mV with gates at their steady state.
func NewHH(n int, p HHParams) (*HH, error) {
	if n < 0 {
		return nil, fmt.Errorf("snn: HH: %d neurons", n)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := &HH{HHParams: p, V: make([]float32, n), M: make([]float32, n), H: make([]float32, n),
		N: make([]float32, n), I: make([]float32, n), above: make([]bool, n), ref: make([]int32, n)}
	m.q10 = math.Pow(3, (p.Celsius-6.3)/10)
	for i := range n {
		m.V[i] = -65
		m.M[i], m.H[i], m.N[i] = float32(m.steady(-65, 0)), float32(m.steady(-65, 1)), float32(m.steady(-65, 2))
	}
	return m, nil
}

// vtrap returns x/(exp(x/y) − 1), continuous at x = 0.
func vtrap(x, y float64) float64 {
	if math.Abs(x/y) < 1e-6 {
		return y * (1 - x/y/2)
	}
	return x / (math.Exp(x/y) - 1)
}

// rates returns α and β (1/ms, at 6.3 °C) of gate g (0 = m, 1 = h, 2 = n).
func rates(v float64, g int) (float64, float64) {
	switch g {
	case 0:
		return 0.1 * vtrap(-(v+40), 10), 4 * math.Exp(-(v+65)/18)
	case 1:
		return 0.07 * math.Exp(-(v+65)/20), 1 / (math.Exp(-(v+35)/10) + 1)
	default:
		return 0.01 * vtrap(-(v+55), 10), 0.125 * math.Exp(-(v+65)/80)
	}
}

func (m *HH) steady(v float64, g int) float64 {
	a, b := rates(v, g)
	return a / (a + b)
}

// Len returns the number of neurons.
func (m *HH) Len() int { return len(m.V) }

// Vars lists the variables: v, m, h, n, I.
func (m *HH) Vars() []string { return []string{"v", "m", "h", "n", "I"} }

// Var returns a variable's storage by name, or nil.
func (m *HH) Var(name string) []float32 {
	switch name {
	case "v":
		return m.V
	case "m":
		return m.M
	case "h":
		return m.H
	case "n":
		return m.N
	case "I":
		return m.I
	}
	return nil
}

// Prepare validates the parameters.
func (m *HH) Prepare(dt float64, _ Stream) error {
	if err := firstErr(m.Validate(), positive("HH", "dt", dt)); err != nil {
		return err
	}
	m.dt = dt
	m.q10 = math.Pow(3, (m.Celsius-6.3)/10)
	m.iScale = 1e-3 / (m.Area * 1e-8) // nA → µA, µm² → cm²
	m.refSteps = refractorySteps(m.TRef, dt)
	return nil
}

// derivs returns the time derivatives of (v, m, h, n).
func (m *HH) derivs(v, gm, gh, gn, iDensity float64) (float64, float64, float64, float64) {
	ina := m.GNa * gm * gm * gm * gh * (v - m.ENa)
	ik := m.GK * gn * gn * gn * gn * (v - m.EK)
	il := m.GL * (v - m.EL)
	dv := (iDensity - ina - ik - il) / m.Cm
	var d [3]float64
	for g, x := range [3]float64{gm, gh, gn} {
		a, b := rates(v, g)
		d[g] = m.q10 * (a*(1-x) - b*x)
	}
	return dv, d[0], d[1], d[2]
}

// Step advances neurons [lo, hi) by one step.
func (m *HH) Step(_ int64, lo, hi int, spikes []int32) []int32 {
	dt := m.dt
	for k := lo; k < hi; k++ {
		v, gm, gh, gn := float64(m.V[k]), float64(m.M[k]), float64(m.H[k]), float64(m.N[k])
		in := float64(m.I[k]) * m.iScale
		if m.Method == RK4 {
			a1, b1, c1, d1 := m.derivs(v, gm, gh, gn, in)
			a2, b2, c2, d2 := m.derivs(v+dt/2*a1, gm+dt/2*b1, gh+dt/2*c1, gn+dt/2*d1, in)
			a3, b3, c3, d3 := m.derivs(v+dt/2*a2, gm+dt/2*b2, gh+dt/2*c2, gn+dt/2*d2, in)
			a4, b4, c4, d4 := m.derivs(v+dt*a3, gm+dt*b3, gh+dt*c3, gn+dt*d3, in)
			v, gm, gh, gn = v+dt/6*(a1+2*a2+2*a3+a4), gm+dt/6*(b1+2*b2+2*b3+b4), gh+dt/6*(c1+2*c2+2*c3+c4), gn+dt/6*(d1+2*d2+2*d3+d4)
		} else {
			// Exponential Euler: each gate relaxes exactly towards its
			// steady state at the current voltage (as NEURON's cnexp).
			dv, _, _, _ := m.derivs(v, gm, gh, gn, in)
			x := [3]*float64{&gm, &gh, &gn}
			for g := range 3 {
				a, b := rates(v, g)
				tau := 1 / (m.q10 * (a + b))
				inf := a / (a + b)
				*x[g] = inf + (*x[g]-inf)*math.Exp(-dt/tau)
			}
			v += dt * dv
		}
		m.V[k], m.M[k], m.H[k], m.N[k] = float32(v), float32(gm), float32(gh), float32(gn)
		if r := m.ref[k]; r > 0 {
			m.ref[k] = r - 1
		}
		crossed := v > m.VThresh
		if crossed && !m.above[k] && m.ref[k] == 0 {
			m.ref[k] = m.refSteps
			spikes = append(spikes, int32(k))
		}
		m.above[k] = crossed
	}
	return spikes
}

// Reset does nothing: a Hodgkin–Huxley neuron repolarises by itself.
func (m *HH) Reset([]int32) {}
