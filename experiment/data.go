package experiment

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neurite/neurite/data"
)

// dataSets are a job's examples, selected and (once normalise has run)
// normalised.
type dataSets struct {
	train, val, test *data.Dataset
	norm             *data.Normalizer
	// sameSet: a truth table is its own test set.
	sameSet bool
	// owned: the sets are this job's copies, free to change in place.
	owned bool
}

// DataNames lists the datasets a job can name besides CSV files.
var DataNames = []string{"mnist", "xor", "and", "or"}

// checkData refuses a dataset name that is neither known nor a file path
// (anything with a slash or an extension, like a model spec).
func checkData(field, name string) error {
	if slices.Contains(DataNames, name) || name == "fashion-mnist" || isSpecPath(name) {
		return nil
	}
	return fieldErr(field, name, "unknown dataset (have %s, or a CSV file path)", strings.Join(DataNames, ", "))
}

// openSets loads s.Data (or takes s.TrainSet and s.TestSet) and keeps the
// classes and examples s asks for.
func openSets(s TrainSettings) (*dataSets, error) {
	sets := &dataSets{}
	if s.TrainSet != nil || s.TestSet != nil {
		if s.TrainSet == nil || s.TestSet == nil {
			return nil, fieldNeeds("TrainSet", nil, "%s and %s go together", "TrainSet", "TestSet")
		}
		sets.train, sets.test = s.TrainSet, s.TestSet
		// A test set read from another file may order its labels
		// differently: number its classes as the training set's names.
		var err error
		if sets.test, err = sets.test.Relabel(sets.train.ClassNames); err != nil {
			return nil, err
		}
		if s.Normalize == "standard" {
			n := data.FitNormalizer(s.TrainSet, s.Data == "mnist")
			sets.norm = &n
		}
	} else {
		var err error
		if sets.train, sets.test, sets.norm, err = data.Open(s.Data, s.DataDir, s.Seed); err != nil {
			return nil, err
		}
		sets.owned = true
		if s.Normalize != "standard" {
			sets.norm = nil
		}
	}
	sets.sameSet = sets.test == sets.train
	if s.Labels != nil {
		for _, c := range s.Labels {
			if c < 0 || c >= sets.train.Classes {
				return nil, fieldErr("Labels", s.Labels, "want classes in [0, %d)", sets.train.Classes)
			}
		}
		keep := slices.Clone(s.Labels)
		sets.train, sets.test = sets.train.WithLabels(keep...), sets.test.WithLabels(keep...)
		sets.owned = true
	}
	sets.train = sets.train.Head(s.TrainSamples)
	if sets.sameSet {
		sets.test = sets.train
	} else {
		sets.test = sets.test.Head(s.TestSamples)
	}
	if sets.train.Len() == 0 {
		return nil, fmt.Errorf("%s: no training examples left with labels %v", s.Data, s.Labels)
	}
	return sets, nil
}

// normalise applies sets.norm to the examples, copying any set the caller
// still holds first.
func (sets *dataSets) normalise() error {
	if sets.norm == nil {
		return nil
	}
	if err := sets.norm.Validate(sets.train.Features()); err != nil {
		return err
	}
	if !sets.owned {
		same := sets.test == sets.train
		sets.train = sets.train.Clone()
		if same {
			sets.test = sets.train
		} else {
			sets.test = sets.test.Clone()
		}
		sets.owned = true
	}
	sets.norm.Apply(sets.train)
	if sets.test != sets.train {
		sets.norm.Apply(sets.test)
	}
	return nil
}
