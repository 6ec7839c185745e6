package snn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteCSV writes the recorded spikes as CSV with the header
// "population,neuron,time_ms", one spike per line in time order.
func (m *SpikeMonitor) WriteCSV(w io.Writer, header bool) error {
	bw := bufio.NewWriter(w)
	if header {
		bw.WriteString(CSVHeader)
	}
	var buf []byte
	for k, i := range m.Index {
		buf = appendCSV(buf[:0], m.Pop.Name, i, m.Time(k))
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// CSVHeader is the first line of a spike CSV file.
const CSVHeader = "population,neuron,time_ms\n"

func appendCSV(buf []byte, pop string, i int32, t float64) []byte {
	buf = append(buf, pop...)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, int64(i), 10)
	buf = append(buf, ',')
	buf = strconv.AppendFloat(buf, t, 'f', -1, 64)
	return append(buf, '\n')
}

// WriteNPY writes the recorded spikes as a NumPy .npy file (format 1.0)
// holding a float64 array of shape (spikes, 2): column 0 the neuron index,
// column 1 the time in ms. numpy.load reads it directly.
func (m *SpikeMonitor) WriteNPY(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.Write(npyHeader(int64(m.Len())))
	var rec [16]byte
	for k, i := range m.Index {
		putNPY(rec[:], i, m.Time(k))
		if _, err := bw.Write(rec[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// npyHeader returns the .npy header of a (rows, 2) float64 array. Magic
// (6) + version (2) + header length (2) + header + '\n' is padded with
// spaces to a multiple of 64 bytes: 128 bytes for any rows < 10¹⁹, so a
// header written for math.MaxInt64 rows can be overwritten by the real one.
func npyHeader(rows int64) []byte {
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, 2), }", rows)
	total := 10 + len(header) + 1
	pad := (64 - total%64) % 64
	hdr := header + strings.Repeat(" ", pad) + "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	return append(b, hdr...)
}

func putNPY(rec []byte, i int32, t float64) {
	binary.LittleEndian.PutUint64(rec[:8], math.Float64bits(float64(i)))
	binary.LittleEndian.PutUint64(rec[8:], math.Float64bits(t))
}

// CSVWriter is a [SpikeSink] that writes a population's spikes as the
// rows of [SpikeMonitor.WriteCSV] (the header, [CSVHeader], is the
// caller's to write), the same bytes for the same spikes.
type CSVWriter struct {
	w   io.Writer
	pop string
	dt  float64
	buf []byte
}

// NewCSVWriter returns a CSVWriter writing the spikes of the population
// named pop, simulated in steps of dt ms, to w.
func NewCSVWriter(w io.Writer, pop string, dt float64) *CSVWriter {
	return &CSVWriter{w: w, pop: pop, dt: dt}
}

// WriteSpikes writes the rows of a chunk of spikes in one call to the
// underlying writer.
func (c *CSVWriter) WriteSpikes(steps []int64, index []int32) error {
	c.buf = c.buf[:0]
	for k, i := range index {
		c.buf = appendCSV(c.buf, c.pop, i, float64(steps[k])*c.dt)
	}
	_, err := c.w.Write(c.buf)
	return err
}

// NPYWriter is a [SpikeSink] that writes a population's spikes as the
// .npy file of [SpikeMonitor.WriteNPY], the same bytes for the same
// spikes, without knowing their number in advance: it reserves the
// header, and Close writes it.
type NPYWriter struct {
	w    io.WriteSeeker
	dt   float64
	rows int64
	buf  []byte
}

// NewNPYWriter writes a placeholder header at the start of w and returns
// an NPYWriter for spikes simulated in steps of dt ms.
func NewNPYWriter(w io.WriteSeeker, dt float64) (*NPYWriter, error) {
	if _, err := w.Write(npyHeader(math.MaxInt64)); err != nil {
		return nil, err
	}
	return &NPYWriter{w: w, dt: dt}, nil
}

// WriteSpikes appends the rows of a chunk of spikes in one call to the
// underlying writer.
func (n *NPYWriter) WriteSpikes(steps []int64, index []int32) error {
	n.buf = n.buf[:0]
	var rec [16]byte
	for k, i := range index {
		putNPY(rec[:], i, float64(steps[k])*n.dt)
		n.buf = append(n.buf, rec[:]...)
	}
	_, err := n.w.Write(n.buf)
	if err == nil {
		n.rows += int64(len(index))
	}
	return err
}

// Rows returns the number of spikes written so far.
func (n *NPYWriter) Rows() int64 { return n.rows }

// Close writes the header, which states the number of rows, over the
// placeholder, and leaves w positioned at its end. It does not close w.
func (n *NPYWriter) Close() error {
	h := npyHeader(n.rows)
	if len(h) != len(npyHeader(math.MaxInt64)) {
		return errors.New("snn: NPYWriter: header changed length") // cannot happen: see npyHeader
	}
	if _, err := n.w.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := n.w.Write(h); err != nil {
		return err
	}
	_, err := n.w.Seek(0, io.SeekEnd)
	return err
}
