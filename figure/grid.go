package figure

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/neurite/neurite/internal/atomicfile"
)

// Grid is a table of small grayscale images, each captioned: adversarial
// examples beside their originals and the perturbations between them.
type Grid struct {
	Title string `json:"title"`
	// Rows and Cols of cells; Width and Height of each image, in pixels.
	Rows   int `json:"rows"`
	Cols   int `json:"cols"`
	Width  int `json:"width"`
	Height int `json:"height"`
	// Cells, row by row (Rows·Cols of them).
	Cells []Cell `json:"cells"`
}

// Cell is one image of a Grid.
type Cell struct {
	// Label is drawn above the image ("7 → 3").
	Label string `json:"label"`
	// Pixels are Width·Height values, row by row, drawn from black at Lo
	// to white at Hi (both 0: from 0 to 1); values outside are clipped.
	Pixels []float32 `json:"pixels"`
	Lo     float64   `json:"lo,omitempty"`
	Hi     float64   `json:"hi,omitempty"`
}

// Validate checks that the cells fill the grid and each holds its pixels.
func (g Grid) Validate() error {
	if g.Rows < 1 || g.Cols < 1 || g.Width < 1 || g.Height < 1 || g.Rows*g.Cols > 4096 || g.Width*g.Height > 1<<16 {
		return fmt.Errorf("figure: grid of %d×%d images of %d×%d pixels", g.Rows, g.Cols, g.Width, g.Height)
	}
	if len(g.Cells) != g.Rows*g.Cols {
		return fmt.Errorf("figure: %d cells for a %d×%d grid", len(g.Cells), g.Rows, g.Cols)
	}
	for i, c := range g.Cells {
		if len(c.Pixels) != g.Width*g.Height {
			return fmt.Errorf("figure: cell %d has %d pixels, want %d×%d", i, len(c.Pixels), g.Width, g.Height)
		}
	}
	return nil
}

// DrawGrid renders g as "svg" or "png".
func DrawGrid(g Grid, format string) (out []byte, err error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	defer func() {
		// gonum/plot panics on degenerate layouts; a figure must not.
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("figure: drawing grid %q: %v", g.Title, r)
		}
	}()
	const cell = 2.6 * vg.Centimeter
	title := vg.Length(0)
	if g.Title != "" {
		title = 0.8 * vg.Centimeter
	}
	w, h := vg.Length(g.Cols)*cell, vg.Length(g.Rows)*(cell+0.2*vg.Centimeter)+title
	var c vg.CanvasWriterTo
	switch format {
	case "svg":
		c = vgsvg.New(w, h)
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(110), vgimg.UseBackgroundColor(color.White))}
	default:
		return nil, fmt.Errorf("figure: grid format %q: want svg or png", format)
	}
	dc := draw.New(c)
	if g.Title != "" {
		top := dc.Max.Y - title/2
		style := plot.New().Title.TextStyle
		style.Font.Size = 11
		style.XAlign, style.YAlign = draw.XCenter, draw.YCenter
		dc.FillText(style, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: top}, g.Title)
		dc.Max.Y -= title
	}
	plots := make([][]*plot.Plot, g.Rows)
	for r := range g.Rows {
		plots[r] = make([]*plot.Plot, g.Cols)
		for k := range g.Cols {
			cellData := g.Cells[r*g.Cols+k]
			p := plot.New()
			p.HideAxes()
			p.Title.Text = cellData.Label
			p.Title.TextStyle.Font.Size = 8
			p.Title.Padding = 1
			p.Add(plotter.NewImage(grayscale(cellData, g.Width, g.Height), 0, 0, float64(g.Width), float64(g.Height)))
			p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, float64(g.Width), 0, float64(g.Height)
			plots[r][k] = p
		}
	}
	tiles := draw.Tiles{Rows: g.Rows, Cols: g.Cols, PadX: vg.Millimeter, PadY: vg.Millimeter,
		PadTop: vg.Millimeter, PadBottom: vg.Millimeter, PadLeft: vg.Millimeter, PadRight: vg.Millimeter}
	canvases := plot.Align(plots, tiles, dc)
	for r := range g.Rows {
		for k := range g.Cols {
			plots[r][k].Draw(canvases[r][k])
		}
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteGrid draws g into path; the extension (.svg or .png) chooses the
// format. The file is written atomically.
func WriteGrid(path string, g Grid) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	out, err := DrawGrid(g, format)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(out)
		return err
	})
}

// grayscale returns a cell's pixels as an image, each pixel enlarged to a
// 4×4 block so that drawing it at any size stays sharp.
func grayscale(c Cell, w, h int) image.Image {
	lo, hi := c.Lo, c.Hi
	if lo == 0 && hi == 0 {
		hi = 1
	}
	const k = 4
	img := image.NewGray(image.Rect(0, 0, w*k, h*k))
	for y := range h {
		for x := range w {
			v := (float64(c.Pixels[y*w+x]) - lo) / (hi - lo)
			v = min(max(v, 0), 1)
			g := color.Gray{Y: uint8(v*255 + 0.5)}
			for dy := range k {
				for dx := range k {
					img.SetGray(x*k+dx, y*k+dy, g)
				}
			}
		}
	}
	return img
}
