package modelio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/neurite/neurite/internal/atomicfile"
)

// Tensor is a named tensor of a file: F32 values in Data, or F64 values
// in F64 (then Data is nil). Network weights are F32; F64 holds state that
// must come back bit for bit from float64 code (the STDP network's).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
	F64   []float64
}

// Len returns the number of values the tensor holds.
func (t Tensor) Len() int {
	if t.F64 != nil {
		return len(t.F64)
	}
	return len(t.Data)
}

// dtype returns the tensor's safetensors dtype and element size.
func (t Tensor) dtype() (string, int64) {
	if t.F64 != nil {
		return "F64", 8
	}
	return "F32", 4
}

// File is the content of a safetensors file: tensors and string metadata.
type File struct {
	Metadata map[string]string
	Tensors  []Tensor
}

// Get returns the tensor with the given name.
func (f *File) Get(name string) (Tensor, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return Tensor{}, false
}

type headerEntry struct {
	DType   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// Limits on what a header may claim, so a hostile file cannot make the
// reader allocate from unchecked numbers.
const (
	maxHeaderBytes = 100 << 20
	maxDims        = 8
)

// Encode writes f in safetensors format, tensors in name order.
func Encode(w io.Writer, f *File) error {
	tensors := slices.Clone(f.Tensors)
	slices.SortFunc(tensors, func(a, b Tensor) int { return strings.Compare(a.Name, b.Name) })
	header := map[string]any{}
	if len(f.Metadata) > 0 {
		header["__metadata__"] = f.Metadata
	}
	var off int64
	for _, t := range tensors {
		if t.F64 != nil && t.Data != nil {
			return fmt.Errorf("modelio: tensor %s has both F32 and F64 values", t.Name)
		}
		if n := numel(t.Shape); n != t.Len() {
			return fmt.Errorf("modelio: tensor %s: shape %v holds %d values, have %d", t.Name, t.Shape, n, t.Len())
		}
		dtype, width := t.dtype()
		size := width * int64(t.Len())
		header[t.Name] = headerEntry{DType: dtype, Shape: nonNil(t.Shape), Offsets: [2]int64{off, off + size}}
		off += size
	}
	hdr, err := json.Marshal(header)
	if err != nil {
		return err
	}
	// Pad the header with spaces to 8 bytes, as the reference writer does.
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	if err := binary.Write(w, binary.LittleEndian, uint64(len(hdr))); err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	flush := func() error {
		if len(buf) < cap(buf)-8 {
			return nil
		}
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	for _, t := range tensors {
		for _, v := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if err := flush(); err != nil {
				return err
			}
		}
		for _, v := range t.F64 {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if err := flush(); err != nil {
				return err
			}
		}
	}
	_, err = w.Write(buf)
	return err
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Decode reads a safetensors file of total size bytes from r. Only F32
// and F64 tensors are accepted.
func Decode(r io.Reader, size int64) (*File, error) {
	var n uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("modelio: header length: file too short (%d bytes)", size)
	}
	if n > maxHeaderBytes || int64(n) > size-8 {
		return nil, fmt.Errorf("modelio: header claims %d bytes, but the file has %d after the length", n, size-8)
	}
	hdr := make([]byte, n)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("modelio: header: %w", err)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("modelio: header is not a JSON object: %w", err)
	}
	f := &File{Metadata: map[string]string{}}
	dataSize := size - 8 - int64(n)
	type span struct {
		name       string
		begin, end int64
		shape      []int
		width      int64 // bytes per value: 4 (F32) or 8 (F64)
	}
	var spans []span
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return nil, fmt.Errorf("modelio: __metadata__ must map strings to strings: %w", err)
			}
			continue
		}
		var e headerEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, fmt.Errorf("modelio: tensor %q: %w", name, err)
		}
		width := map[string]int64{"F32": 4, "F64": 8}[e.DType]
		if width == 0 {
			return nil, fmt.Errorf("modelio: tensor %q has dtype %q; only F32 and F64 are supported", name, e.DType)
		}
		if len(e.Shape) > maxDims {
			return nil, fmt.Errorf("modelio: tensor %q has %d dimensions (at most %d)", name, len(e.Shape), maxDims)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && count > dataSize/width/int64(d)+1) {
				return nil, fmt.Errorf("modelio: tensor %q: shape %v is larger than the file's %d data bytes", name, e.Shape, dataSize)
			}
			count *= int64(d)
		}
		b, end := e.Offsets[0], e.Offsets[1]
		if b < 0 || end < b || end > dataSize || end-b != width*count {
			return nil, fmt.Errorf("modelio: tensor %q: bytes [%d, %d) do not hold shape %v as %s within the %d data bytes", name, b, end, e.Shape, e.DType, dataSize)
		}
		spans = append(spans, span{name, b, end, e.Shape, width})
	}
	// The data must be laid out without overlaps or gaps, in offset order.
	slices.SortFunc(spans, func(a, b span) int { return int(a.begin - b.begin) })
	var at int64
	for _, s := range spans {
		if s.begin != at {
			return nil, fmt.Errorf("modelio: tensor %q starts at byte %d, expected %d (overlap or gap)", s.name, s.begin, at)
		}
		at = s.end
	}
	if at != dataSize {
		return nil, fmt.Errorf("modelio: tensors cover %d of the %d data bytes", at, dataSize)
	}
	data := make([]byte, dataSize)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("modelio: data: %w", err)
	}
	for _, s := range spans {
		t := Tensor{Name: s.name, Shape: s.shape}
		count := (s.end - s.begin) / s.width
		if s.width == 8 {
			t.F64 = make([]float64, count)
		} else {
			t.Data = make([]float32, count)
		}
		for k := range count {
			var v float64
			if s.width == 8 {
				v = math.Float64frombits(binary.LittleEndian.Uint64(data[s.begin+8*k:]))
				t.F64[k] = v
			} else {
				x := math.Float32frombits(binary.LittleEndian.Uint32(data[s.begin+4*k:]))
				v, t.Data[k] = float64(x), x
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("modelio: tensor %q holds a non-finite value (%v) at element %d", s.name, v, k)
			}
		}
		f.Tensors = append(f.Tensors, t)
	}
	slices.SortFunc(f.Tensors, func(a, b Tensor) int { return strings.Compare(a.Name, b.Name) })
	return f, nil
}

// WriteFile saves f to path atomically.
func WriteFile(path string, f *File) error {
	return atomicfile.Write(path, func(w io.Writer) error { return Encode(w, f) })
}

// ReadFile loads a safetensors file.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	f, err := Decode(fh, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}
