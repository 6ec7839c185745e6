package report

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neurite/neurite/compare"
)

// CheckFigure draws fig as DrawFigure does, onto a canvas that records
// every text's box (from the font's metrics) and every mark of the data,
// and returns what a reader would find wrong, one line each:
//   - two texts overlapping (tick labels, axis labels, title, legend);
//   - a text on the data area (a legend over the curves) or cut by the
//     figure's edge;
//   - a mark of the data outside the data area (clipped at the frame);
//   - a series hidden: every one of its points under another series' point.
//
// A figure with a Grid (a table of images) is not checked.
func CheckFigure(fig compare.Figure) (problems []string, err error) {
	if fig.Grid != nil {
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			problems, err = nil, fmt.Errorf("drawing %q: %v", fig.Title, r)
		}
	}()
	h := figHeight + legendHeight(fig)
	rec := &recorder{w: figWidth, h: h, stack: []affine{identity}, series: -1}
	lay, err := drawChart(fig, draw.New(rec), true)
	if err != nil {
		return nil, err
	}
	return rec.problems(fig, lay), nil
}

// problems lists what is wrong with what rec recorded of fig, drawn as
// lay says.
func (rec *recorder) problems(fig compare.Figure, lay *layout) (problems []string) {
	h := rec.h
	const tol = 0.75 // points: anti-aliasing and rounding
	inside := func(r, in vg.Rectangle) bool {
		return r.Min.X >= in.Min.X-tol && r.Min.Y >= in.Min.Y-tol && r.Max.X <= in.Max.X+tol && r.Max.Y <= in.Max.Y+tol
	}
	page := vg.Rectangle{Max: vg.Point{X: figWidth, Y: h}}
	for i, a := range rec.texts {
		if !inside(a.box, page) {
			problems = append(problems, fmt.Sprintf("text %q is cut by the figure's edge", a.s))
		}
		if overlap(a.box, lay.Data) > tol {
			problems = append(problems, fmt.Sprintf("text %q lies on the data", a.s))
		}
		for _, b := range rec.texts[i+1:] {
			if overlap(a.box, b.box) > tol {
				problems = append(problems, fmt.Sprintf("texts %q and %q overlap", a.s, b.s))
			}
		}
	}
	for _, m := range rec.marks {
		if !inside(m.box, lay.Data) {
			problems = append(problems, fmt.Sprintf("a mark of %q is outside the data area", fig.Series[m.series].Name))
		}
	}
	for a, ma := range lay.Series {
		if len(ma) == 0 || fig.Series[a].Bars {
			continue
		}
		for b, mb := range lay.Series {
			if a != b && len(mb) > 0 && covered(ma, mb) {
				problems = append(problems, fmt.Sprintf("series %q is hidden under %q", fig.Series[a].Name, fig.Series[b].Name))
				break
			}
		}
	}
	return problems
}

// covered reports whether every mark of a sits on a mark of b.
func covered(a, b []mark) bool {
	centre := func(r vg.Rectangle) vg.Point {
		return vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}
	}
	for _, ma := range a {
		ca := centre(ma.Box)
		hit := false
		for _, mb := range b {
			cb := centre(mb.Box)
			if math.Abs(float64(ca.X-cb.X)) < 1 && math.Abs(float64(ca.Y-cb.Y)) < 1 {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// overlap is the smaller side of the intersection of two rectangles, 0
// when they do not meet.
func overlap(a, b vg.Rectangle) float64 {
	w := math.Min(float64(a.Max.X), float64(b.Max.X)) - math.Max(float64(a.Min.X), float64(b.Min.X))
	h := math.Min(float64(a.Max.Y), float64(b.Max.Y)) - math.Max(float64(a.Min.Y), float64(b.Min.Y))
	if w <= 0 || h <= 0 {
		return 0
	}
	return math.Min(w, h)
}

// affine is a 2-D transform: x' = a·x + c·y + e, y' = b·x + d·y + f.
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

func (m affine) then(n affine) affine { // m · n
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m affine) apply(p vg.Point) vg.Point {
	x, y := float64(p.X), float64(p.Y)
	return vg.Point{X: vg.Length(m.a*x + m.c*y + m.e), Y: vg.Length(m.b*x + m.d*y + m.f)}
}

// box is the bounding box of r's corners under m.
func (m affine) box(r vg.Rectangle) vg.Rectangle {
	out := vg.Rectangle{Min: vg.Point{X: vg.Length(math.Inf(1)), Y: vg.Length(math.Inf(1))}, Max: vg.Point{X: vg.Length(math.Inf(-1)), Y: vg.Length(math.Inf(-1))}}
	for _, p := range []vg.Point{r.Min, r.Max, {X: r.Min.X, Y: r.Max.Y}, {X: r.Max.X, Y: r.Min.Y}} {
		q := m.apply(p)
		out.Min.X, out.Min.Y = min(out.Min.X, q.X), min(out.Min.Y, q.Y)
		out.Max.X, out.Max.Y = max(out.Max.X, q.X), max(out.Max.Y, q.Y)
	}
	return out
}

type textBox struct {
	s   string
	box vg.Rectangle
}

type markBox struct {
	series int
	box    vg.Rectangle
}

// recorder is a vg.Canvas that draws nothing and records the boxes of
// texts and, between a series' sentinels, of its marks.
type recorder struct {
	w, h   vg.Length
	stack  []affine
	series int // the series being drawn, or −1
	texts  []textBox
	marks  []markBox
}

func (r *recorder) top() *affine                       { return &r.stack[len(r.stack)-1] }
func (r *recorder) Size() (w, h vg.Length)             { return r.w, r.h }
func (r *recorder) SetLineWidth(vg.Length)             {}
func (r *recorder) SetLineDash([]vg.Length, vg.Length) {}
func (r *recorder) SetColor(color.Color)               {}
func (r *recorder) Rotate(t float64) {
	s, c := math.Sincos(t)
	*r.top() = r.top().then(affine{a: c, b: s, c: -s, d: c})
}
func (r *recorder) Translate(p vg.Point) {
	*r.top() = r.top().then(affine{a: 1, d: 1, e: float64(p.X), f: float64(p.Y)})
}
func (r *recorder) Scale(x, y float64)                  { *r.top() = r.top().then(affine{a: x, d: y}) }
func (r *recorder) Push()                               { r.stack = append(r.stack, *r.top()) }
func (r *recorder) Pop()                                { r.stack = r.stack[:len(r.stack)-1] }
func (r *recorder) Stroke(p vg.Path)                    { r.path(p) }
func (r *recorder) Fill(p vg.Path)                      { r.path(p) }
func (r *recorder) DrawImage(vg.Rectangle, image.Image) {}

// path records the extent of a data mark: every vertex of a line, the
// whole box of a filled shape or glyph.
func (r *recorder) path(p vg.Path) {
	if r.series < 0 {
		return
	}
	m := *r.top()
	for _, c := range p {
		var b vg.Rectangle
		switch c.Type {
		case vg.MoveComp, vg.LineComp:
			b = vg.Rectangle{Min: c.Pos, Max: c.Pos}
		case vg.ArcComp:
			b = vg.Rectangle{Min: vg.Point{X: c.Pos.X - c.Radius, Y: c.Pos.Y - c.Radius}, Max: vg.Point{X: c.Pos.X + c.Radius, Y: c.Pos.Y + c.Radius}}
		default:
			continue
		}
		r.marks = append(r.marks, markBox{series: r.series, box: m.box(b)})
	}
}

func (r *recorder) FillString(f font.Face, p vg.Point, s string) {
	if name, ok := strings.CutPrefix(s, sentinel); ok {
		var k int
		switch {
		case sscan(name, "series-begin-%d", &k):
			r.series = k
		case strings.HasPrefix(name, "series-end-"):
			r.series = -1
		}
		return
	}
	if strings.TrimSpace(s) == "" {
		return // draws nothing
	}
	// A line's box is as tall as the font's size, from its descent down:
	// the height gonum's text layout gives each line.
	e := f.Extents()
	b := vg.Rectangle{Min: vg.Point{X: p.X, Y: p.Y - e.Descent}, Max: vg.Point{X: p.X + f.Width(s), Y: p.Y - e.Descent + f.Font.Size}}
	r.texts = append(r.texts, textBox{s: s, box: r.top().box(b)})
}

func sscan(s, format string, k *int) bool {
	n, err := fmt.Sscanf(s, format, k)
	return err == nil && n == 1
}
