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
	"unicode"
	"unicode/utf8"

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

// MaxClassName is the longest class name, in bytes, that ReadCSV accepts
// in a label column (and a model file may store): labels are names, not
// documents.
const MaxClassName = 256

// ReadCSV reads a dataset from CSV: one example per line, numeric
// features, and a label column. A first line that is not numeric is taken
// as a header. Errors name the line and column.
//
// Labels become classes, and the labels as written become the dataset's
// ClassNames, in one of three orders, chosen by the whole column:
//
//   - all non-negative integers: class k is the integer k and is named in
//     decimal ("0", "1", …, up to the largest label, at most 2^20), so a
//     file of digits numbers its classes as the digits, even when a digit
//     never occurs;
//   - all integers, some negative: the distinct values in numeric order,
//     named in decimal ("-1", "0", "1" are classes 0, 1, 2);
//   - anything else: the distinct labels in sorted (byte-wise) order,
//     named as written ("cat", "dog" are classes 0, 1).
//
// Spaces around a label are not part of it; "+1" and "01" are the integer
// 1, named "1". A label must be non-empty, valid UTF-8 without control
// characters, and at most MaxClassName bytes. With NoLabel there are no
// names and every label is 0.
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
				label := strings.TrimSpace(field)
				if err := checkClassName(label); err != nil {
					return nil, fmt.Errorf("data: %s: line %d, column %d: label %w", name, line, c+1, err)
				}
				rawLabels = append(rawLabels, label)
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
	if err := d.setLabels(rawLabels, !o.NoLabel); err != nil {
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

// setLabels maps raw label fields to classes and names them, as ReadCSV
// documents; NoLabel's all-zero fields give one unnamed class.
func (d *Dataset) setLabels(raw []string, named bool) error {
	values := make([]int, len(raw))
	ints, negative := true, false
	for i, s := range raw {
		v, err := strconv.Atoi(s)
		if err != nil {
			ints = false
			break
		}
		values[i], negative = v, negative || v < 0
	}
	switch {
	case ints && !negative:
		for i, v := range values {
			if v >= maxCSVClasses {
				return fmt.Errorf("label %d: too many classes (at most %d)", v, maxCSVClasses)
			}
			d.Labels[i] = v
			d.Classes = max(d.Classes, v+1)
		}
		if named {
			d.ClassNames = make([]string, d.Classes)
			for k := range d.ClassNames {
				d.ClassNames[k] = strconv.Itoa(k)
			}
		}
	case ints:
		distinct := slices.Compact(slices.Sorted(slices.Values(values)))
		for i, v := range values {
			d.Labels[i], _ = slices.BinarySearch(distinct, v)
		}
		d.Classes = len(distinct)
		d.ClassNames = make([]string, len(distinct))
		for k, v := range distinct {
			d.ClassNames[k] = strconv.Itoa(v)
		}
	default:
		names := slices.Compact(slices.Sorted(slices.Values(raw)))
		for i, s := range raw {
			d.Labels[i], _ = slices.BinarySearch(names, s)
		}
		d.Classes, d.ClassNames = len(names), names
	}
	return nil
}

// maxCSVClasses bounds the classes a column of integer labels makes: the
// largest label sets the width of a network's output layer.
const maxCSVClasses = 1 << 20

// checkClassName returns an error if s cannot name a class: empty, longer
// than MaxClassName bytes, not UTF-8, or holding a control character
// (names are printed in tables and JSON).
func checkClassName(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty")
	case len(s) > MaxClassName:
		return fmt.Errorf("%.20q… has %d bytes (at most %d)", s, len(s), MaxClassName)
	case !utf8.ValidString(s):
		return fmt.Errorf("%q is not UTF-8", s)
	case strings.ContainsFunc(s, unicode.IsControl):
		return fmt.Errorf("%q holds a control character", s)
	}
	return nil
}

// CheckClassNames returns an error if names cannot name the classes of a
// dataset or model: one is empty, too long (MaxClassName), not UTF-8, holds
// a control character, or appears twice.
func CheckClassNames(names []string) error {
	seen := make(map[string]bool, len(names))
	for k, s := range names {
		if err := checkClassName(s); err != nil {
			return fmt.Errorf("data: class %d: name %w", k, err)
		}
		if seen[s] {
			return fmt.Errorf("data: class %d: name %q names another class too", k, s)
		}
		seen[s] = true
	}
	return nil
}

// Relabel returns d with its labels renumbered as classes of names (a
// model's class names), matching d's ClassNames by name: a test set read
// from another CSV file then scores the class the model calls by the same
// name, whatever order the file's labels gave. It returns d itself when
// either has no names or the names agree, and a copy sharing d's X
// otherwise. An example whose class name is not one of names is an error
// naming the label.
func (d *Dataset) Relabel(names []string) (*Dataset, error) {
	if d.ClassNames == nil || names == nil || slices.Equal(d.ClassNames, names) {
		return d, nil
	}
	index := make(map[string]int, len(names))
	for k, s := range names {
		index[s] = k
	}
	to := make([]int, len(d.ClassNames))
	for c, s := range d.ClassNames {
		k, ok := index[s]
		if !ok {
			k = -1
		}
		to[c] = k
	}
	out := *d
	out.Labels = make([]int, len(d.Labels))
	for i, c := range d.Labels {
		if c < 0 || c >= len(to) {
			return nil, fmt.Errorf("data: %s: example %d has class %d of %d", d.Name, i, c, len(to))
		}
		if to[c] < 0 {
			return nil, fmt.Errorf("data: %s: example %d has label %q, which is not a class of the model (%s)", d.Name, i, d.ClassNames[c], listNames(names))
		}
		out.Labels[i] = to[c]
	}
	out.Classes, out.ClassNames = len(names), slices.Clone(names)
	return &out, nil
}

// listNames quotes up to ten names for an error message.
func listNames(names []string) string {
	const most = 10
	q := make([]string, 0, min(len(names), most))
	for _, s := range names[:min(len(names), most)] {
		q = append(q, strconv.Quote(s))
	}
	if len(names) > most {
		q = append(q, fmt.Sprintf("and %d more", len(names)-most))
	}
	return strings.Join(q, ", ")
}
