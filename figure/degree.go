package figure

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neurite/neurite/internal/atomicfile"
)

// DegreeSeries is one graph's degree distribution for DegreePlot: counts[k]
// nodes of degree k, and optionally a fitted power law to draw over it.
type DegreeSeries struct {
	Name   string
	Counts []int
	// Alpha and XMin, when Alpha > 0, draw P(k) ∝ k^−Alpha for k ≥ XMin,
	// scaled to the fraction of nodes in that tail.
	Alpha float64
	XMin  int
}

// DegreePlot draws degree distributions on log–log axes into path, .svg or
// .png, as the complementary cumulative distribution P(K ≥ k): a power law
// P(k) ∝ k^−α is a straight line of slope 1−α there, and the CCDF does not
// scatter in the sparse tail as a histogram does (Clauset, Shalizi &
// Newman 2009, Fig. 1). Degree 0 cannot be shown on a log axis.
func DegreePlot(path, title string, series []DegreeSeries) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "svg" && format != "png" {
		return fmt.Errorf("figure: degree plot %s: want a .svg or .png file", path)
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "degree k"
	p.Y.Label.Text = "fraction of nodes with degree ≥ k"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = PowerTicks{}, PowerTicks{}
	for s, ser := range series {
		total := 0
		for _, c := range ser.Counts {
			total += c
		}
		var pts plotter.XYs
		atLeast := total
		for k, c := range ser.Counts {
			if k > 0 && c > 0 {
				pts = append(pts, plotter.XY{X: float64(k), Y: float64(atLeast) / float64(total)})
			}
			atLeast -= c
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Radius = vg.Points(1.5)
		sc.GlyphStyle.Color = Colour(s)
		p.Add(sc)
		p.Legend.Add(ser.Name, sc)
		if ser.Alpha > 1 && ser.XMin > 0 && ser.XMin < len(ser.Counts) {
			tail := 0
			for _, c := range ser.Counts[ser.XMin:] {
				tail += c
			}
			// P(K ≥ k) = share · ζ(α, k)/ζ(α, xmin) for k ≥ xmin.
			share := float64(tail) / float64(total)
			z0 := mathext.Zeta(ser.Alpha, float64(ser.XMin))
			line := plotter.XYs{}
			for k := float64(ser.XMin); k < float64(len(ser.Counts)); k *= 1.2 {
				line = append(line, plotter.XY{X: k, Y: share * mathext.Zeta(ser.Alpha, math.Floor(k)) / z0})
			}
			l, err := plotter.NewLine(line)
			if err != nil {
				return err
			}
			l.Color = Colour(s)
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("power law α = %.2f, k ≥ %d", ser.Alpha, ser.XMin), l)
		}
	}
	p.Legend.Top = true
	w, err := p.WriterTo(14*vg.Centimeter, 10*vg.Centimeter, format)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(out io.Writer) error {
		_, err := w.WriteTo(out)
		return err
	})
}
