package snn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Kernel is the time course of a synaptic input after one presynaptic
// spike.
type Kernel int

const (
	// ExpKernel jumps by the synaptic weight and decays exponentially
	// with the synapse's time constant τ.
	ExpKernel Kernel = iota
	// AlphaKernel rises and falls as (t/τ)·e^(1−t/τ), peaking at the
	// weight after τ ms. Synapses add to the jump variables xe and xi,
	// which drive ge and gi.
	AlphaKernel
)

// LIFParams are the parameters of a current-based leaky integrate-and-fire
// population:
//
//	τm dv/dt = (VRest − v) + ge + gi + I        (mV)
//	dge/dt = −ge/τe,   dgi/dt = −gi/τi           (exponential kernel)
//
// with a spike when v > VThresh + θ, then v = VReset and the membrane
// frozen for TRef ms. ge, gi and I are inputs in units of voltage (the
// synaptic or injected current times the membrane resistance), as in
// Brette et al. (2007) benchmark 2 (CUBA) and Brian2's CUBA example.
// Synapses may also add to v directly (delta synapses, Brunel 2000).
//
// With CM set, ge, gi and I are currents in pA instead, and the membrane
// follows NEST's iaf_psc_exp (Tsodyks et al. 2000; Rotter & Diesmann
// 1999), whose parameters go in unchanged (C_m, tau_m, tau_syn_ex,
// tau_syn_in, E_L, V_th, V_reset, t_ref as CM, TauM, TauE, TauI, VRest,
// VThresh, VReset, TRef):
//
//	τm dv/dt = (VRest − v) + (ge + gi + I)·τm/CM      (mV, with currents in pA)
type LIFParams struct {
	TauM    float64 // membrane time constant, ms (> 0)
	VRest   float64 // resting potential E_L, mV
	VThresh float64 // threshold, mV
	VReset  float64 // reset potential, mV
	TRef    float64 // absolute refractory period, ms (≥ 0)
	TauE    float64 // excitatory synaptic time constant, ms (> 0)
	TauI    float64 // inhibitory synaptic time constant, ms (> 0)
	Kernel  Kernel  // synaptic kernel; the zero value is ExpKernel
	// CM is the membrane capacitance in pF (≥ 0). Set, it makes ge, gi
	// and I currents in pA; 0 (the default) keeps them in mV.
	CM float64

	// Threshold adaptation ("fatigue"): each spike raises the threshold by
	// ThetaJump mV, and the rise θ decays back with TauTheta ms.
	// ThetaJump = 0 (the default) turns adaptation off.
	ThetaJump float64
	TauTheta  float64
}

// Validate reports parameters that cannot be simulated.
func (p LIFParams) Validate() error {
	err := firstErr(
		positive("LIF", "TauM", p.TauM), positive("LIF", "TauE", p.TauE), positive("LIF", "TauI", p.TauI),
		nonNegative("LIF", "TRef", p.TRef), finite("LIF", "VRest", p.VRest),
		finite("LIF", "VThresh", p.VThresh), finite("LIF", "VReset", p.VReset),
		nonNegative("LIF", "ThetaJump", p.ThetaJump), nonNegative("LIF", "CM", p.CM),
	)
	if err == nil && p.ThetaJump > 0 {
		err = positive("LIF", "TauTheta", p.TauTheta)
	}
	if err == nil && p.Kernel != ExpKernel && p.Kernel != AlphaKernel {
		err = fmt.Errorf("snn: LIF: unknown synaptic kernel %d", p.Kernel)
	}
	return err
}

// LIF is a population of current-based leaky integrate-and-fire neurons.
// The subthreshold dynamics are linear, so each step applies their exact
// propagator (Rotter & Diesmann 1999): the result does not depend on dt
// except through when spikes are detected.
type LIF struct {
	LIFParams
	ifState           // V (mV), Ge, Gi, I (mV, or pA with CM), Xe, Xi
	Theta   []float32 // threshold rise, mV (nil without adaptation)

	prop   lifPropagator
	consts lifConsts
}

// lifPropagator holds the entries of exp(A·dt) for the state
// (v, ge, gi, xe, xi, I, 1) that the update uses.
type lifPropagator struct {
	vv, vge, vgi, vxe, vxi, vI, v1 float32
	gege, gexe, xexe               float32
	gigi, gixi, xixi               float32
	theta                          float32
}

// NewLIF returns n neurons at rest (v = VRest, no input).
func NewLIF(n int, p LIFParams) (*LIF, error) {
	if n < 0 {
		return nil, fmt.Errorf("snn: LIF: %d neurons", n)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := &LIF{LIFParams: p, ifState: newIFState(n, p.VRest, p.Kernel == AlphaKernel)}
	if p.ThetaJump > 0 {
		m.Theta = make([]float32, n)
	}
	return m, nil
}

// Vars lists the variables: v, ge, gi, I, and xe, xi with the alpha
// kernel, theta with adaptation.
func (m *LIF) Vars() []string {
	names := m.ifState.Vars()
	if m.Theta != nil {
		names = append(names, "theta")
	}
	return names
}

// Var returns a variable's storage by name, or nil.
func (m *LIF) Var(name string) []float32 {
	if name == "theta" {
		return m.Theta
	}
	return m.ifState.Var(name)
}

// Prepare computes the propagator for step dt by the matrix exponential of
// the linear system, augmented with a constant to carry VRest.
func (m *LIF) Prepare(dt float64, _ Stream) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := positive("LIF", "dt", dt); err != nil {
		return err
	}
	const v, ge, gi, xe, xi, in, one = 0, 1, 2, 3, 4, 5, 6
	a := mat.NewDense(7, 7, nil)
	tm, te, ti := m.TauM, m.TauE, m.TauI
	// Inputs in mV drive v at 1/τm; currents in pA at 1/CM (R/τm with
	// R = τm/CM in GΩ, so pA·GΩ = mV).
	gain := 1 / tm
	if m.CM > 0 {
		gain = 1 / m.CM
	}
	a.Set(v, v, -1/tm)
	a.Set(v, ge, gain)
	a.Set(v, gi, gain)
	a.Set(v, in, gain)
	a.Set(v, one, m.VRest/tm)
	a.Set(ge, ge, -1/te)
	a.Set(gi, gi, -1/ti)
	if m.Kernel == AlphaKernel {
		a.Set(ge, xe, math.E/te)
		a.Set(xe, xe, -1/te)
		a.Set(gi, xi, math.E/ti)
		a.Set(xi, xi, -1/ti)
	}
	a.Scale(dt, a)
	var p mat.Dense
	p.Exp(a)
	f := func(i, j int) float32 { return float32(p.At(i, j)) }
	m.prop = lifPropagator{
		vv: f(v, v), vge: f(v, ge), vgi: f(v, gi), vxe: f(v, xe), vxi: f(v, xi), vI: f(v, in), v1: f(v, one),
		gege: f(ge, ge), gexe: f(ge, xe), xexe: f(xe, xe),
		gigi: f(gi, gi), gixi: f(gi, xi), xixi: f(xi, xi),
	}
	if m.Theta != nil {
		m.prop.theta = float32(math.Exp(-dt / m.TauTheta))
	}
	m.refSteps = refractorySteps(m.TRef, dt)
	pr := &m.prop
	m.consts = lifConsts{
		vv: broadcast(pr.vv), vge: broadcast(pr.vge), vgi: broadcast(pr.vgi), vI: broadcast(pr.vI), v1: broadcast(pr.v1),
		gege: broadcast(pr.gege), gigi: broadcast(pr.gigi), vth: broadcast(float32(m.VThresh)),
		one: ibroadcast(1), refSteps: ibroadcast(m.refSteps),
	}
	return nil
}

// Step advances neurons [lo, hi) by one step.
func (m *LIF) Step(_ int64, lo, hi int, spikes []int32) []int32 {
	if m.Xe == nil && m.Theta == nil {
		return m.stepExp(lo, hi, spikes)
	}
	p := &m.prop
	vth := float32(m.VThresh)
	V, Ge, Gi, I, ref := m.V[lo:hi], m.Ge[lo:hi], m.Gi[lo:hi], m.I[lo:hi], m.ref[lo:hi]
	var theta []float32
	if m.Theta != nil {
		theta = m.Theta[lo:hi]
	}
	alpha := m.Xe != nil
	var Xe, Xi []float32
	if alpha {
		Xe, Xi = m.Xe[lo:hi], m.Xi[lo:hi]
	}
	for k := range V {
		ge, gi := Ge[k], Gi[k]
		var xe, xi float32
		if alpha {
			xe, xi = Xe[k], Xi[k]
			Xe[k], Xi[k] = p.xexe*xe, p.xixi*xi
			Ge[k], Gi[k] = p.gege*ge+p.gexe*xe, p.gigi*gi+p.gixi*xi
		} else {
			Ge[k], Gi[k] = p.gege*ge, p.gigi*gi
		}
		th := vth
		if theta != nil {
			theta[k] *= p.theta
			th += theta[k]
		}
		if ref[k] > 0 {
			ref[k]--
			if ref[k] > 0 {
				continue
			}
		}
		v := p.vv*V[k] + p.vge*ge + p.vgi*gi + p.vI*I[k] + p.v1
		if alpha {
			v += p.vxe*xe + p.vxi*xi
		}
		V[k] = v
		if v > th {
			ref[k] = m.refSteps
			spikes = append(spikes, int32(lo+k))
		}
	}
	return spikes
}

// stepExp is Step for the common case (exponential kernel, fixed
// threshold), without the per-neuron branches of the general loop.
func (m *LIF) stepExp(lo, hi int, spikes []int32) []int32 {
	spikes, lo = m.vectorBulk(lo, hi, spikes, func(i, n int, mask *uint8) {
		lifExpAVX2(&m.V[i], &m.Ge[i], &m.Gi[i], &m.I[i], &m.ref[i], n, &m.consts, mask)
	})
	return m.stepExpGo(lo, hi, spikes)
}

// stepExpGo is the Go update, the reference for lifExpAVX2.
func (m *LIF) stepExpGo(lo, hi int, spikes []int32) []int32 {
	p := m.prop
	vth := float32(m.VThresh)
	refSteps := m.refSteps
	V := m.V[lo:hi]
	n := len(V)
	Ge, Gi, I, ref := m.Ge[lo:lo+n], m.Gi[lo:lo+n], m.I[lo:lo+n], m.ref[lo:lo+n]
	for k := range V {
		ge, gi := Ge[k], Gi[k]
		Ge[k], Gi[k] = p.gege*ge, p.gigi*gi
		if r := ref[k]; r > 0 {
			ref[k] = r - 1
			if r > 1 {
				continue
			}
		}
		v := p.vv*V[k] + p.vge*ge + p.vgi*gi + p.vI*I[k] + p.v1
		V[k] = v
		if v > vth {
			ref[k] = refSteps
			spikes = append(spikes, int32(lo+k))
		}
	}
	return spikes
}

// Reset sets v = VReset and raises the adaptive threshold of the neurons
// that fired (Step has already started their refractory period).
func (m *LIF) Reset(spikes []int32) {
	m.resetV(spikes, m.VReset)
	if m.Theta != nil {
		for _, i := range spikes {
			m.Theta[i] += float32(m.ThetaJump)
		}
	}
}
