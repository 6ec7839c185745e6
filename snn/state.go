package snn

import (
	"bufio"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// StateVar is one variable of the state a simulation changes as it runs,
// named for [Sim.SaveState] and [Sim.LoadState].
type StateVar struct {
	// Name is unique within its owner (a model, a rule): "v", "ref".
	Name string
	// Ptr points to the storage: *[]float32, *[]float64, *[]int32,
	// *[]int64, *[]int, *[]uint16, *[]uint32, *[]uint64, *[]bool, *int64,
	// *int or *float64; or a value that is both an
	// encoding.BinaryMarshaler and an encoding.BinaryUnmarshaler (a
	// *rand.PCG), saved as its bytes.
	Ptr any
	// Resizable lets LoadState replace the slice with one of another
	// length (rows a structural rule rewired, a growing history).
	// Otherwise the file must hold as many values as the slice, which is
	// filled in place, so slices shared with the engine (a model's v is
	// also a delay buffer's target) stay shared.
	Resizable bool
}

// Stateful is implemented by models, inputs and plasticity rules whose
// state changes while the network runs. StateVars lists that state: what
// LoadState must put back, after Prepare, for the rest of a run to
// perform the same operations on the same numbers. Parameters, and what
// Prepare computes from them, are not state. Every model and rule of
// this module implements it; a network with a model or rule that does
// not cannot be saved, and inputs without it must have no state (the
// counter-based streams of PoissonInput and Current have none: a draw
// depends only on the step and the neuron).
type Stateful interface {
	StateVars() []StateVar
}

// StateVars lists v, ge, gi, I (xe, xi with the alpha kernel, theta with
// adaptation) and the refractory counters.
func (m *LIF) StateVars() []StateVar {
	vars := m.ifState.stateVars()
	if m.Theta != nil {
		vars = append(vars, StateVar{Name: "theta", Ptr: &m.Theta})
	}
	return vars
}

// StateVars lists v, ge, gi, I (xe, xi with the alpha kernel) and the
// refractory counters.
func (m *CondLIF) StateVars() []StateVar { return m.ifState.stateVars() }

func (s *ifState) stateVars() []StateVar {
	vars := []StateVar{{Name: "v", Ptr: &s.V}, {Name: "ge", Ptr: &s.Ge}, {Name: "gi", Ptr: &s.Gi}, {Name: "I", Ptr: &s.I}}
	if s.Xe != nil {
		vars = append(vars, StateVar{Name: "xe", Ptr: &s.Xe}, StateVar{Name: "xi", Ptr: &s.Xi})
	}
	return append(vars, StateVar{Name: "ref", Ptr: &s.ref})
}

// StateVars lists v, u, I, Iext, the refractory counters and the
// per-neuron a, b, c, d (exported, so a caller may change them between
// runs).
func (m *Izhikevich) StateVars() []StateVar {
	return []StateVar{{Name: "v", Ptr: &m.V}, {Name: "u", Ptr: &m.U}, {Name: "I", Ptr: &m.I}, {Name: "Iext", Ptr: &m.Iext},
		{Name: "ref", Ptr: &m.ref}, {Name: "a", Ptr: &m.A}, {Name: "b", Ptr: &m.B}, {Name: "c", Ptr: &m.C}, {Name: "d", Ptr: &m.D}}
}

// StateVars lists v, w, I, Is and the refractory counters.
func (m *AdEx) StateVars() []StateVar {
	return []StateVar{{Name: "v", Ptr: &m.V}, {Name: "w", Ptr: &m.W}, {Name: "I", Ptr: &m.I}, {Name: "Is", Ptr: &m.Is}, {Name: "ref", Ptr: &m.ref}}
}

// StateVars lists v, m, h, n, I, which neurons are above threshold and
// the refractory counters.
func (m *HH) StateVars() []StateVar {
	return []StateVar{{Name: "v", Ptr: &m.V}, {Name: "m", Ptr: &m.M}, {Name: "h", Ptr: &m.H}, {Name: "n", Ptr: &m.N},
		{Name: "I", Ptr: &m.I}, {Name: "above", Ptr: &m.above}, {Name: "ref", Ptr: &m.ref}}
}

// StateVars lists the rates (which a caller may change between runs).
func (g *PoissonGroup) StateVars() []StateVar { return []StateVar{{Name: "rate", Ptr: &g.Rates}} }

// StateVars lists each neuron's position in its spike train.
func (s *SpikeTrains) StateVars() []StateVar { return []StateVar{{Name: "cursor", Ptr: &s.cursor}} }

// StateVars lists the bin being filled, its counts and the sums over
// the bins before it.
func (c *CountCorrelation) StateVars() []StateVar {
	return []StateVar{{Name: "bin", Ptr: &c.bin}, {Name: "counts", Ptr: &c.counts},
		{Name: "touched", Ptr: &c.touched, Resizable: true},
		{Name: "sx", Ptr: &c.sx}, {Name: "sxx", Ptr: &c.sxx}, {Name: "sxy", Ptr: &c.sxy}}
}

// The state file is a sequence of records, each
//
//	uint16 name length, name, uint8 kind, uint64 count, count values
//
// little-endian, ending with a record named stateEnd. Values are stored
// as they are in memory: float32 bits as uint32, and so on.
const (
	stateMagic = "neurite-sim-state/1\n"
	stateEnd   = "end"
)

type stateKind uint8

const (
	kindF32 stateKind = iota + 1
	kindF64
	kindI32
	kindI64 // also int
	kindU16
	kindU32
	kindU64
	kindBool
	kindBytes
)

var kindNames = map[stateKind]string{kindF32: "float32", kindF64: "float64", kindI32: "int32", kindI64: "int64",
	kindU16: "uint16", kindU32: "uint32", kindU64: "uint64", kindBool: "bool", kindBytes: "bytes"}

type binaryState interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// kindOf returns the kind a pointer is stored as and its length.
func kindOf(ptr any) (stateKind, int, error) {
	switch p := ptr.(type) {
	case *[]float32:
		return kindF32, len(*p), nil
	case *[]float64:
		return kindF64, len(*p), nil
	case *[]int32:
		return kindI32, len(*p), nil
	case *[]int64:
		return kindI64, len(*p), nil
	case *[]int:
		return kindI64, len(*p), nil
	case *[]uint16:
		return kindU16, len(*p), nil
	case *[]uint32:
		return kindU32, len(*p), nil
	case *[]uint64:
		return kindU64, len(*p), nil
	case *[]bool:
		return kindBool, len(*p), nil
	case *int64, *int:
		return kindI64, 1, nil
	case *float64:
		return kindF64, 1, nil
	case binaryState:
		return kindBytes, -1, nil
	}
	return 0, 0, fmt.Errorf("unsupported storage %T", ptr)
}

// stateWriter writes records through a buffer.
type stateWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

func (sw *stateWriter) flushBuf() {
	if sw.err == nil {
		_, sw.err = sw.w.Write(sw.buf)
	}
	sw.buf = sw.buf[:0]
}

func (sw *stateWriter) header(name string, k stateKind, n int) {
	sw.buf = binary.LittleEndian.AppendUint16(sw.buf, uint16(len(name)))
	sw.buf = append(sw.buf, name...)
	sw.buf = append(sw.buf, byte(k))
	sw.buf = binary.LittleEndian.AppendUint64(sw.buf, uint64(n))
}

// values appends the values of s through put, flushing every 64 KiB.
func values[T any](sw *stateWriter, s []T, put func([]byte, T) []byte) {
	for _, v := range s {
		sw.buf = put(sw.buf, v)
		if len(sw.buf) >= 1<<16 {
			sw.flushBuf()
		}
	}
}

func putF32(b []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
}
func putF64(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}
func putI32(b []byte, v int32) []byte  { return binary.LittleEndian.AppendUint32(b, uint32(v)) }
func putI64(b []byte, v int64) []byte  { return binary.LittleEndian.AppendUint64(b, uint64(v)) }
func putInt(b []byte, v int) []byte    { return binary.LittleEndian.AppendUint64(b, uint64(v)) }
func putU16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func putU32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func putU64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
func putBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func (sw *stateWriter) write(name string, ptr any) error {
	k, n, err := kindOf(ptr)
	if err != nil {
		return fmt.Errorf("state %s: %w", name, err)
	}
	if k == kindBytes {
		b, err := ptr.(binaryState).MarshalBinary()
		if err != nil {
			return fmt.Errorf("state %s: %w", name, err)
		}
		sw.header(name, k, len(b))
		sw.buf = append(sw.buf, b...)
		sw.flushBuf()
		return sw.err
	}
	sw.header(name, k, n)
	switch p := ptr.(type) {
	case *[]float32:
		values(sw, *p, putF32)
	case *[]float64:
		values(sw, *p, putF64)
	case *[]int32:
		values(sw, *p, putI32)
	case *[]int64:
		values(sw, *p, putI64)
	case *[]int:
		values(sw, *p, putInt)
	case *[]uint16:
		values(sw, *p, putU16)
	case *[]uint32:
		values(sw, *p, putU32)
	case *[]uint64:
		values(sw, *p, putU64)
	case *[]bool:
		values(sw, *p, putBool)
	case *int64:
		sw.buf = putI64(sw.buf, *p)
	case *int:
		sw.buf = putInt(sw.buf, *p)
	case *float64:
		sw.buf = putF64(sw.buf, *p)
	}
	sw.flushBuf()
	return sw.err
}

// stateReader reads records.
type stateReader struct {
	r   *bufio.Reader
	buf []byte
}

// next reads the header of the next record.
func (sr *stateReader) next() (name string, k stateKind, n uint64, err error) {
	var h [2]byte
	if _, err = io.ReadFull(sr.r, h[:]); err != nil {
		return "", 0, 0, truncated(err)
	}
	nb := make([]byte, binary.LittleEndian.Uint16(h[:]))
	if _, err = io.ReadFull(sr.r, nb); err != nil {
		return "", 0, 0, truncated(err)
	}
	var kn [9]byte
	if _, err = io.ReadFull(sr.r, kn[:]); err != nil {
		return "", 0, 0, truncated(err)
	}
	return string(nb), stateKind(kn[0]), binary.LittleEndian.Uint64(kn[1:]), nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the file ends early (truncated?)")
	}
	return err
}

// skip discards a record's values.
func (sr *stateReader) skip(k stateKind, n uint64) error {
	size := map[stateKind]uint64{kindF32: 4, kindF64: 8, kindI32: 4, kindI64: 8, kindU16: 2, kindU32: 4, kindU64: 8, kindBool: 1, kindBytes: 1}[k]
	if size == 0 || n > math.MaxInt64/size {
		return fmt.Errorf("unknown record kind %d", k)
	}
	_, err := io.CopyN(io.Discard, sr.r, int64(n*size))
	return truncated(err)
}

// readValues reads n values of size bytes into s through get, 64 KiB at
// a time.
func readValues[T any](sr *stateReader, s []T, size int, get func([]byte) T) error {
	per := max(1, (1<<16)/size)
	for i := 0; i < len(s); i += per {
		chunk := s[i:min(len(s), i+per)]
		if cap(sr.buf) < len(chunk)*size {
			sr.buf = make([]byte, len(chunk)*size)
		}
		b := sr.buf[:len(chunk)*size]
		if _, err := io.ReadFull(sr.r, b); err != nil {
			return truncated(err)
		}
		for j := range chunk {
			chunk[j] = get(b[j*size:])
		}
	}
	return nil
}

func getF32(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }
func getF64(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }
func getI32(b []byte) int32   { return int32(binary.LittleEndian.Uint32(b)) }
func getI64(b []byte) int64   { return int64(binary.LittleEndian.Uint64(b)) }
func getInt(b []byte) int     { return int(int64(binary.LittleEndian.Uint64(b))) }
func getU16(b []byte) uint16  { return binary.LittleEndian.Uint16(b) }
func getU32(b []byte) uint32  { return binary.LittleEndian.Uint32(b) }
func getU64(b []byte) uint64  { return binary.LittleEndian.Uint64(b) }
func getBool(b []byte) bool   { return b[0] != 0 }

// maxStateValues bounds a record's length, so that a damaged count is an
// error rather than an attempt to allocate it.
const maxStateValues = 1 << 40

// fill reads a record of kind k and n values into v.
func (sr *stateReader) fill(v StateVar, k stateKind, n uint64) error {
	want, have, err := kindOf(v.Ptr)
	if err != nil {
		return err
	}
	if k != want {
		return fmt.Errorf("the file holds %s values, the simulation %s", kindNames[k], kindNames[want])
	}
	if n > maxStateValues {
		return fmt.Errorf("the file claims %d values", n)
	}
	if k == kindBytes {
		b := make([]byte, n)
		if _, err := io.ReadFull(sr.r, b); err != nil {
			return truncated(err)
		}
		return v.Ptr.(binaryState).UnmarshalBinary(b)
	}
	if uint64(have) != n && !v.Resizable {
		return fmt.Errorf("the file holds %d values, the simulation %d", n, have)
	}
	size := func(p any) int {
		switch p.(type) {
		case *[]float32, *[]int32, *[]uint32:
			return 4
		case *[]uint16:
			return 2
		case *[]bool:
			return 1
		}
		return 8
	}(v.Ptr)
	if v.Resizable && uint64(have) != n {
		// Read before allocating: a damaged count fails on the data's
		// end, not with an allocation of it.
		var all []byte
		if _, err := io.CopyN(bytesWriter{&all}, sr.r, int64(n)*int64(size)); err != nil {
			return truncated(err)
		}
		return resizeFrom(v.Ptr, all, int(n))
	}
	switch p := v.Ptr.(type) {
	case *[]float32:
		return readValues(sr, *p, 4, getF32)
	case *[]float64:
		return readValues(sr, *p, 8, getF64)
	case *[]int32:
		return readValues(sr, *p, 4, getI32)
	case *[]int64:
		return readValues(sr, *p, 8, getI64)
	case *[]int:
		return readValues(sr, *p, 8, getInt)
	case *[]uint16:
		return readValues(sr, *p, 2, getU16)
	case *[]uint32:
		return readValues(sr, *p, 4, getU32)
	case *[]uint64:
		return readValues(sr, *p, 8, getU64)
	case *[]bool:
		return readValues(sr, *p, 1, getBool)
	case *int64:
		s := []int64{0}
		err := readValues(sr, s, 8, getI64)
		*p = s[0]
		return err
	case *int:
		s := []int{0}
		err := readValues(sr, s, 8, getInt)
		*p = s[0]
		return err
	case *float64:
		s := []float64{0}
		err := readValues(sr, s, 8, getF64)
		*p = s[0]
		return err
	}
	return fmt.Errorf("unsupported storage %T", v.Ptr)
}

type bytesWriter struct{ b *[]byte }

func (w bytesWriter) Write(p []byte) (int, error) {
	*w.b = append(*w.b, p...)
	return len(p), nil
}

// resizeFrom replaces the slice ptr points to with n values decoded from b.
func resizeFrom(ptr any, b []byte, n int) error {
	dec := func(size int, set func(i int, b []byte)) {
		for i := range n {
			set(i, b[i*size:])
		}
	}
	switch p := ptr.(type) {
	case *[]float32:
		*p = make([]float32, n)
		dec(4, func(i int, b []byte) { (*p)[i] = getF32(b) })
	case *[]float64:
		*p = make([]float64, n)
		dec(8, func(i int, b []byte) { (*p)[i] = getF64(b) })
	case *[]int32:
		*p = make([]int32, n)
		dec(4, func(i int, b []byte) { (*p)[i] = getI32(b) })
	case *[]int64:
		*p = make([]int64, n)
		dec(8, func(i int, b []byte) { (*p)[i] = getI64(b) })
	case *[]int:
		*p = make([]int, n)
		dec(8, func(i int, b []byte) { (*p)[i] = getInt(b) })
	case *[]uint16:
		*p = make([]uint16, n)
		dec(2, func(i int, b []byte) { (*p)[i] = getU16(b) })
	case *[]uint32:
		*p = make([]uint32, n)
		dec(4, func(i int, b []byte) { (*p)[i] = getU32(b) })
	case *[]uint64:
		*p = make([]uint64, n)
		dec(8, func(i int, b []byte) { (*p)[i] = getU64(b) })
	case *[]bool:
		*p = make([]bool, n)
		dec(1, func(i int, b []byte) { (*p)[i] = getBool(b) })
	default:
		return fmt.Errorf("%T cannot be resized", ptr)
	}
	return nil
}
