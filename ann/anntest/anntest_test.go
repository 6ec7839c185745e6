package anntest

import (
	"fmt"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/tensor"
)

// recorder catches the suite's failures instead of failing this test.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// doubler is y = 2x with a Backward that forgets the factor 2: the suite
// must notice.
type doubler struct{ y, dx *tensor.Tensor }

func (d *doubler) Kind() string         { return "doubler" }
func (d *doubler) Params() []*ann.Param { return nil }
func (d *doubler) Forward(x *tensor.Tensor, _ bool) *tensor.Tensor {
	d.y = tensor.New(x.Shape...)
	tensor.Scale(d.y.Data, 2, x.Data)
	return d.y
}
func (d *doubler) Backward(dy *tensor.Tensor, _ bool) *tensor.Tensor {
	d.dx = dy.Clone()
	return d.dx
}

func TestSuiteCatchesWrongGradient(t *testing.T) {
	r := &recorder{TB: t}
	Layer(r, "doubler", &doubler{}, []int{2, 3}, 1)
	if len(r.failures) == 0 {
		t.Fatal("a Backward missing a factor of 2 passed the gradient check")
	}
}

// misSized is a correct layer (y = x) that describes itself wrongly: the
// suite must notice both claims.
type misSized struct{}

func (misSized) Kind() string                                      { return "missized" }
func (misSized) Params() []*ann.Param                              { return nil }
func (misSized) Forward(x *tensor.Tensor, _ bool) *tensor.Tensor   { return x }
func (misSized) Backward(dy *tensor.Tensor, _ bool) *tensor.Tensor { return dy }
func (misSized) OutputShape(in []int) []int                        { return []int{in[0] + 1} }
func (misSized) NumValues() int                                    { return 1 }

func TestSuiteCatchesWrongSize(t *testing.T) {
	r := &recorder{TB: t}
	Layer(r, "missized", misSized{}, []int{2, 3}, 1)
	if len(r.failures) != 2 {
		t.Fatalf("a layer misreporting its output shape and size gave failures %q, want 2", r.failures)
	}
}
