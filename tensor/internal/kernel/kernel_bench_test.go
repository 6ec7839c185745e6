package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMicro measures the micro-kernel alone on L1-resident panels: the
// ceiling the blocked GEMM can approach.
func BenchmarkMicro(b *testing.B) {
	b.Logf("assembly kernels: %v", Accelerated())
	for _, k := range []int{64, 256} {
		b.Run(fmt.Sprint("k=", k), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			a, bp, c := randSlice(r, k*MR), randSlice(r, k*NR), make([]float32, MR*NR)
			b.ReportAllocs()
			for b.Loop() {
				Micro(k, a, bp, NR, c, NR, false)
			}
			b.ReportMetric(float64(2*MR*NR*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
