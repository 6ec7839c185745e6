package report

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/neurite/neurite/compare"
	"github.com/neurite/neurite/figure"
)

// Figure geometry: every chart is figWidth wide and figHeight tall, plus
// the rows of its legend, which sits below the plot, outside the data.
const (
	figWidth  = 16 * vg.Centimeter
	figHeight = 9 * vg.Centimeter
	legendRow = 14 // points per legend row
)

// Families' colours, used for every series of every chart: blues for
// artificial networks, oranges for biological (spiking) ones, and
// colours of neither for the rest (graphs, task numbers, references).
var (
	artificialColours = []color.RGBA{{0, 114, 178, 255}, {86, 180, 233, 255}, {0, 58, 105, 255}, {102, 140, 204, 255}, {60, 160, 200, 255}}
	biologicalColours = []color.RGBA{{213, 94, 0, 255}, {230, 159, 0, 255}, {140, 50, 0, 255}, {240, 120, 60, 255}, {190, 130, 40, 255}}
	neutralColours    = []color.RGBA{{0, 158, 115, 255}, {204, 121, 167, 255}, {90, 90, 90, 255}, {117, 112, 179, 255}, {166, 118, 29, 255}}
)

// FamilyColour is the colour of the i-th series of a family
// ("artificial", "biological" or anything else) in every chart.
func FamilyColour(family string, i int) color.RGBA {
	p := neutralColours
	switch family {
	case compare.Artificial:
		p = artificialColours
	case compare.Biological:
		p = biologicalColours
	}
	return p[i%len(p)]
}

// seriesStyle gives each series its family's colour and, within a family,
// its own dash pattern and marker shape, so that series stay apart in
// grey print too.
type seriesStyle struct {
	colour color.RGBA
	dashes []vg.Length
	glyph  draw.GlyphDrawer
}

func styles(series []compare.Series) []seriesStyle {
	seen := map[string]int{}
	dashes := [][]vg.Length{nil, {vg.Points(5), vg.Points(2.5)}, {vg.Points(1.5), vg.Points(2)}, {vg.Points(7), vg.Points(2), vg.Points(1.5), vg.Points(2)}}
	glyphs := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{}}
	out := make([]seriesStyle, len(series))
	for k, s := range series {
		fam := s.Family
		if fam != compare.Artificial && fam != compare.Biological {
			fam = ""
		}
		i := seen[fam]
		seen[fam]++
		out[k] = seriesStyle{colour: FamilyColour(fam, i), dashes: dashes[i%len(dashes)], glyph: glyphs[i%len(glyphs)]}
	}
	return out
}

// layout records where a chart's parts were drawn: the data area, and each
// series' marks, in canvas coordinates (points, y upwards). The figure
// check and the hover overlay read it.
type layout struct {
	Data   vg.Rectangle
	Series [][]mark
	// Notes say what the drawing did that the data does not show: series
	// moved apart because they coincide.
	Notes []string
}

// mark is one data point or bar as drawn: its box and what hovering over
// it reads.
type mark struct {
	Box   vg.Rectangle
	Label string
}

// sentinel texts bracket each series and legend entry in the SVG; they
// are replaced by groups that the page's script toggles (see markGroups).
const sentinel = "\u2063neurite-"

// DrawFigure renders a figure's data as "svg" or "png": a plot, or a table
// of images for a figure with a Grid. Tick labels on logarithmic axes read
// 10⁰, 10¹, …; bars on a logarithmic axis rise from a power of ten below
// the smallest value, so a longer bar is always a larger value. The legend
// sits below the plot, never on the data. In SVG, every point and bar
// carries a <title> (hover to read its value) and each series and legend
// entry is a group (class "series" or "legend-entry", attribute
// data-series) that a script can hide or show.
func DrawFigure(fig compare.Figure, format string) ([]byte, error) {
	out, _, err := drawFigure(fig, format)
	return out, err
}

// drawFigure is DrawFigure, returning the chart's layout too (nil for a
// grid).
func drawFigure(fig compare.Figure, format string) (out []byte, lay *layout, err error) {
	defer func() {
		// gonum/plot panics on degenerate axes; a report must not.
		if r := recover(); r != nil {
			out, lay, err = nil, nil, fmt.Errorf("drawing %q: %v", fig.Title, r)
		}
	}()
	if fig.Grid != nil {
		out, err := figure.DrawGrid(*fig.Grid, format)
		return out, nil, err
	}
	h := figHeight + legendHeight(fig)
	var c vg.CanvasWriterTo
	switch format {
	case "svg":
		c = vgsvg.New(figWidth, h)
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(figWidth, h), vgimg.UseDPI(110), vgimg.UseBackgroundColor(color.White))}
	default:
		return nil, nil, fmt.Errorf("format %q: want svg or png", format)
	}
	lay, err = drawChart(fig, draw.New(c), format == "svg")
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, nil, err
	}
	if format != "svg" {
		return b.Bytes(), lay, nil
	}
	return markGroups(b.Bytes(), lay), lay, nil
}

// Text styles of every chart.
func textStyle(size float64) text.Style {
	st := plot.New().Title.TextStyle
	st.Font.Size = font.Length(size)
	return st
}

// legendEntries lists the series a legend names: none for a single
// series of bars (its axis names it).
func legendEntries(fig compare.Figure) []int {
	if len(fig.Series) == 1 && fig.Series[0].Bars {
		return nil
	}
	var ks []int
	for k := range fig.Series {
		ks = append(ks, k)
	}
	return ks
}

const (
	thumbWidth = 18 // points
	entryGap   = 14 // points between legend entries on a row
)

// legendRows lays the legend's entries out in rows across the figure's
// width: each row lists the indices of its series.
func legendRows(fig compare.Figure) [][]int {
	st := textStyle(9)
	var rows [][]int
	var x vg.Length
	avail := figWidth - 2*vg.Points(6)
	for _, k := range legendEntries(fig) {
		w := vg.Points(thumbWidth+4+entryGap) + st.Width(fig.Series[k].Name)
		if len(rows) == 0 || x+w > avail {
			rows = append(rows, nil)
			x = 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], k)
		x += w
	}
	return rows
}

func legendHeight(fig compare.Figure) vg.Length {
	n := len(legendRows(fig))
	if n == 0 {
		return 0
	}
	return vg.Points(float64(n*legendRow) + 6)
}

// drawChart draws fig's plot and legend on c; sentinels marks series and
// legend entries for markGroups.
func drawChart(fig compare.Figure, c draw.Canvas, sentinels bool) (*layout, error) {
	lay := &layout{Series: make([][]mark, len(fig.Series))}
	p := plot.New()
	p.Title.Text = fig.Title
	p.Title.TextStyle.Font.Size = 11
	// gonum centres the y label on the middle of the data range, which
	// on a logarithmic axis is not the middle of the axis, and shrinks the
	// plot to fit it there: the label is drawn here instead, centred on the
	// axis, and a blank one keeps its column free.
	p.X.Label.Text = fig.XLabel
	if fig.YLabel != "" {
		p.Y.Label.Text = " "
	}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = 10
		a.Tick.Label.Font.Size = 9
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = figure.NumberTicks{}, figure.NumberTicks{}
	if fig.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, figure.PowerTicks{}
	}
	if fig.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, figure.PowerTicks{}
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 225}, color.Gray{Y: 225}
	p.Add(grid)

	st := styles(fig.Series)
	isBars := slices.ContainsFunc(fig.Series, func(s compare.Series) bool { return s.Bars })
	floor := barFloor(fig)
	// A series with the same points as an earlier one is drawn a few
	// points to the right of it, so that neither hides the other.
	shift := make([]int, len(fig.Series))
	for k, s := range fig.Series {
		for j := range k {
			if !s.Bars && coincide(fig, s, fig.Series[j]) {
				shift[k] = shift[j] + 1
				lay.Notes = append(lay.Notes, fmt.Sprintf("“%s” has the values of “%s” to within 1%% of the axis: it is drawn %g pt to the right.", s.Name, fig.Series[j].Name, dodgePoints*float64(shift[k])))
				break
			}
		}
	}
	var thumbs []plot.Thumbnailer
	for k, s := range fig.Series {
		sp := &seriesPlot{k: k, s: s, st: st[k], fig: &fig, lay: lay, sentinels: sentinels, floor: floor, dx: vg.Points(dodgePoints * float64(shift[k]))}
		p.Add(sp)
		thumbs = append(thumbs, sp)
	}
	if isBars {
		n := 0
		for _, s := range fig.Series {
			for _, x := range s.X {
				n = max(n, int(x)+1)
			}
		}
		p.X.Min, p.X.Max = -0.6, float64(n)-0.4
		if len(fig.XTicks) > 0 {
			ticks := make([]plot.Tick, len(fig.XTicks))
			perBar := (figWidth - vg.Points(60)) / vg.Length(max(n, 1))
			for i, name := range fig.XTicks {
				ticks[i] = plot.Tick{Value: float64(i), Label: wrapLabel(name, p.X.Tick.Label, perBar-vg.Points(4))}
			}
			p.X.Tick.Marker = plot.ConstantTicks(ticks)
			p.X.Tick.Length = 0
			p.X.Tick.LineStyle.Width = 0
		}
	}
	padRange(p, fig, isBars, floor)
	for _, a := range []struct {
		name string
		ax   *plot.Axis
	}{{"x", &p.X}, {"y", &p.Y}} {
		if lo, hi := a.ax.Min, a.ax.Max; bad(lo) || bad(hi) || bad(hi-lo) || hi < lo {
			return nil, fmt.Errorf("the %s axis would span %g to %g: values too large to draw", a.name, lo, hi)
		}
	}

	legendH := legendHeight(fig)
	plotC := c
	plotC.Min.Y += legendH
	plotC.Max.X -= vg.Points(12) // room for the last tick label
	// and for the ascent of the title and the y label, which browsers'
	// fonts may draw a little beyond the font's size.
	plotC.Max.Y -= vg.Points(3)
	plotC.Min.X += vg.Points(3)
	p.Draw(plotC)
	if fig.YLabel != "" {
		st := p.Y.Label.TextStyle // as gonum's vertical axis draws it
		st.Rotation += math.Pi / 2
		x := plotC.Min.X + st.Height(fig.YLabel) - st.FontExtents().Descent
		c.FillText(st, vg.Point{X: x, Y: (lay.Data.Min.Y + lay.Data.Max.Y) / 2}, fig.YLabel)
	}

	// The legend, below the plot, in rows.
	lst := textStyle(9)
	lst.XAlign, lst.YAlign = draw.XLeft, draw.YCenter
	y := c.Min.Y + legendH - vg.Points(legendRow)/2 - vg.Points(2)
	for _, row := range legendRows(fig) {
		x := c.Min.X + vg.Points(6)
		for _, k := range row {
			if sentinels {
				fillSentinel(c, "legend-begin-"+strconv.Itoa(k))
			}
			tc := c
			tc.Rectangle = vg.Rectangle{Min: vg.Point{X: x, Y: y - 5}, Max: vg.Point{X: x + thumbWidth, Y: y + 5}}
			thumbs[k].Thumbnail(&tc)
			c.FillText(lst, vg.Point{X: x + thumbWidth + 4, Y: y}, fig.Series[k].Name)
			if sentinels {
				fillSentinel(c, "legend-end-"+strconv.Itoa(k))
			}
			x += vg.Points(thumbWidth+4+entryGap) + lst.Width(fig.Series[k].Name)
		}
		y -= vg.Points(legendRow)
	}
	return lay, nil
}

// fillSentinel writes an invisible marker text into the SVG stream.
func fillSentinel(c draw.Canvas, name string) {
	st := textStyle(1)
	c.FillText(st, c.Min, sentinel+name)
}

// wrapLabel breaks a tick label at spaces into lines no wider than w.
func wrapLabel(s string, st text.Style, w vg.Length) string {
	if st.Width(s) <= w {
		return s
	}
	words := strings.Fields(s)
	var lines []string
	line := ""
	for _, wd := range words {
		if line != "" && st.Width(line+" "+wd) > w {
			lines = append(lines, line)
			line = wd
			continue
		}
		if line != "" {
			line += " "
		}
		line += wd
	}
	return strings.Join(append(lines, line), "\n")
}

// barFloor is where bars on a logarithmic axis start: the power of ten
// below the smallest positive value (one decade lower when that value is
// itself a power of ten). Zero on a linear axis.
func barFloor(fig compare.Figure) float64 {
	if !fig.LogY {
		return 0
	}
	lo := math.Inf(1)
	for _, s := range fig.Series {
		for _, v := range s.Y {
			if v > 0 && !math.IsInf(v, 0) {
				lo = min(lo, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return 1
	}
	e := math.Floor(math.Log10(lo))
	if math.Pow(10, e) >= lo {
		e--
	}
	return math.Pow(10, e)
}

// padRange widens the axes a little beyond the data, so no mark sits on
// the frame (multiplicatively on logarithmic axes); bars keep their base.
func padRange(p *plot.Plot, fig compare.Figure, isBars bool, floor float64) {
	pad := func(lo, hi *float64, log bool) {
		if log {
			if *lo <= 0 || *hi <= 0 {
				return
			}
			d := math.Max(math.Log10(*hi/(*lo)), 0.5) * 0.04
			*lo, *hi = *lo/math.Pow(10, d), *hi*math.Pow(10, d)
			return
		}
		d := (*hi - *lo) * 0.04
		if d == 0 {
			d = math.Max(math.Abs(*hi)*0.1, 0.5)
		}
		*lo, *hi = *lo-d, *hi+d
	}
	if !isBars {
		pad(&p.X.Min, &p.X.Max, fig.LogX)
	}
	lo, hi := p.Y.Min, p.Y.Max
	pad(&lo, &hi, fig.LogY)
	p.Y.Max = hi
	if isBars {
		p.Y.Min = floor
		if !fig.LogY && lo < 0 {
			p.Y.Min = lo
		}
	} else {
		p.Y.Min = lo
	}
}

// seriesPlot draws one series (line, points or bars) and records its
// marks in the layout.
type seriesPlot struct {
	k         int
	s         compare.Series
	st        seriesStyle
	fig       *compare.Figure
	lay       *layout
	sentinels bool
	floor     float64
	dx        vg.Length // drawn this far to the right (coinciding series)
}

// dodgePoints is how far apart coinciding series are drawn.
const dodgePoints = 3.5

const (
	glyphRadius = 2.2 // points
	barWidth    = 0.7 // of the distance between bars
)

// points returns the series' drawable points: finite, and positive on a
// logarithmic axis.
func (sp *seriesPlot) points() plotter.XYs {
	var pts plotter.XYs
	for i := range sp.s.X {
		if i >= len(sp.s.Y) {
			break
		}
		x, y := sp.s.X[i], sp.s.Y[i]
		if bad(x) || bad(y) || sp.fig.LogX && x <= 0 || sp.fig.LogY && y <= 0 {
			continue
		}
		pts = append(pts, plotter.XY{X: x, Y: y})
	}
	return pts
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// DataRange implements plot.DataRanger.
func (sp *seriesPlot) DataRange() (xmin, xmax, ymin, ymax float64) {
	pts := sp.points()
	if len(pts) == 0 {
		return math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	}
	xmin, xmax, ymin, ymax = plotter.XYRange(pts)
	if sp.s.Bars {
		xmin, xmax = xmin-0.5, xmax+0.5
		if !sp.fig.LogY {
			ymin, ymax = min(ymin, 0), max(ymax, 0)
		}
	}
	return
}

// Plot implements plot.Plotter.
func (sp *seriesPlot) Plot(c draw.Canvas, p *plot.Plot) {
	sp.lay.Data = c.Rectangle
	if sp.sentinels {
		fillSentinel(c, "series-begin-"+strconv.Itoa(sp.k))
	}
	trX, trY := p.Transforms(&c)
	pts := sp.points()
	name := sp.s.Name
	if sp.s.Bars {
		c.SetColor(sp.st.colour)
		for _, pt := range pts {
			x0 := trX(pt.X - barWidth/2)
			x1 := trX(pt.X + barWidth/2)
			y0, y1 := trY(sp.floor), trY(pt.Y)
			if y1 < y0 {
				y0, y1 = y1, y0
			}
			r := vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}
			c.Fill(r.Path())
			label := name
			if i := int(pt.X); i >= 0 && i < len(sp.fig.XTicks) && float64(i) == pt.X {
				label = sp.fig.XTicks[i]
			}
			sp.lay.Series[sp.k] = append(sp.lay.Series[sp.k], mark{Box: r, Label: label + ": " + valueText(pt.Y, sp.fig.YLabel)})
		}
	} else {
		if !sp.s.Points && len(pts) > 1 {
			line := make([]vg.Point, len(pts))
			for i, pt := range pts {
				line[i] = vg.Point{X: trX(pt.X) + sp.dx, Y: trY(pt.Y)}
			}
			c.StrokeLines(draw.LineStyle{Color: sp.st.colour, Width: vg.Points(1.4), Dashes: sp.st.dashes}, c.ClipLinesXY(line)...)
		}
		gs := draw.GlyphStyle{Color: sp.st.colour, Radius: vg.Points(glyphRadius), Shape: sp.st.glyph}
		if len(pts) > 60 && !sp.s.Points {
			gs.Radius = 0 // a dense trace: the line alone
		}
		for _, pt := range pts {
			at := vg.Point{X: trX(pt.X) + sp.dx, Y: trY(pt.Y)}
			if gs.Radius > 0 {
				c.DrawGlyph(gs, at)
			}
			r := vg.Points(max(glyphRadius, 1))
			sp.lay.Series[sp.k] = append(sp.lay.Series[sp.k], mark{
				Box:   vg.Rectangle{Min: vg.Point{X: at.X - r, Y: at.Y - r}, Max: vg.Point{X: at.X + r, Y: at.Y + r}},
				Label: name + ": " + valueText(pt.X, sp.fig.XLabel) + "; " + valueText(pt.Y, sp.fig.YLabel)})
		}
	}
	if sp.sentinels {
		fillSentinel(c, "series-end-"+strconv.Itoa(sp.k))
	}
}

// Thumbnail implements plot.Thumbnailer for the legend.
func (sp *seriesPlot) Thumbnail(c *draw.Canvas) {
	if sp.s.Bars {
		c.SetColor(sp.st.colour)
		r := c.Rectangle
		r.Min.X += 3
		r.Max.X -= 3
		c.Fill(r.Path())
		return
	}
	mid := (c.Min.Y + c.Max.Y) / 2
	if !sp.s.Points {
		c.StrokeLine2(draw.LineStyle{Color: sp.st.colour, Width: vg.Points(1.4), Dashes: sp.st.dashes}, c.Min.X, mid, c.Max.X, mid)
	}
	c.DrawGlyph(draw.GlyphStyle{Color: sp.st.colour, Radius: vg.Points(glyphRadius), Shape: sp.st.glyph}, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: mid})
}

// valueText writes a value for a hover label as "axis = value" (the
// axis's label names the unit), or the value alone for an unlabelled axis.
func valueText(v float64, axis string) string {
	val := strconv.FormatFloat(v, 'g', 4, 64)
	if math.Abs(v) >= 1e5 || v != 0 && math.Abs(v) < 1e-3 {
		val = figure.SciLabel(v)
	}
	if axis == "" {
		return val
	}
	return axis + " = " + val
}

// markGroups turns the sentinel texts of an SVG into groups: each series
// becomes <g class="series" data-series="k"> holding its marks and one
// transparent hover target with a <title> per point or bar; each legend
// entry becomes <g class="legend-entry" data-series="k">.
func markGroups(svg []byte, lay *layout) []byte {
	return sentinelText.ReplaceAllFunc(svg, func(m []byte) []byte {
		sub := sentinelText.FindSubmatch(m)
		kind, k := string(sub[1]), string(sub[3])
		i, _ := strconv.Atoi(k)
		switch kind + "-" + string(sub[2]) {
		case "series-begin":
			return []byte(`<g class="series" data-series="` + k + `">` + "\n")
		case "legend-begin":
			return []byte(`<g class="legend-entry" data-series="` + k + `" style="cursor:pointer">` + "\n")
		case "legend-end":
			return []byte("</g>\n")
		}
		var b strings.Builder
		if i < len(lay.Series) {
			for _, mk := range lay.Series[i] {
				fmt.Fprintf(&b, `<rect x="%.5g" y="%.5g" width="%.5g" height="%.5g" fill="transparent" pointer-events="all"><title>%s</title></rect>`+"\n",
					mk.Box.Min.X.Points(), mk.Box.Min.Y.Points(), mk.Box.Size().X.Points(), mk.Box.Size().Y.Points(), html.EscapeString(mk.Label))
			}
		}
		b.WriteString("</g>\n")
		return []byte(b.String())
	})
}

var sentinelText = regexp.MustCompile(`<text [^>]*>` + sentinel + `(series|legend)-(begin|end)-(\d+)</text>\n?`)

// coincide reports whether series a and b have the same x values and y
// values within 1% of the figure's y span (in decades on a logarithmic
// axis): drawn as they are, one would hide the other.
func coincide(fig compare.Figure, a, b compare.Series) bool {
	if !slices.Equal(a.X, b.X) || len(a.Y) != len(b.Y) {
		return false
	}
	y := func(v float64) float64 {
		if fig.LogY {
			return math.Log10(v)
		}
		return v
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range fig.Series {
		for _, v := range s.Y {
			if v := y(v); !bad(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	tol := 0.01 * (hi - lo)
	for i := range a.Y {
		ya, yb := y(a.Y[i]), y(b.Y[i])
		if ya != yb && !(math.Abs(ya-yb) <= tol) {
			return false
		}
	}
	return true
}
