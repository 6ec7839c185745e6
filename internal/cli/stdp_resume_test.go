package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neurite/neurite/experiment"
)

// TestSTDPResumeBitIdentical: an stdp run with periodic checkpoints,
// interrupted (as Ctrl-C does: its context cancelled) once its first
// checkpoint is written, says where its checkpoint is and how to go on;
// resumed from it, and from the periodic checkpoint, it ends with the
// weights, thresholds and labels (inspect's weights_sha256) and the test
// accuracy of the run never interrupted.
func TestSTDPResumeBitIdentical(t *testing.T) {
	t.Chdir(t.TempDir())
	common := []string{"train", "--model", "stdp", "--neurons", "20", "--train-samples", "300", "--test-samples", "100", "--json"}
	train := func(args ...string) experiment.TrainReport {
		t.Helper()
		code, stdout, stderr := run(t, args...)
		var rep experiment.TrainReport
		if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil {
			t.Fatalf("%v: exit %d: %s %s", args, code, stdout, stderr)
		}
		return rep
	}
	straight := train(append(common, "--out", "straight.st")...)

	// Cancel the run once its first periodic checkpoint (100 images) is
	// on disk, keeping a copy of it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		defer cancel()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
			if b, err := os.ReadFile("a.st"); err == nil {
				if err := os.WriteFile("periodic.st", b, 0o644); err != nil {
					t.Error(err)
				}
				return
			}
		}
	}()
	var stdout, stderr bytes.Buffer
	root := newRoot(&stdout, &stderr)
	root.SetArgs(append(common, "--checkpoint-every", "100", "--out", "a.st"))
	err := root.ExecuteContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "checkpoint written to a.st (continue with: neurite train --resume a.st)") {
		t.Fatalf("interrupted train returned %v", err)
	}
	images := func(path string) int {
		t.Helper()
		var pos struct {
			State struct{ Epoch, Batch int }
		}
		r := inspectJSON(t, path)
		if err := json.Unmarshal(r.Training, &pos); err != nil || r.Model != "stdp" || r.Images != 300*pos.State.Epoch+pos.State.Batch {
			t.Fatalf("inspect %s: %+v (%v)", path, r, err)
		}
		return r.Images
	}
	stopped, periodic := images("a.st"), images("periodic.st")
	t.Logf("interrupted after %d images; periodic checkpoint after %d", stopped, periodic)
	if periodic == 0 || periodic%100 != 0 || periodic >= 300 || stopped < periodic || stopped >= 300 {
		t.Fatalf("checkpoints after %d (periodic) and %d (interrupted) images; want a multiple of 100, then no fewer, both below 300", periodic, stopped)
	}
	if inspectJSON(t, "a.st").WeightsSHA256 == inspectJSON(t, "straight.st").WeightsSHA256 {
		t.Fatal("the interrupted run's weights are the finished run's: the comparison proves nothing")
	}

	want := inspectJSON(t, "straight.st").WeightsSHA256
	for _, c := range []struct{ from, out string }{{"a.st", "a.st"}, {"periodic.st", "from-periodic.st"}} {
		resumed := train("train", "--resume", c.from, "--out", c.out, "--threads", "1", "--json")
		if got := inspectJSON(t, c.out); got.WeightsSHA256 != want || got.Images != 300 {
			t.Errorf("resumed from %s: weights %s after %d images; straight run %s after 300", c.from, got.WeightsSHA256, got.Images, want)
		}
		if resumed.TestAccuracy != straight.TestAccuracy || *resumed.SpikesPerSample != *straight.SpikesPerSample {
			t.Errorf("resumed from %s: accuracy %v, %v spikes per image; straight run %v, %v",
				c.from, resumed.TestAccuracy, *resumed.SpikesPerSample, straight.TestAccuracy, *straight.SpikesPerSample)
		}
	}
}
