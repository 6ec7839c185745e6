package cli

import (
	"strings"
	"testing"

	"github.com/neurite/neurite/experiment"
)

// TestPrintInspectShapeAndNames: the table names an image or sequence
// input's shape and a CSV model's class names, quoted, the first 20.
func TestPrintInspectShapeAndNames(t *testing.T) {
	names := make([]string, 25)
	for i := range names {
		names[i] = string(rune('a' + i))
	}
	names[0] = "-1"
	var b strings.Builder
	r := &experiment.InspectReport{Path: "m.ckpt", Format: "safetensors", Model: "lenet5", Inputs: 784, InputShape: []int{1, 28, 28},
		Classes: 25, ClassNames: names}
	if err := printInspect(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"input shape      1 28 28 (after the batch)\n", `class names      "-1", "b", `, `"t", and 5 more` + "\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("printInspect wrote\n%s\nwant a line with %q", b.String(), want)
		}
	}
	b.Reset()
	r.InputShape, r.ClassNames = []int{784}, nil
	printInspect(&b, r)
	if strings.Contains(b.String(), "input shape") || strings.Contains(b.String(), "class names") {
		t.Errorf("flat rows and no names: printInspect wrote\n%s", b.String())
	}
}
