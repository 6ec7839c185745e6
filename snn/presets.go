package snn

import (
	"fmt"
	"math/rand/v2"

	"github.com/neurite/neurite/topology"
)

// The presets build the standard benchmark networks with every parameter
// and initial condition of the reference Brian2 scripts
// (shared/peers/snn/brian2_lif.py and brian2_brunel.py). Each splits its
// neurons into populations "exc" and "inh" and draws its wiring and initial
// state from seed, so one seed gives one network. A network estimated to
// need more than half of the machine's memory (PresetEstimate) is refused
// with a *budget.Error before it is built; Preset takes another limit.

// buildRand returns the generator for a preset's construction.
func buildRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6e6575726974)) }

// COBAParams returns the neuron parameters of Brette et al. (2007)
// benchmark 1: Cm 200 pF, gL 10 nS (τm 20 ms), EL −60, Vt −50, Vr −60,
// Ee 0, Ei −80 mV, τe 5, τi 10 ms, refractory 5 ms, forward Euler.
func COBAParams() CondLIFParams {
	return CondLIFParams{Cm: 200, GL: 10, EL: -60, Ee: 0, Ei: -80, VThresh: -50, VReset: -60, TRef: 5, TauE: 5, TauI: 10}
}

// CUBAParams returns the neuron parameters of Brette et al. (2007)
// benchmark 2 as in Brian2's CUBA example: τm 20, τe 5, τi 10 ms,
// Vt −50, Vr −60, EL −49 mV, refractory 5 ms.
func CUBAParams() LIFParams {
	return LIFParams{TauM: 20, VRest: -49, VThresh: -50, VReset: -60, TRef: 5, TauE: 5, TauI: 10}
}

// splitEI returns the excitatory and inhibitory counts of an n-neuron
// benchmark network: 80% excitatory.
func splitEI(n int) (int, int, error) {
	if n < 5 {
		return 0, 0, fmt.Errorf("snn: benchmark network of %d neurons: need at least 5", n)
	}
	ne := int(0.8 * float64(n))
	return ne, n - ne, nil
}

// connectEI wires exc and inh populations all-to-all by fixed probability
// p (autapses allowed, as Brian2's connect(p=…) does), exc onto target
// variable te with weight we and inh onto ti with weight wi, with delay d:
// only sh's share of the synapses (see Share).
func connectEI(net *Network, exc, inh *Population, p float64, te, ti string, we, wi float32, d float64, r *rand.Rand, limit int64, sh Share) error {
	for _, c := range []struct {
		name      string
		pre, post *Population
		target    string
		w         float32
	}{
		{"exc-exc", exc, exc, te, we}, {"exc-inh", exc, inh, te, we},
		{"inh-exc", inh, exc, ti, wi}, {"inh-inh", inh, inh, ti, wi},
	} {
		g, err := topology.Budget(limit).FixedProbabilityPart(c.pre.Len(), c.post.Len(), p, true, sh.part(c.post.Len()), r)
		if err != nil {
			return err
		}
		if _, err := net.Connect(c.name, c.pre, c.post, c.target, g, c.w, d); err != nil {
			return err
		}
	}
	if sh.split() {
		net.Share = sh
	}
	return nil
}

// COBA builds Brette et al. (2007) benchmark 1 with n neurons: 80%
// excitatory, connection probability 80/n (0.02 at n = 4000, so 80 inputs
// per neuron whatever n), we = 6 nS, wi = 67 nS (0.6 and 6.7 in units of
// the leak conductance), no delay and no external drive. Initial state:
// v ~ U(Vr, Vt), ge ~ (N(0,1)·1.5 + 4)·10 nS, gi ~ (N(0,1)·12 + 20)·10 nS.
func COBA(n int, seed uint64) (*Network, error) { return coba(n, seed, 0, Share{}) }

// coba builds sh's share of COBA within limit bytes (0: budget.Default()).
func coba(n int, seed uint64, limit int64, sh Share) (*Network, error) {
	ne, ni, err := splitEI(n)
	if err != nil {
		return nil, err
	}
	if err := checkPreset("coba", n, limit, sh); err != nil {
		return nil, err
	}
	par := COBAParams()
	r := buildRand(seed)
	net := &Network{DT: 0.1}
	var pops [2]*Population
	for k, size := range []int{ne, ni} {
		m, err := NewCondLIF(size, par)
		if err != nil {
			return nil, err
		}
		for i := range size {
			m.V[i] = float32(par.VReset + r.Float64()*(par.VThresh-par.VReset))
			m.Ge[i] = float32((r.NormFloat64()*1.5 + 4) * 10)
			m.Gi[i] = float32((r.NormFloat64()*12 + 20) * 10)
		}
		pops[k] = net.AddPopulation([]string{"exc", "inh"}[k], m)
	}
	return net, connectEI(net, pops[0], pops[1], 80/float64(n), "ge", "gi", 6, 67, 0, r, limit, sh)
}

// CUBA builds Brette et al. (2007) benchmark 2 as in Brian2's CUBA example,
// with n neurons: 80% excitatory, probability 80/n, we = 60·0.27/10 mV,
// wi = −20·4.5/10 mV, exact integration, v ~ U(Vr, Vt), ge = gi = 0.
func CUBA(n int, seed uint64) (*Network, error) { return cuba(n, seed, 0, Share{}) }

// cuba builds sh's share of CUBA within limit bytes (0: budget.Default()).
func cuba(n int, seed uint64, limit int64, sh Share) (*Network, error) {
	ne, ni, err := splitEI(n)
	if err != nil {
		return nil, err
	}
	if err := checkPreset("cuba", n, limit, sh); err != nil {
		return nil, err
	}
	par := CUBAParams()
	r := buildRand(seed)
	net := &Network{DT: 0.1}
	var pops [2]*Population
	for k, size := range []int{ne, ni} {
		m, err := NewLIF(size, par)
		if err != nil {
			return nil, err
		}
		for i := range size {
			m.V[i] = float32(par.VReset + r.Float64()*(par.VThresh-par.VReset))
		}
		pops[k] = net.AddPopulation([]string{"exc", "inh"}[k], m)
	}
	return net, connectEI(net, pops[0], pops[1], 80/float64(n), "ge", "gi", 60*0.27/10, -20*4.5/10, 0, r, limit, sh)
}

// BrunelPanel names the four regimes of Brunel (2000), Fig. 8: relative
// inhibition g and external rate ν_ext/ν_thr.
type BrunelPanel struct {
	Name  string
	G     float64
	Ratio float64
}

// BrunelPanels are panels A (synchronous regular), B (fast oscillation),
// C (asynchronous irregular) and D (slow oscillation).
var BrunelPanels = map[string]BrunelPanel{
	"A": {"A", 3, 2}, "B": {"B", 6, 4}, "C": {"C", 5, 2}, "D": {"D", 4.5, 0.9},
}

// Brunel builds the sparse network of Brunel (2000) as in Brian2's example:
// nE excitatory and nE/4 inhibitory LIF neurons (τ 20 ms, θ 20 mV, Vr
// 10 mV, refractory 2 ms), each receiving from a random 10% of both
// populations delta synapses of J = 0.1 mV (−gJ if inhibitory) after
// D = 1.5 ms, plus 1000 external Poisson sources at ν_ext = ratio·ν_thr,
// ν_thr = θ/(J·C_E·τ). The reference size is nE = 10000.
func Brunel(nE int, panel BrunelPanel, seed uint64) (*Network, error) {
	return brunel(nE, panel, seed, 0, Share{})
}

// Brunel's connection probability ε and delay D (ms).
const brunelEps, brunelDelay = 0.1, 1.5

// brunel builds sh's share of Brunel's network within limit bytes (0:
// budget.Default()).
func brunel(nE int, panel BrunelPanel, seed uint64, limit int64, sh Share) (*Network, error) {
	if nE < 4 {
		return nil, fmt.Errorf("snn: Brunel network with %d excitatory neurons: need at least 4", nE)
	}
	nI := (nE + 2) / 4 // round(0.25·nE)
	if err := checkPreset("brunel", nE, limit, sh); err != nil {
		return nil, err
	}
	const (
		tau, theta, vr, tref = 20.0, 20.0, 10.0, 2.0
		j, d, eps            = 0.1, brunelDelay, brunelEps
	)
	par := LIFParams{TauM: tau, VRest: 0, VThresh: theta, VReset: vr, TRef: tref, TauE: 1, TauI: 1}
	cE := eps * float64(nE)
	nuThr := theta / (j * cE * tau) * 1000 // Hz
	r := buildRand(seed)
	net := &Network{DT: 0.1}
	var pops [2]*Population
	for k, size := range []int{nE, nI} {
		m, err := NewLIF(size, par)
		if err != nil {
			return nil, err
		}
		clear(m.V) // Brian2 starts v at 0
		pops[k] = net.AddPopulation([]string{"exc", "inh"}[k], m)
	}
	if err := connectEI(net, pops[0], pops[1], eps, "v", "v", j, float32(-panel.G*j), d, r, limit, sh); err != nil {
		return nil, err
	}
	for _, p := range pops {
		net.Inputs = append(net.Inputs, &PoissonInput{Pop: p, Var: "v", N: int(cE), Rate: panel.Ratio * nuThr, Weight: j})
	}
	return net, nil
}

// PresetOptions choose the size and variant of a preset network.
type PresetOptions struct {
	// N is the number of neurons for coba and cuba (default 4000), the
	// number of excitatory neurons for brunel (default 10000), and of
	// cells for hh (default 100). Izhikevich's network is fixed at 1000.
	N int
	// Panel is Brunel's regime: "A" (default), "B", "C" or "D".
	Panel string
	// Scale sizes the microcircuit: populations and in-degrees times
	// Scale, with NEST's compensation (see MicrocircuitOptions); default 1.
	Scale float64
	// Input is the microcircuit's background: "poisson" (default) or "dc".
	Input string
	// Seed fixes the wiring and initial state.
	Seed uint64
	// MaxMemory is the memory the network may need, in bytes (0: half of
	// the machine's memory); a larger one is refused with a
	// *budget.Error before it is built (see PresetEstimate).
	MaxMemory int64
	// Share builds only one rank's share of the network, for a
	// simulation split over processes (see Share; zero: the whole
	// network). MaxMemory then bounds the share.
	Share Share
}

// n returns the size of preset name: N, or its default.
func (o PresetOptions) n(name string) int {
	if o.N != 0 {
		return o.N
	}
	switch name {
	case "coba", "cuba":
		return 4000
	case "brunel":
		return 10000
	case "hh":
		return 100
	}
	return 0
}

// PresetNames lists the presets Preset builds.
var PresetNames = []string{"coba", "cuba", "brunel", "izhikevich", "hh", "microcircuit"}

// Preset builds a named benchmark network. A network estimated to need
// more than o.MaxMemory gives a *budget.Error.
func Preset(name string, o PresetOptions) (*Network, error) {
	n := o.n(name)
	if err := o.Share.check(); err != nil {
		return nil, err
	}
	switch name {
	case "coba":
		return coba(n, o.Seed, o.MaxMemory, o.Share)
	case "cuba":
		return cuba(n, o.Seed, o.MaxMemory, o.Share)
	case "brunel":
		panel := o.Panel
		if panel == "" {
			panel = "A"
		}
		p, ok := BrunelPanels[panel]
		if !ok {
			return nil, fmt.Errorf("snn: Brunel panel %q: want A, B, C or D", panel)
		}
		return brunel(n, p, o.Seed, o.MaxMemory, o.Share)
	case "izhikevich":
		return izhikevich(o.Seed, IzhikevichHalfSteps, o.Share)
	case "hh":
		net, err := hhCells(n, 0.1, o.MaxMemory)
		if err == nil && o.Share.split() {
			net.Share = o.Share // nothing to split: no synapses
		}
		return net, err
	case "microcircuit":
		s, err := MicrocircuitSpec(o.microcircuit())
		if err != nil {
			return nil, err
		}
		return s.BuildShare(o.Seed, o.MaxMemory, o.Share)
	}
	return nil, fmt.Errorf("snn: unknown preset %q (have %v)", name, PresetNames)
}

// IzhikevichNetwork builds the 1000-neuron network of Izhikevich (2003),
// Fig. 3 (net.m): 800 excitatory cells between regular spiking and
// chattering (c = −65 + 15r², d = 8 − 6r²), 200 inhibitory cells between
// fast and low-threshold spiking (a = 0.02 + 0.08r, b = 0.25 − 0.05r),
// all-to-all weights 0.5·U(0,1) from excitatory and −U(0,1) from inhibitory
// cells (self-connections included), thalamic input 5·N(0,1) and 2·N(0,1)
// redrawn every step, dt = 1 ms.
func IzhikevichNetwork(seed uint64, scheme IzhikevichScheme) (*Network, error) {
	return izhikevich(seed, scheme, Share{})
}

// izhikevich builds sh's share of IzhikevichNetwork: the weights of the
// synapses onto other ranks' neurons are drawn and skipped.
func izhikevich(seed uint64, scheme IzhikevichScheme, sh Share) (*Network, error) {
	const ne, ni = 800, 200
	r := buildRand(seed)
	net := &Network{DT: 1}
	exc, _ := NewIzhikevich(ne, IzhikevichPresets["RS"])
	inh, _ := NewIzhikevich(ni, IzhikevichPresets["FS"])
	for i := range ne {
		re := float32(r.Float64())
		exc.C[i] = -65 + 15*re*re
		exc.D[i] = 8 - 6*re*re
		exc.U[i] = exc.B[i] * exc.V[i]
	}
	for i := range ni {
		ri := float32(r.Float64())
		inh.A[i] = 0.02 + 0.08*ri
		inh.B[i] = 0.25 - 0.05*ri
		inh.C[i], inh.D[i] = -65, 2
		inh.U[i] = inh.B[i] * inh.V[i]
	}
	exc.Scheme, inh.Scheme = scheme, scheme
	pe, pi := net.AddPopulation("exc", exc), net.AddPopulation("inh", inh)
	for _, c := range []struct {
		name      string
		pre, post *Population
		scale     float64
	}{{"exc-exc", pe, pe, 0.5}, {"exc-inh", pe, pi, 0.5}, {"inh-exc", pi, pe, -1}, {"inh-inh", pi, pi, -1}} {
		g, err := topology.Budget(0).AllToAllPart(c.pre.Len(), c.post.Len(), true, sh.part(c.post.Len()))
		if err != nil {
			return nil, err
		}
		p, err := net.Connect(c.name, c.pre, c.post, "I", g, 0, 0)
		if err != nil {
			return nil, err
		}
		w := p.PerSynapseWeights()
		_ = wholeRuns(g, func(s, n int, kept bool) error {
			for k := range n {
				v := float32(c.scale * r.Float64())
				if kept {
					w[s+k] = v
				}
			}
			return nil
		})
	}
	if sh.split() {
		net.Share = sh
	}
	net.Inputs = append(net.Inputs,
		&Current{Pop: pe, Var: "Iext", Sigma: 5},
		&Current{Pop: pi, Var: "Iext", Sigma: 2})
	return net, nil
}

// HHCells builds n unconnected Hodgkin–Huxley somata (NEURON's hh at
// 6.3 °C, 20 µm × 20 µm) each driven by a constant current of amp nA, at
// dt = 0.025 ms: the single-cell reference of shared/peers/snn/neuron_hh.py
// (NEURON fires at 63 Hz with 0.1 nA). The population is named "hh".
func HHCells(n int, amp float64) (*Network, error) { return hhCells(n, amp, 0) }

// hhCells builds HHCells within limit bytes (0: budget.Default()).
func hhCells(n int, amp float64, limit int64) (*Network, error) {
	if n < 0 {
		return nil, fmt.Errorf("snn: HH: %d neurons", n)
	}
	if err := checkPreset("hh", n, limit, Share{}); err != nil {
		return nil, err
	}
	m, err := NewHH(n, HHDefault())
	if err != nil {
		return nil, err
	}
	net := &Network{DT: 0.025}
	p := net.AddPopulation("hh", m)
	net.Inputs = append(net.Inputs, &Current{Pop: p, Amplitude: amp})
	return net, nil
}

// microcircuit returns the options of the microcircuit preset.
func (o PresetOptions) microcircuit() MicrocircuitOptions {
	return MicrocircuitOptions{Scale: o.Scale, Input: o.Input}
}
