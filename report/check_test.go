package report

import (
	"encoding/json"
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
