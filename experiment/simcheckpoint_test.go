package experiment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/snn/plasticity"
)

// brunelSTDP is Brunel's network (panel C) with STDP on its excitatory
// synapses onto excitatory neurons.
func brunelSTDP(t *testing.T, nE int) *snn.Network {
	t.Helper()
	net, err := snn.Brunel(nE, snn.BrunelPanels["C"], 4)
	if err != nil {
		t.Fatal(err)
	}
	net.Projections[0].Plasticity = &plasticity.STDP{APlus: 0.005, AMinus: 0.006, TauPlus: 20, TauMinus: 20, WMax: 0.3}
	return net
}

// afterHeader returns a checkpoint's bytes after its header and before
// its checksum: the simulation's state, the raster's dots and the spikes
// written so far.
func afterHeader(t *testing.T, path string) []byte {
	t.Helper()
	ck, err := readSimCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[ck.state : len(b)-4]
}

// TestSimulateResume stops a Brunel run with STDP part-way — at 0.5 s (a
// run of 0.5 s, continued to 1 s), and past 0.9 s by cancelling it as
// Ctrl-C does — resumes it from its checkpoint on another thread count,
// and checks that it ends as a straight 1 s run does, bit for bit: the
// state of every neuron, weight, trace and delay buffer, the report's
// statistics, the raster's dots, the figure's spikes and the spike files.
func TestSimulateResume(t *testing.T) {
	dir := t.TempDir()
	const total = time.Second
	base := SimSettings{Duration: total, Seed: 9, Threads: 2, Version: "test"}

	straight := base
	straight.Network, straight.Out, straight.Checkpoint = brunelSTDP(t, 500), filepath.Join(dir, "straight"), filepath.Join(dir, "straight.ckpt")
	straight.Figure = filepath.Join(dir, "straight.svg")
	want, err := Simulate(context.Background(), straight)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		duration time.Duration // of the first run
		cancelAt int64         // ms of simulated time (0: none)
	}{
		{"stopped at 0.5 s", 500 * time.Millisecond, 0},
		// Within the figure's last 200 ms, so that it draws spikes from
		// both sides of the resume.
		{"cancelled past 0.9 s", total, 900},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			first := base
			first.Network, first.Out, first.Checkpoint = brunelSTDP(t, 500), filepath.Join(sub, "resumed"), filepath.Join(sub, "run.ckpt")
			first.Figure = filepath.Join(sub, "resumed.svg")
			first.Duration, first.Threads, first.CheckpointEvery = tc.duration, 1, 100*time.Millisecond
			first.Progress = func(p Progress) {
				if tc.cancelAt > 0 && p.Done >= tc.cancelAt {
					cancel()
				}
			}
			_, err := Simulate(ctx, first)
			if tc.cancelAt > 0 {
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("the interrupted run returned %v, want context.Canceled", err)
				}
				if names := dirNames(t, first.Out); len(names) != 0 {
					t.Fatalf("the interrupted run left %v in its output folder", names)
				}
			} else if err != nil {
				t.Fatal(err)
			}

			resume := SimSettings{Network: brunelSTDP(t, 500), Resume: first.Checkpoint, Duration: total, Threads: 3, Version: "test"}
			got, err := Simulate(context.Background(), resume)
			if err != nil {
				t.Fatal(err)
			}
			if lo := float64(max(500, tc.cancelAt)); got.ResumedFromMS < lo || got.ResumedFromMS >= 1000 {
				t.Fatalf("resumed from %v ms, want a time from %v ms on", got.ResumedFromMS, lo)
			}
			if got.Checkpoint != first.Checkpoint {
				t.Errorf("the resumed run saved its checkpoint in %q, want the file it resumed (%q)", got.Checkpoint, first.Checkpoint)
			}
			if !bytes.Equal(afterHeader(t, got.Checkpoint), afterHeader(t, want.Checkpoint)) {
				t.Fatal("the resumed run's final state differs from the straight run's")
			}
			if got.Spikes == 0 || got.Spikes != want.Spikes || got.SynapticEvents != want.SynapticEvents || got.SimMS != want.SimMS ||
				!reflect.DeepEqual(got.RateHz, want.RateHz) || !reflect.DeepEqual(got.CVISI, want.CVISI) ||
				!reflect.DeepEqual(got.Correlation, want.Correlation) || len(got.Correlation) == 0 {
				t.Errorf("resumed report: %d spikes, %d events, %v ms, rates %v, CV %v, correlation %v; straight: %d, %d, %v ms, %v, %v, %v",
					got.Spikes, got.SynapticEvents, got.SimMS, got.RateHz, got.CVISI, got.Correlation,
					want.Spikes, want.SynapticEvents, want.SimMS, want.RateHz, want.CVISI, want.Correlation)
			}
			if !reflect.DeepEqual(got.Groups, want.Groups) {
				t.Error("the raster's dots differ")
			}
			if got.window == nil || !reflect.DeepEqual(got.window.groups, want.window.groups) {
				t.Error("the figure's spikes differ")
			}
			for k, st := range got.Stats {
				w := want.Stats[k]
				if !slices.Equal(st.Count, w.Count) || !slices.Equal(st.First, w.First) || !slices.Equal(st.Last, w.Last) {
					t.Errorf("statistics of %s differ", st.Pop.Name)
				}
			}
			if !slices.Equal(got.Network.Projections[0].Weights, want.Network.Projections[0].Weights) {
				t.Error("the learned weights differ")
			}
			if slices.Equal(got.Network.Projections[0].Weights, brunelSTDP(t, 500).Projections[0].PerSynapseWeights()) {
				t.Error("STDP changed no weight: the test compares nothing")
			}
			for _, name := range dirNames(t, straight.Out) {
				a, _ := os.ReadFile(filepath.Join(straight.Out, name))
				b, err := os.ReadFile(filepath.Join(first.Out, name))
				if err != nil || !bytes.Equal(a, b) {
					t.Errorf("%s: the resumed run's file (%d bytes, %v) differs from the straight run's (%d bytes)", name, len(b), err, len(a))
				}
			}
		})
	}
}

// TestSimulateResumeFigure resumes a run into a figure file other than
// its checkpoint's, and one whose checkpoint drew no figure: neither is
// refused; the first draws the straight run's spikes, the second those
// from the resume on, with a note saying what it lacks.
func TestSimulateResumeFigure(t *testing.T) {
	dir := t.TempDir()
	base := SimSettings{Model: "brunel", N: 500, Panel: "C", Duration: 300 * time.Millisecond, Seed: 2, Version: "test"}
	straight := base
	straight.Figure = filepath.Join(dir, "straight.svg")
	want, err := Simulate(context.Background(), straight)
	if err != nil {
		t.Fatal(err)
	}
	// The figure draws the last 200 ms: from 100 ms. The first runs are
	// cancelled, as Ctrl-C does, past 150 ms, inside that window.
	const cancelMS = 150
	tests := []struct {
		name       string
		first      string // the first run's figure ("": none)
		resumed    string // the resumed run's ("": left out)
		wantFile   string
		wantNote   string // in the resumed report's notes ("": none)
		fromResume bool   // the figure holds the spikes from the resume on only
	}{
		{"same file", "a.svg", "", "a.svg", "", false},
		{"another file", "a.svg", "b.svg", "b.svg", "", false},
		{"none before", "", "c.svg", "c.svg", "the checkpoint's run drew no figure", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			first := base
			first.Checkpoint, first.Threads, first.CheckpointEvery = filepath.Join(sub, "run.ckpt"), 1, 50*time.Millisecond
			first.Progress = func(p Progress) {
				if p.Done >= cancelMS {
					cancel()
				}
			}
			if tt.first != "" {
				first.Figure = filepath.Join(sub, tt.first)
			}
			if _, err := Simulate(ctx, first); !errors.Is(err, context.Canceled) {
				t.Fatalf("the interrupted run returned %v, want context.Canceled", err)
			}
			resume := SimSettings{Resume: first.Checkpoint, Duration: base.Duration, Threads: 2, Version: "test"}
			if tt.resumed != "" {
				resume.Figure = filepath.Join(sub, tt.resumed)
			}
			got, err := Simulate(context.Background(), resume)
			if err != nil {
				t.Fatalf("Simulate(resumed with Figure %q) = %v, want no error", resume.Figure, err)
			}
			if file := filepath.Join(sub, tt.wantFile); !slices.Contains(got.Files, file) {
				t.Errorf("the resumed run wrote %v, want %s among them", got.Files, file)
			} else if _, err := os.Stat(file); err != nil {
				t.Error(err)
			}
			note := strings.Join(got.Notes, "; ")
			if tt.wantNote == "" && strings.Contains(note, "figure") || !strings.Contains(note, tt.wantNote) {
				t.Errorf("notes %q, want %q", note, tt.wantNote)
			}
			if got.window == nil {
				t.Fatal("the resumed run kept no figure")
			}
			resumeMS := got.ResumedFromMS
			if resumeMS < cancelMS || resumeMS >= 300 {
				t.Fatalf("resumed from %v ms, want a time in [%v, 300) ms", resumeMS, cancelMS)
			}
			spikes := 0
			for k, g := range got.window.groups {
				w := want.window.groups[k]
				wantTimes, wantIndex := w.Times, w.Index
				if tt.fromResume {
					wantTimes, wantIndex = nil, nil
					for q, tm := range w.Times {
						if tm >= resumeMS {
							wantTimes, wantIndex = append(wantTimes, tm), append(wantIndex, w.Index[q])
						}
					}
				}
				if !slices.Equal(g.Times, wantTimes) || !slices.Equal(g.Index, wantIndex) {
					t.Errorf("%s: the figure draws %d spikes, want %d (the straight run's%s)", g.Name, len(g.Times), len(wantTimes),
						map[bool]string{true: " from the resume on", false: ""}[tt.fromResume])
				}
				spikes += len(g.Times)
				if len(w.Times) == len(wantTimes) && tt.fromResume {
					t.Errorf("%s: the straight run drew no spike before the resume: the test compares nothing", g.Name)
				}
			}
			if spikes == 0 {
				t.Error("the figure draws no spike: the test compares nothing")
			}
		})
	}
}

// TestSimulateResumeRefuses checks that a checkpoint is refused, with a
// message saying why, for another network, other settings, another
// version, a resume that ends before it, and a damaged file.
func TestSimulateResumeRefuses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.ckpt")
	s := SimSettings{Model: "brunel", N: 200, Duration: 50 * time.Millisecond, Seed: 2, Checkpoint: path, Version: "v1"}
	if _, err := Simulate(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	damaged := filepath.Join(dir, "damaged.ckpt")
	os.WriteFile(damaged, append(slices.Clone(raw[:len(raw)-10]), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0o644)
	short := filepath.Join(dir, "short.ckpt")
	os.WriteFile(short, raw[:len(raw)/2], 0o644)
	tests := []struct {
		name string
		s    SimSettings
		want string
	}{
		{"seed", SimSettings{Resume: path, Seed: 3, Duration: time.Second, Version: "v1"}, "Seed 3: differs from the checkpoint's 2"},
		{"size", SimSettings{Resume: path, N: 300, Duration: time.Second, Version: "v1"}, "N 300: differs"},
		{"model", SimSettings{Resume: path, Model: "coba", Duration: time.Second, Version: "v1"}, "Model coba: differs"},
		{"network", SimSettings{Resume: path, Network: brunelSTDP(t, 200), Duration: time.Second, Version: "v1"}, "another network"},
		{"version", SimSettings{Resume: path, Duration: time.Second, Version: "v2"}, "written by neurite v1"},
		{"before", SimSettings{Resume: path, Duration: 20 * time.Millisecond, Version: "v1"}, "ends before the checkpoint"},
		{"damaged", SimSettings{Resume: damaged, Duration: time.Second, Version: "v1"}, "checksum"},
		{"truncated", SimSettings{Resume: short, Duration: time.Second, Version: "v1"}, "checksum"},
		{"out", SimSettings{Resume: path, Out: filepath.Join(dir, "o"), Duration: time.Second, Version: "v1"}, "holds no spikes"},
		{"missing", SimSettings{Resume: filepath.Join(dir, "none"), Duration: time.Second}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Simulate(context.Background(), tt.s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Simulate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// A different network given in Go has another fingerprint.
	s2 := SimSettings{Network: brunelSTDP(t, 200), Duration: 20 * time.Millisecond, Checkpoint: filepath.Join(dir, "g.ckpt")}
	if _, err := Simulate(context.Background(), s2); err != nil {
		t.Fatal(err)
	}
	other := brunelSTDP(t, 200)
	other.Projections[0].Weight *= 2
	_, err := Simulate(context.Background(), SimSettings{Network: other, Resume: s2.Checkpoint, Duration: time.Second})
	if err == nil || !strings.Contains(err.Error(), "another network") {
		t.Fatalf("resuming with another network: %v, want an error about another network", err)
	}
}

// TestSimulateCluster runs Brunel over three ranks (goroutines here, MPI
// processes under mpirun): every rank's report describes the whole
// network as one process's does, rank 0 alone writes the files (the same
// bytes) and the exchange is measured.
func TestSimulateCluster(t *testing.T) {
	dir := t.TempDir()
	s := SimSettings{Model: "brunel", N: 400, Panel: "C", Duration: 200 * time.Millisecond, Seed: 6, Threads: 1}
	one := s
	one.Out = filepath.Join(dir, "one")
	want, err := Simulate(context.Background(), one)
	if err != nil {
		t.Fatal(err)
	}
	ranks := snn.NewLocalCluster(3).Ranks()
	reps := make([]*SimReport, len(ranks))
	errs := make([]error, len(ranks))
	var wg sync.WaitGroup
	for r, c := range ranks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			split := s
			split.Cluster, split.Out = c, filepath.Join(dir, "split")
			reps[r], errs[r] = Simulate(context.Background(), split)
		}()
	}
	wg.Wait()
	for r, got := range reps {
		if errs[r] != nil {
			t.Fatalf("rank %d: %v", r, errs[r])
		}
		if got.Ranks != 3 || got.Comm == nil || got.Comm.WindowSteps != 15 || got.Comm.Exchanges == 0 || got.Comm.Bytes == 0 {
			t.Errorf("rank %d: ranks %d, comm %+v", r, got.Ranks, got.Comm)
		}
		if got.Spikes != want.Spikes || got.Synapses != want.Synapses || got.SynapticEvents != want.SynapticEvents ||
			!reflect.DeepEqual(got.RateHz, want.RateHz) || !reflect.DeepEqual(got.CVISI, want.CVISI) || !reflect.DeepEqual(got.Correlation, want.Correlation) {
			t.Errorf("rank %d reports %d spikes, %d synapses, %d events, rates %v; one process %d, %d, %d, %v",
				r, got.Spikes, got.Synapses, got.SynapticEvents, got.RateHz, want.Spikes, want.Synapses, want.SynapticEvents, want.RateHz)
		}
		if (len(got.Files) > 0) != (r == 0) {
			t.Errorf("rank %d wrote %v", r, got.Files)
		}
	}
	for _, name := range dirNames(t, one.Out) {
		a, _ := os.ReadFile(filepath.Join(one.Out, name))
		b, err := os.ReadFile(filepath.Join(dir, "split", name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s written over 3 ranks (%d bytes, %v) differs from one process's (%d bytes)", name, len(b), err, len(a))
		}
	}
}
