package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurite/neurite/tensor"
)

// Dataset is a set of labelled examples: X holds one example per row, and
// Labels their classes in [0, Classes). Shape, if set, is the shape of one
// example (for MNIST [1, 28, 28]) for models that need it. ClassNames, if
// set, names each class as the data wrote its label (Classes of them; a
// CSV file's, see ReadCSV); nil means the classes are their numbers.
type Dataset struct {
	Name       string
	X          *tensor.Tensor // rows × features
	Labels     []int
	Classes    int
	Shape      []int
	ClassNames []string
}

// Len returns the number of examples.
func (d *Dataset) Len() int { return len(d.Labels) }

// Features returns the number of features per example.
func (d *Dataset) Features() int { return d.X.Cols() }

// Validate checks that the rows and labels agree, the labels are in range
// and any class names number the classes.
func (d *Dataset) Validate() error {
	if d.X == nil || d.X.Dims() != 2 {
		return fmt.Errorf("data: dataset %s: X must be a 2-D tensor", d.Name)
	}
	if d.X.Rows() != len(d.Labels) {
		return fmt.Errorf("data: dataset %s: %d rows but %d labels", d.Name, d.X.Rows(), len(d.Labels))
	}
	if d.ClassNames != nil && len(d.ClassNames) != d.Classes {
		return fmt.Errorf("data: dataset %s: %d class names for %d classes", d.Name, len(d.ClassNames), d.Classes)
	}
	for i, l := range d.Labels {
		if l < 0 || l >= d.Classes {
			return fmt.Errorf("data: dataset %s: example %d has label %d, want 0…%d", d.Name, i, l, d.Classes-1)
		}
	}
	return nil
}

// Subset returns the examples at the given indices, in that order (copied).
func (d *Dataset) Subset(idx []int) *Dataset {
	f := d.Features()
	out := &Dataset{Name: d.Name, X: tensor.New(len(idx), f), Labels: make([]int, len(idx)), Classes: d.Classes, Shape: d.Shape,
		ClassNames: d.ClassNames}
	for k, i := range idx {
		copy(out.X.Row(k), d.X.Row(i))
		out.Labels[k] = d.Labels[i]
	}
	return out
}

// Clone returns a copy of d whose examples can be changed (normalised, say)
// without touching d's.
func (d *Dataset) Clone() *Dataset {
	idx := make([]int, d.Len())
	for i := range idx {
		idx[i] = i
	}
	return d.Subset(idx)
}

// Head returns the first n examples (all of them if n ≤ 0 or n ≥ Len).
func (d *Dataset) Head(n int) *Dataset {
	if n <= 0 || n >= d.Len() {
		return d
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return d.Subset(idx)
}

// Split shuffles the examples with seed and returns the first
// (1 − fraction) as one set and the rest as the other: a deterministic
// train/validation split.
func (d *Dataset) Split(fraction float64, seed uint64) (*Dataset, *Dataset, error) {
	if !(fraction > 0 && fraction < 1) {
		return nil, nil, fmt.Errorf("data: split fraction %v: want a value in (0, 1)", fraction)
	}
	perm := rand.New(rand.NewPCG(seed, 0x73706c6974)).Perm(d.Len())
	cut := d.Len() - int(math.Round(fraction*float64(d.Len())))
	if cut <= 0 || cut >= d.Len() {
		return nil, nil, fmt.Errorf("data: splitting %d examples by %v leaves one side empty", d.Len(), fraction)
	}
	return d.Subset(perm[:cut]), d.Subset(perm[cut:]), nil
}

// Normalizer rescales inputs to zero mean and unit variance with
// statistics taken from one dataset (the training set) and applied
// unchanged to others and to inputs at prediction time. With one Mean and
// Std it scales every feature alike (images: MNIST's pixels have mean
// 0.1307 and deviation 0.3081); with one per feature it standardises each
// column (tabular data).
type Normalizer struct {
	Mean []float32 `json:"mean"`
	Std  []float32 `json:"std"`
}

// FitNormalizer computes the statistics of d: over all values when global
// is set, else per feature. Deviations below 1e-6 become 1, so constant
// features pass through shifted but unscaled.
func FitNormalizer(d *Dataset, global bool) Normalizer {
	f := d.Features()
	groups := f
	if global {
		groups = 1
	}
	sum, sq, count := make([]float64, groups), make([]float64, groups), make([]float64, groups)
	for i := range d.Len() {
		for j, v := range d.X.Row(i) {
			g := j % groups
			sum[g] += float64(v)
			sq[g] += float64(v) * float64(v)
			count[g]++
		}
	}
	n := Normalizer{Mean: make([]float32, groups), Std: make([]float32, groups)}
	for g := range groups {
		m := sum[g] / count[g]
		sd := math.Sqrt(math.Max(0, sq[g]/count[g]-m*m))
		n.Mean[g], n.Std[g] = float32(m), 1
		if sd > 1e-6 {
			n.Std[g] = float32(sd)
		}
	}
	return n
}

// Validate checks that the statistics fit inputs of the given width.
func (n Normalizer) Validate(features int) error {
	if len(n.Mean) != len(n.Std) || (len(n.Mean) != 1 && len(n.Mean) != features) {
		return fmt.Errorf("data: normalizer with %d means and %d deviations for %d features", len(n.Mean), len(n.Std), features)
	}
	for _, s := range n.Std {
		if !(s > 0) {
			return fmt.Errorf("data: normalizer deviation %v: must be positive", s)
		}
	}
	return nil
}

// Row normalises one example in place.
func (n Normalizer) Row(x []float32) {
	g := len(n.Mean)
	for j := range x {
		x[j] = (x[j] - n.Mean[j%g]) / n.Std[j%g]
	}
}

// Apply normalises every example of d in place.
func (n Normalizer) Apply(d *Dataset) {
	for i := range d.Len() {
		n.Row(d.X.Row(i))
	}
}

// Logic returns the truth table of a two-input boolean function as a
// dataset of four examples: "and", "or" or "xor".
func Logic(name string) (*Dataset, error) {
	var out [4]int
	for k, in := range [4][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		switch name {
		case "and":
			out[k] = in[0] & in[1]
		case "or":
			out[k] = in[0] | in[1]
		case "xor":
			out[k] = in[0] ^ in[1]
		default:
			return nil, fmt.Errorf("data: no logic function %q (have and, or, xor)", name)
		}
	}
	return &Dataset{Name: name, X: tensor.FromData([]float32{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2),
		Labels: out[:], Classes: 2}, nil
}

// WithLabels returns the examples whose label is one of labels, in their
// order (copied); Classes is unchanged, so a network's output layer still
// covers every class. Transfer-learning experiments use it to split a task
// in two (MNIST digits 0–4 and 5–9).
func (d *Dataset) WithLabels(labels ...int) *Dataset {
	var idx []int
	for i, l := range d.Labels {
		if slices.Contains(labels, l) {
			idx = append(idx, i)
		}
	}
	out := d.Subset(idx)
	out.Name = fmt.Sprintf("%s (labels %v)", d.Name, labels)
	return out
}
