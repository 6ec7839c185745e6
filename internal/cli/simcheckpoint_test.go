package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neurite/neurite/internal/mpi"
)

// simJSON runs sim with args and returns its report, failing on an error.
func simJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, stdout, stderr := run(t, append([]string{"sim", "--json"}, args...)...)
	var rep map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil {
		t.Fatalf("sim %v: exit %d: %s %s", args, code, stdout, stderr)
	}
	return rep
}

// sameRun reports the keys of two sim reports that differ, leaving out
// those about the process (times, speed, paths).
func sameRun(a, b map[string]any) []string {
	skip := map[string]bool{"build_seconds": true, "wall_seconds": true, "synops_per_second": true, "real_time_factor": true,
		"files": true, "checkpoint": true, "resumed_from_ms": true, "checkpoint_seconds": true, "threads": true, "cpu_seconds": true}
	var diff []string
	for k, v := range a {
		if !skip[k] && !jsonEqual(v, b[k]) {
			diff = append(diff, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && !skip[k] {
			diff = append(diff, k)
		}
	}
	return diff
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestSimCheckpointResume: a Brunel run interrupted (its context
// cancelled, as Ctrl-C does) once its first periodic checkpoint is
// written says where the checkpoint is and how to go on; resumed with
// only --resume and --duration (no model, and not the --seed and --panel
// it was started with), it prints the report of the run never
// interrupted and writes the same spike files.
func TestSimCheckpointResume(t *testing.T) {
	t.Chdir(t.TempDir())
	common := []string{"--n", "400", "--panel", "C", "--seed", "5", "--duration", "400ms"}
	straight := simJSON(t, append([]string{"brunel", "--out", "straight"}, common...)...)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		defer cancel()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if _, err := os.Stat("run.ckpt"); err == nil {
				return
			}
		}
	}()
	var stdout, stderr bytes.Buffer
	root := newRoot(&stdout, &stderr)
	root.SetArgs(append([]string{"sim", "brunel", "--out", "resumed", "--checkpoint", "run.ckpt", "--checkpoint-every", "50ms", "--threads", "1"}, common...))
	err := root.ExecuteContext(ctx)
	if err == nil {
		t.Skip("the run ended before it could be interrupted")
	}
	if !strings.Contains(err.Error(), "checkpoint written to run.ckpt (continue with: neurite sim --resume run.ckpt --duration TOTAL)") {
		t.Fatalf("interrupted sim returned %v", err)
	}
	if entries, _ := os.ReadDir("resumed"); len(entries) != 0 {
		t.Fatalf("the interrupted run left %d files in --out", len(entries))
	}

	resumed := simJSON(t, "--resume", "run.ckpt", "--duration", "400ms", "--threads", "2")
	if d := sameRun(straight, resumed); len(d) > 0 {
		t.Errorf("the resumed report differs from the straight run's in %v", d)
	}
	if from, _ := resumed["resumed_from_ms"].(float64); from <= 0 || from >= 400 {
		t.Errorf("resumed_from_ms = %v, want a time inside the run", resumed["resumed_from_ms"])
	}
	for _, name := range []string{"spikes.csv", "spikes_exc.npy", "spikes_inh.npy"} {
		a, _ := os.ReadFile(filepath.Join("straight", name))
		b, err := os.ReadFile(filepath.Join("resumed", name))
		if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: the resumed run's file (%d bytes, %v) differs from the straight run's (%d bytes)", name, len(b), err, len(a))
		}
	}
}

// TestSimResumeUsage checks the command line's refusals around resuming.
func TestSimResumeUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	simJSON(t, "brunel", "--n", "200", "--duration", "20ms", "--seed", "3", "--checkpoint", "a.ckpt")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no model", []string{"sim", "--duration", "1s"}, 2, "sim needs one model name"},
		{"missing", []string{"sim", "--resume", "none.ckpt", "--duration", "1s"}, 1, "none.ckpt"},
		{"other seed", []string{"sim", "--resume", "a.ckpt", "--seed", "4", "--duration", "1s"}, 2, "--seed 4: differs from the checkpoint's 3"},
		{"other model", []string{"sim", "coba", "--resume", "a.ckpt", "--duration", "1s"}, 2, "model \"coba\": differs"},
		{"before", []string{"sim", "--resume", "a.ckpt", "--duration", "10ms"}, 2, "--duration 10ms: ends before the checkpoint's 20 ms"},
		{"negative every", []string{"sim", "coba", "--n", "100", "--checkpoint", "b.ckpt", "--checkpoint-every", "-1s"}, 2, "--checkpoint-every -1s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	rep := simJSON(t, "--resume", "a.ckpt", "--duration", "40ms")
	if rep["seed"] != 3.0 || rep["sim_ms"] != 40.0 || rep["resumed_from_ms"] != 20.0 {
		t.Errorf("resumed: seed %v, sim_ms %v, resumed_from_ms %v; want 3, 40, 20", rep["seed"], rep["sim_ms"], rep["resumed_from_ms"])
	}
}

// TestExitHolds: the watchdog waits past its grace while a checkpoint is
// being written, and no longer than that once it is done.
func TestExitHolds(t *testing.T) {
	h := newExitHolds()
	done := make(chan struct{})
	signals := make(chan os.Signal)
	release := h.hold()
	start := time.Now()
	go func() {
		time.Sleep(150 * time.Millisecond)
		release()
		release() // a second call does nothing
	}()
	if !h.wait(signals, done, 20*time.Millisecond) {
		t.Fatal("wait returned false")
	}
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("wait returned after %v, before the hold was released", took)
	}
	start = time.Now()
	if !h.wait(signals, done, 20*time.Millisecond) || time.Since(start) > time.Second {
		t.Errorf("without a hold, wait took %v", time.Since(start))
	}
	close(done)
	if h.wait(signals, done, time.Hour) {
		t.Error("wait returned true after done")
	}
}

// TestSimUnderMPIWithoutIt: a binary built without MPI, started by
// mpirun, refuses to run the whole job once per rank.
func TestSimUnderMPIWithoutIt(t *testing.T) {
	if mpi.Available {
		t.Skip("this test binary has MPI")
	}
	t.Setenv("OMPI_COMM_WORLD_SIZE", "2")
	code, _, stderr := run(t, "sim", "coba", "--n", "100", "--duration", "1ms")
	if code != 1 || !strings.Contains(stderr, "built without MPI support") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
