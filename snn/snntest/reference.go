package snntest

import (
	"context"
	"math"
	"testing"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

// simulate runs net for durMS on one worker and fails the test on error.
func simulate(t *testing.T, net *snn.Network, durMS float64, monitor *snn.Population) (*snn.Sim, *snn.SpikeMonitor) {
	t.Helper()
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var mon *snn.SpikeMonitor
	if monitor != nil {
		if mon, err = sim.MonitorSpikes(monitor); err != nil {
			t.Fatal(err)
		}
	}
	if err := sim.Run(context.Background(), durMS, nil); err != nil {
		t.Fatal(err)
	}
	return sim, mon
}

// lifParams is a plain LIF: rest −70 mV, threshold −50 mV, τm 10 ms.
func lifParams() snn.LIFParams {
	return snn.LIFParams{TauM: 10, VRest: -70, VThresh: -50, VReset: -70, TauE: 5, TauI: 10}
}

// LIFSubthreshold checks the LIF membrane under a constant input I
// (mV) below threshold against the closed form
// v(t) = VRest + I·(1 − e^(−t/τm)) at every step: the exact propagator
// must make the error independent of dt, down to float32 rounding.
func LIFSubthreshold(t *testing.T) {
	const input = 15.0 // asymptote −55 mV, below threshold
	for _, dt := range []float64{1, 0.1, 0.01} {
		m, err := snn.NewLIF(1, lifParams())
		if err != nil {
			t.Fatal(err)
		}
		m.I[0] = input
		net := &snn.Network{DT: dt}
		p := net.AddPopulation("lif", m)
		sim, err := snn.NewSim(net, snn.SimOptions{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		st, err := sim.MonitorState(p, "v", []int{0}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.Run(context.Background(), 50, nil); err != nil {
			t.Fatal(err)
		}
		for k, tm := range st.Times {
			want := -70 + input*(1-math.Exp(-tm/10))
			// float32 holds −70 mV to about 4e-6; the recurrence adds one
			// rounding per step, so allow 1e-5 mV per step taken.
			tol := 1e-5 * (1 + tm/dt)
			if d := math.Abs(float64(st.Values[k][0]) - want); d > tol {
				t.Fatalf("dt %v: v(%v ms) = %v, closed form %v (error %g > %g)", dt, tm, st.Values[k][0], want, d, tol)
			}
		}
	}
}

// LIFFirstSpike checks the time to first spike of a LIF from rest under a
// constant suprathreshold input I, T* = τm·ln(I / (I − (θ − VRest))),
// against the step at which the engine reports it: the first step whose
// end lies at or past T*.
func LIFFirstSpike(t *testing.T) {
	const input = 25.0
	tstar := 10 * math.Log(input/(input-20))
	for _, dt := range []float64{0.1, 0.05, 0.01} {
		m, _ := snn.NewLIF(1, lifParams())
		m.I[0] = input
		net := &snn.Network{DT: dt}
		p := net.AddPopulation("lif", m)
		_, mon := simulate(t, net, 30, p)
		if mon.Len() == 0 {
			t.Fatalf("dt %v: no spike; T* = %v ms", dt, tstar)
		}
		want := (math.Ceil(tstar/dt-1e-9) - 1) * dt
		if got := mon.Time(0); math.Abs(got-want) > dt/100 {
			t.Errorf("dt %v: first spike at %v ms, want %v ms (T* = %v ms)", dt, got, want, tstar)
		}
	}
}

// Delays checks that a synaptic delay d shifts the postsynaptic spike by
// exactly d/dt steps, for shared and per-synapse delays: a source spike at
// step s reaches the target's v at step s + d/dt and makes it fire at the
// next step.
func Delays(t *testing.T) {
	const dt = 0.1
	for _, perSynapse := range []bool{false, true} {
		for _, delaySteps := range []int{0, 1, 15, 40} {
			src, _ := snn.NewSpikeTrains([][]float64{{10}})
			dst, _ := snn.NewLIF(1, lifParams())
			net := &snn.Network{DT: dt}
			ps, pd := net.AddPopulation("src", src), net.AddPopulation("dst", dst)
			g, _ := topology.OneToOne(1)
			proj, err := net.Connect("src-dst", ps, pd, "v", g, 30, float64(delaySteps)*dt)
			if err != nil {
				t.Fatal(err)
			}
			if perSynapse {
				proj.Delay = 0
				proj.DelaySteps = []uint16{uint16(delaySteps)}
			}
			_, mon := simulate(t, net, 20, pd)
			if mon.Len() != 1 {
				t.Fatalf("delay %d steps (per synapse %v): target fired %d times, want 1", delaySteps, perSynapse, mon.Len())
			}
			if want := int32(100 + delaySteps + 1); mon.Steps[0] != want {
				t.Errorf("delay %d steps (per synapse %v): target fired at step %d, want %d", delaySteps, perSynapse, mon.Steps[0], want)
			}
		}
	}
}

// isis returns the interspike intervals of a spike train.
func isis(tr []float64) []float64 {
	var out []float64
	for k := 1; k < len(tr); k++ {
		out = append(out, tr[k]-tr[k-1])
	}
	return out
}

// izhikevichTrain drives one neuron of a preset with I = 10 from rest for
// 500 ms at dt = 0.1 ms, as in Izhikevich (2003), Fig. 2.
func izhikevichTrain(t *testing.T, preset string) []float64 {
	m, err := snn.NewIzhikevich(1, snn.IzhikevichPresets[preset])
	if err != nil {
		t.Fatal(err)
	}
	m.Iext[0] = 10
	net := &snn.Network{DT: 0.1}
	p := net.AddPopulation(preset, m)
	_, mon := simulate(t, net, 500, p)
	return mon.Trains()[0]
}

// IzhikevichPatterns checks the firing patterns of the paper's presets
// (Izhikevich 2003, Fig. 2) under a step of I = 10: regular spiking adapts
// and never bursts; intrinsically bursting opens with a burst then fires
// tonically; chattering fires repeated bursts; fast spiking fires fast
// without adapting; low-threshold spiking fires fast and adapts.
func IzhikevichPatterns(t *testing.T) {
	const burstISI, pauseISI = 10.0, 20.0 // ms: within a burst, between bursts
	rs := isis(izhikevichTrain(t, "RS"))
	if len(rs) < 5 || minOf(rs) < burstISI || rs[len(rs)-1] < 1.5*rs[0] {
		t.Errorf("RS intervals %v: want adaptation (last ≥ 1.5 × first) and no burst (all ≥ %v ms)", rs, burstISI)
	}
	ib := isis(izhikevichTrain(t, "IB"))
	if len(ib) < 5 || ib[0] >= burstISI || ib[1] >= burstISI || minOf(ib[2:]) < pauseISI {
		t.Errorf("IB intervals %v: want an initial burst (two intervals < %v ms), then tonic firing (all ≥ %v ms)", ib, burstISI, pauseISI)
	}
	ch := isis(izhikevichTrain(t, "CH"))
	bursts := 0
	for k := 1; k < len(ch); k++ {
		if ch[k] > pauseISI && ch[k-1] < burstISI {
			bursts++
		}
	}
	if bursts < 5 {
		t.Errorf("CH intervals %v: %d bursts in 500 ms, want ≥ 5", ch, bursts)
	}
	fs := isis(izhikevichTrain(t, "FS"))
	if len(fs) < 40 || maxOf(fs) > burstISI || fs[len(fs)-1] > 2*fs[0] {
		t.Errorf("FS intervals %v: want ≥ 40 spikes, all intervals < %v ms, little adaptation", fs, burstISI)
	}
	lts := isis(izhikevichTrain(t, "LTS"))
	if len(lts) < 20 || lts[0] > 5 || lts[len(lts)-1] < 2*lts[0] {
		t.Errorf("LTS intervals %v: want fast onset (first < 5 ms) and adaptation (last ≥ 2 × first)", lts)
	}
}

func minOf(s []float64) float64 {
	m := math.Inf(1)
	for _, v := range s {
		m = min(m, v)
	}
	return m
}

func maxOf(s []float64) float64 {
	m := math.Inf(-1)
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

// hhRate returns the firing rate (Hz) of one NEURON-style HH soma under a
// constant current amp (nA) over 1 s at dt = 0.025 ms.
func hhRate(t *testing.T, amp float64, method snn.Method) float64 {
	p := snn.HHDefault()
	p.Method = method
	m, err := snn.NewHH(1, p)
	if err != nil {
		t.Fatal(err)
	}
	m.I[0] = float32(amp)
	net := &snn.Network{DT: 0.025}
	pop := net.AddPopulation("hh", m)
	_, mon := simulate(t, net, 1000, pop)
	return float64(mon.Len())
}

// HHFiring checks the Hodgkin–Huxley model against NEURON 8.2.2's hh
// mechanism (shared/peers/snn/neuron_hh.py: a 20 µm soma at 6.3 °C fires
// at 63 Hz under 0.1 nA) and against the known onset of repetitive firing
// near 6.26 µA/cm² (Rinzel & Miller 1980): 0.075 nA (5.97 µA/cm²) gives at
// most a spike or two, 0.08 nA (6.37 µA/cm²) sustained firing.
func HHFiring(t *testing.T) {
	for _, method := range []snn.Method{snn.Euler, snn.RK4} {
		if r := hhRate(t, 0.1, method); math.Abs(r/63-1) > 0.05 {
			t.Errorf("%v: rate under 0.1 nA = %v Hz, NEURON 63 Hz ± 5%%", method, r)
		}
		if r := hhRate(t, 0.075, method); r > 2 {
			t.Errorf("%v: %v spikes under 5.97 µA/cm², below the onset of repetitive firing", method, r)
		}
		if r := hhRate(t, 0.08, method); r < 40 {
			t.Errorf("%v: %v Hz under 6.37 µA/cm², want sustained firing above the onset", method, r)
		}
	}
}

// AdExAdaptation checks spike-frequency adaptation (fatigue) of the
// Brette & Gerstner (2005) cell under a constant current: intervals
// lengthen, and the adaptation current w grows by b per spike.
func AdExAdaptation(t *testing.T) {
	m, err := snn.NewAdEx(1, snn.AdExDefault())
	if err != nil {
		t.Fatal(err)
	}
	m.I[0] = 1000 // pA
	net := &snn.Network{DT: 0.1}
	p := net.AddPopulation("adex", m)
	_, mon := simulate(t, net, 500, p)
	iv := isis(mon.Trains()[0])
	if len(iv) < 5 || iv[len(iv)-1] < 2*iv[0] {
		t.Errorf("AdEx intervals %v: want ≥ 5 intervals, the last at least twice the first", iv)
	}
}

// STPSteadyState checks Tsodyks–Markram short-term plasticity against the
// closed-form steady states of a regular train with interval Δ: pure
// depression (τF = 0) settles at efficacy U·R∞ with
// R∞ = (1 − e^(−Δ/τD)) / (1 − (1 − U)·e^(−Δ/τD)); pure facilitation
// (τD → 0) at u∞ = U / (1 − (1 − U)·e^(−Δ/τF)) (Tsodyks, Pawelzik &
// Markram 1998).
func STPSteadyState(t *testing.T) {
	const period, n = 20.0, 80 // ms between spikes, spikes (enough to settle within 1e-5)
	cases := []struct {
		name string
		stp  snn.STP
		want float64
	}{
		{"depression", snn.STP{U: 0.5, TauD: 200}, 0.5 * (1 - math.Exp(-period/200)) / (1 - 0.5*math.Exp(-period/200))},
		{"facilitation", snn.STP{U: 0.1, TauD: 1e-6, TauF: 300}, 0.1 / (1 - 0.9*math.Exp(-period/300))},
	}
	for _, c := range cases {
		times := make([]float64, n)
		for k := range times {
			times[k] = 10 + period*float64(k)
		}
		// The steady-state jumps dominate the tail of the train: their mean
		// is the difference between the totals with and without the last 10.
		last10 := (stpTotal(t, c.stp, times) - stpTotal(t, c.stp, times[:n-10])) / 10
		if math.Abs(last10/c.want-1) > 1e-3 {
			t.Errorf("%s: steady-state efficacy %v, closed form %v", c.name, last10, c.want)
		}
	}
}

// stpTotal sends a spike train through a unit-weight synapse with short-term
// plasticity onto a target whose ge does not decay (τe = 10¹² ms) and which
// never fires, and returns the accumulated ge: the sum of the efficacies.
func stpTotal(t *testing.T, stp snn.STP, times []float64) float64 {
	par := lifParams()
	par.TauE = 1e12
	par.VThresh = 1e9
	src, _ := snn.NewSpikeTrains([][]float64{times})
	dst, _ := snn.NewLIF(1, par)
	net := &snn.Network{DT: 0.1}
	ps, pd := net.AddPopulation("src", src), net.AddPopulation("dst", dst)
	g, _ := topology.OneToOne(1)
	proj, err := net.Connect("stp", ps, pd, "ge", g, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	proj.STP = &stp
	simulate(t, net, times[len(times)-1]+1, nil)
	return float64(dst.Ge[0])
}

// EulerConvergence checks that the conductance-based LIF's Euler scheme
// converges at first order and RK4 at fourth order, against the closed form
// of its membrane under a constant current without synaptic input,
// v(t) = EL + I/gL·(1 − e^(−t·gL/Cm)).
func EulerConvergence(t *testing.T) {
	par := snn.CondLIFParams{Cm: 200, GL: 10, EL: -60, Ee: 0, Ei: -80, VThresh: 100, VReset: -60, TauE: 5, TauI: 10}
	const current, horizon = 150.0, 10.0 // pA (asymptote −45 mV), ms
	want := -60 + current/10*(1-math.Exp(-horizon*10/200))
	errAt := func(method snn.Method, dt float64) float64 {
		par.Method = method
		m, _ := snn.NewCondLIF(1, par)
		m.I[0] = current
		net := &snn.Network{DT: dt}
		net.AddPopulation("c", m)
		simulate(t, net, horizon, nil)
		return math.Abs(float64(m.V[0]) - want)
	}
	prev := errAt(snn.Euler, 0.4)
	for _, dt := range []float64{0.2, 0.1, 0.05} {
		e := errAt(snn.Euler, dt)
		if ratio := prev / e; ratio < 1.7 || ratio > 2.3 {
			t.Errorf("Euler: halving dt to %v shrank the error by %.2f, want ≈ 2 (first order)", dt, ratio)
		}
		prev = e
	}
	// RK4 at dt = 0.4 is already below float32 resolution near −50 mV.
	if e := errAt(snn.RK4, 0.4); e > 1e-4 {
		t.Errorf("RK4 error at dt 0.4 = %g mV, want < 1e-4", e)
	}
}

// AnatomicalDelays checks that conduction delays follow distance/velocity:
// two neurons 10 mm apart at 1 m/s are 10 ms apart, halving the velocity
// doubles it, and a Q10 of 2 over 10 °C halves it again.
func AnatomicalDelays(t *testing.T) {
	cases := []struct {
		c    snn.Conduction
		want float64 // ms
	}{
		{snn.Conduction{Velocity: 1}, 10},
		{snn.Conduction{Velocity: 1, Factor: 0.5}, 20},
		{snn.Conduction{Velocity: 1, Synaptic: 0.5}, 10.5},
		{snn.Conduction{Velocity: 1, Q10: 2, Temperature: 27, RefTemperature: 37}, 20},
		{snn.Conduction{Velocity: 119}, 0.1}, // fastest fibres: 10 mm in 0.084 ms, one step
	}
	for _, tc := range cases {
		src, _ := snn.NewSpikeTrains([][]float64{{5}})
		dst, _ := snn.NewLIF(1, lifParams())
		net := &snn.Network{DT: 0.1}
		ps, pd := net.AddPopulation("src", src), net.AddPopulation("dst", dst)
		ps.Positions = [][3]float64{{0, 0, 0}}
		pd.Positions = [][3]float64{{6, 8, 0}} // 10 mm away
		g, _ := topology.OneToOne(1)
		proj, err := net.Connect("axon", ps, pd, "v", g, 30, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := snn.SetAnatomicalDelays(proj, net.DT, tc.c); err != nil {
			t.Fatal(err)
		}
		_, mon := simulate(t, net, 40, pd)
		if mon.Len() != 1 {
			t.Fatalf("%+v: target fired %d times", tc.c, mon.Len())
		}
		// Source fires at 5 ms; the target one step after the arrival.
		want := 5 + math.Round(tc.want/0.1)*0.1 + 0.1
		if got := mon.Time(0); math.Abs(got-want) > 1e-9 {
			t.Errorf("%+v: target fired at %v ms, want %v ms", tc.c, got, want)
		}
	}
	bad := []snn.Conduction{{Velocity: 0}, {Velocity: -1}, {Velocity: 1, Factor: -1}}
	for _, c := range bad {
		if c.Validate() == nil {
			t.Errorf("%+v.Validate() = nil, want an error", c)
		}
	}
}

// AlphaKernel checks the alpha synapse of both LIF models: one unit jump
// into xe makes ge follow (t/τe)·e^(1−t/τe), peaking at 1 after τe.
func AlphaKernel(t *testing.T) {
	const tau = 5.0
	models := map[string]func() (snn.Model, []float32){
		"LIF": func() (snn.Model, []float32) {
			p := lifParams()
			p.TauE, p.Kernel, p.VThresh = tau, snn.AlphaKernel, 1e9
			m, _ := snn.NewLIF(1, p)
			return m, m.Xe
		},
		"CondLIF-RK4": func() (snn.Model, []float32) {
			p := snn.COBAParams()
			p.TauE, p.Kernel, p.Method, p.VThresh = tau, snn.AlphaKernel, snn.RK4, 1e9
			m, _ := snn.NewCondLIF(1, p)
			return m, m.Xe
		},
	}
	for name, build := range models {
		m, xe := build()
		xe[0] = 1
		net := &snn.Network{DT: 0.01}
		p := net.AddPopulation(name, m)
		sim, err := snn.NewSim(net, snn.SimOptions{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := sim.MonitorState(p, "ge", []int{0}, 10)
		if err := sim.Run(context.Background(), 30, nil); err != nil {
			t.Fatal(err)
		}
		for k, tm := range st.Times {
			want := tm / tau * math.Exp(1-tm/tau)
			if d := math.Abs(float64(st.Values[k][0]) - want); d > 1e-5 {
				t.Fatalf("%s: ge(%v ms) = %v, alpha function %v", name, tm, st.Values[k][0], want)
			}
		}
	}
}
