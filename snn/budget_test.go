package snn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/topology"
)

func mustSpec(t *testing.T, text string) *Spec {
	t.Helper()
	s, err := ParseSpec([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEstimates builds and briefly simulates moderate networks and
// compares what they allocated with their estimates.
func TestEstimates(t *testing.T) {
	const (
		// 20000 conductance-based neurons, 8 million synapses with their
		// own weights, some delayed.
		random = `
populations:
  - {name: a, model: condlif, n: 16000}
  - {name: b, model: condlif, n: 4000}
projections:
  - {pre: a, post: a, target: ge, rule: probability, p: 0.02, weight: 6, delay: 2}
  - {pre: a, post: b, target: ge, rule: probability, p: 0.02, weights: {uniform: [1, 2]}}
  - {pre: b, post: a, target: gi, rule: in-degree, k: 100, weight: 67}
  - {pre: b, post: b, target: gi, rule: all, weight: 67}
`
		// Neurons without synapses: the state alone, with a long delay
		// ring onto them.
		neurons = `
populations:
  - {name: a, model: izhikevich, n: 200000}
  - {name: b, model: lif, n: 200000, params: {Kernel: 1}}
projections:
  - {pre: a, post: b, target: ge, rule: one-to-one, weight: 1, delay: 5}
`
	)
	tests := []struct {
		name     string
		estimate func() Estimate
		build    func() (*Network, error)
	}{
		{"spec random", func() Estimate { return mustSpec(t, random).Estimate() }, func() (*Network, error) { return mustSpec(t, random).Build(1) }},
		{"spec neurons", func() Estimate { return mustSpec(t, neurons).Estimate() }, func() (*Network, error) { return mustSpec(t, neurons).Build(1) }},
		{"coba", func() Estimate { e, _ := PresetEstimate("coba", PresetOptions{N: 40000}); return e },
			func() (*Network, error) { return Preset("coba", PresetOptions{N: 40000}) }},
		{"brunel", func() Estimate { e, _ := PresetEstimate("brunel", PresetOptions{N: 4000}); return e },
			func() (*Network, error) { return Preset("brunel", PresetOptions{N: 4000}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.estimate()
			var err error
			got := budget.Allocated(func() {
				var net *Network
				if net, err = tt.build(); err != nil {
					return
				}
				var sim *Sim
				if sim, err = NewSim(net, SimOptions{}); err != nil {
					return
				}
				err = sim.Run(context.Background(), 5, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			r := e.Bytes / got
			t.Logf("%s: estimate %.3g bytes, allocated %.3g: ratio %.2f", e.What(), e.Bytes, got, r)
			if r > budget.Tolerance || r < 1/budget.Tolerance {
				t.Errorf("estimate %.3g bytes, allocated %.3g: ratio %.2f", e.Bytes, got, r)
			}
		})
	}
}

// TestRefusesHuge checks that networks too large for any machine are
// refused with a *budget.Error before anything sizeable is allocated.
func TestRefusesHuge(t *testing.T) {
	tests := []struct {
		name  string
		limit int64
		build func(limit int64) (*Network, error)
	}{
		{"spec neurons", 1 << 30, func(l int64) (*Network, error) {
			return mustSpec(t, "populations: [{name: a, model: lif, n: 100000000}]").BuildWithin(1, l)
		}},
		{"spec all-to-all", 0, func(l int64) (*Network, error) {
			return mustSpec(t, `
populations: [{name: a, model: lif, n: 2000000}]
projections: [{pre: a, post: a, target: v, rule: all, weight: 1}]`).BuildWithin(1, l)
		}},
		{"spec in-degree", 0, func(l int64) (*Network, error) {
			return mustSpec(t, `
populations: [{name: a, model: lif, n: 2000000}]
projections: [{pre: a, post: a, target: v, rule: in-degree, k: 1000000, weight: 1}]`).BuildWithin(1, l)
		}},
		{"spec delay ring", 1 << 30, func(l int64) (*Network, error) {
			return mustSpec(t, `
populations: [{name: a, model: lif, n: 100000}]
projections: [{pre: a, post: a, target: v, rule: one-to-one, weight: 1, delay: 6000}]`).BuildWithin(1, l)
		}},
		{"coba", 0, func(l int64) (*Network, error) { return COBA(10_000_000_000, 1) }},
		{"cuba", 0, func(l int64) (*Network, error) { return CUBA(1<<40, 1) }},
		{"brunel", 0, func(l int64) (*Network, error) { return Brunel(1<<30, BrunelPanels["A"], 1) }},
		{"hh", 0, func(l int64) (*Network, error) { return HHCells(1<<40, 0.1) }},
		{"preset limit", 1 << 20, func(l int64) (*Network, error) {
			return Preset("coba", PresetOptions{N: 100000, MaxMemory: l})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			got := budget.Allocated(func() { _, err = tt.build(tt.limit) })
			var be *budget.Error
			if !errors.As(err, &be) || !errors.Is(err, budget.ErrOverBudget) {
				t.Fatalf("error %v, want a *budget.Error", err)
			}
			if got > 1<<20 {
				t.Errorf("allocated %.0f bytes before refusing", got)
			}
		})
	}
	if _, err := EventCUBA(1<<40, 1); !errors.Is(err, budget.ErrOverBudget) {
		t.Errorf("EventCUBA(2⁴⁰) error %v, want a *budget.Error", err)
	}
}

// TestDelayBound checks that delays beyond MaxDelaySteps are errors, not
// a failed allocation of their ring buffer.
func TestDelayBound(t *testing.T) {
	for _, delay := range []string{"1e12", "6553.6", "1e308"} {
		s := mustSpec(t, `
populations: [{name: a, model: lif, n: 10}]
projections: [{pre: a, post: a, target: v, rule: all, weight: 0.1, delay: `+delay+`}]`)
		_, err := s.Build(1)
		if err == nil || !strings.Contains(err.Error(), "delay") {
			t.Errorf("delay %s: error %v, want one about the delay", delay, err)
		}
	}
	// From Go: a network built by hand is refused by NewSim.
	net := &Network{}
	m, _ := NewLIF(10, CUBAParams())
	p := net.AddPopulation("a", m)
	g, _ := topology.OneToOne(10)
	if _, err := net.Connect("a-a", p, p, "v", g, 1, 1e12); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSim(net, SimOptions{}); err == nil || !strings.Contains(err.Error(), "delay") {
		t.Errorf("NewSim with a delay of 1e12 ms: error %v, want one about the delay", err)
	}
}
