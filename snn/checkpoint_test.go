package snn_test

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/plasticity"
)

// stateCases cover every kind of state SaveState keeps: neurons and
// delay buffers (Brunel), weights and traces (STDP), rows and a random
// generator (structural), per-neuron short-term plasticity (STP), and
// models of each kind.
var stateCases = []struct {
	name  string
	build func() (*snn.Network, error)
}{
	{"brunel-stdp", func() (*snn.Network, error) {
		net, err := snn.Brunel(400, snn.BrunelPanels["C"], 5)
		if err != nil {
			return nil, err
		}
		net.Projections[0].Plasticity = &plasticity.STDP{APlus: 0.01, AMinus: 0.012, TauPlus: 20, TauMinus: 20, WMax: 0.3}
		net.Projections[1].Plasticity = plasticity.Chain{
			&plasticity.Triplet{A3Plus: 6.2e-3, A2Minus: 7e-3, A3Minus: 2.3e-4, TauPlus: 16.8, TauMinus: 33.7, TauX: 101, TauY: 125, WMax: 0.3},
			&plasticity.Scaling{Target: 10, Tau: 100, Every: 20, Gain: 0.1},
		}
		return net, nil
	}},
	{"cuba-structural-stp", func() (*snn.Network, error) {
		net, err := snn.CUBA(400, 5)
		if err != nil {
			return nil, err
		}
		net.Projections[0].Plasticity = &plasticity.Structural{Every: 10, PruneBelow: 0.5, Create: 50, NewWeight: 1.6, Seed: 9, Growth: plasticity.GrowActivity}
		net.Projections[3].Plasticity = &plasticity.RateHebb{Rate: 1e-6, Tau: 50, WMax: 2}
		net.Projections[2].STP = &snn.STP{U: 0.5, TauD: 100, TauF: 20}
		return net, nil
	}},
	{"izhikevich", func() (*snn.Network, error) { return snn.IzhikevichNetwork(5, snn.IzhikevichHalfSteps) }},
	{"adex-hh", func() (*snn.Network, error) {
		spec, err := snn.ParseSpec([]byte(`
populations:
  - {name: a, model: adex, n: 20, params: {TRef: 2}}
  - {name: h, model: hh, n: 10}
  - {name: s, model: spikes, spikes: [[1, 5, 30], [2, 60]]}
  - {name: p, model: poisson, n: 30, rate: 40}
projections:
  - {pre: p, post: a, target: Is, rule: all, weight: 40, delay: 1}
  - {pre: s, post: h, target: I, rule: all, weight: 0.5}
inputs:
  - {kind: current, population: a, var: I, amplitude: 300, sigma: 50}
`))
		if err != nil {
			return nil, err
		}
		return spec.Build(5)
	}},
}

// attach gives a simulation the monitors whose state is saved too.
func attach(t *testing.T, sim *snn.Sim, net *snn.Network) []*snn.SpikeMonitor {
	t.Helper()
	var mons []*snn.SpikeMonitor
	for _, p := range net.Populations {
		m, err := sim.MonitorSpikes(p)
		if err != nil {
			t.Fatal(err)
		}
		mons = append(mons, m)
		if _, err := sim.MonitorStats(p, 20); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sim.MonitorState(net.Populations[0], net.Populations[0].Model.Vars()[0], []int{0, 3}, 7); err != nil {
		t.Fatal(err)
	}
	if p := net.Populations[0]; p.Len() >= 2 {
		c, err := snn.NewCountCorrelation(p, 50, 20, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.StreamSpikes(p, c); err != nil {
			t.Fatal(err)
		}
		sim.TrackState("correlation", c)
	}
	return mons
}

func newSim(t *testing.T, build func() (*snn.Network, error), threads int) (*snn.Sim, *snn.Network, []*snn.SpikeMonitor) {
	t.Helper()
	net, err := build()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: threads, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	return sim, net, attach(t, sim, net)
}

func save(t *testing.T, sim *snn.Sim) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sim.SaveState(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSaveLoadState checks that a simulation saved part-way, loaded into
// a fresh one (with another thread count) and run on ends in the same
// state, bit for bit, as one run straight through: same spikes, and the
// same saved state (every variable, weight, row, trace, buffer and
// statistic).
func TestSaveLoadState(t *testing.T) {
	ctx := context.Background()
	for _, tc := range stateCases {
		t.Run(tc.name, func(t *testing.T) {
			dt := 0.1
			if tc.name == "izhikevich" {
				dt = 1
			}
			total, cut := 2000*dt, 1230*dt
			straight, _, want := newSim(t, tc.build, 2)
			if err := straight.Run(ctx, total, nil); err != nil {
				t.Fatal(err)
			}
			first, _, _ := newSim(t, tc.build, 1)
			if err := first.Run(ctx, cut, nil); err != nil {
				t.Fatal(err)
			}
			saved := save(t, first)
			resumed, _, got := newSim(t, tc.build, 3)
			if err := resumed.LoadState(bytes.NewReader(saved)); err != nil {
				t.Fatal(err)
			}
			if resumed.Steps() != first.Steps() {
				t.Fatalf("resumed at step %d, saved at %d", resumed.Steps(), first.Steps())
			}
			if err := resumed.Run(ctx, total-cut, nil); err != nil {
				t.Fatal(err)
			}
			spikes := 0
			for k := range want {
				spikes += want[k].Len()
				if !slices.Equal(got[k].Steps, want[k].Steps) || !slices.Equal(got[k].Index, want[k].Index) {
					t.Fatalf("population %s: the resumed run's spikes differ (%d vs %d)", want[k].Pop.Name, got[k].Len(), want[k].Len())
				}
			}
			if spikes == 0 {
				t.Fatal("no spikes: nothing was compared")
			}
			if a, b := save(t, resumed), save(t, straight); !bytes.Equal(a, b) {
				t.Fatalf("the resumed run's final state (%d bytes) differs from the straight run's (%d bytes)", len(a), len(b))
			}
		})
	}
}

// TestLoadStateRefuses checks that a state is refused, with an error
// saying why, by a simulation of another network, seed or time step, and
// when the file is damaged.
func TestLoadStateRefuses(t *testing.T) {
	build := stateCases[0].build
	sim, _, _ := newSim(t, build, 1)
	if err := sim.Run(context.Background(), 5, nil); err != nil {
		t.Fatal(err)
	}
	saved := save(t, sim)
	other := func(net *snn.Network, seed uint64, monitors bool) *snn.Sim {
		s, err := snn.NewSim(net, snn.SimOptions{Threads: 1, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if monitors {
			attach(t, s, net)
		}
		return s
	}
	bigger, err := snn.Brunel(408, snn.BrunelPanels["C"], 5)
	if err != nil {
		t.Fatal(err)
	}
	bigger.Projections[0].Plasticity = &plasticity.STDP{APlus: 0.01, AMinus: 0.012, TauPlus: 20, TauMinus: 20, WMax: 0.3}
	same := func() *snn.Network {
		net, err := build()
		if err != nil {
			t.Fatal(err)
		}
		return net
	}
	fineDT := same()
	fineDT.DT = 0.05
	tests := []struct {
		name string
		sim  *snn.Sim
		data []byte
		want string
	}{
		{"seed", other(same(), 12, true), saved, "seed 11"},
		{"size", other(bigger, 11, true), saved, "values"},
		{"no monitors", other(same(), 11, false), saved, "different network"},
		{"time step", other(fineDT, 11, true), saved, "time step"},
		{"truncated", other(same(), 11, true), saved[:len(saved)/2], "ends early"},
		{"not a state", other(same(), 11, true), []byte("hello"), "not a saved simulation state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.sim.LoadState(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadState = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

// TestStateVarsCoverModels guards the state lists against new fields: a
// model's slices that are neither saved nor known to be fixed once
// Prepare has run would make a resumed run drift.
func TestStateVarsCoverModels(t *testing.T) {
	// Slices that never change during a run (parameters, what Prepare
	// derives) or are scratch space.
	fixed := map[string]bool{"mask": true, "Times": true, "steps": true}
	lif, _ := snn.NewLIF(8, snn.LIFParams{TauM: 10, TauE: 5, TauI: 5, ThetaJump: 1, TauTheta: 10, Kernel: snn.AlphaKernel})
	cond, _ := snn.NewCondLIF(8, snn.COBAParams())
	izh, _ := snn.NewIzhikevich(8, snn.IzhikevichPresets["RS"])
	adex, _ := snn.NewAdEx(8, snn.AdExDefault())
	hh, _ := snn.NewHH(8, snn.HHDefault())
	pg, _ := snn.NewPoissonGroup(8, 5)
	st, _ := snn.NewSpikeTrains(make([][]float64, 8))
	for _, m := range []snn.Model{lif, cond, izh, adex, hh, pg, st} {
		if err := m.Prepare(0.1, snn.NewStream(1, 1)); err != nil {
			t.Fatal(err)
		}
		saved := map[uintptr]bool{}
		for _, v := range m.(snn.Stateful).StateVars() {
			saved[reflect.ValueOf(v.Ptr).Pointer()] = true
		}
		var walk func(v reflect.Value, path string)
		walk = func(v reflect.Value, path string) {
			for i := range v.NumField() {
				f, fv := v.Type().Field(i), v.Field(i)
				switch {
				case f.Anonymous && f.Type.Kind() == reflect.Struct:
					walk(fv, path)
				case f.Type.Kind() == reflect.Slice && !fixed[f.Name] && !fv.IsNil():
					if !saved[fv.Addr().Pointer()] {
						t.Errorf("%T: field %s%s is not in StateVars (save it, or list it as fixed in this test)", m, path, f.Name)
					}
				}
			}
		}
		walk(reflect.ValueOf(m).Elem(), "")
	}
}
