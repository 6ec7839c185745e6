package figure

import (
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neurite/neurite/internal/atomicfile"
)

// SpikeGroup is one population's spikes for a raster plot.
type SpikeGroup struct {
	Name  string
	Size  int       // neurons in the population
	Times []float64 // spike times, ms
	Index []int32   // neuron of each spike
	// Total is the number of spikes the population fired when Times holds
	// only the first of them (0: len(Times)).
	Total int
}

// Colour returns the colour of the k-th series or group: the Okabe–Ito
// set, readable with colour-vision deficiencies, repeating after five.
func Colour(k int) color.RGBA {
	palette := [...]color.RGBA{
		{0, 114, 178, 255}, {213, 94, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255}, {230, 159, 0, 255},
	}
	return palette[k%len(palette)]
}

// Raster draws a spike raster (time against neuron, one dot per spike,
// populations stacked and coloured) into path; the extension (.svg or
// .png) chooses the format. At most maxDots spikes are drawn, the earliest,
// so huge simulations still give a readable, small file; the title says so,
// counting each group's Total. A caller may so hand over only each group's
// first maxDots spikes.
func Raster(path, title string, groups []SpikeGroup, maxDots int) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "svg" && format != "png" {
		return fmt.Errorf("figure: raster %s: want a .svg or .png file", path)
	}
	p := plot.New()
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "neuron"
	p.X.Tick.Marker, p.Y.Tick.Marker = NumberTicks{}, NumberTicks{}
	offset, drawn, total := 0, 0, 0
	for k, g := range groups {
		total += max(len(g.Times), g.Total)
		n := min(len(g.Times), max(0, maxDots-drawn))
		pts := make(plotter.XYs, n)
		for i := range n {
			pts[i].X, pts[i].Y = g.Times[i], float64(offset+int(g.Index[i]))
		}
		drawn += n
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		s.GlyphStyle.Radius = vg.Points(0.6)
		s.GlyphStyle.Color = Colour(k)
		p.Add(s)
		p.Legend.Add(g.Name, s)
		offset += g.Size
	}
	p.Title.Text = title
	if drawn < total {
		p.Title.Text += fmt.Sprintf(" (first %d of %d spikes)", drawn, total)
	}
	p.Legend.Top = true
	w, err := p.WriterTo(18*vg.Centimeter, 10*vg.Centimeter, format)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(out io.Writer) error {
		_, err := w.WriteTo(out)
		return err
	})
}
