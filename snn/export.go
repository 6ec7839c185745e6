package snn

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
)

// WriteCSV writes the recorded spikes as CSV with the header
// "population,neuron,time_ms", one spike per line in time order.
func (m *SpikeMonitor) WriteCSV(w io.Writer, header bool) error {
	bw := bufio.NewWriter(w)
	if header {
		bw.WriteString("population,neuron,time_ms\n")
	}
	var buf []byte
	for k, i := range m.Index {
		buf = append(buf[:0], m.Pop.Name...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, m.Time(k), 'f', -1, 64)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteNPY writes the recorded spikes as a NumPy .npy file (format 1.0)
// holding a float64 array of shape (spikes, 2): column 0 the neuron index,
// column 1 the time in ms. numpy.load reads it directly.
func (m *SpikeMonitor) WriteNPY(w io.Writer) error {
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, 2), }", m.Len())
	// Magic (6) + version (2) + header length (2) + header + '\n' must be
	// a multiple of 64 bytes, padded with spaces.
	total := 10 + len(header) + 1
	pad := (64 - total%64) % 64
	hdr := header + spaces(pad) + "\n"
	bw := bufio.NewWriter(w)
	bw.WriteString("\x93NUMPY\x01\x00")
	binary.Write(bw, binary.LittleEndian, uint16(len(hdr)))
	bw.WriteString(hdr)
	var rec [16]byte
	for k, i := range m.Index {
		binary.LittleEndian.PutUint64(rec[:8], math.Float64bits(float64(i)))
		binary.LittleEndian.PutUint64(rec[8:], math.Float64bits(m.Time(k)))
		if _, err := bw.Write(rec[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
