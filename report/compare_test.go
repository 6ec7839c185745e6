package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurite/neurite/compare"
	"github.com/neurite/neurite/figure"
)

// TestWriteCompareDrawsGrids: a figure with a Grid is drawn as images, one
// with series as a plot, both inline in report.html and as SVG files.
func TestWriteCompareDrawsGrids(t *testing.T) {
	grid := &figure.Grid{Rows: 1, Cols: 2, Width: 2, Height: 2, Cells: []figure.Cell{
		{Label: "original: 7", Pixels: []float32{0, 1, 1, 0}}, {Label: "adversarial: 3", Pixels: []float32{0.1, 0.9, 1, 0}}}}
	res := &compare.Results{Profile: "quick", Differences: []compare.Difference{{Name: "adversarial", Title: "Adversarial examples", Status: "measured",
		Figures: []compare.Figure{
			{Title: "accuracy against ε", Caption: "curves", Series: []compare.Series{{Name: "MLP", X: []float64{0, 0.1}, Y: []float64{0.98, 0.02}}}},
			{Title: "examples", Caption: "images", Grid: grid},
		}, Metrics: map[string]float64{"images": 2}}}}
	dir := t.TempDir()
	if err := WriteCompare(dir, res); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Differences[0].Figures {
		svg, err := os.ReadFile(filepath.Join(dir, f.File))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("%s is not SVG", f.File)
		}
		if (f.Grid != nil) != bytes.Contains(svg, []byte("<image")) {
			t.Errorf("%s: grid %v, holds images %v", f.File, f.Grid != nil, bytes.Contains(svg, []byte("<image")))
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "adversarial: 3") || !strings.Contains(string(page), "Figure adversarial-2.") {
		t.Error("report.html lacks the grid's captions")
	}
}

// TestWriteCompareUndrawable: a figure whose values cannot be drawn is
// replaced by a note on the page; the rest of the report is written.
func TestWriteCompareUndrawable(t *testing.T) {
	res := &compare.Results{Profile: "quick", Differences: []compare.Difference{{Name: "power", Title: "5. Power", Status: "measured",
		Figures: []compare.Figure{
			{Title: "fine", Caption: "ok", Series: []compare.Series{{Name: "a", X: []float64{0, 1}, Y: []float64{1, 2}}}},
			{Title: "beyond float range", Caption: "bad", Series: []compare.Series{{Name: "b", X: []float64{-1e308, 1e308}, Y: []float64{1, 2}}}},
		}, Metrics: map[string]float64{}}}}
	dir := t.TempDir()
	if err := WriteCompare(dir, res); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if strings.Count(s, "<svg") != 1 || !strings.Contains(s, "This figure could not be drawn") || !strings.Contains(s, "Figure power-2.") {
		t.Errorf("report.html: %d SVGs, note %v; want the first figure drawn and a note for the second", strings.Count(s, "<svg"), strings.Contains(s, "could not be drawn"))
	}
	if f := res.Differences[0].Figures; f[0].File == "" || f[1].File != "" {
		t.Errorf("files %q, %q: want the first set, the second empty", f[0].File, f[1].File)
	}
}
