package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/neurite/neurite/tensor"
)

func main() {
	n := 1024
	r := rand.New(rand.NewPCG(1, 1))
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = r.Float32(), r.Float32()
	}
	tensor.Gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
	var ts []float64
	for range 10 {
		t := time.Now()
		tensor.Gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		ts = append(ts, time.Since(t).Seconds())
	}
	slices.Sort(ts)
	fmt.Printf("neurite %.1f\n", 2*float64(n*n*n)/ts[5]/1e9)
}
