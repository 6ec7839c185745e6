package figure

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRaster(t *testing.T) {
	dir := t.TempDir()
	groups := []SpikeGroup{
		{Name: "exc", Size: 3, Times: []float64{1, 2, 3}, Index: []int32{0, 1, 2}},
		{Name: "inh", Size: 2, Times: []float64{1.5}, Index: []int32{1}},
	}
	for _, name := range []string{"r.svg", "r.png"} {
		path := filepath.Join(dir, name)
		if err := Raster(path, "test", groups, 1000); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		magic := []byte("<svg")
		if filepath.Ext(name) == ".png" {
			magic = []byte("\x89PNG")
		}
		if !bytes.Contains(data[:min(len(data), 400)], magic) {
			t.Errorf("%s does not look like its format (starts %q)", name, data[:min(len(data), 20)])
		}
	}
	if err := Raster(filepath.Join(dir, "r.gif"), "x", groups, 10); err == nil {
		t.Error("a .gif raster was accepted")
	}
}

func TestDegreePlot(t *testing.T) {
	dir := t.TempDir()
	counts := []int{0, 500, 250, 120, 60, 30, 15, 8, 4, 2, 1}
	path := filepath.Join(dir, "deg.svg")
	if err := DegreePlot(path, "test", []DegreeSeries{{Name: "g", Counts: counts, Alpha: 2.1, XMin: 2}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "α = 2.10") {
		t.Errorf("degree plot: %v, %d bytes", err, len(b))
	}
	if err := DegreePlot(filepath.Join(dir, "deg.pdf"), "x", nil); err == nil {
		t.Error("a .pdf path was accepted")
	}
}
