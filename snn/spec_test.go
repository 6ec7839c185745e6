package snn

import (
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

func buildSpecFile(t *testing.T, path string, seed uint64) *Network {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ParseSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	net, err := spec.Build(seed)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// TestSpecCOBA builds the COBA benchmark from its spec file and checks it
// fires like the preset: the same model, wired by the same rules.
func TestSpecCOBA(t *testing.T) {
	net := buildSpecFile(t, "testdata/coba.yaml", 2)
	if got := net.Neurons(); got != 4000 {
		t.Fatalf("%d neurons, want 4000", got)
	}
	if s := net.Synapses(); math.Abs(float64(s)-320000) > 5*math.Sqrt(320000) {
		t.Errorf("%d synapses, want about 320000", s)
	}
	sim, err := NewSim(net, SimOptions{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), 500, nil); err != nil {
		t.Fatal(err)
	}
	rate := float64(sim.SpikeCount(net.Populations[0])) / 3200 / 0.5
	if rate < 12 || rate > 30 {
		t.Errorf("exc rate %.1f Hz from the spec, want the COBA regime (~20 Hz)", rate)
	}
}

func TestSpecFeatures(t *testing.T) {
	net := buildSpecFile(t, "testdata/features.json", 1)
	in := net.Projections[0]
	if in.DelaySteps == nil || in.STP == nil {
		t.Fatal("conduction delays or STP not applied")
	}
	for _, w := range in.Weights {
		if w < 5 || w >= 15 {
			t.Fatalf("weight %v outside uniform [5, 15)", w)
		}
	}
	if izh := net.Populations[1].Model.(*Izhikevich); izh.D[0] != 2.5 || izh.C[0] != -50 {
		t.Errorf("izhikevich CH with d = 2.5: got c = %v, d = %v", izh.C[0], izh.D[0])
	}
	sim, err := NewSim(net, SimOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), 100, nil); err != nil {
		t.Fatal(err)
	}
	if sim.SpikeCount(net.Populations[1]) == 0 || sim.SpikeCount(net.Populations[3]) != 3 {
		t.Errorf("cells fired %d times, clock %d (want > 0 and 3)", sim.SpikeCount(net.Populations[1]), sim.SpikeCount(net.Populations[3]))
	}
}

func TestSpecErrors(t *testing.T) {
	cases := []struct {
		spec, want string
	}{
		{`populations: [{name: a, model: lif, n: 3, tauM: 5}]`, "unknown field"},
		{`populations: [{name: a, model: frog, n: 3}]`, `population 1 (a): model "frog"`},
		{`populations: [{name: a, model: lif, n: 0}]`, "n = 0"},
		{`populations: [{name: a, model: lif, n: 2, params: {TauM: -1}}]`, "TauM = -1"},
		{`populations: [{name: a, model: lif, n: 2, params: {Taum2: 3}}]`, "unknown field"},
		{`populations: [{name: a, model: lif, n: 2, init: {w: {value: 1}}}]`, `no variable "w"`},
		{`populations: [{name: a, model: lif, n: 2, init: {v: {value: 1, uniform: [0, 1]}}}]`, "exactly one"},
		{`populations: [{name: a, model: lif, n: 2}, {name: a, model: lif, n: 2}]`, "name used twice"},
		{`populations: [{name: a, model: lif, n: 2}]
projections: [{pre: a, post: b, target: ge, rule: all}]`, `post "b" is not a population`},
		{`populations: [{name: a, model: lif, n: 2}]
projections: [{pre: a, post: a, target: ge, rule: probability, p: 2}]`, "probability 2"},
		{`populations: [{name: a, model: lif, n: 2}]
projections: [{pre: a, post: a, target: zz, rule: all}]`, `no variable "zz"`},
		{`populations: [{name: a, model: lif, n: 2}]
projections: [{pre: a, post: a, target: v, rule: all, conduction: {Velocity: 1}}]`, "position"},
		{`populations: [{name: a, model: lif, n: 2}]
inputs: [{kind: poisson, population: a, var: v, n: 10, rate: 20000, weight: 1}]`, "exceeds one spike per step"},
		{`dt: -1`, "dt = -1"},
		{`populations: [{name: a, model: lif, n: 2}`, "network spec"},
	}
	for _, tc := range cases {
		spec, err := ParseSpec([]byte(tc.spec))
		if err == nil {
			_, err = spec.Build(1)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("spec %q: error %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
}

// FuzzParseSpec feeds arbitrary bytes to the parser and builder: they must
// return errors, never panic, and never build a network of absurd size
// (sizes are capped by the fuzz harness, since a real spec may be large).
func FuzzParseSpec(f *testing.F) {
	for _, path := range []string{"testdata/coba.yaml", "testdata/features.json"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`populations: [{name: a, model: lif, n: 2}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := ParseSpec(data)
		if err != nil {
			return
		}
		for _, p := range spec.Populations {
			if p.N > 1000 || len(p.Spikes) > 1000 {
				return
			}
			if p.Box != nil {
				for _, s := range p.Box {
					if math.Abs(s) > 1e6 {
						return
					}
				}
			}
		}
		for _, p := range spec.Projections {
			if p.K > 1000 {
				return
			}
		}
		spec.Build(1)
	})
}

// TestSpecBuildRepeatable: one seed, one network. A population with
// several initialised variables once drew them in a map's random order,
// so the same spec and seed gave different wirings from run to run.
func TestSpecBuildRepeatable(t *testing.T) {
	first := buildSpecFile(t, "testdata/coba.yaml", 5)
	for range 8 {
		net := buildSpecFile(t, "testdata/coba.yaml", 5)
		for k, p := range net.Projections {
			q := first.Projections[k]
			if !slices.Equal(p.RowPtr, q.RowPtr) || !slices.Equal(p.Targets, q.Targets) {
				t.Fatalf("projection %d: a second build with seed 5 has another wiring", k)
			}
		}
		for k, p := range net.Populations {
			if !slices.Equal(p.Model.Var("v"), first.Populations[k].Model.Var("v")) {
				t.Fatalf("population %s: a second build with seed 5 starts elsewhere", p.Name)
			}
		}
	}
}
