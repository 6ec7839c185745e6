package figure

import (
	"fmt"
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

// Activity draws a network's activity into path (.svg or .png): on the
// left a raster of every group's spikes, the first group at the top (as
// cortical layers are drawn), each group labelled at its middle; on the
// right a horizontal bar of each group's mean rate in Hz (rates[k] for
// groups[k]), coloured as its dots. Callers hand over the spikes of a
// window and, for large populations, of a subsample of neurons (each
// group's Size is then the neurons drawn); the title says what was kept.
func Activity(path, title string, groups []SpikeGroup, rates []float64) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "svg" && format != "png" {
		return fmt.Errorf("figure: activity %s: want a .svg or .png file", path)
	}
	if len(rates) != len(groups) {
		return fmt.Errorf("figure: activity %s: %d rates for %d groups", path, len(rates), len(groups))
	}
	total := 0
	for _, g := range groups {
		total += g.Size
	}
	raster := plot.New()
	raster.Title.Text = title
	raster.X.Label.Text = "time (ms)"
	raster.X.Tick.Marker = NumberTicks{}
	var ticks []plot.Tick
	offset := 0
	for k, g := range groups {
		pts := make(plotter.XYs, len(g.Times))
		for i := range g.Times {
			// The first group on top: neuron 0 of group 0 at the highest row.
			pts[i].X, pts[i].Y = g.Times[i], float64(total-offset-int(g.Index[i]))
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		s.GlyphStyle.Radius = vg.Points(0.5)
		s.GlyphStyle.Color = Colour(k)
		raster.Add(s)
		ticks = append(ticks, plot.Tick{Value: float64(total-offset) - float64(g.Size)/2, Label: g.Name})
		offset += g.Size
	}
	raster.Y.Tick.Marker = plot.ConstantTicks(ticks)
	raster.Y.Min, raster.Y.Max = 0, float64(total)+1

	bars := plot.New()
	bars.Title.Text = "mean rate"
	bars.X.Label.Text = "Hz"
	bars.X.Tick.Marker = NumberTicks{}
	names := make([]string, len(groups))
	for k, g := range groups {
		pos := len(groups) - 1 - k // the first group on top, as in the raster
		names[pos] = g.Name
		b, err := plotter.NewBarChart(plotter.Values{rates[k]}, vg.Points(10))
		if err != nil {
			return err
		}
		b.Horizontal = true
		b.XMin = float64(pos)
		b.Color = Colour(k)
		b.LineStyle.Width = 0
		bars.Add(b)
	}
	bars.NominalY(names...)
	bars.X.Min = 0

	w, h := 24*vg.Centimeter, 12*vg.Centimeter
	var c vg.CanvasWriterTo
	if format == "svg" {
		c = vgsvg.New(w, h)
	} else {
		c = vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
	}
	dc := draw.New(c)
	raster.Draw(draw.Crop(dc, 0, -w/4, 0, 0))
	bars.Draw(draw.Crop(dc, 3*w/4, 0, 0, 0))
	return atomicfile.Write(path, func(out io.Writer) error {
		_, err := c.WriteTo(out)
		return err
	})
}
