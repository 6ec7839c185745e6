package tensor_test

import (
	"fmt"

	"github.com/neurite/neurite/tensor"
)

// A dense layer's forward pass for a batch of two inputs: Y = X·Wᵀ + b, with
// W stored out×in as PyTorch stores it, so no transpose is materialised.
func ExampleMatMul() {
	x := tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3)  // batch 2, 3 features
	w := tensor.FromData([]float32{1, 0, -1, 2, 1, 0}, 2, 3) // 2 outputs
	y := tensor.New(2, 2)
	tensor.MatMul(y, 1, x, tensor.NoTrans, w, tensor.Trans, 0)
	tensor.AddBias(y, []float32{0.5, -0.5})
	fmt.Println(y.Data)
	// Output: [-1.5 3.5 -1.5 12.5]
}

func ExampleGemm() {
	// C = 2·A·B + C for A 2×2, B 2×1, on raw row-major slices.
	a := []float32{1, 2, 3, 4}
	b := []float32{1, 1}
	c := []float32{10, 20}
	tensor.Gemm(tensor.NoTrans, tensor.NoTrans, 2, 1, 2, 2, a, 2, b, 1, 1, c, 1)
	fmt.Println(c)
	// Output: [16 34]
}

func ExampleSoftmaxRows() {
	logits := tensor.FromData([]float32{1, 2, 3, 1000, 1000, 1000}, 2, 3)
	p := tensor.New(2, 3)
	tensor.SoftmaxRows(p, logits)
	fmt.Printf("%.3f\n", p.Data)
	// Output: [0.090 0.245 0.665 0.333 0.333 0.333]
}
