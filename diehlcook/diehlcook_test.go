package diehlcook

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/neurite/neurite/data"
)

func mnist(t *testing.T) (*data.Dataset, *data.Dataset) {
	t.Helper()
	tr, te, err := data.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST unavailable: %v", err)
	}
	return tr, te
}

// TestLearnsWithoutLabels: 100 excitatory neurons shown 1500 training
// digits without labels, then labelled by their responses, classify 500
// test digits far above chance (10%).
func TestLearnsWithoutLabels(t *testing.T) {
	tr, te := mnist(t)
	net, err := New(Default(100), 784, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	train := tr.Head(1500)
	counts, err := net.Train(context.Background(), train, nil)
	if err != nil {
		t.Fatal(err)
	}
	net.Assign(counts, train.Labels[train.Len()-len(counts):], 10)
	res, err := net.Evaluate(context.Background(), te.Head(500), 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("100 neurons, 1500 images: accuracy %.3f, %.0f spikes and %.0f synaptic events per test image, %.1fs", res.Accuracy, res.SpikesPerSample, res.SynapticOpsPerSample, time.Since(start).Seconds())
	if res.Accuracy < 0.5 {
		t.Errorf("accuracy %.3f, want ≥ 0.5", res.Accuracy)
	}
}

// TestDiehlCook400 is the bar: 400 excitatory neurons, one pass
// over the 60,000 training images, ≥ 85% on the 10,000 test images
// (Diehl & Cook report 87.0% for 400 neurons). Minutes: NEURITE_LONG=1.
func TestDiehlCook400(t *testing.T) {
	if os.Getenv("NEURITE_LONG") == "" {
		t.Skip("one pass over MNIST takes minutes; set NEURITE_LONG=1")
	}
	tr, te := mnist(t)
	net, err := New(Default(400), 784, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	counts, err := net.Train(context.Background(), tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	trained := time.Since(start)
	net.Assign(counts, tr.Labels[tr.Len()-len(counts):], 10)
	res, err := net.Evaluate(context.Background(), te, 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("400 neurons, one pass: accuracy %.4f, training %v", res.Accuracy, trained)
	if res.Accuracy < 0.85 {
		t.Errorf("accuracy %.4f, want ≥ 0.85", res.Accuracy)
	}
}

// TestThreadsSameBits: the workers own disjoint neurons, so weights,
// thresholds and responses are bit-identical for any number of them.
func TestThreadsSameBits(t *testing.T) {
	tr, te := mnist(t)
	var ref *Net
	var refRes Result
	for _, threads := range []int{1, 2, 3} {
		net, err := New(Default(40), 784, 7)
		if err != nil {
			t.Fatal(err)
		}
		net.Threads = threads
		counts, err := net.Train(context.Background(), tr.Head(60), nil)
		if err != nil {
			t.Fatal(err)
		}
		net.Assign(counts, tr.Labels[:60], 10)
		res, err := net.Evaluate(context.Background(), te.Head(30), 10)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref, refRes = net, res
			continue
		}
		if !slices.Equal(net.W, ref.W) || !slices.Equal(net.Theta, ref.Theta) || res != refRes {
			t.Errorf("%d threads differ from 1: result %+v vs %+v", threads, res, refRes)
		}
	}
}

// BenchmarkTrain400 trains the 400-neuron network on 300 digits
// (after 300 to get past the first, quiet presentations) on Threads =
// GOMAXPROCS workers: go test -bench Train400 -cpu 1,2 ./diehlcook
func BenchmarkTrain400(b *testing.B) {
	tr, _, err := data.LoadMNIST("")
	if err != nil {
		b.Skipf("MNIST unavailable: %v", err)
	}
	net, err := New(Default(400), 784, 1)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := net.Train(context.Background(), tr.Head(300), nil); err != nil {
		b.Fatal(err)
	}
	idx := make([]int, 300)
	for k := range idx {
		idx[k] = 300 + k
	}
	images := tr.Subset(idx)
	b.ResetTimer()
	for range b.N {
		if _, err := net.Train(context.Background(), images, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(images.Len()*b.N)/b.Elapsed().Seconds(), "images/s")
}
