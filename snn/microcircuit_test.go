package snn

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/microcircuit.json from MicrocircuitSpec")

// TestMicrocircuitSpec checks the full-scale model's numbers against the
// published ones, without building it.
func TestMicrocircuitSpec(t *testing.T) {
	s, err := MicrocircuitSpec(MicrocircuitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := s.Estimate()
	if e.Neurons != 77169 {
		t.Errorf("%v neurons, want 77169", e.Neurons)
	}
	// Potjans & Diesmann (2014): about 0.3 billion synapses.
	if e.Synapses < 2.98e8 || e.Synapses > 3.0e8 {
		t.Errorf("%.4g synapses, want about 2.99e8", e.Synapses)
	}
	// The PSC of a 0.15 mV PSP on iaf_psc_exp with C_m 250 pF, τm 10 ms
	// and τsyn 0.5 ms: 87.81 pA (the contract's example; helpers.py's
	// formula evaluated in float64 with Python gives 87.80849); doubled from
	// L4E to L2/3E; −4 times from inhibitory populations. 1e-4 pA: the
	// printed digits.
	const pA = 1e-4
	want := map[string]float64{"L4E-L23E": 175.6170, "L23E-L23E": 87.8085, "L23I-L4E": -351.2340}
	for _, js := range s.Projections {
		if w, ok := want[js.Pre+"-"+js.Post]; ok {
			if got := js.Weights.Normal[0]; math.Abs(got-w) > pA {
				t.Errorf("%s-%s weight %v pA, want %v", js.Pre, js.Post, got, w)
			}
			delete(want, js.Pre+"-"+js.Post)
		}
		if js.Rule != "total" || js.Count <= 0 {
			t.Errorf("%s-%s: rule %s with %d synapses", js.Pre, js.Post, js.Rule, js.Count)
		}
	}
	if len(want) > 0 {
		t.Errorf("projections missing: %v", want)
	}
	if in := s.Inputs[0]; in.Kind != "poisson" || in.N != 1600 || in.Rate != 8 || math.Abs(in.Weight-87.8085) > pA {
		t.Errorf("L2/3E background %+v, want 1600 sources at 8 Hz of 87.81 pA", in)
	}
	dc, err := MicrocircuitSpec(MicrocircuitOptions{Input: "dc"})
	if err != nil {
		t.Fatal(err)
	}
	// The DC that replaces the Poisson input: 8 Hz · 1600 · 87.81 pA ·
	// 0.5 ms = 561.97 pA onto L2/3E.
	if in := dc.Inputs[0]; in.Kind != "current" || math.Abs(in.Amplitude-561.9744) > pA {
		t.Errorf("L2/3E DC %+v, want 561.98 pA", in)
	}
	for _, bad := range []MicrocircuitOptions{{Scale: 2}, {Scale: -1}, {Input: "noise"}, {Scale: 1e-5}} {
		if _, err := MicrocircuitSpec(bad); err == nil {
			t.Errorf("MicrocircuitSpec(%+v) accepted", bad)
		}
	}
}

// TestMicrocircuitFile keeps testdata/microcircuit.json, the full-scale
// model as a spec file, equal to MicrocircuitSpec (go test -update
// rewrites it).
func TestMicrocircuitFile(t *testing.T) {
	s, err := MicrocircuitSpec(MicrocircuitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/microcircuit.json"
	if *update {
		out, err := json.MarshalIndent(s, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("%s differs from MicrocircuitSpec (run go test ./snn -run MicrocircuitFile -update)", path)
	}
}

// spikesOf runs net for ms and returns every spike of every population.
func spikesOf(t *testing.T, net *Network, threads int, ms float64) [][]int32 {
	t.Helper()
	sim, err := NewSim(net, SimOptions{Threads: threads, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var mons []*SpikeMonitor
	for _, p := range net.Populations {
		m, err := sim.MonitorSpikes(p)
		if err != nil {
			t.Fatal(err)
		}
		mons = append(mons, m)
	}
	if err := sim.Run(context.Background(), ms, nil); err != nil {
		t.Fatal(err)
	}
	var out [][]int32
	for _, m := range mons {
		out = append(out, m.Steps, m.Index)
	}
	return out
}

// TestMicrocircuitSpecReproduces writes a scaled microcircuit as a spec
// file and checks the file gives the preset's spikes, bit for bit, with
// either background, on any thread count.
func TestMicrocircuitSpecReproduces(t *testing.T) {
	for _, input := range []string{"poisson", "dc"} {
		t.Run(input, func(t *testing.T) {
			o := MicrocircuitOptions{Scale: 0.02, Input: input}
			preset, err := Preset("microcircuit", PresetOptions{Scale: o.Scale, Input: input, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			s, err := MicrocircuitSpec(o)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := ParseSpec(js)
			if err != nil {
				t.Fatal(err)
			}
			fromFile, err := parsed.Build(3)
			if err != nil {
				t.Fatal(err)
			}
			want := spikesOf(t, preset, 1, 150)
			spikes := 0
			for k := 1; k < len(want); k += 2 {
				spikes += len(want[k])
			}
			if spikes == 0 {
				t.Fatal("the network did not fire")
			}
			if got := spikesOf(t, fromFile, 3, 150); !reflect.DeepEqual(got, want) {
				t.Error("the spec file's spikes differ from the preset's")
			}
		})
	}
}

// TestMicrocircuitScaled simulates the model at a tenth of its size (in
// neurons and in-degrees, with NEST's compensation) and checks that every
// population fires near the full model's rate. The band is wide: scaling
// in-degrees down keeps the mean and variance of the input but not its
// correlations, which shifts rates (L2/3E fires about half as much at this
// scale); the full-scale comparison with NEST is in the README.
func TestMicrocircuitScaled(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 7,717 neurons for 0.4 s")
	}
	net, err := Preset("microcircuit", PresetOptions{Scale: 0.1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if b := bytesPerSynapse(net); b > 6 {
		t.Errorf("%.2f bytes a synapse, want at most 6", b)
	}
	sim, err := NewSim(net, SimOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const warmup, measured = 100.0, 300.0
	if err := sim.Run(context.Background(), warmup, nil); err != nil {
		t.Fatal(err)
	}
	before := make([]int64, len(net.Populations))
	for k, p := range net.Populations {
		before[k] = sim.SpikeCount(p)
	}
	if err := sim.Run(context.Background(), measured, nil); err != nil {
		t.Fatal(err)
	}
	for k, p := range net.Populations {
		rate := float64(sim.SpikeCount(p)-before[k]) / float64(p.Len()) / (measured / 1000)
		if ref := MicrocircuitRates[k]; rate < 0.35*ref || rate > 1.6*ref {
			t.Errorf("%s fires at %.2f Hz, want within [0.35, 1.6] × NEST's full-scale %.3f Hz", p.Name, rate, ref)
		}
	}
}

func bytesPerSynapse(net *Network) float64 {
	b := 0
	for _, p := range net.Projections {
		b += p.Bytes()
	}
	return float64(b) / float64(net.Synapses())
}

// TestLIFCurrentUnits checks LIF with CM against iaf_psc_exp's closed
// forms: the peak of a PSP and the steady state under a constant current.
func TestLIFCurrentUnits(t *testing.T) {
	p := LIFParams{CM: 250, TauM: 10, VRest: -65, VThresh: -50, VReset: -65, TRef: 2, TauE: 0.5, TauI: 0.5}
	const dt = 0.001
	m, err := NewLIF(2, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Prepare(dt, Stream{}); err != nil {
		t.Fatal(err)
	}
	// Neuron 0: one PSC of psc(0.15 mV) pA at t = 0; neuron 1: 100 pA held.
	m.Ge[0] = float32(psc(0.15, 250, 10, 0.5))
	peak := math.Inf(-1)
	for n := range int64(60 / dt) {
		m.I[1] = 100
		m.Step(n, 0, 2, nil)
		peak = max(peak, float64(m.V[0]))
	}
	// float32 state: a few µV.
	const tol = 5e-3
	if got := peak - p.VRest; math.Abs(got-0.15) > tol {
		t.Errorf("PSP peak %.4f mV, want 0.15", got)
	}
	// Steady state v = E_L + I·τm/C_m = −65 + 100·0.04 = −61 mV; after 6 τm,
	// within 3 mV·e⁻⁶ of it.
	if got := float64(m.V[1]); math.Abs(got+61) > 0.01 {
		t.Errorf("v under 100 pA = %.4f mV, want −61", got)
	}
	if err := (LIFParams{CM: -1, TauM: 10, TauE: 1, TauI: 1}).Validate(); err == nil || !strings.Contains(err.Error(), "CM") {
		t.Errorf("negative CM: %v", err)
	}
}

// TestSpecTotalAndDelays builds projections with the total rule and with
// delay distributions.
func TestSpecTotalAndDelays(t *testing.T) {
	const yaml = `
dt: 0.1
populations:
  - {name: a, model: lif, n: 300, params: {CM: 250, TauM: 10, VRest: -65, VThresh: -50, VReset: -65, TauE: 0.5, TauI: 0.5}}
projections:
  - {pre: a, post: a, target: ge, rule: total, count: 20000, autapses: false, weights: {normal: [87.81, 8.78]}, delays: {normal: [1.5, 0.75]}}
  - {pre: a, post: a, target: gi, rule: total, count: 5000, weight: -300, delays: {uniform: [0, 0.45]}}
inputs:
  - {kind: poisson, population: a, var: ge, n: 2000, rate: 8, weight: 87.81}
`
	s, err := ParseSpec([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	net, err := s.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	exc, inh := net.Projections[0], net.Projections[1]
	if exc.Synapses() != 20000 || inh.Synapses() != 5000 {
		t.Fatalf("%d and %d synapses, want 20000 and 5000", exc.Synapses(), inh.Synapses())
	}
	sum := 0.0
	for syn := range exc.Synapses() {
		d := exc.delaySteps(syn, 0)
		if d < 1 {
			t.Fatalf("delay of %d steps: draws below a step must be drawn again", d)
		}
		sum += float64(d)
	}
	// The normal truncated below 0.1 ms has mean about 1.53 ms; the mean
	// of 20000 draws is within 0.02 ms of it.
	if mean := sum / 20000 * 0.1; math.Abs(mean-1.53) > 0.03 {
		t.Errorf("mean delay %.3f ms, want about 1.53", mean)
	}
	for syn := range inh.Synapses() {
		if d := inh.delaySteps(syn, 0); d < 1 || d > 5 {
			t.Fatalf("uniform [0, 0.45) delay of %d steps, want 1 to 5 (redrawn below 0.1 ms)", d)
		}
	}
	for i := range 300 {
		for syn := exc.RowPtr[i]; syn < exc.RowPtr[i+1]; syn++ {
			if int(exc.target(syn)) == i {
				t.Fatalf("autapse %d→%d with autapses false", i, i)
			}
		}
	}
	sim, err := NewSim(net, SimOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), 100, nil); err != nil {
		t.Fatal(err)
	}
	if sim.SpikeCount(net.Populations[0]) == 0 {
		t.Error("a network driven by 8 Hz × 2000 sources of 87.81 pA did not fire")
	}
}

func TestSpecDelayErrors(t *testing.T) {
	const head = "populations: [{name: a, model: lif, n: 10}]\nprojections:\n  - {pre: a, post: a, target: ge, rule: total, weight: 1, "
	for _, tt := range []struct{ name, proj, want string }{
		{"both", "count: 10, delay: 1, delays: {normal: [1, 0.5]}", "delay and delays"},
		{"both zero", "count: 10, delay: 0, delays: {normal: [1, 0.5]}", "delay and delays"},
		{"short value", "count: 10, delays: {value: 0.05}", "at least one step"},
		{"short normal", "count: 10, delays: {normal: [-5, 1]}", "at least one step"},
		{"short uniform", "count: 10, delays: {uniform: [0, 0.1]}", "at least one step"},
		{"two fields", "count: 10, delays: {value: 1, normal: [1, 1]}", "exactly one"},
		{"negative sd", "count: 10, delays: {normal: [1, -1]}", "standard deviation"},
		{"long", "count: 10, delays: {value: 7000}", "steps"},
		{"negative count", "count: -3", "negative"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSpec([]byte(head + tt.proj + "}\n"))
			if err == nil {
				_, err = s.Build(1)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %v, want one saying %q", tt.proj, err, tt.want)
			}
		})
	}
	// From Go, a spec with both is refused at Build.
	s := &Spec{Populations: []PopulationSpec{{Name: "a", Model: "lif", N: 10}},
		Projections: []ProjectionSpec{{Pre: "a", Post: "a", Target: "ge", Rule: "total", Count: 5, Delay: 1,
			Delays: &Distribution{Normal: &[2]float64{1, 0.5}}}}}
	if _, err := s.Build(1); err == nil || !strings.Contains(err.Error(), "delay and delays") {
		t.Errorf("Build with delay and delays: %v", err)
	}
}

// TestCompact checks that compact synapses give the same spikes as the
// plain slices holding the same values, on any thread count, and that
// they hold the weights to within half a 16-bit step of the range.
func TestCompact(t *testing.T) {
	build := func(compact bool) *Network {
		s, err := MicrocircuitSpec(MicrocircuitOptions{Scale: 0.02})
		if err != nil {
			t.Fatal(err)
		}
		s.Compact = false // a compact spec draws each projection from its own generator
		net, err := s.Build(2)
		if err != nil {
			t.Fatal(err)
		}
		if compact {
			net.Compact()
		}
		return net
	}
	exact, packed, expanded := build(false), build(true), build(true)
	for k, p := range packed.Projections {
		q := exact.Projections[k]
		if !p.Compacted() || p.Targets != nil || p.Weights != nil || p.DelaySteps != nil {
			t.Fatalf("%s: not compacted", p.Name)
		}
		if p.Synapses() != q.Synapses() {
			t.Fatalf("%s: %d synapses compacted, %d plain", p.Name, p.Synapses(), q.Synapses())
		}
		if got, want := p.Bytes(), 8*len(p.RowPtr)+5*p.Synapses(); got != want {
			t.Errorf("%s: %d bytes, want %d (5 a synapse)", p.Name, got, want)
		}
		// Each row holds the same synapses (compact rows are ordered by
		// delay): the same targets and delays, each weight within half a
		// step of the range (and float32 rounding). Quantising keeps the
		// weights' order, so sorting matches multapses up.
		step := float64(slices.Max(q.Weights)-slices.Min(q.Weights)) / math.MaxUint16
		r := expanded.Projections[k]
		r.Expand()
		for i := range len(q.RowPtr) - 1 {
			want, got, back := rowSynapses(q, i), rowSynapses(p, i), rowSynapses(r, i)
			for x := range want {
				if got[x].t != want[x].t || got[x].d != want[x].d || back[x].t != want[x].t || back[x].d != want[x].d {
					t.Fatalf("%s: row %d: synapse %d is %+v compacted, %+v expanded, %+v exactly", p.Name, i, x, got[x], back[x], want[x])
				}
				if math.Abs(float64(got[x].w-want[x].w)) > step/2+1e-6*math.Abs(float64(want[x].w)) || back[x].w != got[x].w {
					t.Fatalf("%s: row %d: synapse weighs %v compacted, %v expanded, %v exactly (step %v)", p.Name, i, got[x].w, back[x].w, want[x].w, step)
				}
			}
			if !slices.IsSorted(r.Targets[r.RowPtr[i]:r.RowPtr[i+1]]) {
				t.Fatalf("%s: row %d expanded is not ordered by target", p.Name, i)
			}
		}
	}
	want := spikesOf(t, expanded, 1, 100)
	for _, threads := range []int{1, 2, 3} {
		if threads > 1 {
			packed = build(true) // afresh: a run changes the network's state
		}
		if got := spikesOf(t, packed, threads, 100); !reflect.DeepEqual(got, want) {
			t.Errorf("compact synapses on %d threads: spikes differ from their expanded values'", threads)
		}
	}
}

func TestCountCorrelation(t *testing.T) {
	net := &Network{}
	m, _ := NewLIF(4, CUBAParams())
	p := net.AddPopulation("p", m)
	c, err := NewCountCorrelation(p, 4, 10, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Neurons 0 and 1 fire in the same bins, 2 in the others, 3 never:
	// pairs (0,1) = 1, (0,2) = (1,2) = −1, and 3 is left out.
	var steps []int64
	var index []int32
	for b := range int64(100) {
		if b%2 == 0 {
			steps, index = append(steps, 10*b, 10*b+1), append(index, 0, 1)
		} else {
			steps, index = append(steps, 10*b+5), append(index, 2)
		}
	}
	// One spike in a partial bin at the end is left out.
	steps, index = append(steps, 1005), append(index, 0)
	if err := c.WriteSpikes(steps, index); err != nil {
		t.Fatal(err)
	}
	mean, pairs := c.Mean(1009)
	if pairs != 3 || math.Abs(mean-(-1.0/3)) > 1e-12 {
		t.Errorf("Mean = %v over %d pairs, want −1/3 over 3", mean, pairs)
	}
}

type synapse struct {
	t, d int
	w    float32
}

// rowSynapses returns row i's synapses ordered by target, delay and weight.
func rowSynapses(p *Projection, i int) []synapse {
	var out []synapse
	for syn := p.RowPtr[i]; syn < p.RowPtr[i+1]; syn++ {
		out = append(out, synapse{int(p.target(syn)), p.delaySteps(syn, 0), p.WeightOf(syn)})
	}
	slices.SortFunc(out, func(a, b synapse) int {
		if a.t != b.t {
			return a.t - b.t
		}
		if a.d != b.d {
			return a.d - b.d
		}
		return cmp.Compare(a.w, b.w)
	})
	return out
}
