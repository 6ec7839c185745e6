package figure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestActivity(t *testing.T) {
	groups := []SpikeGroup{
		{Name: "L23E", Size: 4, Times: []float64{1, 2, 3}, Index: []int32{0, 3, 1}},
		{Name: "L23I", Size: 2, Times: []float64{1.5}, Index: []int32{1}},
	}
	for _, ext := range []string{".svg", ".png"} {
		path := filepath.Join(t.TempDir(), "a"+ext)
		if err := Activity(path, "microcircuit", groups, []float64{0.9, 2.9}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil || len(data) < 100 {
			t.Fatalf("%s: %d bytes, %v", path, len(data), err)
		}
		if ext == ".svg" && !strings.Contains(string(data), "L23I") {
			t.Error("the figure does not name the populations")
		}
	}
	if err := Activity(filepath.Join(t.TempDir(), "a.svg"), "x", groups, []float64{1}); err == nil {
		t.Error("Activity with one rate for two groups: no error")
	}
	if err := Activity(filepath.Join(t.TempDir(), "a.pdf"), "x", groups, []float64{1, 2}); err == nil {
		t.Error("Activity into a .pdf: no error")
	}
}
