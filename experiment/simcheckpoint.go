package experiment

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/neurite/neurite/figure"
	"github.com/neurite/neurite/internal/atomicfile"
	"github.com/neurite/neurite/snn"
)

// A simulation checkpoint (SimSettings.Checkpoint) is one file:
//
//	"neurite-sim-checkpoint/1\n"
//	uint32 length, then the header as JSON (simHeader)
//	the simulation's state, as snn.Sim.SaveState writes it
//	the raster's dots of each population: uint64 total, uint64 n, n
//	  float64 times, n int32 indices
//	with spike files: each population's spikes so far, uint64 bytes of
//	  (step delta, index) uvarint pairs
//	uint32 CRC-32C of everything before it
//
// little-endian. The header says which settings built the network, with
// the network's fingerprint (snn.Network.Fingerprint, taken before it
// ran; split over processes, the digest of every rank's, whose share of
// the synapses differs), so that a resume rebuilds the same network or
// refuses to.
//
// Output files continue across a resume: while a run with Out saves
// checkpoints, it keeps the spikes it has written (about 3 bytes a spike,
// in memory and in each checkpoint), and the resumed run writes them
// into its files before its own, so its spikes.csv and .npy files hold
// the whole run, the same bytes as an uninterrupted run's. The raster's
// dots, the statistics and the counts behind the report continue the
// same way, so the resumed run's report describes the whole run too
// (except wall_seconds and build_seconds, which are its own).
const simCheckpointMagic = "neurite-sim-checkpoint/1\n"

// simHeader is a checkpoint's JSON header.
type simHeader struct {
	// Version is the software version that wrote the file
	// (SimSettings.Version).
	Version string `json:"version"`
	// Settings are the settings that define the network and its run
	// (definingSettings), by Go field name.
	Settings map[string]json.RawMessage `json:"settings"`
	// Fingerprint is the network's, before it ran.
	Fingerprint string  `json:"fingerprint"`
	SimMS       float64 `json:"sim_ms"`
	Steps       int64   `json:"steps"`
	DTMS        float64 `json:"dt_ms"`
	// Populations names the populations, in order.
	Populations []string `json:"populations"`
	// Out, Raster, Figure and CheckpointEvery are the run's, the defaults
	// of a resumed run. With Figure set, the state holds the figure's
	// spikes so far.
	Out             string        `json:"out,omitempty"`
	Raster          string        `json:"raster,omitempty"`
	Figure          string        `json:"figure,omitempty"`
	CheckpointEvery time.Duration `json:"checkpoint_every_ns,omitempty"`
	// SpikeLog says whether the file holds the spikes written so far.
	SpikeLog bool `json:"spike_log"`
	// Rank and Ranks say which share of a simulation split over Ranks
	// processes the file holds (both absent for one process). Rank 0's
	// file is the index: Parts names the other ranks' files, in rank
	// order from rank 1, with their checksums.
	Rank  int       `json:"rank,omitempty"`
	Ranks int       `json:"ranks,omitempty"`
	Parts []simPart `json:"parts,omitempty"`
}

// simPart is one rank's checkpoint file, named in rank 0's.
type simPart struct {
	// File is its name, in the index's folder.
	File string `json:"file"`
	// CRC is its CRC-32C (the one it ends with).
	CRC uint32 `json:"crc32c"`
}

// partFile returns the name of rank's share of the checkpoint path of a
// simulation split over ranks processes, saved at step: path.step-S.rank-R-of-N.
// The step in the name lets a new set be written beside the last one,
// which the index keeps naming until the new set is whole.
func partFile(path string, step int64, rank, ranks int) string {
	return fmt.Sprintf("%s.step-%d.rank-%d-of-%d", filepath.Base(path), step, rank, ranks)
}

// processSettings are the settings of SimSettings that do not define the
// network or its dynamics: a resumed run may change them. (Figure is one:
// the spikes it draws are saved with the checkpoint when the checkpoint's
// run drew one, and a resumed run may write them to another file, or draw
// a figure the checkpoint's run did not, from the spikes after the
// resume.) Every other exported field of a simple kind (Model, N, Panel,
// Seed and whatever is added later) is recorded in checkpoints, and a
// resumed run must agree with it or leave it zero.
var processSettings = map[string]bool{
	"Duration": true, "Threads": true, "Out": true, "Raster": true, "Figure": true, "Checkpoint": true,
	"CheckpointEvery": true, "Resume": true, "MaxMemory": true, "Version": true,
}

// definingSettings returns the fields of s a checkpoint records.
func definingSettings(s SimSettings) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || processSettings[f.Name] || !simpleKind(f.Type.Kind()) {
			continue
		}
		b, err := json.Marshal(v.Field(i).Interface())
		if err != nil {
			return nil, err
		}
		out[f.Name] = b
	}
	return out, nil
}

func simpleKind(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// simCheckpoint is a checkpoint read for a resume.
type simCheckpoint struct {
	path   string
	header simHeader
	state  int64  // offset of the simulation's state
	crc    uint32 // the file's CRC-32C
}

// readSimCheckpoint checks a checkpoint file whole (its CRC) and reads its
// header.
func readSimCheckpoint(path string) (*simCheckpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a usable simulation checkpoint: %s", path, fmt.Sprintf(format, args...))
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < int64(len(simCheckpointMagic))+8 {
		return nil, bad("too short")
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	if _, err := io.CopyN(crc, f, st.Size()-4); err != nil {
		return nil, err
	}
	var sum [4]byte
	if _, err := io.ReadFull(f, sum[:]); err != nil {
		return nil, err
	}
	magic := make([]byte, len(simCheckpointMagic))
	if _, err := f.ReadAt(magic, 0); err != nil || string(magic) != simCheckpointMagic {
		return nil, bad("it does not start as one")
	}
	if binary.LittleEndian.Uint32(sum[:]) != crc.Sum32() {
		return nil, bad("its checksum does not match (truncated or damaged)")
	}
	var n [4]byte
	if _, err := f.ReadAt(n[:], int64(len(magic))); err != nil {
		return nil, err
	}
	size := int64(binary.LittleEndian.Uint32(n[:]))
	if size > st.Size() {
		return nil, bad("header of %d bytes", size)
	}
	hdr := make([]byte, size)
	if _, err := f.ReadAt(hdr, int64(len(magic))+4); err != nil {
		return nil, err
	}
	ck := &simCheckpoint{path: path, state: int64(len(magic)) + 4 + size, crc: crc.Sum32()}
	if err := json.Unmarshal(hdr, &ck.header); err != nil {
		return nil, bad("header: %v", err)
	}
	return ck, nil
}

// resumeSettings merges the settings a checkpoint records into s: zero
// fields take the file's values, others must agree with them.
func (ck *simCheckpoint) resumeSettings(s SimSettings) (SimSettings, error) {
	h := ck.header
	if h.Version != s.Version {
		return s, fieldErr("Resume", ck.path, "written by neurite %s, not this version (%s): resume it with the version that wrote it", orNone(h.Version), orNone(s.Version))
	}
	v := reflect.ValueOf(&s).Elem()
	for name, raw := range h.Settings {
		f := v.FieldByName(name)
		if !f.IsValid() || !simpleKind(f.Kind()) {
			return s, fieldErr("Resume", ck.path, "records setting %s, which this version does not have", name)
		}
		saved := reflect.New(f.Type())
		if err := json.Unmarshal(raw, saved.Interface()); err != nil {
			return s, fieldErr("Resume", ck.path, "setting %s: %v", name, err)
		}
		switch {
		case f.IsZero():
			f.Set(saved.Elem())
		case !f.Equal(saved.Elem()):
			return s, fieldErr(name, f.Interface(), "differs from the checkpoint's %v: a resumed run continues the same network (leave it out)", saved.Elem().Interface())
		}
	}
	for name := range definingSettingsNames() {
		if _, ok := h.Settings[name]; !ok {
			return s, fieldErr("Resume", ck.path, "does not record setting %s: written by another version", name)
		}
	}
	if s.Out == "" {
		s.Out = h.Out
	}
	if s.Out != "" && !h.SpikeLog {
		return s, fieldErr("Out", s.Out, "cannot be written by a resumed run whose checkpoint holds no spikes (give --out to the run that writes the checkpoint)")
	}
	if s.Raster == "" {
		s.Raster = h.Raster
	}
	if s.Figure == "" {
		s.Figure = h.Figure
	}
	if s.CheckpointEvery == 0 {
		s.CheckpointEvery = h.CheckpointEvery
	}
	if s.Checkpoint == "" {
		s.Checkpoint = ck.path
	}
	return s, nil
}

// definingSettingsNames lists the fields definingSettings records.
func definingSettingsNames() map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeOf(SimSettings{})
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && !processSettings[f.Name] && simpleKind(f.Type.Kind()) {
			names[f.Name] = true
		}
	}
	return names
}

func orNone(v string) string {
	if v == "" {
		return "(no version)"
	}
	return v
}

// spikeLog keeps, for a run whose spikes go to files, every spike written
// so far, so that checkpoints can carry them: (step − previous step,
// index) as uvarints, about 3 bytes a spike.
type spikeLog struct {
	pops []spikeLogPop
}

type spikeLogPop struct {
	buf  []byte
	last int64
}

type spikeLogSink struct{ p *spikeLogPop }

func (s spikeLogSink) WriteSpikes(steps []int64, index []int32) error {
	p := s.p
	for k, i := range index {
		p.buf = binary.AppendUvarint(p.buf, uint64(steps[k]-p.last))
		p.buf = binary.AppendUvarint(p.buf, uint64(i))
		p.last = steps[k]
	}
	return nil
}

// replay hands population k's logged spikes to sinks and returns the
// step of the last.
func (l *spikeLog) replay(k int, sinks []snn.SpikeSink) (int64, error) {
	b := l.pops[k].buf
	var steps []int64
	var index []int32
	var step int64
	flush := func() error {
		for _, s := range sinks {
			if err := s.WriteSpikes(steps, index); err != nil {
				return err
			}
		}
		steps, index = steps[:0], index[:0]
		return nil
	}
	for len(b) > 0 {
		d, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, errors.New("damaged spike log")
		}
		i, m := binary.Uvarint(b[n:])
		if m <= 0 || i > math.MaxInt32 || d > math.MaxInt64-uint64(step) {
			return 0, errors.New("damaged spike log")
		}
		b = b[n+m:]
		step += int64(d)
		steps, index = append(steps, step), append(index, int32(i))
		if len(index) == 1<<16 {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if len(index) == 0 {
		return step, nil
	}
	return step, flush()
}

// crcWriter passes writes on and sums them.
type crcWriter struct {
	w   io.Writer
	crc hash.Hash32
}

func (c *crcWriter) Write(p []byte) (int, error) {
	c.crc.Write(p)
	return c.w.Write(p)
}

// simSaver writes a run's checkpoints.
type simSaver struct {
	path   string
	header simHeader
	sim    *snn.Sim
	groups []figure.SpikeGroup
	log    *spikeLog // nil without spike files
	hold   func() func()
	spent  time.Duration // writing
	writes int
	// c is the cluster of a simulation split over processes (nil in
	// one), and prev this rank's file of the last set written, removed
	// once the next set is whole.
	c    snn.Cluster
	prev string
}

// save writes the checkpoint of the simulation as it stands. Split over
// processes, every rank but 0 writes its share beside path (partFile),
// then rank 0 writes its own into path, naming the others' files and
// checksums; only then do the files of the last set go. A set is thus
// used only whole: an index names files that exist, with their sums.
func (sv *simSaver) save() error {
	if sv.hold != nil {
		release := sv.hold()
		defer release()
	}
	start := time.Now()
	defer func() { sv.spent += time.Since(start) }()
	h := sv.header
	h.SimMS, h.Steps = sv.sim.TimeMS(), sv.sim.Steps()
	if sv.c == nil || sv.c.Size() == 1 {
		_, err := sv.write(sv.path, h)
		if err == nil {
			sv.writes++
		}
		return err
	}
	rank, size := sv.c.Rank(), sv.c.Size()
	h.Rank, h.Ranks = rank, size
	var crc uint32
	var werr error
	part := filepath.Join(filepath.Dir(sv.path), partFile(sv.path, h.Steps, rank, size))
	if rank > 0 {
		crc, werr = sv.write(part, h)
	}
	ok := int32(1)
	if werr != nil {
		ok = 0
	}
	all, _, err := sv.c.Allgather([]int32{ok, int32(crc)})
	if err != nil {
		return err
	}
	for r := 1; r < size && werr == nil; r++ {
		if all[2*r] == 0 {
			werr = fmt.Errorf("%s was not written: rank %d could not write its share", sv.path, r)
		}
		h.Parts = append(h.Parts, simPart{File: partFile(sv.path, h.Steps, r, size), CRC: uint32(all[2*r+1])})
	}
	if werr == nil && rank == 0 {
		_, werr = sv.write(sv.path, h)
	}
	failed := []int64{0}
	if werr != nil {
		failed[0] = 1
	}
	if err := sv.c.SumInt64(failed); err != nil {
		return err
	}
	switch {
	case werr != nil:
		return werr
	case failed[0] > 0:
		return fmt.Errorf("%s was not written: rank 0 could not write the index", sv.path)
	}
	if rank > 0 {
		if sv.prev != "" && sv.prev != part {
			os.Remove(sv.prev) // the index names it no more
		}
		sv.prev = part
	}
	sv.writes++
	return nil
}

// write writes the checkpoint with header h into path and returns its
// CRC-32C.
func (sv *simSaver) write(path string, h simHeader) (uint32, error) {
	hdr, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	var sum uint32
	err = atomicfile.Write(path, func(w io.Writer) error {
		cw := &crcWriter{w: w, crc: crc32.New(crc32.MakeTable(crc32.Castagnoli))}
		b := append([]byte(simCheckpointMagic), binary.LittleEndian.AppendUint32(nil, uint32(len(hdr)))...)
		if _, err := cw.Write(append(b, hdr...)); err != nil {
			return err
		}
		if err := sv.sim.SaveState(cw); err != nil {
			return err
		}
		bw := bufio.NewWriterSize(cw, 1<<16)
		for _, g := range sv.groups {
			b := binary.LittleEndian.AppendUint64(nil, uint64(g.Total))
			b = binary.LittleEndian.AppendUint64(b, uint64(len(g.Times)))
			for _, t := range g.Times {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(t))
			}
			for _, i := range g.Index {
				b = binary.LittleEndian.AppendUint32(b, uint32(i))
			}
			bw.Write(b)
		}
		if sv.log != nil {
			for _, p := range sv.log.pops {
				bw.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(p.buf))))
				bw.Write(p.buf)
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		sum = cw.crc.Sum32()
		_, err := w.Write(binary.LittleEndian.AppendUint32(nil, sum))
		return err
	})
	return sum, err
}

// share returns the checkpoint the rank of c (nil: one process) resumes
// from, ck being the index: ck itself for rank 0 and for one process, the
// file ck names for another rank. A checkpoint resumes only with as many
// processes as wrote it.
func (ck *simCheckpoint) share(c snn.Cluster) (*simCheckpoint, error) {
	h := ck.header
	size, ranks := 1, max(1, h.Ranks)
	if c != nil {
		size = c.Size()
	}
	switch {
	case h.Rank != 0:
		return nil, fieldErr("Resume", ck.path, "is rank %d's share of a checkpoint: resume from rank 0's, the file given to --checkpoint", h.Rank)
	case ranks != size && ranks == 1:
		return nil, fieldErr("Resume", ck.path, "was written by one process: resume it without mpirun (this run has %d processes)", size)
	case ranks != size:
		return nil, fieldErr("Resume", ck.path, "was written by %d processes: resume it with mpirun -np %d (this run has %d)", ranks, ranks, size)
	case len(h.Parts) != ranks-1:
		return nil, fieldErr("Resume", ck.path, "names %d files for the other %d ranks", len(h.Parts), ranks-1)
	}
	if size == 1 || c.Rank() == 0 {
		return ck, nil
	}
	rank := c.Rank()
	p := h.Parts[rank-1]
	if p.File != filepath.Base(p.File) {
		return nil, fieldErr("Resume", ck.path, "names rank %d's file %q outside its folder", rank, p.File)
	}
	pc, err := readSimCheckpoint(filepath.Join(filepath.Dir(ck.path), p.File))
	if err != nil {
		return nil, fmt.Errorf("rank %d's share of %s: %w", rank, ck.path, err)
	}
	ph := pc.header
	if pc.crc != p.CRC || ph.Rank != rank || ph.Ranks != ranks || ph.Steps != h.Steps || ph.Fingerprint != h.Fingerprint {
		return nil, fieldErr("Resume", ck.path, "names %s for rank %d, but that file is another (rank %d of %d at step %d, checksum %08x; want rank %d of %d at step %d, %08x)",
			pc.path, rank, ph.Rank, ph.Ranks, ph.Steps, pc.crc, rank, ranks, h.Steps, p.CRC)
	}
	return pc, nil
}

// restore puts a checkpoint's state into sim (built from the same
// network, with the same monitors attached), the raster's dots into
// groups, and hands the logged spikes to each population's file sinks
// (fileSinks(k); nil without files), keeping them in log.
func (ck *simCheckpoint) restore(sim *snn.Sim, groups []figure.SpikeGroup, log *spikeLog, fileSinks func(k int) []snn.SpikeSink) error {
	f, err := os.Open(ck.path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Seek(ck.state, io.SeekStart); err != nil {
		return err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if err := sim.LoadState(br); err != nil {
		return fmt.Errorf("%s: %w", ck.path, err)
	}
	u64 := func() (uint64, error) {
		var b [8]byte
		_, err := io.ReadFull(br, b[:])
		return binary.LittleEndian.Uint64(b[:]), err
	}
	bad := func(what string, err error) error {
		return fmt.Errorf("%s: damaged checkpoint (%s): %v", ck.path, what, err)
	}
	for k := range groups {
		total, err := u64()
		if err != nil {
			return bad("raster", err)
		}
		n, err := u64()
		if err != nil || n > RasterDots || total < n {
			return bad("raster", err)
		}
		b := make([]byte, 12*n)
		if _, err := io.ReadFull(br, b); err != nil {
			return bad("raster", err)
		}
		g := &groups[k]
		g.Total, g.Times, g.Index = int(total), make([]float64, n), make([]int32, n)
		for q := range g.Times {
			g.Times[q] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*q:]))
			g.Index[q] = int32(binary.LittleEndian.Uint32(b[8*n+4*uint64(q):]))
		}
	}
	if log == nil {
		return nil
	}
	for k := range log.pops {
		n, err := u64()
		if err != nil || n > 1<<40 {
			return bad("spikes", err)
		}
		var buf []byte
		if _, err := io.CopyN(bytesBuffer{&buf}, br, int64(n)); err != nil {
			return bad("spikes", err)
		}
		log.pops[k].buf = buf
		// The log goes on from the last spike it holds.
		if log.pops[k].last, err = log.replay(k, fileSinks(k)); err != nil {
			return bad("spikes", err)
		}
	}
	return nil
}

type bytesBuffer struct{ b *[]byte }

func (w bytesBuffer) Write(p []byte) (int, error) {
	*w.b = append(*w.b, p...)
	return len(p), nil
}

// simRun carries a network's run through its checkpoints: it checks a
// resumed network against its checkpoint, puts the state back, runs in
// segments between checkpoints and writes them.
type simRun struct {
	s           SimSettings
	ck          *simCheckpoint // the checkpoint resumed, or nil
	saver       *simSaver      // nil without Checkpoint
	log         *spikeLog
	sim         *snn.Sim
	fingerprint string
}

// newSimSaver prepares the checkpoints of a run of net (built, not yet
// simulated): it takes the network's fingerprint and refuses a network
// other than the checkpoint's.
func newSimSaver(s SimSettings, ck *simCheckpoint, net *snn.Network) (*simRun, error) {
	r := &simRun{s: s, ck: ck}
	if s.Checkpoint == "" && ck == nil {
		return r, nil
	}
	if s.CheckpointEvery < 0 {
		return nil, fieldErr("CheckpointEvery", s.CheckpointEvery, "must be positive (0: only at the end and when interrupted)")
	}
	r.fingerprint = net.Fingerprint()
	if c := s.Cluster; c != nil && c.Size() > 1 {
		// Each rank holds its share of the synapses: the network's
		// fingerprint is that of every rank's, the same on all.
		var err error
		if r.fingerprint, err = clusterFingerprint(c, r.fingerprint); err != nil {
			return nil, err
		}
	}
	if ck != nil && ck.header.Fingerprint != r.fingerprint {
		return nil, fieldErr("Resume", ck.path, "was saved from another network than the one built now (a spec file or a network changed since, or another version of its builder)")
	}
	if ck != nil && len(ck.header.Populations) != len(net.Populations) {
		return nil, fieldErr("Resume", ck.path, "holds %d populations, the network %d", len(ck.header.Populations), len(net.Populations))
	}
	if s.Out != "" && s.Checkpoint != "" {
		r.log = &spikeLog{pops: make([]spikeLogPop, len(net.Populations))}
	}
	return r, nil
}

// clusterFingerprint returns the digest (hex SHA-256) of every rank's
// fingerprint (hex SHA-256 too) in rank order, on every rank of c: a
// collective call.
func clusterFingerprint(c snn.Cluster, own string) (string, error) {
	raw, err := hex.DecodeString(own)
	if err != nil || len(raw) != sha256.Size {
		return "", fmt.Errorf("experiment: fingerprint %q is not a SHA-256 digest", own)
	}
	send := make([]int32, sha256.Size/4)
	for k := range send {
		send[k] = int32(binary.LittleEndian.Uint32(raw[4*k:]))
	}
	all, _, err := c.Allgather(send)
	if err != nil {
		return "", fmt.Errorf("experiment: the network's fingerprint: %w", err)
	}
	h := sha256.New()
	for _, v := range all {
		h.Write(binary.LittleEndian.AppendUint32(nil, uint32(v)))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// logSink returns the sink that logs population k's spikes for the
// checkpoints (none when nothing is logged).
func (r *simRun) logSink(k int) []snn.SpikeSink {
	if r.log == nil {
		return nil
	}
	return []snn.SpikeSink{spikeLogSink{&r.log.pops[k]}}
}

// start puts a resumed run's state back into sim (whose monitors are
// attached) and readies the checkpoints.
func (r *simRun) start(sim *snn.Sim, rep *SimReport, files *spikeFiles) error {
	r.sim = sim
	if r.s.Checkpoint != "" {
		settings, err := definingSettings(r.s)
		if err != nil {
			return err
		}
		var names []string
		for _, p := range sim.Net.Populations {
			names = append(names, p.Name)
		}
		r.saver = &simSaver{path: r.s.Checkpoint, sim: sim, groups: rep.Groups, log: r.log, hold: r.s.HoldExit, c: r.s.Cluster,
			header: simHeader{Version: r.s.Version, Settings: settings, Fingerprint: r.fingerprint, DTMS: sim.DT,
				Populations: names, Out: r.s.Out, Raster: r.s.Raster, Figure: r.s.Figure, CheckpointEvery: r.s.CheckpointEvery, SpikeLog: r.log != nil}}
		rep.Checkpoint = r.s.Checkpoint
		if r.ck != nil && r.ck.header.Rank > 0 && filepath.Clean(r.s.Resume) == filepath.Clean(r.s.Checkpoint) {
			r.saver.prev = r.ck.path // replaced by the first set saved
		}
	}
	if r.ck == nil {
		return nil
	}
	var fileSinks func(int) []snn.SpikeSink
	if files != nil {
		fileSinks = files.sinks
	}
	log := r.log
	if log == nil && r.ck.header.SpikeLog {
		log = &spikeLog{pops: make([]spikeLogPop, len(sim.Net.Populations))} // read past, then dropped
	}
	if err := r.ck.restore(sim, rep.Groups, log, fileSinks); err != nil {
		return err
	}
	rep.ResumedFromMS = sim.TimeMS()
	if rep.window != nil {
		if note := rep.window.resumed(sim.Steps(), r.ck.header.Figure != ""); note != "" {
			rep.note("%s", note)
		}
	}
	if end := math.Round(float64(r.s.Duration) / float64(time.Millisecond) / sim.DT); float64(sim.Steps()) > end {
		return fieldErr("Duration", r.s.Duration, "ends before the checkpoint's %v ms: give the total simulated time, counted from the start", sim.TimeMS())
	}
	r.s.logf("resuming %s at %v ms\n", r.ck.path, sim.TimeMS())
	return nil
}

// run simulates up to durMS from the start, saving the checkpoints.
func (r *simRun) run(ctx context.Context, durMS float64) error {
	sim := r.sim
	end := int64(math.Round(durMS / sim.DT))
	var every int64
	if r.saver != nil && r.s.CheckpointEvery > 0 {
		every = max(1, int64(math.Round(float64(r.s.CheckpointEvery)/float64(time.Millisecond)/sim.DT)))
	}
	for sim.Steps() < end {
		next := end
		if every > 0 {
			next = min(end, (sim.Steps()/every+1)*every)
		}
		from := sim.TimeMS()
		err := sim.Run(ctx, float64(next-sim.Steps())*sim.DT, func(done, _ float64) {
			r.s.progress(Progress{Stage: "simulating (ms)", Done: int64(from + done), Total: int64(durMS)})
		})
		if err != nil {
			if r.saver != nil && ctx.Err() != nil && (r.s.Cluster == nil || r.s.Cluster.Size() == 1) {
				// Stopped between two chunks of steps: the state is whole.
				// (Split over processes, each stops at its own step: only
				// the periodic checkpoints are whole.)
				if serr := r.saver.save(); serr != nil {
					return fmt.Errorf("%w; and the checkpoint could not be written: %v", err, serr)
				}
				return &SimInterruptedError{Checkpoint: r.saver.path, SimMS: sim.TimeMS(), Err: err}
			}
			return err
		}
		if r.saver != nil && sim.Steps() < end {
			if err := r.saver.save(); err != nil {
				return err
			}
		}
	}
	if r.saver != nil {
		return r.saver.save()
	}
	return nil
}

// spent returns the wall time spent writing checkpoints.
func (r *simRun) spent() time.Duration {
	if r.saver == nil {
		return 0
	}
	return r.saver.spent
}

// SimComm measures the spike exchange of a simulation split over
// processes (SimSettings.Cluster).
type SimComm struct {
	// Exchanges is the number of exchange windows, each WindowSteps time
	// steps long (every rank's spikes of a window are sent to every rank
	// once).
	Exchanges   int64 `json:"exchanges"`
	WindowSteps int   `json:"window_steps"`
	// BytesPerExchange is the spike data one exchange moves, summed over
	// ranks (what each sends, times the ranks it reaches), and Bytes the
	// run's total.
	BytesPerExchange float64 `json:"bytes_per_exchange"`
	Bytes            int64   `json:"bytes"`
	// SecondsPerExchange is the slowest rank's wall time per exchange,
	// waiting for the others included, and Share that time's share of the
	// simulation's wall time.
	SecondsPerExchange float64 `json:"seconds_per_exchange"`
	Share              float64 `json:"share"`
}

// sumRanks makes a rank's report the whole network's: synapses (each
// rank stores those onto its own neurons), synaptic events, the
// synapses' bytes (returned) and CPU time summed over ranks, wall and
// exchange time the slowest rank's.
func (rep *SimReport) sumRanks(c snn.Cluster, sim *snn.Sim, bytes int) (int, error) {
	st := sim.CommStats()
	ints := []int64{rep.SynapticEvents, int64(bytes), st.BytesReceived, int64(rep.CPUSeconds * 1e9), int64(rep.Synapses)}
	if err := c.SumInt64(ints); err != nil {
		return 0, err
	}
	rep.CPUSeconds = float64(ints[3]) / 1e9 // every rank's
	times := []float64{rep.WallSeconds, st.Seconds}
	if err := c.MaxFloat64(times); err != nil {
		return 0, err
	}
	rep.SynapticEvents, bytes, rep.Synapses = ints[0], int(ints[1]), int(ints[4])
	rep.WallSeconds, rep.CommSeconds = times[0], times[1]
	rep.Ranks = c.Size()
	rep.Comm = &SimComm{Exchanges: st.Exchanges, WindowSteps: st.WindowSteps, Bytes: ints[2]}
	if st.Exchanges > 0 {
		rep.Comm.BytesPerExchange = float64(ints[2]) / float64(st.Exchanges)
		rep.Comm.SecondsPerExchange = rep.CommSeconds / float64(st.Exchanges)
	}
	if rep.WallSeconds > 0 {
		rep.Comm.Share = rep.CommSeconds / rep.WallSeconds
	}
	return bytes, nil
}

// SimInterruptedError reports a simulation cancelled after it saved its
// checkpoint: resuming from it continues the run.
type SimInterruptedError struct {
	Checkpoint string
	SimMS      float64 // the simulated time saved, ms
	Err        error   // the context's error
}

func (e *SimInterruptedError) Error() string {
	return fmt.Sprintf("interrupted at %v ms of simulated time; checkpoint written to %s", e.SimMS, e.Checkpoint)
}

func (e *SimInterruptedError) Unwrap() error { return e.Err }

// StateVars lists the spikes the figure's window has kept, and the step
// it starts at (loaded into savedFrom: see resumed).
func (w *activityWindow) StateVars() []snn.StateVar {
	w.savedFrom = w.from
	vars := []snn.StateVar{{Name: "from", Ptr: &w.savedFrom}}
	for k := range w.groups {
		g := &w.groups[k]
		vars = append(vars, snn.StateVar{Name: g.Name + "/times", Ptr: &g.Times, Resizable: true},
			snn.StateVar{Name: g.Name + "/index", Ptr: &g.Index, Resizable: true})
	}
	return vars
}

// resumed checks the window put back from a checkpoint saved at step
// (saved: the checkpoint holds a window; else this one is empty): a
// window that starts after it keeps none of the spikes before it; one that
// starts before it, where the checkpoint's started (the same Duration),
// goes on; another (a longer Duration, a window reaching back before the
// checkpoint, or none saved) lacks the spikes before the checkpoint, and a
// note says so.
func (w *activityWindow) resumed(step int64, saved bool) (note string) {
	if !saved {
		w.savedFrom = -1 // matches no window
	}
	if w.from >= step || w.savedFrom != w.from {
		for k := range w.groups {
			w.groups[k].Times, w.groups[k].Index = nil, nil
		}
	}
	if w.from < step && w.savedFrom != w.from {
		why := "the checkpoint's run had another duration"
		if !saved {
			why = "the checkpoint's run drew no figure"
		}
		return fmt.Sprintf("the figure lacks the spikes between %g ms and the resume at %g ms (%s)",
			float64(w.from)*w.dt, float64(step)*w.dt, why)
	}
	return ""
}
