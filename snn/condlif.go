package snn

import (
	"fmt"
	"math"
)

// Method is a numerical integration scheme for nonlinear dynamics.
type Method int

const (
	// Euler is forward Euler: first order, local error O(dt²). It is what
	// Brian2's method='euler' does, so the Brette et al. COBA benchmark
	// uses it to match the reference figures.
	Euler Method = iota
	// RK4 is the classical fourth-order Runge–Kutta scheme: global error
	// O(dt⁴) between spikes.
	RK4
)

func (m Method) String() string {
	switch m {
	case Euler:
		return "euler"
	case RK4:
		return "rk4"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// CondLIFParams are the parameters of a conductance-based leaky
// integrate-and-fire population (Brette et al. 2007, benchmark 1, COBA):
//
//	Cm dv/dt = gL(EL − v) + ge(Ee − v) + gi(Ei − v) + I
//	dge/dt = −ge/τe,   dgi/dt = −gi/τi
//
// with v in mV, conductances in nS, Cm in pF and I in pA. A spike occurs
// when v > VThresh; then v = VReset and the membrane is frozen for TRef ms
// while the conductances keep decaying.
type CondLIFParams struct {
	Cm      float64 // membrane capacitance, pF (> 0)
	GL      float64 // leak conductance, nS (> 0)
	EL      float64 // leak reversal potential, mV
	Ee, Ei  float64 // excitatory and inhibitory reversal potentials, mV
	VThresh float64 // threshold, mV
	VReset  float64 // reset, mV
	TRef    float64 // absolute refractory period, ms (≥ 0)
	TauE    float64 // excitatory conductance decay, ms (> 0)
	TauI    float64 // inhibitory conductance decay, ms (> 0)
	Method  Method  // integration scheme; the zero value is Euler
	// Kernel is the conductance time course: ExpKernel (the zero value)
	// or AlphaKernel, for which synapses add to xe and xi.
	Kernel Kernel
}

// Validate reports parameters that cannot be simulated.
func (p CondLIFParams) Validate() error {
	err := firstErr(
		positive("CondLIF", "Cm", p.Cm), positive("CondLIF", "GL", p.GL),
		positive("CondLIF", "TauE", p.TauE), positive("CondLIF", "TauI", p.TauI),
		nonNegative("CondLIF", "TRef", p.TRef), finite("CondLIF", "EL", p.EL),
		finite("CondLIF", "Ee", p.Ee), finite("CondLIF", "Ei", p.Ei),
		finite("CondLIF", "VThresh", p.VThresh), finite("CondLIF", "VReset", p.VReset),
	)
	if err == nil && p.Method != Euler && p.Method != RK4 {
		err = fmt.Errorf("snn: CondLIF: unknown integration method %d", p.Method)
	}
	if err == nil && p.Kernel != ExpKernel && p.Kernel != AlphaKernel {
		err = fmt.Errorf("snn: CondLIF: unknown synaptic kernel %d", p.Kernel)
	}
	return err
}

// CondLIF is a population of conductance-based leaky integrate-and-fire
// neurons. The conductance terms make v's equation nonlinear, so it is
// integrated with Euler or RK4 (see Method).
type CondLIF struct {
	CondLIFParams
	ifState // V (mV), Ge, Gi, Xe, Xi (nS), I (pA)

	dt     float32
	consts condConsts
}

// NewCondLIF returns n neurons at rest (v = EL, no conductance).
func NewCondLIF(n int, p CondLIFParams) (*CondLIF, error) {
	if n < 0 {
		return nil, fmt.Errorf("snn: CondLIF: %d neurons", n)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &CondLIF{CondLIFParams: p, ifState: newIFState(n, p.EL, p.Kernel == AlphaKernel)}, nil
}

// Prepare validates the parameters and records dt.
func (m *CondLIF) Prepare(dt float64, _ Stream) error {
	if err := firstErr(m.Validate(), positive("CondLIF", "dt", dt)); err != nil {
		return err
	}
	m.dt = float32(dt)
	m.refSteps = refractorySteps(m.TRef, dt)
	m.consts = condConsts{
		dt: broadcast(m.dt), gl: broadcast(float32(m.GL)), el: broadcast(float32(m.EL)),
		ee: broadcast(float32(m.Ee)), ei: broadcast(float32(m.Ei)), invC: broadcast(1 / float32(m.Cm)),
		de: broadcast(1 - m.dt/float32(m.TauE)), di: broadcast(1 - m.dt/float32(m.TauI)),
		vth: broadcast(float32(m.VThresh)), one: ibroadcast(1), refSteps: ibroadcast(m.refSteps),
	}
	return nil
}

// Step advances neurons [lo, hi) by one step.
func (m *CondLIF) Step(_ int64, lo, hi int, spikes []int32) []int32 {
	if m.Method == RK4 || m.Xe != nil {
		return m.stepGeneral(lo, hi, spikes)
	}
	spikes, lo = m.vectorBulk(lo, hi, spikes, func(i, n int, mask *uint8) {
		condEulerAVX2(&m.V[i], &m.Ge[i], &m.Gi[i], &m.I[i], &m.ref[i], n, &m.consts, mask)
	})
	return m.stepEuler(lo, hi, spikes)
}

// stepEuler is the Go Euler update, the reference for condEulerAVX2.
func (m *CondLIF) stepEuler(lo, hi int, spikes []int32) []int32 {
	dt := m.dt
	gl, el, ee, ei := float32(m.GL), float32(m.EL), float32(m.Ee), float32(m.Ei)
	invC := 1 / float32(m.Cm)
	de, di := 1-dt/float32(m.TauE), 1-dt/float32(m.TauI)
	vth := float32(m.VThresh)
	refSteps := m.refSteps
	V := m.V[lo:hi]
	n := len(V)
	Ge, Gi, I, ref := m.Ge[lo:lo+n], m.Gi[lo:lo+n], m.I[lo:lo+n], m.ref[lo:lo+n]
	for k := range V {
		ge, gi := Ge[k], Gi[k]
		Ge[k], Gi[k] = ge*de, gi*di
		if r := ref[k]; r > 0 {
			ref[k] = r - 1
			if r > 1 {
				continue
			}
		}
		v := V[k]
		v += dt * (gl*(el-v) + ge*(ee-v) + gi*(ei-v) + I[k]) * invC
		V[k] = v
		if v > vth {
			ref[k] = refSteps
			spikes = append(spikes, int32(lo+k))
		}
	}
	return spikes
}

// stepGeneral integrates the state (v, ge, gi, xe, xi) in float64 by
// Euler or RK4, for RK4 and for the alpha kernel. With the exponential
// kernel xe and xi stay zero and drop out.
func (m *CondLIF) stepGeneral(lo, hi int, spikes []int32) []int32 {
	dt := float64(m.dt)
	gl, el, ee, ei, c := m.GL, m.EL, m.Ee, m.Ei, m.Cm
	te, ti := m.TauE, m.TauI
	alpha := m.Xe != nil
	type state struct{ v, ge, gi, xe, xi float64 }
	f := func(s state, in float64) state {
		d := state{v: (gl*(el-s.v) + s.ge*(ee-s.v) + s.gi*(ei-s.v) + in) / c, ge: -s.ge / te, gi: -s.gi / ti}
		if alpha {
			d.ge += math.E * s.xe / te
			d.gi += math.E * s.xi / ti
			d.xe, d.xi = -s.xe/te, -s.xi/ti
		}
		return d
	}
	axpy := func(s state, h float64, d state) state {
		return state{s.v + h*d.v, s.ge + h*d.ge, s.gi + h*d.gi, s.xe + h*d.xe, s.xi + h*d.xi}
	}
	vth := float32(m.VThresh)
	for k := lo; k < hi; k++ {
		s := state{v: float64(m.V[k]), ge: float64(m.Ge[k]), gi: float64(m.Gi[k])}
		if alpha {
			s.xe, s.xi = float64(m.Xe[k]), float64(m.Xi[k])
		}
		in := float64(m.I[k])
		frozen := false
		if m.ref[k] > 0 {
			m.ref[k]--
			frozen = m.ref[k] > 0
		}
		var next state
		if m.Method == RK4 {
			k1 := f(s, in)
			k2 := f(axpy(s, dt/2, k1), in)
			k3 := f(axpy(s, dt/2, k2), in)
			k4 := f(axpy(s, dt, k3), in)
			next = axpy(axpy(axpy(axpy(s, dt/6, k1), dt/3, k2), dt/3, k3), dt/6, k4)
		} else {
			next = axpy(s, dt, f(s, in))
		}
		m.Ge[k], m.Gi[k] = float32(next.ge), float32(next.gi)
		if alpha {
			m.Xe[k], m.Xi[k] = float32(next.xe), float32(next.xi)
		}
		if frozen {
			continue
		}
		nv := float32(next.v)
		m.V[k] = nv
		if nv > vth {
			m.ref[k] = m.refSteps
			spikes = append(spikes, int32(k))
		}
	}
	return spikes
}

// Reset sets v = VReset (Step has already started the refractory period).
func (m *CondLIF) Reset(spikes []int32) { m.resetV(spikes, m.VReset) }
