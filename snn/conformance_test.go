package snn_test

import (
	"testing"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/snntest"
)

func TestModelsConform(t *testing.T) {
	cases := []snntest.Case{
		{Name: "LIF", DT: 0.1, Drive: "I", Amplitude: 30, New: func(n int, tref float64) (snn.Model, error) {
			p := snn.CUBAParams()
			p.TRef = tref
			return snn.NewLIF(n, p)
		}},
		{Name: "LIF-alpha-adaptive", DT: 0.1, Drive: "I", Amplitude: 30, New: func(n int, tref float64) (snn.Model, error) {
			p := snn.CUBAParams()
			p.TRef, p.Kernel, p.ThetaJump, p.TauTheta = tref, snn.AlphaKernel, 1, 50
			return snn.NewLIF(n, p)
		}},
		{Name: "CondLIF", DT: 0.1, Drive: "I", Amplitude: 300, New: func(n int, tref float64) (snn.Model, error) {
			p := snn.COBAParams()
			p.TRef = tref
			return snn.NewCondLIF(n, p)
		}},
		{Name: "CondLIF-RK4", DT: 0.1, Drive: "I", Amplitude: 300, New: func(n int, tref float64) (snn.Model, error) {
			p := snn.COBAParams()
			p.TRef, p.Method = tref, snn.RK4
			return snn.NewCondLIF(n, p)
		}},
		{Name: "CondLIF-alpha", DT: 0.1, Drive: "I", Amplitude: 300, New: func(n int, tref float64) (snn.Model, error) {
			p := snn.COBAParams()
			p.TRef, p.Kernel = tref, snn.AlphaKernel
			return snn.NewCondLIF(n, p)
		}},
		{Name: "Izhikevich", DT: 0.1, Drive: "Iext", Amplitude: 10, New: func(n int, tref float64) (snn.Model, error) {
			m, err := snn.NewIzhikevich(n, snn.IzhikevichPresets["RS"])
			if err == nil {
				m.TRef = tref
			}
			return m, err
		}},
		{Name: "AdEx", DT: 0.1, Drive: "I", Amplitude: 1000, New: func(n int, tref float64) (snn.Model, error) {
			p := snn.AdExDefault()
			p.TRef = tref
			return snn.NewAdEx(n, p)
		}},
		{Name: "HH", DT: 0.025, Drive: "I", Amplitude: 0.1, New: func(n int, tref float64) (snn.Model, error) {
			p := snn.HHDefault()
			p.TRef = tref
			return snn.NewHH(n, p)
		}},
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) { snntest.Model(t, c) })
	}
}

func TestLIFSubthreshold(t *testing.T)    { snntest.LIFSubthreshold(t) }
func TestLIFFirstSpike(t *testing.T)      { snntest.LIFFirstSpike(t) }
func TestDelays(t *testing.T)             { snntest.Delays(t) }
func TestIzhikevichPatterns(t *testing.T) { snntest.IzhikevichPatterns(t) }
func TestHHFiring(t *testing.T)           { snntest.HHFiring(t) }
func TestAdExAdaptation(t *testing.T)     { snntest.AdExAdaptation(t) }
func TestSTPSteadyState(t *testing.T)     { snntest.STPSteadyState(t) }
func TestEulerConvergence(t *testing.T)   { snntest.EulerConvergence(t) }

func TestAnatomicalDelays(t *testing.T) { snntest.AnatomicalDelays(t) }
func TestAlphaKernel(t *testing.T)      { snntest.AlphaKernel(t) }
