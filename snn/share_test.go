package snn

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/internal/budget"
)

// shareSpec is a spec with every connection rule, drawn weights and
// delays, an Init drawn after them in the spec's generator, and a shared
// generator for all projections (Compact false) or one each (true).
func shareSpec(compact bool) *Spec {
	normal := func(m, sd float64) *Distribution { return &Distribution{Normal: &[2]float64{m, sd}} }
	uniform := func(lo, hi float64) *Distribution { return &Distribution{Uniform: &[2]float64{lo, hi}} }
	no := false
	return &Spec{DT: 0.1, Compact: compact,
		Populations: []PopulationSpec{
			{Name: "a", Model: "lif", N: 150, Init: map[string]Distribution{"v": {Uniform: &[2]float64{-60, -50}}}},
			{Name: "b", Model: "lif", N: 67},
		},
		Projections: []ProjectionSpec{
			{Pre: "a", Post: "a", Target: "ge", Rule: "probability", P: 0.1, Autapses: &no, Weights: normal(0.5, 0.1), Delays: normal(1.5, 0.75)},
			{Pre: "a", Post: "b", Target: "ge", Rule: "in-degree", K: 20, Weights: uniform(0.1, 0.3), Delay: 1},
			{Pre: "b", Post: "a", Target: "gi", Rule: "total", Count: 3000, Weights: normal(-2, 0.2), Delays: uniform(0.05, 3)},
			{Pre: "b", Post: "b", Target: "gi", Rule: "all", Autapses: &no, Weight: -1, Delays: normal(0.8, 0.4)},
			{Pre: "a", Post: "a", Target: "gi", Rule: "one-to-one", Weights: normal(1, 0.5)},
			{Pre: "a", Post: "b", Target: "ge", Rule: "total", Count: 2000, Weight: 0.2, Delay: 0.5},
		},
	}
}

// shareCases are networks built whole and as shares: every spec rule,
// plain and compact, and every preset with synapses.
var shareCases = []struct {
	name  string
	build func(seed uint64, sh Share) (*Network, error)
}{
	{"spec", func(seed uint64, sh Share) (*Network, error) { return shareSpec(false).BuildShare(seed, 0, sh) }},
	{"spec-compact", func(seed uint64, sh Share) (*Network, error) { return shareSpec(true).BuildShare(seed, 0, sh) }},
	{"spec-conduction", func(seed uint64, sh Share) (*Network, error) {
		// Delays computed from positions drawn in boxes, not drawn per
		// synapse: a compact share narrows them by its own longest.
		box := &[3]float64{2, 2, 1}
		s := shareSpec(true)
		s.Populations[0].Box, s.Populations[1].Box = box, box
		s.Projections[1].Delay, s.Projections[1].Conduction = 0, &Conduction{Velocity: 0.5, Synaptic: 0.3}
		return s.BuildShare(seed, 0, sh)
	}},
	{"coba", func(seed uint64, sh Share) (*Network, error) {
		return Preset("coba", PresetOptions{N: 1000, Seed: seed, Share: sh})
	}},
	{"cuba", func(seed uint64, sh Share) (*Network, error) {
		return Preset("cuba", PresetOptions{N: 1000, Seed: seed, Share: sh})
	}},
	{"brunel", func(seed uint64, sh Share) (*Network, error) {
		return Preset("brunel", PresetOptions{N: 800, Panel: "C", Seed: seed, Share: sh})
	}},
	{"izhikevich", func(seed uint64, sh Share) (*Network, error) {
		return Preset("izhikevich", PresetOptions{Seed: seed, Share: sh})
	}},
	{"microcircuit", func(seed uint64, sh Share) (*Network, error) {
		return Preset("microcircuit", PresetOptions{Scale: 0.02, Seed: seed, Share: sh})
	}},
}

// TestShareIsWholePruned checks that a rank's share of a network (built
// with only the synapses onto its neurons) is the whole network with the
// other ranks' synapses removed (the way NewSim prunes a whole network):
// the same rows, targets, weights (to the bit, quantised alike when
// compact) and delays, the same neurons, and the synapses divided among
// the ranks with none lost.
func TestShareIsWholePruned(t *testing.T) {
	for _, tc := range shareCases {
		t.Run(tc.name, func(t *testing.T) {
			whole, err := tc.build(5, Share{})
			if err != nil {
				t.Fatal(err)
			}
			if whole.Share != (Share{}) {
				t.Fatalf("whole network: Share = %+v", whole.Share)
			}
			for _, ranks := range []int{2, 3} {
				total := 0
				for rank := range ranks {
					sh := Share{Rank: rank, Ranks: ranks}
					part, err := tc.build(5, sh)
					if err != nil {
						t.Fatalf("%+v: %v", sh, err)
					}
					if part.Share != sh {
						t.Errorf("%+v: Share = %+v", sh, part.Share)
					}
					ref, err := tc.build(5, Share{}) // pruned below
					if err != nil {
						t.Fatal(err)
					}
					for _, p := range ref.Projections {
						lo, hi := RankRange(p.Post.Len(), rank, ranks)
						prune(p, lo, hi)
					}
					if err := sameNetwork(part, ref); err != nil {
						t.Fatalf("%+v: %v", sh, err)
					}
					total += part.Synapses()
				}
				if total != whole.Synapses() {
					t.Errorf("%d ranks store %d synapses in all, the whole network %d", ranks, total, whole.Synapses())
				}
			}
		})
	}
}

// sameNetwork compares two networks' populations (through their
// fingerprints) and their projections synapse by synapse.
func sameNetwork(got, want *Network) error {
	if len(got.Projections) != len(want.Projections) {
		return fmt.Errorf("%d projections, want %d", len(got.Projections), len(want.Projections))
	}
	pops := func(n *Network) string {
		return (&Network{DT: n.DT, Populations: n.Populations, Inputs: n.Inputs}).Fingerprint()
	}
	if pops(got) != pops(want) {
		return fmt.Errorf("populations or inputs differ")
	}
	for k, p := range got.Projections {
		q := want.Projections[k]
		if !slices.Equal(p.RowPtr, q.RowPtr) || p.Synapses() != q.Synapses() || p.Compacted() != q.Compacted() {
			return fmt.Errorf("projection %s: %d synapses (compact %v), want %d (compact %v), or other rows", p.Name, p.Synapses(), p.Compacted(), q.Synapses(), q.Compacted())
		}
		// A share's conduction delays are its own: their longest may be
		// shorter than the whole projection's (only the ring is sized by it).
		if p.pk != nil && (p.pk.w0 != q.pk.w0 || p.pk.dw != q.pk.dw || (p.pk.maxD != q.pk.maxD && !strings.Contains(p.Name, "a-b"))) {
			return fmt.Errorf("projection %s: packed across %v+%v·k, longest %d; want %v+%v·k, %d", p.Name, p.pk.w0, p.pk.dw, p.pk.maxD, q.pk.w0, q.pk.dw, q.pk.maxD)
		}
		if p.Weight != q.Weight || p.Delay != q.Delay || p.hasWeights() != q.hasWeights() || p.hasDelays() != q.hasDelays() {
			return fmt.Errorf("projection %s: shared weight, delay or per-synapse slices differ", p.Name)
		}
		for s := range p.Synapses() {
			if p.target(s) != q.target(s) || math.Float32bits(p.WeightOf(s)) != math.Float32bits(q.WeightOf(s)) || p.delaySteps(s, -1) != q.delaySteps(s, -1) {
				return fmt.Errorf("projection %s, synapse %d: →%d w %v d %d; want →%d w %v d %d", p.Name, s,
					p.target(s), p.WeightOf(s), p.delaySteps(s, -1), q.target(s), q.WeightOf(s), q.delaySteps(s, -1))
			}
		}
	}
	return nil
}

// TestShareMemory checks that the ranks' shares of the microcircuit each
// store about 1/R of its synapses and of their bytes, and that the
// estimate the budget checks is the share's.
func TestShareMemory(t *testing.T) {
	whole, err := Preset("microcircuit", PresetOptions{Scale: 0.05, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The synapses' bytes: every rank keeps every row's pointer (8 bytes
	// a presynaptic neuron, a large share at this scale, 0.3% at full
	// scale), and divides the rest.
	bytes := func(n *Network) int {
		b := 0
		for _, p := range n.Projections {
			b += p.Bytes() - 8*len(p.RowPtr)
		}
		return b
	}
	wholeEst, err := PresetEstimate("microcircuit", PresetOptions{Scale: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	for _, ranks := range []int{2, 3} {
		for rank := range ranks {
			sh := Share{Rank: rank, Ranks: ranks}
			part, err := Preset("microcircuit", PresetOptions{Scale: 0.05, Seed: 1, Share: sh})
			if err != nil {
				t.Fatal(err)
			}
			// Ranges are cut at multiples of 8 neurons, and the targets are
			// drawn at random: each share is within a few percent of 1/R.
			const tol = 0.03
			if got, want := float64(part.Synapses()), float64(whole.Synapses())/float64(ranks); math.Abs(got/want-1) > tol {
				t.Errorf("%+v stores %v synapses, want about %v", sh, got, want)
			}
			if got, want := float64(bytes(part)), float64(bytes(whole))/float64(ranks); math.Abs(got/want-1) > tol {
				t.Errorf("%+v's synapses take %v bytes, want about %v", sh, got, want)
			}
			est, err := PresetEstimate("microcircuit", PresetOptions{Scale: 0.05, Share: sh})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := est.Synapses, wholeEst.Synapses/float64(ranks); math.Abs(got/want-1) > tol {
				t.Errorf("%+v: estimated %v synapses, want about %v", sh, got, want)
			}
			// Neurons and delay buffers stay whole: the estimate shrinks by
			// less than R, but by most of the synapses' share.
			if est.Bytes >= wholeEst.Bytes*(1-0.6*float64(ranks-1)/float64(ranks)) {
				t.Errorf("%+v: estimated %v bytes of the whole network's %v", sh, est.Bytes, wholeEst.Bytes)
			}
			if !strings.Contains(est.What(), fmt.Sprintf("rank %d of %d", rank, ranks)) {
				t.Errorf("%+v: estimate names %q", sh, est.What())
			}
		}
	}
}

// TestShareWithinBudget checks that the budget bounds a rank's share: a
// limit between the share's estimate and the whole network's refuses the
// whole network and builds the share.
func TestShareWithinBudget(t *testing.T) {
	spec, err := MicrocircuitSpec(MicrocircuitOptions{Scale: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	sh := Share{Rank: 1, Ranks: 3}
	limit := int64((spec.Estimate().Bytes + spec.EstimateShare(sh).Bytes) / 2)
	var over *budget.Error
	if _, err := spec.BuildWithin(1, limit); !errors.As(err, &over) {
		t.Errorf("BuildWithin(%d bytes) = %v, want a *budget.Error", limit, err)
	}
	if _, err := spec.BuildShare(1, limit, sh); err != nil {
		t.Errorf("BuildShare(%d bytes, %+v) = %v", limit, sh, err)
	}
}

// TestShareRefused checks that a share is simulated only as its own rank,
// and that a share naming no rank is refused.
func TestShareRefused(t *testing.T) {
	net, err := Preset("brunel", PresetOptions{N: 200, Seed: 1, Share: Share{Rank: 1, Ranks: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSim(net, SimOptions{Threads: 1}); err == nil || !strings.Contains(err.Error(), "rank 1 of 2") {
		t.Errorf("NewSim(rank 1's share, one process) = %v, want an error naming the share", err)
	}
	// Before any collective: the other rank is not needed.
	ranks := NewLocalCluster(2).Ranks()
	if _, err := NewSim(net, SimOptions{Threads: 1, Cluster: ranks[0]}); err == nil {
		t.Errorf("NewSim(rank 1's share, as rank 0) = nil error")
	}
	for _, sh := range []Share{{Rank: 2, Ranks: 2}, {Rank: -1, Ranks: 2}, {Rank: 0, Ranks: -1}, {Rank: 1}} {
		if _, err := Preset("coba", PresetOptions{N: 100, Share: sh}); err == nil {
			t.Errorf("Preset(coba, share %+v) = nil error", sh)
		}
		if _, err := shareSpec(false).BuildShare(1, 0, sh); err == nil {
			t.Errorf("BuildShare(share %+v) = nil error", sh)
		}
		if _, err := PresetEstimate("coba", PresetOptions{N: 100, Share: sh}); err == nil {
			t.Errorf("PresetEstimate(coba, share %+v) = nil error", sh)
		}
	}
}
