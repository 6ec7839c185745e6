package experiment

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurite/neurite/snn"
)

// onRanks runs Simulate with s on each rank of a cluster of goroutines
// (MPI processes under mpirun), s.Network built afresh for each.
func onRanks(t *testing.T, ranks int, s SimSettings, build func() *snn.Network) ([]*SimReport, []error) {
	t.Helper()
	cluster := snn.NewLocalCluster(ranks).Ranks()
	reps := make([]*SimReport, ranks)
	errs := make([]error, ranks)
	var wg sync.WaitGroup
	for r, c := range cluster {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := s
			rs.Cluster, rs.Network = c, build()
			reps[r], errs[r] = Simulate(context.Background(), rs)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		// A rank that failed after a collective leaves the others waiting
		// (under MPI, its MPI_Abort ends them).
		t.Fatalf("ranks still running after 3 minutes: one failed while the others wait in a collective")
	}
	return reps, errs
}

// TestSimulateResumeSplit: a Brunel run with STDP split over two ranks,
// stopped at 0.5 s with periodic checkpoints and resumed over two ranks to
// 1 s, ends as the straight 1 s run in one process does: the same report,
// spike files and, on each rank, the learned weights of the synapses onto
// its neurons. Each rank's share is a file of its own, named with its
// checksum in rank 0's; another number of processes, or a share that is
// not the one named, is refused with a message saying so.
func TestSimulateResumeSplit(t *testing.T) {
	dir := t.TempDir()
	const total = time.Second
	build := func() *snn.Network { return brunelSTDP(t, 250) }
	base := SimSettings{Duration: total, Seed: 9, Threads: 1, Version: "test"}

	straight := base
	straight.Network, straight.Out = build(), filepath.Join(dir, "straight")
	want, err := Simulate(context.Background(), straight)
	if err != nil {
		t.Fatal(err)
	}

	first := base
	first.Duration, first.Out, first.Checkpoint, first.CheckpointEvery = total/2, filepath.Join(dir, "split"), filepath.Join(dir, "run.ckpt"), 200*time.Millisecond
	if _, errs := onRanks(t, 2, first, build); errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	// The set at 0.5 s replaced the one at 0.4 s: the index and the file
	// of rank 1 it names.
	if names := dirNames(t, dir); !slices.Equal(names, []string{"run.ckpt", "run.ckpt.step-5000.rank-1-of-2", "split", "straight"}) {
		t.Errorf("the split run left %v", names)
	}
	saved, err := os.ReadFile(first.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}

	resume := SimSettings{Resume: first.Checkpoint, Duration: total, Threads: 2, Version: "test"}
	reps, errs := onRanks(t, 2, resume, build)
	for r, got := range reps {
		if errs[r] != nil {
			t.Fatalf("rank %d: %v", r, errs[r])
		}
		if got.ResumedFromMS != 500 || got.Spikes == 0 || got.Spikes != want.Spikes || got.SynapticEvents != want.SynapticEvents ||
			!mapsEqual(got.RateHz, want.RateHz) || !mapsEqual(got.CVISI, want.CVISI) || !mapsEqual(got.Correlation, want.Correlation) {
			t.Errorf("rank %d, resumed from %v ms: %d spikes, %d events, rates %v; straight: %d, %d, %v",
				r, got.ResumedFromMS, got.Spikes, got.SynapticEvents, got.RateHz, want.Spikes, want.SynapticEvents, want.RateHz)
		}
		// The rank keeps the synapses onto its own neurons, in order.
		p, wp := got.Network.Projections[0], want.Network.Projections[0]
		lo, hi := snn.RankRange(p.Post.Len(), r, 2)
		var mine []float32
		for s, tgt := range wp.Targets {
			if int(tgt) >= lo && int(tgt) < hi {
				mine = append(mine, wp.Weights[s])
			}
		}
		if len(mine) == 0 || !slices.Equal(p.Weights, mine) {
			t.Errorf("rank %d: its %d learned weights differ from the straight run's %d onto its neurons", r, len(p.Weights), len(mine))
		}
	}
	if slices.Equal(want.Network.Projections[0].Weights, build().Projections[0].PerSynapseWeights()) {
		t.Error("STDP changed no weight: the test compares nothing")
	}
	for _, name := range dirNames(t, straight.Out) {
		a, _ := os.ReadFile(filepath.Join(straight.Out, name))
		b, err := os.ReadFile(filepath.Join(first.Out, name))
		if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: the resumed split run's file (%d bytes, %v) differs from the straight run's (%d bytes)", name, len(b), err, len(a))
		}
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"run.ckpt", "run.ckpt.step-10000.rank-1-of-2", "split", "straight"}) {
		t.Errorf("the resumed run left %v", names)
	}

	// Refusals: the 0.5 s set again, resumed by other numbers of
	// processes, and with rank 1's file swapped for another.
	if err := os.WriteFile(first.Checkpoint, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	resume.Duration = total
	if _, err := Simulate(context.Background(), SimSettings{Network: build(), Resume: first.Checkpoint, Duration: total, Version: "test"}); err == nil ||
		!strings.Contains(err.Error(), "written by 2 processes: resume it with mpirun -np 2") {
		t.Errorf("resumed in one process: %v", err)
	}
	if _, errs := onRanks(t, 3, resume, build); errs[0] == nil || !strings.Contains(errs[0].Error(), "written by 2 processes") {
		t.Errorf("resumed over 3 ranks: %v", errs)
	}
	if _, errs := onRanks(t, 2, resume, build); errs[1] == nil || !strings.Contains(errs[1].Error(), "no such file") {
		t.Errorf("resumed with rank 1's file gone (replaced at 1 s): %v", errs[1])
	}
	os.Rename(filepath.Join(dir, "run.ckpt.step-10000.rank-1-of-2"), filepath.Join(dir, "run.ckpt.step-5000.rank-1-of-2"))
	if _, errs := onRanks(t, 2, resume, build); errs[1] == nil || !strings.Contains(errs[1].Error(), "that file is another") {
		t.Errorf("resumed with another file for rank 1: %v", errs[1])
	}
	one := SimSettings{Network: build(), Duration: total / 2, Checkpoint: filepath.Join(dir, "one.ckpt"), Version: "test"}
	if _, err := Simulate(context.Background(), one); err != nil {
		t.Fatal(err)
	}
	resume.Resume = one.Checkpoint
	if _, errs := onRanks(t, 2, resume, build); errs[0] == nil || !strings.Contains(errs[0].Error(), "written by one process: resume it without mpirun") {
		t.Errorf("a checkpoint of one process resumed over 2 ranks: %v", errs)
	}
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestSimulateSplitSpecSTDP runs a spec file's network with STDP (the
// path of `mpirun neurite sim FILE`) over two ranks: the spikes are one
// process's. (The spec's dry run prepares the rule on every synapse before
// each rank keeps its own: the rule must index the synapses kept.)
func TestSimulateSplitSpecSTDP(t *testing.T) {
	dir := t.TempDir()
	s := SimSettings{Model: filepath.Join("testdata", "brunel-stdp.yaml"), Duration: 100 * time.Millisecond, Seed: 3, Threads: 1}
	one := s
	one.Out = filepath.Join(dir, "one")
	want, err := Simulate(context.Background(), one)
	if err != nil {
		t.Fatal(err)
	}
	split := s
	split.Out = filepath.Join(dir, "split")
	reps, errs := onRanks(t, 2, split, func() *snn.Network { return nil })
	for r, got := range reps {
		if errs[r] != nil {
			t.Fatalf("rank %d: %v", r, errs[r])
		}
		if got.Spikes == 0 || got.Spikes != want.Spikes || got.SynapticEvents != want.SynapticEvents {
			t.Errorf("rank %d: %d spikes, %d events; one process %d, %d", r, got.Spikes, got.SynapticEvents, want.Spikes, want.SynapticEvents)
		}
	}
	a, _ := os.ReadFile(filepath.Join(one.Out, "spikes.csv"))
	b, err := os.ReadFile(filepath.Join(split.Out, "spikes.csv"))
	if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("spikes.csv over 2 ranks (%d bytes, %v) differs from one process's (%d bytes)", len(b), err, len(a))
	}
}
