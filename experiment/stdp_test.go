package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
)

// stdpJob runs Train on s, cancelling it when stop (if not nil) returns
// true for a progress report.
func stdpJob(s TrainSettings, stop func(Progress) bool) (*TrainReport, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Progress = func(p Progress) {
		if stop != nil && stop(p) {
			cancel()
		}
	}
	return Train(ctx, s)
}

// stopAt returns a stop function for the given stage (prefix) after done
// images of it.
func stopAt(stage string, done int64) func(Progress) bool {
	return func(p Progress) bool { return strings.HasPrefix(p.Stage, stage) && p.Done >= done }
}

// sameSTDP reports how a run differs from the uninterrupted one: weights,
// thresholds, labels, test accuracy and activity, passes, and the
// simulation state and tally saved in its file.
func sameSTDP(t *testing.T, name string, got, want *TrainReport) {
	t.Helper()
	g, w := got.STDP, want.STDP
	switch {
	case !slices.Equal(g.W, w.W):
		t.Errorf("%s: the weights differ from the uninterrupted run's", name)
	case !slices.Equal(g.Theta, w.Theta):
		t.Errorf("%s: the thresholds differ", name)
	case !slices.Equal(g.Labels, w.Labels):
		t.Errorf("%s: labels %v, uninterrupted %v", name, g.Labels, w.Labels)
	case got.TestAccuracy != want.TestAccuracy || *got.Operations != *want.Operations:
		t.Errorf("%s: accuracy %v, %+v; uninterrupted %v, %+v", name, got.TestAccuracy, *got.Operations, want.TestAccuracy, *want.Operations)
	case len(got.History) != len(want.History):
		t.Errorf("%s: %d passes recorded, want %d", name, len(got.History), len(want.History))
	}
	if got.Out == "" || want.Out == "" {
		return
	}
	_, gm, err := modelio.LoadSTDP(got.Out, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, wm, err := modelio.LoadSTDP(want.Out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gm.State, wm.State) || !reflect.DeepEqual(gm.Trained, wm.Trained) || !reflect.DeepEqual(gm.Tally, wm.Tally) {
		t.Errorf("%s: the file's simulation state or tally differs from the uninterrupted run's", name)
	}
}

// TestSTDPResume: an stdp run interrupted after any image — in the middle
// of a pass (through its context, as Ctrl-C does), at a periodic
// checkpoint, in the pass that assigns the labels — and resumed ends with
// the uninterrupted run's weights, thresholds, labels, test accuracy and
// simulation state, bit for bit; so does a finished run resumed to more
// passes.
func TestSTDPResume(t *testing.T) {
	tr, te, _, err := data.Open("mnist", "", 1)
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	base := TrainSettings{Model: "stdp", Neurons: 20, TrainSamples: 200, TestSamples: 100, Seed: 5, TrainSet: tr, TestSet: te, Threads: 2}
	run := func(s TrainSettings, stop func(Progress) bool) *TrainReport {
		t.Helper()
		rep, err := stdpJob(s, stop)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	// interrupted runs s, stopped by stop, and checks that it says where
	// its checkpoint is and the pass and image it stopped at.
	interrupted := func(s TrainSettings, stop func(Progress) bool, epoch, batch int) {
		t.Helper()
		_, err := stdpJob(s, stop)
		var ie *InterruptedError
		if !errors.As(err, &ie) || ie.Checkpoint != s.Out || ie.Epoch != epoch || ie.Batch != batch || !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %v, want an *InterruptedError at pass %d, image %d, checkpoint %s", err, epoch, batch, s.Out)
		}
	}
	resume := func(path, out string, more ...func(*TrainSettings)) *TrainReport {
		t.Helper()
		s := TrainSettings{Resume: path, Out: out, TrainSet: tr, TestSet: te, Threads: 1}
		for _, f := range more {
			f(&s)
		}
		return run(s, nil)
	}
	with := func(s TrainSettings, f func(*TrainSettings)) TrainSettings { f(&s); return s }

	straight := run(with(base, func(s *TrainSettings) { s.Out = at("straight.st") }), nil)

	// Stopped through the context after 130 images.
	interrupted(with(base, func(s *TrainSettings) { s.Out = at("stopped.st") }), stopAt("STDP pass 1/1", 130), 1, 130)
	if _, m, err := modelio.LoadSTDP(at("stopped.st"), 0); err != nil || m.Images != 130 {
		t.Fatalf("the checkpoint: %d images, %v", m.Images, err)
	}
	sameSTDP(t, "resumed after 130 images", resume(at("stopped.st"), at("resumed.st")), straight)

	// Periodic checkpoints every 60 images: the one after 180 is kept
	// aside while the run goes on to the end.
	periodic := with(base, func(s *TrainSettings) { s.Out, s.CheckpointEvery = at("periodic.st"), 60 })
	copied := false
	sameSTDP(t, "with periodic checkpoints", run(periodic, func(p Progress) bool {
		if p.Done == 190 && !copied {
			b, err := os.ReadFile(periodic.Out)
			if err == nil {
				err = os.WriteFile(at("at180.st"), b, 0o644)
			}
			if err != nil {
				t.Error(err)
			}
			copied = true
		}
		return false
	}), straight)
	if _, m, err := modelio.LoadSTDP(at("at180.st"), 0); err != nil || m.Images != 180 {
		t.Fatalf("the periodic checkpoint: %d images, %v", m.Images, err)
	}
	sameSTDP(t, "resumed from the periodic checkpoint", resume(at("at180.st"), at("from180.st")), straight)

	// A finished run resumed to two passes is the run of two passes.
	two := run(with(base, func(s *TrainSettings) { s.Out, s.Epochs = at("two.st"), 2 }), nil)
	if slices.Equal(two.STDP.W, straight.STDP.W) {
		t.Fatal("one pass and two give the same weights: the comparisons prove nothing")
	}
	sameSTDP(t, "one pass resumed to two", resume(at("straight.st"), at("onetwo.st"), func(s *TrainSettings) { s.Epochs = 2 }), two)

	// Labels assigned from a learning-off pass, stopped 70 images into it.
	assign := with(base, func(s *TrainSettings) { s.AssignPass = true })
	assigned := run(with(assign, func(s *TrainSettings) { s.Out = at("assign.st") }), nil)
	interrupted(with(assign, func(s *TrainSettings) { s.Out = at("assign-stopped.st") }), stopAt("assigning labels", 70), 1, 200)
	sameSTDP(t, "resumed in the assignment pass", resume(at("assign-stopped.st"), at("assign-resumed.st")), assigned)
	if testing.Short() {
		return
	}
	// Stopped in the assignment pass and resumed to two passes: training
	// goes on from where it ended.
	twoAssigned := run(with(assign, func(s *TrainSettings) { s.Out, s.Epochs = at("assign-two.st"), 2 }), nil)
	sameSTDP(t, "stopped assigning, resumed to two passes", resume(at("assign-stopped.st"), at("assign-onetwo.st"), func(s *TrainSettings) { s.Epochs = 2 }), twoAssigned)
}

// TestSTDPResumeErrors: files and settings that cannot continue an stdp
// run are refused, saying why.
func TestSTDPResumeErrors(t *testing.T) {
	tr, te, _, err := data.Open("mnist", "", 1)
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	dir := t.TempDir()
	s := TrainSettings{Model: "stdp", Neurons: 5, TrainSamples: 30, TestSamples: 10, Seed: 2, TrainSet: tr, TestSet: te, Out: filepath.Join(dir, "a.st")}
	rep, err := Train(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.st")
	if err := modelio.SaveSTDP(plain, rep.STDP, modelio.STDPMeta{Classes: 10, Images: 30}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		s     TrainSettings
		field string // a *FieldError for this field, or
		want  string // an error saying this
	}{
		{"other neurons", TrainSettings{Resume: s.Out, Neurons: 6}, "Neurons", ""},
		{"assignment pass added", TrainSettings{Resume: s.Out, AssignPass: true}, "AssignPass", ""},
		{"a network file without training state", TrainSettings{Resume: plain}, "", "without training state"},
		{"fewer images", TrainSettings{Resume: s.Out, TrainSamples: 20}, "TrainSamples", ""},
	} {
		tc.s.TrainSet, tc.s.TestSet = tr, te
		_, err := Train(context.Background(), tc.s)
		var fe *FieldError
		switch {
		case tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field):
			t.Errorf("%s: %v, want a *FieldError for %s", tc.name, err, tc.field)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}
