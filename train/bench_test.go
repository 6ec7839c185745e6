package train

import (
	"context"
	"fmt"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/optim"
)

// BenchmarkEpochMLP trains one MNIST epoch (SGD 0.1, batch 64) of the
// issue's two MLPs and reports samples/s; run with -cpu 1,2.
func BenchmarkEpochMLP(b *testing.B) {
	tr, _ := mnist(b)
	for _, hidden := range [][]int{{128}, {512, 256}} {
		b.Run(fmt.Sprint(hidden), func(b *testing.B) {
			net, err := ann.MLP(784, hidden, ann.ReLU, 10, 0).Build(1)
			if err != nil {
				b.Fatal(err)
			}
			opt, _ := optim.New("sgd", 0.1, 0, 0, false)
			for b.Loop() {
				if _, err := Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, tr, nil, Config{Epochs: 1, Batch: 64, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tr.Len())*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// BenchmarkSteps trains 100 batches of 64 MNIST images through LeNet-5
// (SGD 0.05, momentum 0.9) and the row-sequential LSTM-128 (Adam 1e-3), the
// settings of neurite bench lenet5|lstm; run with -cpu 1,2.
func BenchmarkSteps(b *testing.B) {
	tr, _ := mnist(b)
	for _, c := range []struct {
		name string
		spec ann.Spec
		opt  string
		lr   float64
		mom  float64
	}{
		{"lenet5", ann.LeNet5(), "sgd", 0.05, 0.9},
		{"lstm", ann.RowSequence(true, 128), "adam", 1e-3, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			net, err := c.spec.Build(1)
			if err != nil {
				b.Fatal(err)
			}
			opt, _ := optim.New(c.opt, c.lr, c.mom, 0, false)
			const batches = 100
			for b.Loop() {
				if _, err := Fit(context.Background(), net, ann.SoftmaxCrossEntropy{}, opt, tr, nil, Config{Epochs: 1, Batch: 64, Seed: 1, MaxBatches: batches}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(64*batches)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
