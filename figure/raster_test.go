package figure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRasterTotal checks that the title counts the spikes a group holds
// only the first of.
func TestRasterTotal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.svg")
	groups := []SpikeGroup{
		{Name: "exc", Size: 3, Times: []float64{1, 2}, Index: []int32{0, 1}, Total: 10},
		{Name: "inh", Size: 2, Times: []float64{1.5}, Index: []int32{1}},
	}
	if err := Raster(path, "test", groups, 2); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "first 2 of 11 spikes"; !strings.Contains(string(data), want) {
		t.Errorf("raster title lacks %q", want)
	}
}
