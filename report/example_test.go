package report_test

import (
	"fmt"

	"github.com/neurite/neurite/compare"
	"github.com/neurite/neurite/report"
)

// CheckFigure finds what a reader would stumble on: here a series whose
// points all lie under another's.
func ExampleCheckFigure() {
	fig := compare.Figure{Title: "accuracy", XLabel: "ε", YLabel: "accuracy", Series: []compare.Series{
		{Name: "MLP", X: []float64{0, 0.1, 0.3}, Y: []float64{0.98, 0.2, 0}, Family: compare.Artificial},
		{Name: "SNN", X: []float64{0, 0.1}, Y: []float64{0.98, 0.2}, Family: compare.Biological},
	}}
	problems, err := report.CheckFigure(fig)
	if err != nil {
		fmt.Println(err)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// series "SNN" is hidden under "MLP"
}

// Context sets a section's numbers against known references.
func ExampleContext() {
	d := compare.Difference{Name: "learning", Metrics: map[string]float64{"mlp_accuracy": 0.9786}}
	for _, s := range report.Context(d) {
		fmt.Println(s)
	}
	// Output:
	// LeCun et al. (1998) list 95.3% for a 784-300-10 MLP; this run's MLP reaches 97.9%.
}
