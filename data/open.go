package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Open loads a dataset by name, as the command line names them: "mnist"
// (from dir, or the module cache when dir is empty), "xor", "and", "or"
// (whose four examples serve as both training and test set), or a CSV
// file path (label in the last column; 20% held out as the test set, by
// seed). It also returns the normalisation suited to the data: global for
// images, per feature for tables, none for truth tables.
func Open(name, dir string, seed uint64) (train, test *Dataset, norm *Normalizer, err error) {
	switch name {
	case "mnist":
		if train, test, err = LoadMNIST(dir); err != nil {
			return nil, nil, nil, err
		}
		n := FitNormalizer(train, true)
		return train, test, &n, nil
	case "fashion-mnist":
		return nil, nil, nil, fmt.Errorf("data: fashion-mnist is not installed (no module ships it); use mnist or a CSV file")
	case "xor", "and", "or":
		d, err := Logic(name)
		return d, d, nil, err
	}
	if !strings.ContainsRune(name, '/') && filepath.Ext(name) == "" {
		return nil, nil, nil, fmt.Errorf("data: unknown dataset %q (have mnist, xor, and, or, or a CSV file path)", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	d, err := ReadCSV(f, name, CSVOptions{Label: -1})
	if err != nil {
		return nil, nil, nil, err
	}
	if train, test, err = d.Split(0.2, seed); err != nil {
		return nil, nil, nil, fmt.Errorf("data: %s: holding out a test set: %w", name, err)
	}
	n := FitNormalizer(train, false)
	return train, test, &n, nil
}
