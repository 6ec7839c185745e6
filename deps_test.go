package neurite

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/neurite/neurite"

// tiers places every package of the module (by path inside it). A package
// may import packages of lower tiers freely; within its own tier only those
// sameTier names. Adding a package means adding it here: where it sits is a
// design decision, not an accident of whichever import came first.
var tiers = map[string]int{
	".":                      0,
	"tensor":                 0,
	"tensor/internal/kernel": 0,
	"internal/atomicfile":    0,
	"internal/specfile":      0,
	"internal/barrier":       0,
	"internal/budget":        0,
	"internal/mpi":           0, // cgo only under the build tag mpi
	"internal/browsertest":   0, // test support: a headless Chromium for the web UI's tests
	"topology":               0,
	"energy":                 0,
	"data":                   1,
	"ann":                    1,
	"snn":                    1,
	"optim":                  2,
	"snn/plasticity":         2,
	"ann/anntest":            2,
	"snn/snntest":            2,
	"lesion":                 2,
	"snn/diehlcook":          2,
	"modelio":                3,
	"train":                  4,
	"convert":                4,
	"continual":              4,
	"attack":                 4,
	"figure":                 1,
	"experiment":             5,
	"compare":                6,
	"report":                 7,
	"serve":                  7,
	"internal/cli":           8,
	"cmd/neurite":            8,
}

// sameTier lists the imports allowed within a tier. ann and snn must never
// import each other: only convert, compare and the CLI see both families.
var sameTier = map[string][]string{
	"tensor":      {"tensor/internal/kernel"},
	"continual":   {"train"},
	"topology":    {"internal/budget"}, // generators check their memory before allocating
	"snn/snntest": nil,
	"ann/anntest": nil,
	"cmd/neurite": {"internal/cli"},
}

func TestDependencyTiers(t *testing.T) {
	found := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		found++
		rel := filepath.ToSlash(path)
		tier, ok := tiers[rel]
		if !ok {
			t.Errorf("package %s has no tier: add it to tiers in deps_test.go", rel)
			return nil
		}
		for _, imp := range pkg.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, module+"/")
			depTier, ok := tiers[dep]
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no tier", rel, dep)
			case depTier > tier:
				t.Errorf("%s (tier %d) imports %s (tier %d): imports must flow downward", rel, tier, dep, depTier)
			case depTier == tier && !slices.Contains(sameTier[rel], dep):
				t.Errorf("%s imports %s in its own tier %d without an entry in sameTier", rel, dep, tier)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 3 {
		t.Fatalf("found only %d packages: is the test running at the module root?", found)
	}
}
