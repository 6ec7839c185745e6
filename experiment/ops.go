package experiment

import (
	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// countOps returns the operations per example of net on the examples x,
// as package energy defines them. An artificial network's count does not
// depend on the input, so one example is enough; a spiking one's is
// averaged over all of x.
func countOps(net *ann.Sequential, x *tensor.Tensor) (energy.Ops, error) {
	if !net.Spiking() && x.Dims() > 0 && x.Shape[0] > 1 {
		per := len(x.Data) / x.Shape[0]
		x = tensor.FromData(x.Data[:per], append([]int{1}, x.Shape[1:]...)...)
	}
	return net.CountOps(x)
}
