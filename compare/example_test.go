package compare_test

import (
	"fmt"

	"github.com/neurite/neurite/compare"
)

// Judge reads a difference's metrics by its stated rule.
func ExampleJudge() {
	d := compare.Difference{Name: "power", Status: "measured", Metrics: map[string]float64{
		"energy_j_ann_gpu_peak": 8.5e-6, "energy_j_snn_poisson_brain": 7.7e-8, "energy_j_snn_poisson_loihi": 9.1e-6}}
	v := compare.Judge(d)
	fmt.Printf("%s: ratio %.0f (%s)\n", v.Verdict, v.Ratio, v.RatioOf)
	// Output:
	// confirmed: ratio 110 (GPU energy / brain-priced spiking energy, per image)
}
