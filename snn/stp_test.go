package snn

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/neurite/neurite/topology"
)

// stpFixture is testdata/brian2_stp.json, written by Brian2 2.5.1
// (testdata/brian2_stp.py): four presynaptic spike trains and, for three
// parameter sets, the efficacy u·R each spike transmitted.
type stpFixture struct {
	DT         float64   `json:"dt_ms"`
	Steps      int64     `json:"steps"`
	SpikeSteps [][]int64 `json:"spike_steps"`
	Sets       map[string]struct {
		Params   struct{ U, TauD, TauF float64 } `json:"params"`
		Efficacy [][]float64                     `json:"efficacy"`
	} `json:"sets"`
}

// stpTol bounds |efficacy − Brian2's|. neurite rounds u·R to float32 and
// the test reads it back as the step-to-step change of a float32 membrane
// that accumulates up to 7 mV (ulp 4.8·10⁻⁷, half of it on either
// reading). Moving any one spike of the fixture a step later changes some
// efficacy by at least 8·10⁻⁶ (computed from the recurrence), so an
// off-by-one step in the state's decay would fail.
const stpTol = 1.5e-6

// TestSTPMatchesBrian2 sends the fixture's spike trains through one-to-one
// synapses of weight 1 with Tsodyks–Markram short-term plasticity onto
// neurons that only accumulate their input (TauM 10¹² ms, threshold out of
// reach) and requires every transmitted efficacy to be Brian2's, whose
// synapse follows the ODE form of Tsodyks, Pawelzik & Markram (1998)
// rather than the recurrence STP implements.
func TestSTPMatchesBrian2(t *testing.T) {
	b, err := os.ReadFile("testdata/brian2_stp.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx stpFixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatalf("brian2_stp.json: %v", err)
	}
	for _, name := range []string{"depressing", "facilitating", "mixed"} {
		t.Run(name, func(t *testing.T) {
			set, ok := fx.Sets[name]
			if !ok || len(set.Efficacy) != len(fx.SpikeSteps) {
				t.Fatalf("fixture has no set %s for %d neurons", name, len(fx.SpikeSteps))
			}
			n := len(fx.SpikeSteps)
			times := make([][]float64, n)
			for i, st := range fx.SpikeSteps {
				for _, s := range st {
					times[i] = append(times[i], float64(s)*fx.DT)
				}
			}
			net := &Network{DT: fx.DT}
			src, err := NewSpikeTrains(times)
			if err != nil {
				t.Fatal(err)
			}
			acc, err := NewLIF(n, LIFParams{TauM: 1e12, VThresh: 1e9, TauE: 1, TauI: 1})
			if err != nil {
				t.Fatal(err)
			}
			pre, post := net.AddPopulation("pre", src), net.AddPopulation("post", acc)
			g, _ := topology.OneToOne(n)
			p, err := net.Connect("stp", pre, post, "v", g, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			p.STP = &STP{U: set.Params.U, TauD: set.Params.TauD, TauF: set.Params.TauF}
			sim, err := NewSim(net, SimOptions{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			mon, err := sim.MonitorState(post, "v", idx, 1)
			if err != nil {
				t.Fatal(err)
			}
			// One step more than the fixture: a spike in the last step
			// shows in the next step's v.
			if err := sim.Run(context.Background(), float64(fx.Steps+1)*fx.DT, nil); err != nil {
				t.Fatal(err)
			}
			for i, st := range fx.SpikeSteps {
				for k, s := range st {
					// A spike at step s without delay is added to v at the
					// end of step s: v at the start of step s+1 less v at
					// the start of step s.
					got := float64(mon.Values[s+1][i]) - float64(mon.Values[s][i])
					if want := set.Efficacy[i][k]; math.Abs(got-want) > stpTol {
						t.Errorf("neuron %d, spike %d (step %d): efficacy %.7f, Brian2 %.7f", i, k, s, got, want)
					}
				}
			}
		})
	}
}
