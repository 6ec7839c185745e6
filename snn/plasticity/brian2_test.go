package plasticity

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

// brian2Fixture is testdata/brian2_plasticity.json, written by Brian2
// 2.5.1 (testdata/brian2_plasticity.py): fixed spike steps of 20
// presynaptic and 10 postsynaptic neurons, the 200 synapses' initial
// weights (index i·NPost + j) and, per rule, its parameters and the
// weights after the run.
type brian2Fixture struct {
	DT        float64   `json:"dt_ms"`
	Steps     int64     `json:"steps"`
	NPre      int       `json:"n_pre"`
	NPost     int       `json:"n_post"`
	PreSteps  [][]int64 `json:"pre_steps"`
	PostSteps [][]int64 `json:"post_steps"`
	W0        []float64 `json:"w0"`
	Rules     map[string]struct {
		Params json.RawMessage `json:"params"`
		W      []float64       `json:"w"`
	} `json:"rules"`
}

// Tolerances on |w − Brian2's w| after 10,000 steps. Brian2 keeps weights
// in float64, neurite in float32, and each update rounds to float32
// (half an ulp: 3·10⁻⁸ at w ≈ 0.5). The spike-driven rules update a
// synapse a few hundred times, so rounding adds up to well below 10⁻⁶
// (measured: at most 3·10⁻⁷); the rate rule updates every synapse every
// step, 10⁴ times (measured: 4·10⁻⁶). A postsynaptic neuron's spikes one
// step late change the pair rules' weights by 6·10⁻⁴
// (TestBrian2FixtureIsSensitive), hundreds of times the tolerance.
const (
	spikeRuleTol = 1e-6
	rateRuleTol  = 2e-5
)

// brian2Tol returns the tolerance of a rule of the fixture.
func brian2Tol(name string) float64 {
	if name == "ratehebb" {
		return rateRuleTol
	}
	return spikeRuleTol
}

// TestRulesMatchBrian2 runs each rule inside the simulator (NewSim, Run)
// on the fixture's spike trains and requires Brian2's weights at the end,
// synapse by synapse: same pairing of spikes (all-to-all), same order of
// presynaptic and postsynaptic updates within a step, same trace decay,
// same clipping and the same step at which the rate rules act.
func TestRulesMatchBrian2(t *testing.T) {
	fx := readBrian2Fixture(t)
	for _, name := range []string{"stdp_add", "stdp_mult", "triplet", "ratehebb", "scaling"} {
		t.Run(name, func(t *testing.T) {
			r, ok := fx.Rules[name]
			if !ok {
				t.Fatalf("fixture has no rule %s", name)
			}
			rule := ruleFromFixture(t, name, r.Params)
			got := runOnFixture(t, fx, fx.PreSteps, fx.PostSteps, rule)
			worst, at := 0.0, 0
			for s, w := range r.W {
				if d := math.Abs(float64(got[s]) - w); d > worst {
					worst, at = d, s
				}
			}
			if tol := brian2Tol(name); worst > tol {
				t.Errorf("synapse %d→%d: w = %.8f, Brian2 %.8f (|Δ| %.2g > %.2g)",
					at/fx.NPost, at%fx.NPost, got[at], r.W[at], worst, tol)
			}
			// The rule must have moved the weights well beyond the
			// tolerance, or the comparison would prove nothing.
			var moved float64
			for s, w := range r.W {
				moved = max(moved, math.Abs(w-fx.W0[s]))
			}
			if moved < 1e-2 {
				t.Errorf("Brian2's weights moved by at most %.2g: the fixture does not exercise %s", moved, name)
			}
		})
	}
}

// TestBrian2FixtureIsSensitive shows that the comparison resolves the
// step: moving one postsynaptic neuron's spikes one step later changes
// the pair rules' weights by far more than the tolerance.
func TestBrian2FixtureIsSensitive(t *testing.T) {
	fx := readBrian2Fixture(t)
	shifted := make([][]int64, len(fx.PostSteps))
	for j, st := range fx.PostSteps {
		shifted[j] = append([]int64(nil), st...)
	}
	for k := range shifted[0] {
		shifted[0][k]++
	}
	for _, name := range []string{"stdp_add", "triplet"} {
		r := fx.Rules[name]
		got := runOnFixture(t, fx, fx.PreSteps, shifted, ruleFromFixture(t, name, r.Params))
		var worst float64
		for s, w := range r.W {
			worst = max(worst, math.Abs(float64(got[s])-w))
		}
		if worst <= 100*spikeRuleTol {
			t.Errorf("%s: postsynaptic spikes one step late change weights by only %.2g", name, worst)
		}
	}
}

func readBrian2Fixture(t *testing.T) *brian2Fixture {
	t.Helper()
	b, err := os.ReadFile("testdata/brian2_plasticity.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx brian2Fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatalf("brian2_plasticity.json: %v", err)
	}
	if len(fx.W0) != fx.NPre*fx.NPost || len(fx.PreSteps) != fx.NPre || len(fx.PostSteps) != fx.NPost {
		t.Fatalf("brian2_plasticity.json: sizes do not match (%d weights, %d×%d neurons)", len(fx.W0), fx.NPre, fx.NPost)
	}
	return &fx
}

// ruleFromFixture decodes a rule's parameters, whose names are the Go
// fields'.
func ruleFromFixture(t *testing.T, name string, params json.RawMessage) snn.Plasticity {
	t.Helper()
	var rule snn.Plasticity
	switch name {
	case "stdp_add", "stdp_mult":
		rule = &STDP{}
	case "triplet":
		rule = &Triplet{}
	case "ratehebb":
		rule = &RateHebb{}
	case "scaling":
		rule = &Scaling{}
	default:
		t.Fatalf("unknown rule %s", name)
	}
	if err := json.Unmarshal(params, rule); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rule
}

// runOnFixture simulates the fixture's spike trains through a plastic
// all-to-all projection and returns its weights at the end. The
// postsynaptic neurons are LIF neurons made to fire at exactly postSteps:
// a driving spike train one step earlier adds 2000 mV to v (a spike at
// step n without delay acts in step n+1), while the plastic synapses,
// onto ge, move v by a few mV at most, far from the 1000 mV threshold.
func runOnFixture(t *testing.T, fx *brian2Fixture, preSteps, postSteps [][]int64, rule snn.Plasticity) []float32 {
	t.Helper()
	times := func(steps [][]int64, shift int64) [][]float64 {
		out := make([][]float64, len(steps))
		for i, st := range steps {
			for _, s := range st {
				out[i] = append(out[i], float64(s+shift)*fx.DT)
			}
		}
		return out
	}
	net := &snn.Network{DT: fx.DT}
	src, err := snn.NewSpikeTrains(times(preSteps, 0))
	if err != nil {
		t.Fatal(err)
	}
	drv, err := snn.NewSpikeTrains(times(postSteps, -1))
	if err != nil {
		t.Fatal(err)
	}
	lif, err := snn.NewLIF(fx.NPost, snn.LIFParams{TauM: 20, VThresh: 1000, TauE: 5, TauI: 5})
	if err != nil {
		t.Fatal(err)
	}
	pre, post, driver := net.AddPopulation("pre", src), net.AddPopulation("post", lif), net.AddPopulation("driver", drv)
	one, _ := topology.OneToOne(fx.NPost)
	if _, err := net.Connect("drive", driver, post, "v", one, 2000, 0); err != nil {
		t.Fatal(err)
	}
	all, _ := topology.AllToAll(fx.NPre, fx.NPost, true)
	p, err := net.Connect("plastic", pre, post, "ge", all, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// AllToAll's rows are sender-ordered with targets 0..NPost−1, the
	// fixture's i·NPost + j order.
	for s := range p.PerSynapseWeights() {
		p.Weights[s] = float32(fx.W0[s])
	}
	p.Plasticity = rule
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), float64(fx.Steps)*fx.DT, nil); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, st := range postSteps {
		want += len(st)
	}
	if got := sim.SpikeCount(post); got != int64(want) {
		t.Fatalf("postsynaptic neurons fired %d times, the fixture %d", got, want)
	}
	return p.Weights
}
