package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/train"
)

// An stdp run's checkpoint is an STDP network file (modelio.SaveSTDP)
// with its training state: the simulation's (diehlcook.State: potentials,
// conductances, last spikes, traces, the random stream), the responses
// tallied for the labels, and the record every checkpoint has
// (trainingRecord: the settings, and a train.State whose Epoch counts the
// passes done, Batch the images of the pass under way — one image a
// batch —, Step the images learned in all, Seconds the pass's wall time so
// far, History the passes done), plus stdpPosition. The network goes on
// from any image exactly as it would have, so a resumed run ends with the
// uninterrupted run's weights, thresholds, labels and test accuracy, bit
// for bit.

// stdpPosition is what an stdp checkpoint's record holds beyond
// train.State.
type stdpPosition struct {
	// Assigned counts the images of the learning-off pass that assigns
	// the labels (AssignPass) presented so far; while it is above 0 the
	// file also holds the state training ended in, from which more passes
	// can still be trained.
	Assigned int `json:"assigned"`
}

// stdpRun is an stdp training run under way.
type stdpRun struct {
	s       TrainSettings
	net     *diehlcook.Net
	tr      *data.Dataset
	classes int
	n       int // training images
	total   int // images learned when training is done: passes × n
	end     int // total, and the assignment pass's n images if there is one

	st      train.State // the position, as its fields are read above
	tally   *diehlcook.Tally
	trained *diehlcook.State // the state training ended in, once the assignment pass has begun
	begun   time.Time        // when the pass under way began (its Seconds earlier)

	path        string // where checkpoints go: Out, or out/stdp.ckpt
	onInterrupt bool   // whether to write one when ctx is cancelled
}

// trainSTDP trains Diehl & Cook's network without labels, or continues
// the run saved in resume; assigns labels from the responses to the last
// 10,000 training images of the last pass (or from a learning-off pass
// over the training set); saves the network to s.Out and scores the test
// set. Checkpoints go to s.Out (or out/stdp.ckpt) every s.CheckpointEvery
// images, and when ctx is cancelled if Out, CheckpointEvery or
// CheckpointOnInterrupt is set.
func trainSTDP(ctx context.Context, s TrainSettings, sets *dataSets, resume *resumePoint, rep *TrainReport) error {
	tr, te := sets.train, sets.test
	r := &stdpRun{s: s, tr: tr, classes: rep.Classes, n: tr.Len(), path: s.Out,
		onInterrupt: s.Out != "" || s.CheckpointEvery > 0 || s.CheckpointOnInterrupt}
	if r.n == 0 {
		return fmt.Errorf("%s: no training images", s.Data)
	}
	if r.path == "" {
		r.path = defaultCheckpointPath(s.Model)
	}
	r.total, r.end = s.Epochs*r.n, s.Epochs*r.n
	if s.AssignPass {
		r.end += r.n
	}
	g := 0 // images presented, the assignment pass's included
	if resume != nil {
		var err error
		if g, err = r.resume(resume); err != nil {
			return err
		}
	} else {
		net, err := diehlcook.New(diehlcook.Default(s.Neurons), tr.Features(), s.Seed)
		if err != nil {
			return err
		}
		r.net, r.tally = net, diehlcook.NewTally(r.classes, s.Neurons)
	}
	r.net.Threads = s.Threads

	counts := make([]int, s.Neurons)
	keep := min(diehlcook.Recent, r.n)
	fieldGate := s.gate()
	fieldGate.every = max(fieldGate.every, fieldsEvery) // 78,400 weights a time
	for start := g; g < r.end; g++ {
		if g == r.total && r.trained == nil {
			// Training is done: the assignment pass starts from here.
			state := r.net.State()
			r.trained = &state
			r.tally.Reset()
		}
		if g != start && s.CheckpointEvery > 0 && g%s.CheckpointEvery == 0 {
			if err := r.save(r.path, g); err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
		}
		k := g % r.n
		if g < r.total && k%10 == 0 {
			s.progress(Progress{Stage: fmt.Sprintf("STDP pass %d/%d", g/r.n+1, s.Epochs), Done: int64(k), Total: int64(r.n)})
		} else if k%10 == 0 {
			s.progress(Progress{Stage: "assigning labels (learning off)", Done: int64(k), Total: int64(r.n)})
		}
		if err := ctx.Err(); err != nil {
			return r.interrupt(g, nil, err)
		}
		if g >= r.total {
			r.net.Respond(tr.X.Row(k), counts)
			r.tally.Add(counts, tr.Labels[k])
			continue
		}
		if k == 0 {
			r.begun = time.Now()
			r.tally.Reset()
		}
		r.net.Learn(tr.X.Row(k), counts)
		if s.observing() && fieldGate.due(g == r.total-1) {
			s.Observe(receptiveFields(r.net.W, tr.Features(), len(r.net.Theta), g+1))
		}
		if !s.AssignPass && k >= r.n-keep {
			r.tally.Add(counts, tr.Labels[k])
		}
		if k == r.n-1 {
			pass, sec := g/r.n+1, time.Since(r.begun).Seconds()
			r.st.History = append(r.st.History, train.Epoch{Epoch: pass, Seconds: sec, Samples: r.n})
			s.logf("pass %d: %d images in %.1fs\n", pass, r.n, sec)
		}
	}
	r.net.AssignTally(r.tally)
	// The trained network's file is a checkpoint too, taken before the
	// test set moves the simulation on: resumed with more passes it
	// trains on, with as many it assigns the labels and scores again.
	final, err := r.checkpoint(r.end)
	if err != nil {
		return err
	}
	if s.Out != "" {
		if err := modelio.SaveSTDP(s.Out, r.net, final); err != nil {
			return err
		}
		rep.Out = s.Out
		s.logf("saved %s\n", s.Out)
	}
	res, err := r.net.Evaluate(ctx, te, rep.Classes)
	if errors.Is(err, context.Canceled) {
		return r.interrupt(r.end, &final, err)
	}
	if err != nil {
		return err
	}
	rep.STDP = r.net
	rep.History = r.st.History
	rep.Params = len(r.net.W)
	rep.TestAccuracy = res.Accuracy
	ops := res.Ops()
	rep.SpikesPerSample, rep.SynapticOpsPerSample, rep.Operations = &ops.Spikes, &ops.SynapticEvents, &ops
	return nil
}

// interrupt writes the checkpoint after g images, meta or (nil) the
// run's now, when one is wanted, and returns the error to report: an
// *InterruptedError after writing it, err otherwise.
func (r *stdpRun) interrupt(g int, meta *modelio.STDPMeta, err error) error {
	if !r.onInterrupt {
		return err
	}
	if meta == nil {
		m, cerr := r.checkpoint(g)
		if cerr != nil {
			return errors.Join(err, fmt.Errorf("checkpoint: %w", cerr))
		}
		meta = &m
	}
	if g < r.end || r.s.Out == "" { // else the trained network's file is written
		if cerr := modelio.SaveSTDP(r.path, r.net, *meta); cerr != nil {
			return errors.Join(err, fmt.Errorf("checkpoint: %w", cerr))
		}
	}
	ie := &InterruptedError{Checkpoint: r.path, Epoch: g/r.n + 1, Batch: g % r.n, Err: err}
	switch {
	case g >= r.end:
		ie.Epoch, ie.Batch = r.s.Epochs, r.n
		r.s.logf("interrupted while scoring the test set, after training and assigning the labels\n")
	case g >= r.total:
		ie.Epoch, ie.Batch = r.s.Epochs, r.n
		r.s.logf("interrupted after training, %d images into the pass that assigns the labels\n", g-r.total)
	}
	return ie
}

// position returns the run's record of where it stands after g images.
func (r *stdpRun) position(g int) train.State {
	st := r.st
	st.Epoch, st.Batch, st.Step, st.Seconds = min(g, r.total)/r.n, 0, min(g, r.total), 0
	if g < r.total {
		st.Batch = g % r.n
		if st.Batch > 0 {
			st.Seconds = time.Since(r.begun).Seconds()
		}
	}
	return st
}

// checkpoint returns the metadata of the run's checkpoint after g
// images: a copy of the simulation's state, the tally, and the record of
// the settings and the position.
func (r *stdpRun) checkpoint(g int) (modelio.STDPMeta, error) {
	assigned := max(0, g-r.total)
	rec, err := json.Marshal(trainingRecord{Settings: r.s.save(), State: r.position(g), STDP: &stdpPosition{Assigned: assigned}})
	if err != nil {
		return modelio.STDPMeta{}, err
	}
	state := r.net.State()
	meta := modelio.STDPMeta{Classes: r.classes, Images: min(g, r.total), Dataset: r.s.Data, State: &state, Tally: r.tally, Training: rec}
	if assigned > 0 {
		meta.Trained = r.trained
	}
	return meta, nil
}

// save writes the run's checkpoint after g images to path.
func (r *stdpRun) save(path string, g int) error {
	meta, err := r.checkpoint(g)
	if err != nil {
		return err
	}
	return modelio.SaveSTDP(path, r.net, meta)
}

// resume takes up the run saved in p and returns the number of images it
// had presented.
func (r *stdpRun) resume(p *resumePoint) (int, error) {
	s, meta, path := r.s, p.stdpMeta, r.s.Resume
	r.net, r.st, r.tally = p.stdp, p.record.State, meta.Tally
	r.st.History = append([]train.Epoch(nil), r.st.History...)
	assigned := p.record.STDP.Assigned
	switch {
	case r.net.In != r.tr.Features():
		return 0, fmt.Errorf("%s: the network takes %d inputs; %s has %d features", path, r.net.In, s.Data, r.tr.Features())
	case meta.Classes != r.classes:
		return 0, fmt.Errorf("%s: the network's labels range over %d classes; %s has %d", path, meta.Classes, s.Data, r.classes)
	case r.net.P.Neurons != s.Neurons:
		return 0, fmt.Errorf("%s: %d neurons, its settings say %d", path, r.net.P.Neurons, s.Neurons)
	case r.st.Epoch < 0 || r.st.Batch < 0 || r.st.Batch >= r.n || r.st.Step != r.st.Epoch*r.n+r.st.Batch ||
		assigned < 0 || assigned > r.n || assigned > 0 && (r.st.Batch != 0 || !s.AssignPass) || len(r.st.History) != r.st.Epoch:
		return 0, fmt.Errorf("%s: cannot continue at pass %d, image %d (%d learned, %d passes recorded, %d assigning) of %d images",
			path, r.st.Epoch+1, r.st.Batch, r.st.Step, len(r.st.History), assigned, r.n)
	case assigned > 0 && meta.Trained == nil:
		return 0, fmt.Errorf("%s: assigning labels, but the state training ended in is missing", path)
	}
	if err := r.net.SetState(*meta.State); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	if assigned > 0 {
		r.trained = meta.Trained
		if s.Epochs > r.st.Epoch {
			// More passes: the assignment pass begun is for fewer, and
			// training goes on from where it ended.
			if err := r.net.SetState(*meta.Trained); err != nil {
				return 0, fmt.Errorf("%s: %w", path, err)
			}
			r.trained, assigned = nil, 0
			r.tally.Reset()
		}
	}
	for j := range r.net.Labels {
		r.net.Labels[j] = -1 // assigned afresh at the end
	}
	r.begun = time.Now().Add(-time.Duration(r.st.Seconds * float64(time.Second)))
	g := r.st.Epoch*r.n + r.st.Batch + assigned
	if assigned > 0 {
		s.logf("resuming %s after its %d passes, at image %d of the label assignment\n", path, r.st.Epoch, assigned)
	} else {
		s.logf("resuming %s at pass %d, image %d, of %d passes\n", path, r.st.Epoch+1, r.st.Batch, s.Epochs)
	}
	return g, nil
}

// loadSTDPResume reads an stdp checkpoint to continue its run.
func loadSTDPResume(path string, f *modelio.File) (*resumePoint, error) {
	net, meta, err := modelio.STDPFromFile(f, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if meta.Training == nil || meta.State == nil || meta.Tally == nil {
		return nil, fmt.Errorf("%s: an STDP network without training state (written by an older neurite): it can be evaluated, not continued", path)
	}
	var rec trainingRecord
	if err := json.Unmarshal(meta.Training, &rec); err != nil {
		return nil, fmt.Errorf("%s: training state: %w", path, err)
	}
	if rec.STDP == nil || rec.Settings.Model != "stdp" {
		return nil, fmt.Errorf("%s: an STDP network whose training state is not an stdp run's", path)
	}
	return &resumePoint{stdp: net, stdpMeta: meta, record: rec}, nil
}
