package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func benchGemm(b *testing.B, tA, tB Transpose, m, n, k int) {
	r := rand.New(rand.NewPCG(1, 1))
	tc := gemmCase{tA: tA, tB: tB, m: m, n: n, k: k, alpha: 1}
	a, lda, bb, ldb, c, ldc := tc.operands(r)
	b.ReportAllocs()
	for b.Loop() {
		Gemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, ldc)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkGemm measures square products; run with -cpu 1,2 to see scaling.
func BenchmarkGemm(b *testing.B) {
	for _, size := range []int{64, 128, 256, 512, 1024, 2048} {
		b.Run(fmt.Sprint(size), func(b *testing.B) { benchGemm(b, NoTrans, NoTrans, size, size, size) })
	}
}

// BenchmarkGemmTransposed measures the packing of transposed operands at 1024.
func BenchmarkGemmTransposed(b *testing.B) {
	for _, tt := range transposes[1:] {
		b.Run(fmt.Sprintf("tA=%v,tB=%v", tt.tA, tt.tB), func(b *testing.B) { benchGemm(b, tt.tA, tt.tB, 1024, 1024, 1024) })
	}
}

// BenchmarkGemmMLP measures the shapes of a 784-128-10 MLP at batch 64
// (forward, weight gradient, input gradient) and at batch 1 (inference).
func BenchmarkGemmMLP(b *testing.B) {
	cases := []struct {
		name    string
		tA, tB  Transpose
		m, n, k int
	}{
		{"fwd-64x784x128", NoTrans, NoTrans, 64, 128, 784},
		{"dW-784x64x128", Trans, NoTrans, 784, 128, 64},
		{"dX-64x128x784", NoTrans, Trans, 64, 784, 128},
		{"out-64x128x10", NoTrans, NoTrans, 64, 10, 128},
		{"infer-1x784x128", NoTrans, NoTrans, 1, 128, 784},
		{"lstm-64x128x512", NoTrans, NoTrans, 64, 512, 128},
		{"lstm-dWhh-512x64x128", Trans, NoTrans, 512, 128, 64},
		{"lstm-dWih-512x1792x28", Trans, NoTrans, 512, 28, 1792},
		{"lstm-dh-64x512x128", NoTrans, NoTrans, 64, 128, 512},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) { benchGemm(b, tc.tA, tc.tB, tc.m, tc.n, tc.k) })
	}
}
