package plasticity_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/plasticity"
)

// specNet is a spec of 50 Poisson inputs onto 20 LIF neurons; rule, when
// not empty, is the projection's plasticity block.
func specNet(t *testing.T, rule string) (*snn.Network, *snn.Projection, error) {
	t.Helper()
	doc := `
populations:
  - {name: in, model: poisson, n: 50, rate: 30}
  - {name: out, model: lif, n: 20}
projections:
  - name: learn
    pre: in
    post: out
    target: v
    rule: all
    weight: 0
    weights: {uniform: [0.5, 1.5]}
` + rule
	spec, err := snn.ParseSpec([]byte(doc))
	if err != nil {
		return nil, nil, err
	}
	net, err := spec.Build(3)
	if err != nil {
		return nil, nil, err
	}
	return net, net.Projections[0], nil
}

func runMS(t *testing.T, net *snn.Network, ms float64) {
	t.Helper()
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: 5, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), ms, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSpecPlasticity: a rule named in a spec file is the rule built in Go:
// the same weights, bit for bit, after 500 ms of learning.
func TestSpecPlasticity(t *testing.T) {
	net, proj, err := specNet(t, `    plasticity: {rule: stdp, params: {APlus: 0.05, AMinus: 0.05, TauPlus: 20, TauMinus: 20, WMax: 2}}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := proj.Plasticity.(*plasticity.STDP); !ok {
		t.Fatalf("rule %T, want *plasticity.STDP", proj.Plasticity)
	}
	ref, refProj, err := specNet(t, "")
	if err != nil {
		t.Fatal(err)
	}
	start := slices.Clone(refProj.PerSynapseWeights())
	refProj.Plasticity = &plasticity.STDP{APlus: 0.05, AMinus: 0.05, TauPlus: 20, TauMinus: 20, WMax: 2}
	runMS(t, net, 500)
	runMS(t, ref, 500)
	if !slices.Equal(proj.PerSynapseWeights(), refProj.PerSynapseWeights()) {
		t.Error("the spec's rule and the rule built in Go end with different weights")
	}
	if slices.Equal(start, refProj.PerSynapseWeights()) {
		t.Error("STDP changed no weight: the comparison proves nothing")
	}
}

// TestSpecPlasticityErrors: mistakes in a plasticity block are reported
// against the projection.
func TestSpecPlasticityErrors(t *testing.T) {
	for _, tc := range []struct{ block, want string }{
		{`    plasticity: {rule: hebbian}`, `rule "hebbian" is not registered (have [rate-hebb scaling stdp structural triplet]`},
		{`    plasticity: {rule: stdp, params: {APlus: 0.01, Tau: 20}}`, `unknown field "Tau"`},
		{`    plasticity: {rule: stdp, params: {APlus: 0.01, AMinus: 0.01, TauPlus: 0, TauMinus: 20, WMax: 1}}`, "positive TauPlus"},
		{`    plasticity: {rule: structural, params: {Every: 100, Growth: sideways}}`, `growth "sideways"`},
	} {
		_, _, err := specNet(t, tc.block)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "projection") || !strings.Contains(err.Error(), "learn") {
			t.Errorf("%s: error %v, want one naming the projection and %q", tc.block, err, tc.want)
		}
	}
}
