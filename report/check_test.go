package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/neurite/neurite/compare"
)

// loadTiny reads testdata/compare-tiny.json: the results of compare's
// tiny profile (compare_test.go's tinyProfile, seed 1), without the
// image grids, which CheckFigure does not check.
func loadTiny(t *testing.T) *compare.Results {
	t.Helper()
	raw, err := os.ReadFile("testdata/compare-tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	var res compare.Results
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	return &res
}

// TestFiguresReadable draws every figure of a comparison and checks that
// no text overlaps another or lies on the data, no mark is clipped and no
// series is hidden.
func TestFiguresReadable(t *testing.T) {
	res := loadTiny(t)
	n := 0
	for _, d := range res.Differences {
		for i, fig := range d.Figures {
			n++
			problems, err := CheckFigure(fig)
			if err != nil {
				t.Errorf("%s-%d: %v", d.Name, i+1, err)
			}
			for _, p := range problems {
				t.Errorf("%s-%d (%s): %s", d.Name, i+1, fig.Title, p)
			}
		}
	}
	if n < 20 {
		t.Fatalf("checked %d figures, want all of the comparison's", n)
	}
}

// TestCheckFigureFindsFaults: the check must see a legend on the data, two
// series drawn on top of each other, and overlapping tick labels.
func TestCheckFigureFindsFaults(t *testing.T) {
	ys := []float64{0, 0, 0}
	xs := []float64{1, 2, 3}
	tests := []struct {
		name string
		fig  compare.Figure
		want string
	}{
		{"hidden series", compare.Figure{Title: "t", Series: []compare.Series{{Name: "a", X: xs, Y: ys}, {Name: "b", X: xs[:2], Y: ys[:2]}}}, "hidden"},
		{"overlapping bar labels", compare.Figure{Title: "t", XTicks: []string{"averyveryverylongunbreakablelabelnumberone", "averyveryverylongunbreakablelabelnumbertwo", "three"},
			Series: []compare.Series{{Name: "v", Bars: true, X: []float64{0, 1, 2}, Y: []float64{1, 2, 3}}}}, "overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems, err := CheckFigure(tt.fig)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(problems, "\n"), tt.want) {
				t.Errorf("CheckFigure(%s) = %q, want a problem with %q", tt.name, problems, tt.want)
			}
		})
	}
}

// TestCheckFindsLegendOnData draws a plot as gonum lays it out by default,
// with the legend inside the data area (as the report's figures were
// drawn before), and checks that the check sees it.
func TestCheckFindsLegendOnData(t *testing.T) {
	p := plot.New()
	p.Title.Text = "t"
	pts := plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}, {X: 2, Y: 4}}
	l, err := plotter.NewLine(pts)
	if err != nil {
		t.Fatal(err)
	}
	p.Add(l)
	p.Legend.Add("a long series name", l)
	p.Legend.Top = true
	rec := &recorder{w: figWidth, h: figHeight, stack: []affine{identity}, series: -1}
	c := draw.New(rec)
	p.Draw(c)
	lay := &layout{Data: p.DataCanvas(c).Rectangle}
	problems := rec.problems(compare.Figure{Series: []compare.Series{{Name: "a long series name"}}}, lay)
	if !strings.Contains(strings.Join(problems, "\n"), "lies on the data") {
		t.Errorf("a legend inside the data area: problems %q, want one that lies on the data", problems)
	}
}

// TestDrawFigureSVG: the SVG is well-formed XML, holds one group per
// series and per legend entry, one hover title per point or bar, and no
// sentinel text.
func TestDrawFigureSVG(t *testing.T) {
	tests := []struct {
		name   string
		fig    compare.Figure
		titles int
	}{
		{"lines", compare.Figure{Title: "t", XLabel: "x (ms)", YLabel: "y (Hz)", Series: []compare.Series{
			{Name: "a", X: []float64{1, 2, 3}, Y: []float64{1, 4, 9}}, {Name: "b", X: []float64{1, 2}, Y: []float64{2, 3}, Points: true}}}, 5},
		{"log bars", compare.Figure{Title: "t", YLabel: "J", LogY: true, XTicks: []string{"x", "y", "z"}, Series: []compare.Series{
			{Name: "a", Bars: true, X: []float64{0, 2}, Y: []float64{1e-5, 3e-7}, Family: compare.Artificial},
			{Name: "b", Bars: true, X: []float64{1}, Y: []float64{2e-8}, Family: compare.Biological}}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := DrawFigure(tt.fig, "svg")
			if err != nil {
				t.Fatal(err)
			}
			d := xml.NewDecoder(bytes.NewReader(svg))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("DrawFigure(%s) is not well-formed XML: %v", tt.name, err)
				}
			}
			s := string(svg)
			n := len(tt.fig.Series)
			if got := strings.Count(s, `class="series"`); got != n {
				t.Errorf("%d series groups, want %d", got, n)
			}
			if got := strings.Count(s, `class="legend-entry"`); got != n {
				t.Errorf("%d legend entries, want %d", got, n)
			}
			if got := strings.Count(s, "<title>"); got != tt.titles {
				t.Errorf("%d hover titles, want %d", got, tt.titles)
			}
			if strings.Contains(s, sentinel) {
				t.Error("a sentinel text is left in the SVG")
			}
		})
	}
}

// TestLogBarsRiseFromFloor: on a logarithmic axis the bars start at the
// power of ten below the smallest value, so a larger value draws a longer
// bar (the Power figure drew them down from 10⁰, longest for the least
// energy).
func TestLogBarsRiseFromFloor(t *testing.T) {
	fig := compare.Figure{Title: "energy", YLabel: "J", LogY: true, Series: []compare.Series{
		{Name: "e", Bars: true, X: []float64{0, 1, 2}, Y: []float64{8.5e-6, 4.7e-7, 7.7e-8}}}}
	if got := barFloor(fig); got != 1e-8 {
		t.Errorf("barFloor = %g, want 1e-8", got)
	}
	rec := &recorder{w: figWidth, h: figHeight, stack: []affine{identity}, series: -1}
	lay, err := drawChart(fig, draw.New(rec), false)
	if err != nil {
		t.Fatal(err)
	}
	bars := lay.Series[0]
	if len(bars) != 3 {
		t.Fatalf("%d bars, want 3", len(bars))
	}
	for i := 1; i < 3; i++ {
		if bars[i].Box.Min.Y != bars[0].Box.Min.Y {
			t.Errorf("bar %d starts at %v, bar 0 at %v: want one floor", i, bars[i].Box.Min.Y, bars[0].Box.Min.Y)
		}
		if h0, h := bars[i-1].Box.Size().Y, bars[i].Box.Size().Y; !(h < h0) {
			t.Errorf("bar %d (%g J) is %v tall, bar %d (%g J) %v: want the smaller value shorter", i, fig.Series[0].Y[i], h, i-1, fig.Series[0].Y[i-1], h0)
		}
	}
}

// TestContext: a sentence whose metrics are missing is left out, one
// whose metrics are present quotes them.
func TestContext(t *testing.T) {
	d := compare.Difference{Name: "topology", Metrics: map[string]float64{"smallworld_sigma": 10.8}}
	got := Context(d)
	if len(got) != 1 || !strings.Contains(got[0], "σ = 10.8") || !strings.Contains(got[0], "Watts & Strogatz 1998") {
		t.Errorf("Context(topology, σ only) = %q, want the C. elegans sentence with σ = 10.8", got)
	}
	for _, name := range compare.Names {
		for _, s := range Context(compare.Difference{Name: name, Metrics: map[string]float64{}}) {
			if strings.Contains(s, "%!") || strings.Contains(s, "NaN") {
				t.Errorf("Context(%s) without metrics: %q", name, s)
			}
		}
	}
}

// FuzzDrawFigure: any values — NaN, infinities, zeros and negatives on a
// logarithmic axis, a single point — give a well-formed SVG or an error,
// never a panic.
func FuzzDrawFigure(f *testing.F) {
	f.Add(false, false, false, 1.0, 2.0, 3.0)
	f.Add(true, true, true, 0.0, -1.0, 1e-300)
	f.Add(true, false, false, math.NaN(), math.Inf(1), 5.0)
	f.Add(false, true, false, 1e308, -1e308, 0.0)
	f.Fuzz(func(t *testing.T, logX, logY, bars bool, a, b, c float64) {
		fig := compare.Figure{Title: "fuzz", XLabel: "x", YLabel: "y", LogX: logX, LogY: logY, XTicks: []string{"a", "b", "c"},
			Series: []compare.Series{{Name: "s", X: []float64{0, 1, 2}, Y: []float64{a, b, c}, Bars: bars}, {Name: "t", X: []float64{a, b}, Y: []float64{c, a}}}}
		svg, err := DrawFigure(fig, "svg")
		if err != nil {
			return
		}
		d := xml.NewDecoder(bytes.NewReader(svg))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("DrawFigure(%v %v %v %g %g %g): not well-formed: %v", logX, logY, bars, a, b, c, err)
			}
		}
	})
}
