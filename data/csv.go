package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/neurite/neurite/tensor"
)

// CSVOptions configure ReadCSV.
type CSVOptions struct {
	// Label is the 0-based column holding the class; −1 (or any negative
	// value) means the last column. The zero value is the first column.
	Label int
	// NoLabel reads every column as a feature (for prediction inputs);
	// Labels are then all zero.
	NoLabel bool
}

// ReadCSV reads a dataset from CSV: one example per line, numeric
// features, and a label column holding integers (classes 0…k) or names
// (mapped to classes in sorted order). A first line that is not numeric is
// taken as a header. Errors name the line and column.
func ReadCSV(r io.Reader, name string, o CSVOptions) (*Dataset, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	var rows [][]float32
	var rawLabels []string
	width := -1
	labelCol := o.Label
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("data: %s: %w", name, err)
		}
		if width < 0 {
			width = len(rec)
			if o.NoLabel {
				labelCol = -1
			} else if labelCol < 0 {
				labelCol = width - 1
			}
			if !o.NoLabel && labelCol >= width {
				return nil, fmt.Errorf("data: %s: label column %d, but line 1 has %d columns", name, labelCol, width)
			}
			if line == 1 && isHeader(rec, labelCol) {
				continue
			}
		}
		if len(rec) != width {
			return nil, fmt.Errorf("data: %s: line %d has %d columns, expected %d", name, line, len(rec), width)
		}
		row := make([]float32, 0, width)
		for c, field := range rec {
			if c == labelCol {
				rawLabels = append(rawLabels, strings.TrimSpace(field))
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("data: %s: line %d, column %d: %q is not a finite number", name, line, c+1, field)
			}
			row = append(row, float32(v))
		}
		if o.NoLabel {
			rawLabels = append(rawLabels, "0")
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("data: %s: no examples", name)
	}
	features := len(rows[0])
	if features == 0 {
		return nil, fmt.Errorf("data: %s: no feature columns", name)
	}
	d := &Dataset{Name: name, X: tensor.New(len(rows), features), Labels: make([]int, len(rows))}
	for i, row := range rows {
		copy(d.X.Row(i), row)
	}
	if err := d.setLabels(rawLabels); err != nil {
		return nil, fmt.Errorf("data: %s: %w", name, err)
	}
	return d, nil
}

// isHeader reports whether a first line names its columns: some feature
// field is not a number.
func isHeader(rec []string, labelCol int) bool {
	for c, f := range rec {
		if c == labelCol {
			continue
		}
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
			return true
		}
	}
	return false
}

// setLabels maps raw label fields to classes: non-negative integers are
// kept, anything else is mapped by sorted name.
func (d *Dataset) setLabels(raw []string) error {
	ints := true
	for _, s := range raw {
		if v, err := strconv.Atoi(s); err != nil || v < 0 {
			ints = false
			break
		}
	}
	if ints {
		for i, s := range raw {
			d.Labels[i], _ = strconv.Atoi(s)
			d.Classes = max(d.Classes, d.Labels[i]+1)
		}
		if d.Classes > 1<<20 {
			return fmt.Errorf("label %d: too many classes", d.Classes-1)
		}
		return nil
	}
	names := slices.Clone(raw)
	slices.Sort(names)
	names = slices.Compact(names)
	for i, s := range raw {
		d.Labels[i], _ = slices.BinarySearch(names, s)
	}
	d.Classes = len(names)
	return nil
}
