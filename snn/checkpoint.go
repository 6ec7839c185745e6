package snn

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math"
	"reflect"
)

// simVar is one record of a simulation's saved state.
type simVar struct {
	StateVar
	// optional records are written only when present() says so, and a
	// file may lack them.
	optional bool
	present  func() bool
	// save runs before the record is written (to gather what is spread
	// over several slices), load after it is read.
	save func()
	load func() error
}

// stateList returns the records of the simulation's state, in file order.
func (s *Sim) stateList() ([]simVar, error) {
	var vars []simVar
	add := func(prefix string, owner any, what string) error {
		st, ok := owner.(Stateful)
		if !ok {
			return fmt.Errorf("snn: %s (%T) cannot be saved: it does not implement snn.Stateful", what, owner)
		}
		for _, v := range st.StateVars() {
			vars = append(vars, simVar{StateVar: StateVar{Name: prefix + v.Name, Ptr: v.Ptr, Resizable: v.Resizable}})
		}
		return nil
	}
	vars = append(vars, simVar{StateVar: StateVar{Name: "sim/step", Ptr: &s.step}})
	if s.part != nil && s.part.size > 1 {
		// A rank's share: only the same rank of as many takes it back.
		share := []int64{int64(s.part.rank), int64(s.part.size)}
		vars = append(vars, simVar{StateVar: StateVar{Name: "sim/share", Ptr: &share},
			load: func() error {
				if int(share[0]) != s.part.rank || int(share[1]) != s.part.size {
					return fmt.Errorf("the state is rank %d's of %d processes, this simulation is rank %d's of %d", share[0], share[1], s.part.rank, s.part.size)
				}
				return nil
			}})
	}
	for _, ps := range s.pops {
		name := "pop/" + ps.pop.Name + "/"
		if err := add(name, ps.pop.Model, "population "+ps.pop.Name+"'s model"); err != nil {
			return nil, err
		}
		var total int64
		vars = append(vars, simVar{StateVar: StateVar{Name: name + "spikes", Ptr: &total},
			save: func() {
				total = 0
				for _, c := range ps.counts {
					total += c
				}
			},
			load: func() error {
				clear(ps.counts)
				ps.counts[0] = total
				return nil
			}})
	}
	for _, pj := range s.projs {
		p := pj.proj
		name := "proj/" + p.Name + "/"
		if p.Plasticity != nil {
			// Rows change only under structural rules: saved once rewired.
			rewired := func() bool { return p.generation > 0 }
			rows := false
			gotRows := func() error { rows = true; return nil }
			loaded := func() error {
				if err := p.validate(); err != nil {
					return fmt.Errorf("the saved rows: %w", err)
				}
				if rows {
					p.Rewired()
				}
				return nil
			}
			vars = append(vars,
				simVar{StateVar: StateVar{Name: name + "rowptr", Ptr: &p.RowPtr, Resizable: true}, optional: true, present: rewired, load: gotRows},
				simVar{StateVar: StateVar{Name: name + "targets", Ptr: &p.Targets, Resizable: true}, optional: true, present: rewired},
				simVar{StateVar: StateVar{Name: name + "delays", Ptr: &p.DelaySteps, Resizable: true}, optional: true,
					present: func() bool { return p.generation > 0 && p.DelaySteps != nil }},
				simVar{StateVar: StateVar{Name: name + "weights", Ptr: &p.Weights, Resizable: true}, load: loaded})
			if err := add(name+"rule/", p.Plasticity, "the plasticity rule of projection "+p.Name); err != nil {
				return nil, err
			}
		}
		if p.STP != nil {
			vars = append(vars, simVar{StateVar: StateVar{Name: name + "stp/u", Ptr: &p.STP.u}},
				simVar{StateVar: StateVar{Name: name + "stp/r", Ptr: &p.STP.r}},
				simVar{StateVar: StateVar{Name: name + "stp/last", Ptr: &p.STP.last}})
		}
	}
	for _, rg := range s.rings {
		if rg.slots == 1 {
			continue // the buffer is the target variable itself
		}
		vars = append(vars, simVar{StateVar: StateVar{Name: fmt.Sprintf("ring/%s/%d", rg.pop.pop.Name, rg.slots), Ptr: &rg.buf}})
	}
	for k, in := range s.Net.Inputs {
		if st, ok := in.(Stateful); ok {
			if err := add(fmt.Sprintf("input/%d/", k), st, ""); err != nil {
				return nil, err
			}
		}
	}
	for k, m := range s.monitors {
		name := fmt.Sprintf("spikes/%d/%s/", k, m.Pop.Name)
		vars = append(vars, simVar{StateVar: StateVar{Name: name + "steps", Ptr: &m.Steps, Resizable: true}},
			simVar{StateVar: StateVar{Name: name + "index", Ptr: &m.Index, Resizable: true}})
	}
	for k, m := range s.stats {
		name := fmt.Sprintf("stats/%d/%s/", k, m.Pop.Name)
		var sq []uint64
		vars = append(vars,
			simVar{StateVar: StateVar{Name: name + "total", Ptr: &m.total}},
			simVar{StateVar: StateVar{Name: name + "count", Ptr: &m.Count}},
			simVar{StateVar: StateVar{Name: name + "first", Ptr: &m.First}},
			simVar{StateVar: StateVar{Name: name + "last", Ptr: &m.Last}},
			simVar{StateVar: StateVar{Name: name + "cv_n", Ptr: &m.cvN}},
			simVar{StateVar: StateVar{Name: name + "cv_first", Ptr: &m.cvFirs}},
			simVar{StateVar: StateVar{Name: name + "isi_sq", Ptr: &sq, Resizable: true},
				save: func() {
					sq = sq[:0]
					for _, v := range m.sq {
						sq = append(sq, v[0], v[1])
					}
				},
				load: func() error {
					if len(sq) != 2*len(m.sq) {
						return fmt.Errorf("%d values for %d neurons", len(sq), len(m.sq))
					}
					for i := range m.sq {
						m.sq[i] = [2]uint64{sq[2*i], sq[2*i+1]}
					}
					return nil
				}})
	}
	for _, tr := range s.tracked {
		if err := add("tracked/"+tr.name+"/", tr.st, tr.name); err != nil {
			return nil, err
		}
	}
	for k, m := range s.states {
		name := fmt.Sprintf("state/%d/%s/%s/", k, m.Pop.Name, m.Var)
		var flat []float32
		vars = append(vars,
			simVar{StateVar: StateVar{Name: name + "times", Ptr: &m.Times, Resizable: true}},
			simVar{StateVar: StateVar{Name: name + "values", Ptr: &flat, Resizable: true},
				save: func() {
					flat = flat[:0]
					for _, row := range m.Values {
						flat = append(flat, row...)
					}
				},
				load: func() error {
					w := len(m.Indices)
					if len(flat) != w*len(m.Times) {
						return fmt.Errorf("%d values for %d samples of %d neurons", len(flat), len(m.Times), w)
					}
					m.Values = make([][]float32, len(m.Times))
					for r := range m.Values {
						m.Values[r] = flat[r*w : (r+1)*w : (r+1)*w]
					}
					return nil
				}})
	}
	return vars, nil
}

// tracked is state SaveState keeps besides the engine's (TrackState).
type tracked struct {
	name string
	st   Stateful
}

// TrackState adds st's variables, under name, to what SaveState writes
// and LoadState reads: the state of what follows a run from outside the
// engine, such as a [CountCorrelation] taking spikes from a sink. A Sim
// loading the state must track the same names in the same order.
func (s *Sim) TrackState(name string, st Stateful) {
	s.tracked = append(s.tracked, tracked{name, st})
}

// SaveState writes the simulation's whole state to w: the step count,
// every model's state, the weights (and rows) plasticity changed with its
// rules' state, short-term plasticity, the spikes in flight in the delay
// buffers, and the monitors' records and statistics. The random streams
// need no position: every draw is addressed by step and neuron. A Sim
// made by NewSim from the same network and seed, with the same monitors
// attached in the same order, takes the state back with LoadState and
// then runs on as this one would, bit for bit, whatever its thread count.
// It returns an error when a model or rule does not implement [Stateful].
//
// A simulation split over processes (SimOptions.Cluster) saves its own
// share: the state of its neurons and of the synapses onto them, and what
// every rank holds alike (monitors, remote neurons' short-term
// plasticity). Each rank saves and loads its own; a share is taken back
// only by the same rank of as many processes.
func (s *Sim) SaveState(w io.Writer) error {
	vars, err := s.stateList()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	sw := &stateWriter{w: bw}
	bw.WriteString(stateMagic)
	dt, seed := s.DT, []uint64{s.seed}
	sw.write("sim/dt", &dt)
	sw.write("sim/seed", &seed)
	for _, v := range vars {
		if v.present != nil && !v.present() {
			continue
		}
		if v.save != nil {
			v.save()
		}
		if err := sw.write(v.Name, v.Ptr); err != nil {
			return fmt.Errorf("snn: SaveState: %w", err)
		}
	}
	sw.header(stateEnd, kindU64, 0)
	sw.flushBuf()
	if sw.err != nil {
		return sw.err
	}
	return bw.Flush()
}

// LoadState puts back the state SaveState wrote. It reads exactly the
// saved state from a *bufio.Reader (and may read ahead of it from any
// other reader). It returns an error, and the Sim must then not be run,
// when the file was written by a different network (populations,
// projections, monitors, sizes), time step or seed, or is damaged.
func (s *Sim) LoadState(r io.Reader) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	if err := s.loadState(&stateReader{r: br}); err != nil {
		return fmt.Errorf("snn: LoadState: %w", err)
	}
	return nil
}

func (s *Sim) loadState(sr *stateReader) error {
	magic := make([]byte, len(stateMagic))
	if _, err := io.ReadFull(sr.r, magic); err != nil || string(magic) != stateMagic {
		return fmt.Errorf("not a saved simulation state")
	}
	var dt float64
	seed := []uint64{0}
	for _, v := range []StateVar{{Name: "sim/dt", Ptr: &dt}, {Name: "sim/seed", Ptr: &seed}} {
		name, k, n, err := sr.next()
		if err != nil {
			return err
		}
		if name != v.Name {
			return fmt.Errorf("not a saved simulation state (starts with %q)", name)
		}
		if err := sr.fill(v, k, n); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if dt != s.DT {
		return fmt.Errorf("the state was saved with a time step of %v ms, this simulation's is %v ms", dt, s.DT)
	}
	if seed[0] != s.seed {
		return fmt.Errorf("the state was saved with seed %d, this simulation's is %d", seed[0], s.seed)
	}
	vars, err := s.stateList()
	if err != nil {
		return err
	}
	i := 0
	for {
		name, k, n, err := sr.next()
		if err != nil {
			return err
		}
		if name == stateEnd {
			break
		}
		j := i
		for j < len(vars) && vars[j].Name != name && vars[j].optional {
			j++
		}
		if j == len(vars) || vars[j].Name != name {
			if i < len(vars) {
				return fmt.Errorf("the file holds %q where this simulation has %q: it was saved from a different network", name, vars[i].Name)
			}
			return fmt.Errorf("the file holds %q, which this simulation lacks: it was saved from a different network", name)
		}
		v := vars[j]
		if err := sr.fill(v.StateVar, k, n); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if v.load != nil {
			if err := v.load(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		i = j + 1
	}
	for ; i < len(vars); i++ {
		if !vars[i].optional {
			return fmt.Errorf("the file lacks %q: it was saved from a different network", vars[i].Name)
		}
	}
	if s.step < 0 {
		return fmt.Errorf("step %d", s.step)
	}
	return nil
}

// Fingerprint returns a digest (hex SHA-256) of everything that makes the
// network what it is: its time step, each population's name, model type,
// parameters and state, each projection's rows, weights, delays and
// rules, and each input's kind and parameters. Two networks built the
// same way from the same seed have the same fingerprint; a network built
// from another seed, size, spec or version of the builders has another.
// Take it before the network runs: running changes its state.
func (n *Network) Fingerprint() string {
	h := &hasher{h: sha256.New()}
	h.float(n.dt())
	for _, p := range n.Populations {
		h.str("population")
		h.str(p.Name)
		h.value(reflect.ValueOf(p.Model), 0)
		h.value(reflect.ValueOf(p.Positions), 0)
	}
	for _, p := range n.Projections {
		h.str("projection")
		h.value(reflect.ValueOf(p), 0)
		if p.Compacted() {
			// The compact arrays replace Targets, Weights and DelaySteps.
			var b []byte
			for s := range p.Synapses() {
				b = binary.LittleEndian.AppendUint32(b, p.target(s))
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(p.WeightOf(s)))
				b = binary.LittleEndian.AppendUint16(b, uint16(p.delaySteps(s, 0)))
				if len(b) > 1<<15 {
					h.h.Write(b)
					b = b[:0]
				}
			}
			h.h.Write(b)
		}
	}
	for _, in := range n.Inputs {
		h.str("input")
		h.value(reflect.ValueOf(in), 0)
	}
	return hex.EncodeToString(h.h.Sum(nil))
}

type hasher struct {
	h   hash.Hash
	buf []byte
}

func (h *hasher) str(s string) {
	h.buf = binary.LittleEndian.AppendUint64(h.buf[:0], uint64(len(s)))
	h.buf = append(h.buf, s...)
	h.h.Write(h.buf)
}

func (h *hasher) float(f float64) {
	h.h.Write(binary.LittleEndian.AppendUint64(h.buf[:0], math.Float64bits(f)))
}

// value hashes v's type and exported contents: fields (and those of
// embedded structs), slices and what pointers and interfaces hold. A
// *Population counts by name (projections point back at them), and
// maps, functions and channels do not count.
func (h *hasher) value(v reflect.Value, depth int) {
	if depth > 16 {
		return
	}
	if !v.IsValid() {
		h.str("nil")
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			h.str("nil")
			return
		}
		if p, ok := v.Interface().(*Population); ok {
			h.str("pop " + p.Name)
			return
		}
		h.str(v.Type().String())
		h.value(v.Elem(), depth+1)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !(f.Anonymous && f.Type.Kind() == reflect.Struct) {
				continue
			}
			h.str(f.Name)
			h.value(v.Field(i), depth+1)
		}
	case reflect.Slice, reflect.Array:
		h.buf = binary.LittleEndian.AppendUint64(h.buf[:0], uint64(v.Len()))
		h.h.Write(h.buf)
		h.slice(v, depth)
	case reflect.Bool:
		if v.Bool() {
			h.str("true")
		} else {
			h.str("false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		h.h.Write(binary.LittleEndian.AppendUint64(h.buf[:0], uint64(v.Int())))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		h.h.Write(binary.LittleEndian.AppendUint64(h.buf[:0], v.Uint()))
	case reflect.Float32, reflect.Float64:
		h.float(v.Float())
	case reflect.String:
		h.str(v.String())
	}
}

// slice hashes a slice's elements, numbers in blocks.
func (h *hasher) slice(v reflect.Value, depth int) {
	b := h.buf[:0]
	flush := func() {
		h.h.Write(b)
		b = b[:0]
	}
	switch s := v.Interface().(type) {
	case []float32:
		for _, x := range s {
			if b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x)); len(b) > 1<<15 {
				flush()
			}
		}
	case []uint32:
		for _, x := range s {
			if b = binary.LittleEndian.AppendUint32(b, x); len(b) > 1<<15 {
				flush()
			}
		}
	case []int:
		for _, x := range s {
			if b = binary.LittleEndian.AppendUint64(b, uint64(x)); len(b) > 1<<15 {
				flush()
			}
		}
	case []uint16:
		for _, x := range s {
			if b = binary.LittleEndian.AppendUint16(b, x); len(b) > 1<<15 {
				flush()
			}
		}
	default:
		for i := range v.Len() {
			h.value(v.Index(i), depth+1)
		}
		return
	}
	flush()
	h.buf = b
}
