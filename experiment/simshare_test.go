package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neurite/neurite/snn"
)

// TestSimulateSplitShare runs the microcircuit (3% scale) over two ranks
// as `mpirun neurite sim microcircuit` does, each rank building only its
// share of the synapses: every rank stores about half of them (together
// all of them, once), reports the whole network's count, and the spikes,
// also across a checkpoint saved and resumed over the two ranks, are one
// process's.
func TestSimulateSplitShare(t *testing.T) {
	dir := t.TempDir()
	const total = 200 * time.Millisecond
	base := SimSettings{Model: "microcircuit", Scale: 0.03, Seed: 2, Threads: 1, Version: "test"}
	straight := base
	straight.Duration, straight.Out = total, filepath.Join(dir, "straight")
	want, err := Simulate(t.Context(), straight)
	if err != nil {
		t.Fatal(err)
	}
	if want.Spikes == 0 {
		t.Fatal("the reference fired no spike: nothing is compared")
	}

	first := base
	first.Duration, first.Checkpoint = total/2, filepath.Join(dir, "run.ckpt")
	first.Out = filepath.Join(dir, "split")
	reps, errs := onRanks(t, 2, first, func() *snn.Network { return nil })
	stored := 0
	for r, got := range reps {
		if errs[r] != nil {
			t.Fatalf("rank %d: %v", r, errs[r])
		}
		own := got.Network.Synapses()
		stored += own
		if got.Network.Share != (snn.Share{Rank: r, Ranks: 2}) || own > want.Synapses*55/100 {
			t.Errorf("rank %d stores %d of the network's %d synapses (share %+v), want about half", r, own, want.Synapses, got.Network.Share)
		}
		if got.Synapses != want.Synapses {
			t.Errorf("rank %d reports %d synapses, one process %d", r, got.Synapses, want.Synapses)
		}
	}
	if stored != want.Synapses {
		t.Errorf("the ranks store %d synapses in all, the network has %d", stored, want.Synapses)
	}

	resume := SimSettings{Resume: first.Checkpoint, Duration: total, Threads: 1, Version: "test"}
	reps, errs = onRanks(t, 2, resume, func() *snn.Network { return nil })
	for r, got := range reps {
		if errs[r] != nil {
			t.Fatalf("rank %d: %v", r, errs[r])
		}
		if got.Spikes != want.Spikes || got.SynapticEvents != want.SynapticEvents || !mapsEqual(got.RateHz, want.RateHz) {
			t.Errorf("rank %d, resumed: %d spikes, %d events; one process %d, %d", r, got.Spikes, got.SynapticEvents, want.Spikes, want.SynapticEvents)
		}
	}
	a, _ := os.ReadFile(filepath.Join(straight.Out, "spikes.csv"))
	b, err := os.ReadFile(filepath.Join(first.Out, "spikes.csv"))
	if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("spikes.csv over 2 ranks, resumed (%d bytes, %v), differs from one process's (%d bytes)", len(b), err, len(a))
	}
}

// TestSimulateShareFailsOnOneRank: a rank whose network cannot be built
// while the other's can (here its spec file is missing) reports why; the
// other stops at once with a *PeerError, which the command line leaves
// unsaid, so the failure is reported once.
func TestSimulateShareFailsOnOneRank(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "net.json")
	spec, err := snn.MicrocircuitSpec(snn.MicrocircuitOptions{Scale: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSpecJSON(good, spec); err != nil {
		t.Fatal(err)
	}
	cluster := snn.NewLocalCluster(2).Ranks()
	errs := make([]error, 2)
	done := make(chan int)
	for r, c := range cluster {
		go func() {
			s := SimSettings{Model: good, Duration: 10 * time.Millisecond, Seed: 1, Threads: 1, Cluster: c}
			if r == 1 {
				s.Model = filepath.Join(dir, "missing.json")
			}
			_, errs[r] = Simulate(t.Context(), s)
			done <- r
		}()
	}
	for range 2 {
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatal("a rank still waits a minute after the other failed to build")
		}
	}
	var peer *PeerError
	if !errors.As(errs[0], &peer) {
		t.Errorf("rank 0: %v, want a *PeerError", errs[0])
	}
	if errs[1] == nil || errors.As(errs[1], &peer) || !strings.Contains(errs[1].Error(), "missing.json") {
		t.Errorf("rank 1: %v, want its own error naming the file", errs[1])
	}
}

// writeSpecJSON writes a network spec as a JSON file.
func writeSpecJSON(path string, s *snn.Spec) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}
