package figure

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGrid draws a 2×3 grid as PNG and SVG, refuses cells that do not fill
// it, and writes a file by its extension.
func TestGrid(t *testing.T) {
	g := Grid{Title: "originals and adversarial examples", Rows: 2, Cols: 3, Width: 4, Height: 4}
	for i := range 6 {
		px := make([]float32, 16)
		for j := range px {
			px[j] = float32(j) / 15
		}
		c := Cell{Label: "7 → 3", Pixels: px}
		if i == 1 {
			c.Lo, c.Hi = -0.1, 0.1 // a perturbation, grey at zero
		}
		g.Cells = append(g.Cells, c)
	}
	out, err := DrawGrid(g, "png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 50 {
		t.Errorf("PNG of %v pixels, want a visible grid", b)
	}
	svg, err := DrawGrid(g, "svg")
	if err != nil || !strings.Contains(string(svg), "<svg") || !strings.Contains(string(svg), "image") {
		t.Errorf("SVG: %v, holds an <svg> with images: %v", err, strings.Contains(string(svg), "image"))
	}
	bad := g
	bad.Cells = bad.Cells[:5]
	if _, err := DrawGrid(bad, "png"); err == nil {
		t.Error("a grid with a missing cell was drawn")
	}
	path := filepath.Join(t.TempDir(), "grid.png")
	if err := WriteGrid(path, g); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("grid.png: %v", err)
	}
	if err := WriteGrid(filepath.Join(t.TempDir(), "grid.gif"), g); err == nil {
		t.Error("a .gif grid was accepted")
	}
}
