package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/internal/atomicfile"
	"github.com/neurite/neurite/internal/budget"
)

// JobRequest is the body of POST /api/jobs: a training run or a
// simulation, with the settings of the CLI's flags of the same names
// (snake_case here). Zero fields take the job's defaults. Models and data
// are names only (presets, built-in datasets): a request never names a
// file.
type JobRequest struct {
	Kind  string `json:"kind"`  // "train" or "sim"
	Model string `json:"model"` // train: a preset (mlp, lenet5, …); sim: a preset (coba, brunel, …)
	Seed  uint64 `json:"seed"`
	// Threads is the job's worker threads (0: all cores).
	Threads int `json:"threads"`

	// Training.
	Data         string  `json:"data"` // mnist, fashion-mnist, xor, and, or
	Epochs       int     `json:"epochs"`
	Batch        int     `json:"batch"`
	MaxBatches   int     `json:"max_batches"`
	TrainSamples int     `json:"train_samples"`
	TestSamples  int     `json:"test_samples"`
	LR           float64 `json:"lr"`
	Hidden       []int   `json:"hidden"`
	Neurons      int     `json:"neurons"`

	// Simulation.
	Duration string  `json:"duration"` // Go syntax: 1s, 300ms
	N        int     `json:"n"`
	Panel    string  `json:"panel"`
	Scale    float64 `json:"scale"`
	Input    string  `json:"input"`
}

// RequestError is a job request refused: Field is the JSON key at fault
// ("" when the request as a whole is).
type RequestError struct {
	Field string `json:"field,omitempty"`
	Msg   string `json:"error"`
}

func (e *RequestError) Error() string {
	if e.Field == "" {
		return "serve: " + e.Msg
	}
	return fmt.Sprintf("serve: %s: %s", e.Field, e.Msg)
}

// maxRequest bounds a job request's body.
const maxRequest = 64 << 10

// datasets are the data a job may name.
var datasets = []string{"mnist", "fashion-mnist", "xor", "and", "or"}

// DecodeJobRequest reads one JSON job request from r: strictly (unknown
// keys, trailing data, more than 64 KiB are refused), with its Kind,
// Model and Data among the names a job may use. Errors are
// *RequestError.
func DecodeJobRequest(r io.Reader) (*JobRequest, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxRequest+1))
	dec.DisallowUnknownFields()
	var q JobRequest
	if err := dec.Decode(&q); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, &RequestError{Field: te.Field, Msg: fmt.Sprintf("want a %s", te.Type)}
		}
		return nil, &RequestError{Msg: "bad JSON: " + err.Error()}
	}
	if dec.More() {
		return nil, &RequestError{Msg: "bad JSON: data after the request"}
	}
	if dec.InputOffset() > maxRequest {
		return nil, &RequestError{Msg: fmt.Sprintf("request over %d bytes", maxRequest)}
	}
	switch q.Kind {
	case "train":
		if q.Model != "" && !slices.Contains(experiment.TrainModels, q.Model) {
			return nil, &RequestError{Field: "model", Msg: fmt.Sprintf("%q: want one of %v", q.Model, experiment.TrainModels)}
		}
		if q.Data != "" && !slices.Contains(datasets, q.Data) {
			return nil, &RequestError{Field: "data", Msg: fmt.Sprintf("%q: want one of %v", q.Data, datasets)}
		}
	case "sim":
		if !slices.Contains(experiment.SimModels, q.Model) {
			return nil, &RequestError{Field: "model", Msg: fmt.Sprintf("%q: want one of %v", q.Model, experiment.SimModels)}
		}
	default:
		return nil, &RequestError{Field: "kind", Msg: fmt.Sprintf("%q: want train or sim", q.Kind)}
	}
	if q.Kind != "sim" && (q.Duration != "" || q.N != 0 || q.Panel != "" || q.Scale != 0 || q.Input != "") {
		return nil, &RequestError{Field: "kind", Msg: "a training run takes no duration, n, panel, scale or input"}
	}
	if q.Kind != "train" && (q.Data != "" || q.Epochs != 0 || q.Batch != 0 || q.MaxBatches != 0 || q.TrainSamples != 0 ||
		q.TestSamples != 0 || q.LR != 0 || q.Hidden != nil || q.Neurons != 0) {
		return nil, &RequestError{Field: "kind", Msg: "a simulation takes no data, epochs, batch, max_batches, train_samples, test_samples, lr, hidden or neurons"}
	}
	return &q, nil
}

// jsonKey returns the JSON key of a settings field's Go name: LR → lr,
// MaxBatches → max_batches.
func jsonKey(field string) string {
	var b strings.Builder
	runes := []rune(field)
	for i, r := range runes {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(runes[i-1]) || i+1 < len(runes) && unicode.IsLower(runes[i+1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// requestError turns a settings error into a *RequestError naming the
// JSON key, or returns nil for any other error.
func requestError(err error) *RequestError {
	var fe *experiment.FieldError
	if errors.As(err, &fe) {
		reason := fe.Reason(jsonKey)
		if fe.Value != nil {
			reason = fmt.Sprintf("%v: %s", fe.Value, reason)
		}
		return &RequestError{Field: jsonKey(fe.Field), Msg: reason}
	}
	var be *budget.Error
	if errors.As(err, &be) {
		return &RequestError{Field: "max_memory", Msg: err.Error()}
	}
	return nil
}

// settings returns the job's settings, its outputs in dir, and checks
// them as the CLI's commands do.
func (q *JobRequest) settings(dir string, maxMemory int64, version string) (train *experiment.TrainSettings, sim *experiment.SimSettings, err error) {
	switch q.Kind {
	case "train":
		t := experiment.TrainSettings{Model: q.Model, Data: q.Data, Epochs: q.Epochs, Batch: q.Batch, MaxBatches: q.MaxBatches,
			TrainSamples: q.TrainSamples, TestSamples: q.TestSamples, LR: q.LR, Hidden: q.Hidden, Neurons: q.Neurons,
			Seed: q.Seed, Threads: q.Threads, MaxMemory: maxMemory, CheckpointOnInterrupt: true}
		if dir != "" {
			t.Out = filepath.Join(dir, "model.ckpt")
		}
		if t.Seed == 0 {
			t.Seed = 1
		}
		return &t, nil, t.Check()
	default:
		s := experiment.SimSettings{Model: q.Model, N: q.N, Panel: q.Panel, Scale: q.Scale, Input: q.Input,
			Seed: q.Seed, Threads: q.Threads, MaxMemory: maxMemory, Version: version}
		if s.Seed == 0 {
			s.Seed = 1
		}
		if q.Duration != "" {
			d, err := time.ParseDuration(q.Duration)
			if err != nil {
				return nil, nil, &RequestError{Field: "duration", Msg: fmt.Sprintf("%q: want a duration such as 1s or 300ms", q.Duration)}
			}
			s.Duration = d
		}
		if dir != "" {
			s.Raster = filepath.Join(dir, "raster.svg")
			s.Checkpoint = filepath.Join(dir, "sim.ckpt")
		}
		return nil, &s, s.Check()
	}
}

// Run states.
const (
	stateRunning = "running"
	stateDone    = "done"
	stateFailed  = "failed"
	stateStopped = "stopped"
)

// RunInfo describes a run: its JSON is what /api/runs lists and each
// run's folder keeps as run.json.
type RunInfo struct {
	ID      string      `json:"id"`
	Kind    string      `json:"kind"` // train, sim, or compare (a folder with results.json)
	Model   string      `json:"model,omitempty"`
	State   string      `json:"state"`
	Error   string      `json:"error,omitempty"`
	Started time.Time   `json:"started,omitzero"`
	Ended   time.Time   `json:"ended,omitzero"`
	Request *JobRequest `json:"request,omitempty"`
	// External runs run in another process (neurite train --live).
	External bool `json:"external,omitempty"`
	// Dropped counts events no client received in full: dropped when the
	// job got ahead of the server or a browser read too slowly.
	Dropped int64 `json:"dropped"`
	// Files are the run folder's files, as paths under /runs/.
	Files []string `json:"files,omitempty"`
}

// run is a job under way or ended since the server started.
type run struct {
	id       string
	hub      *hub
	cancel   context.CancelFunc
	external bool
	done     chan struct{}

	mu     sync.Mutex
	info   RunInfo
	ending bool    // end was called
	final  RunInfo // info once the run is over
}

func (r *run) state() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.info.State
}

func (r *run) snapshot() RunInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	info := r.info
	info.Dropped = r.hub.dropped.Load()
	return info
}

// end records how the run ended, for save; close then makes it known
// and ends the stream, once the run's files are written (so that no
// client sees the run over before its files are there).
func (r *run) end(state, msg string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ending {
		return false
	}
	r.ending = true
	r.final = r.info
	r.final.State, r.final.Error, r.final.Ended = state, msg, time.Now().UTC()
	return true
}

func (r *run) close() {
	r.mu.Lock()
	r.info = r.final
	r.mu.Unlock()
	r.hub.finish()
	close(r.done)
}

// save writes the run's results.json and run.json into dir.
func (r *run) save(dir string, report any) error {
	if report != nil {
		b, err := json.MarshalIndent(report, "", "  ")
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, "results.json"), append(b, '\n')); err != nil {
			return err
		}
	}
	r.mu.Lock()
	info := r.final
	r.mu.Unlock()
	info.Dropped = r.hub.dropped.Load()
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "run.json"), append(b, '\n'))
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (sv *Server) startJob(w http.ResponseWriter, r *http.Request) {
	q, err := DecodeJobRequest(http.MaxBytesReader(w, r.Body, maxRequest+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, err)
		return
	}
	if _, _, err := q.settings("", sv.s.MaxMemory, sv.s.Version); err != nil {
		var re *RequestError
		if errors.As(err, &re) {
			writeJSON(w, http.StatusBadRequest, re)
		} else if re := requestError(err); re != nil {
			writeJSON(w, http.StatusBadRequest, re)
		} else {
			writeJSON(w, http.StatusBadRequest, &RequestError{Msg: err.Error()})
		}
		return
	}
	sv.mu.Lock()
	if sv.closing {
		sv.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, &RequestError{Msg: "the server is closing"})
		return
	}
	if sv.running >= sv.s.MaxJobs {
		sv.mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, &RequestError{Msg: fmt.Sprintf("%d jobs are running, the most this server runs at once; stop one or wait", sv.running)})
		return
	}
	sv.running++
	sv.wg.Add(1)
	sv.mu.Unlock()
	release := func() {
		sv.mu.Lock()
		sv.running--
		sv.mu.Unlock()
		sv.wg.Done()
	}
	model := q.Model
	id := newID(q.Kind)
	dir, err := sv.folder(id)
	if err != nil {
		release()
		writeJSON(w, http.StatusInternalServerError, &RequestError{Msg: err.Error()})
		return
	}
	ts, ss, _ := q.settings(dir, sv.s.MaxMemory, sv.s.Version)
	if ts != nil && model == "" {
		model = "mlp"
	}
	ctx, cancel := context.WithCancel(context.Background())
	rn := &run{id: id, hub: newHub(), cancel: cancel, done: make(chan struct{}),
		info: RunInfo{ID: id, Kind: q.Kind, Model: model, State: stateRunning, Started: time.Now().UTC(), Request: q}}
	sv.mu.Lock()
	sv.add(rn)
	sv.mu.Unlock()
	sv.logf("serve: %s started\n", id)
	go func() {
		defer release()
		defer cancel()
		var report any
		var err error
		if ts != nil {
			ts.Observe, ts.ObserveEvery = rn.hub.publish, sv.s.ObserveEvery
			var rep *experiment.TrainReport
			if rep, err = experiment.Train(ctx, *ts); rep != nil {
				report = rep
			}
		} else {
			ss.Observe, ss.ObserveEvery = rn.hub.publish, sv.s.ObserveEvery
			var rep *experiment.SimReport
			if rep, err = experiment.Simulate(ctx, *ss); rep != nil {
				report = rep
			}
		}
		state, msg := stateDone, ""
		switch {
		case err != nil && ctx.Err() != nil:
			state, msg = stateStopped, err.Error()
		case err != nil:
			state, msg = stateFailed, err.Error()
		}
		rn.end(state, msg)
		if err := rn.save(dir, report); err != nil {
			sv.logf("serve: %s: %v\n", id, err)
		}
		rn.close()
		sv.logf("serve: %s %s\n", id, state)
	}()
	writeJSON(w, http.StatusCreated, rn.snapshot())
}

func (sv *Server) stopRun(w http.ResponseWriter, r *http.Request) {
	rn := sv.lookup(r.PathValue("id"))
	if rn == nil {
		writeJSON(w, http.StatusNotFound, &RequestError{Msg: "no such run under way"})
		return
	}
	if rn.cancel == nil {
		writeJSON(w, http.StatusConflict, &RequestError{Msg: "the run belongs to another process: stop it there"})
		return
	}
	rn.cancel()
	select {
	case <-rn.done:
	case <-r.Context().Done():
		return
	case <-time.After(time.Minute):
	}
	writeJSON(w, http.StatusOK, rn.snapshot())
}

// events streams a run's events as server-sent events: "train", "sim",
// "fields" and "status" (its RunInfo), each data line one JSON object.
func (sv *Server) events(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rn := sv.lookup(id)
	if rn == nil {
		// A run of the past: its record, and the end of the stream.
		b, err := fs.ReadFile(sv.root.FS(), id+"/run.json")
		var info RunInfo
		if !validID(id) || err != nil || json.Unmarshal(b, &info) != nil {
			writeJSON(w, http.StatusNotFound, &RequestError{Msg: "no such run"})
			return
		}
		info.ID, info.Files = id, sv.files(id)
		b, _ = json.Marshal(info)
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "event: status\ndata: %s\n\n", b)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeJSON(w, http.StatusInternalServerError, &RequestError{Msg: "streaming unsupported"})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	c, unsubscribe := rn.hub.subscribe()
	defer unsubscribe()
	bw := bufio.NewWriter(w)
	status := func() {
		info := rn.snapshot()
		info.Files = sv.files(rn.id)
		b, _ := json.Marshal(info)
		fmt.Fprintf(bw, "event: status\ndata: %s\n\n", b)
	}
	status()
	bw.Flush()
	flusher.Flush()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case m, ok := <-c.ch:
			if !ok {
				status()
				bw.Flush()
				flusher.Flush()
				return
			}
			c.took(m)
			fmt.Fprintf(bw, "event: %s\ndata: %s\n\n", m.kind, m.data)
			// Send what is queued in one write.
			for n := len(c.ch); n > 0; n-- {
				m, ok := <-c.ch
				if !ok {
					break
				}
				c.took(m)
				fmt.Fprintf(bw, "event: %s\ndata: %s\n\n", m.kind, m.data)
			}
		case <-tick.C:
			status()
		case <-r.Context().Done():
			return
		}
		if bw.Flush() != nil {
			return
		}
		flusher.Flush()
	}
}

// listRuns answers with the runs under way and ended since the server
// started, newest first, then the folders of the runs folder holding a
// run.json or results.json.
func (sv *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	var out []RunInfo
	seen := map[string]bool{}
	for _, id := range sv.ids() {
		if rn := sv.lookup(id); rn != nil {
			info := rn.snapshot()
			info.Files = sv.files(id)
			out = append(out, info)
			seen[id] = true
		}
	}
	entries, _ := fs.ReadDir(sv.root.FS(), ".")
	var past []RunInfo
	for _, e := range entries {
		if !e.IsDir() || seen[e.Name()] || !validID(e.Name()) {
			continue
		}
		files := sv.files(e.Name())
		var info RunInfo
		if b, err := fs.ReadFile(sv.root.FS(), e.Name()+"/run.json"); err == nil && json.Unmarshal(b, &info) == nil {
			info.ID = e.Name()
		} else if slices.Contains(files, e.Name()+"/results.json") {
			info = RunInfo{ID: e.Name(), Kind: "compare", State: stateDone}
		} else {
			continue
		}
		info.Files = files
		past = append(past, info)
	}
	slices.SortFunc(past, func(a, b RunInfo) int { return strings.Compare(b.ID, a.ID) })
	writeJSON(w, http.StatusOK, append(out, past...))
}

// files lists the files of run folder id (and one level of folders in
// it), as paths under the runs folder.
func (sv *Server) files(id string) []string {
	var out []string
	fsys := sv.root.FS()
	fs.WalkDir(fsys, id, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && strings.Count(p, "/") > 1 {
			return fs.SkipDir
		}
		if d.Type().IsRegular() && len(out) < 200 {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// attachRequest is the body of POST /api/attach.
type attachRequest struct {
	Kind  string `json:"kind"`
	Model string `json:"model"`
}

// pushLine is one line of POST /api/runs/ID/push: an event ("train",
// "sim", "fields" with its JSON), or "end" with the run's report and
// error.
type pushLine struct {
	Kind  string          `json:"kind"`
	Data  json.RawMessage `json:"data"`
	Error string          `json:"error,omitempty"`
}

// maxPush bounds a push's body.
const maxPush = 8 << 20

// Attach registers a run of the caller's own (the CLI's train --live):
// observe is its Reporting.Observe, and finish records its end, with the
// job's report (written to results.json) and error. The run's files are
// the run folder's only.
func (sv *Server) Attach(kind, model string) (id string, observe func(experiment.Event), finish func(report any, err error)) {
	rn := sv.external(kind, model)
	dir, _ := sv.folder(rn.id)
	return rn.id, rn.hub.publish, func(report any, err error) {
		state, msg := stateDone, ""
		if err != nil {
			state, msg = stateFailed, err.Error()
			if errors.Is(err, context.Canceled) {
				state = stateStopped
			}
		}
		if rn.end(state, msg) {
			if dir != "" {
				rn.save(dir, report)
			}
			rn.close()
		}
	}
}

func (sv *Server) external(kind, model string) *run {
	id := newID(kind)
	rn := &run{id: id, hub: newHub(), external: true, done: make(chan struct{}),
		info: RunInfo{ID: id, Kind: kind, Model: model, State: stateRunning, Started: time.Now().UTC(), External: true}}
	sv.mu.Lock()
	sv.add(rn)
	sv.mu.Unlock()
	return rn
}

func (sv *Server) attach(w http.ResponseWriter, r *http.Request) {
	var q attachRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		writeJSON(w, http.StatusBadRequest, &RequestError{Msg: "bad JSON: " + err.Error()})
		return
	}
	if q.Kind != "train" && q.Kind != "sim" {
		writeJSON(w, http.StatusBadRequest, &RequestError{Field: "kind", Msg: fmt.Sprintf("%q: want train or sim", q.Kind)})
		return
	}
	if len(q.Model) > 200 {
		writeJSON(w, http.StatusBadRequest, &RequestError{Field: "model", Msg: "longer than 200 bytes"})
		return
	}
	rn := sv.external(q.Kind, q.Model)
	sv.logf("serve: %s attached\n", rn.id)
	writeJSON(w, http.StatusCreated, rn.snapshot())
}

// push takes events of an external run, one JSON pushLine a line.
func (sv *Server) push(w http.ResponseWriter, r *http.Request) {
	rn := sv.lookup(r.PathValue("id"))
	if rn == nil || !rn.external {
		writeJSON(w, http.StatusNotFound, &RequestError{Msg: "no such attached run"})
		return
	}
	sc := bufio.NewScanner(http.MaxBytesReader(w, r.Body, maxPush))
	sc.Buffer(make([]byte, 64<<10), maxPush)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var p pushLine
		if err := json.Unmarshal(line, &p); err != nil {
			writeJSON(w, http.StatusBadRequest, &RequestError{Msg: fmt.Sprintf("line %d: %v", n+1, err)})
			return
		}
		n++
		switch p.Kind {
		case "train", "sim", "fields":
			if rn.state() != stateRunning {
				continue
			}
			var obj map[string]json.RawMessage
			if json.Unmarshal(p.Data, &obj) != nil {
				writeJSON(w, http.StatusBadRequest, &RequestError{Field: "data", Msg: fmt.Sprintf("line %d: want a JSON object", n)})
				return
			}
			rn.hub.publishRaw(p.Kind, slices.Clone([]byte(p.Data)))
		case "end":
			state := stateDone
			if p.Error != "" {
				state = stateFailed
			}
			var report any
			if len(p.Data) > 0 && string(p.Data) != "null" {
				report = p.Data
			}
			if rn.end(state, p.Error) {
				if dir, err := sv.folder(rn.id); err == nil {
					rn.save(dir, report)
				}
				rn.close()
			}
		default:
			writeJSON(w, http.StatusBadRequest, &RequestError{Field: "kind", Msg: fmt.Sprintf("line %d: %q: want train, sim, fields or end", n, p.Kind)})
			return
		}
	}
	if err := sc.Err(); err != nil {
		writeJSON(w, http.StatusBadRequest, &RequestError{Msg: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"events": n})
}

// writeFile writes b to path atomically.
func writeFile(path string, b []byte) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
