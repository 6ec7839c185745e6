package snn_test

import (
	"slices"
	"testing"

	"github.com/neurite/neurite/snn"
)

// TestMicrocircuitCluster checks that a small microcircuit, whose compact
// synapses are delivered on arrival in one process and by delay when
// ranks exchange spikes, fires the same spikes both ways.
func TestMicrocircuitCluster(t *testing.T) {
	build := func(seed uint64) (*snn.Network, error) {
		return snn.Microcircuit(snn.MicrocircuitOptions{Scale: 0.02}, seed, 0)
	}
	const ms = 120
	_, refMons, _ := clusterRun(t, build, 0, 2, ms)
	spikes := 0
	for _, m := range refMons[0] {
		spikes += m.Len()
	}
	if spikes == 0 {
		t.Fatal("the reference fired no spike: nothing is compared")
	}
	_, mons, _ := clusterRun(t, build, 2, 2, ms)
	for r := range mons {
		for k, m := range mons[r] {
			if !slices.Equal(m.Steps, refMons[0][k].Steps) || !slices.Equal(m.Index, refMons[0][k].Index) {
				t.Fatalf("rank %d's spikes of %s differ from one process's (%d vs %d)", r, m.Pop.Name, m.Len(), refMons[0][k].Len())
			}
		}
	}
}
