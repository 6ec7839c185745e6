package compare

import (
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

// inferenceTiming measures a network's single-example latency (median of
// reps forward passes) and its throughput on batches of batch examples.
func inferenceTiming(net *ann.Sequential, x []float32, features, reps, batch int) (latency, throughput float64) {
	one := tensor.FromData(x[:features], 1, features)
	times := make([]float64, reps)
	for i := range times {
		t0 := time.Now()
		net.Forward(one, false)
		times[i] = time.Since(t0).Seconds()
	}
	slices.Sort(times)
	b := tensor.FromData(x[:batch*features], batch, features)
	net.Forward(b, false)
	t0 := time.Now()
	const rounds = 5
	for range rounds {
		net.Forward(b, false)
	}
	return times[reps/2], float64(batch*rounds) / time.Since(t0).Seconds()
}

// gflops measures this machine's float32 GEMM speed at 512³ (median of 5).
func gflops() float64 {
	const n = 512
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(i%7)*0.1, float32(i%5)*0.1
	}
	times := make([]float64, 5)
	for i := range times {
		t0 := time.Now()
		tensor.Gemm(tensor.NoTrans, tensor.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
		times[i] = time.Since(t0).Seconds()
	}
	slices.Sort(times)
	return 2 * n * n * n / times[2] / 1e9
}

func f(format string, v ...any) string { return fmt.Sprintf(format, v...) }

func threads() int { return runtime.GOMAXPROCS(0) }

func itoa(n int) string { return fmt.Sprint(n) }

func errorf(format string, args ...any) error { return fmt.Errorf("compare: "+format, args...) }

// accuracy scores net on d (examples as net takes them).
func accuracy(net *ann.Sequential, d *data.Dataset) float64 {
	acc, _ := train.Evaluate(net, ann.SoftmaxCrossEntropy{}, d, 1000) // its loss is not reported
	return acc
}

// seq returns 0, 1, …, n−1.
func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// xy is a measured curve.
type xy struct{ X, Y []float64 }

func (c *xy) add(x, y float64) { c.X, c.Y = append(c.X, x), append(c.Y, y) }

// series names a curve for a figure.
func (c xy) series(name string) Series { return Series{Name: name, X: c.X, Y: c.Y} }
