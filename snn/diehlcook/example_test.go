package diehlcook_test

import (
	"context"
	"fmt"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/snn/diehlcook"
)

// A small Diehl & Cook network learns digits without labels; labels are
// read from its responses afterwards. The issue-sized run is
// diehlcook.Default(400) over all 60,000 training images.
func Example() {
	train, test, err := data.LoadMNIST("") // from the Go module cache
	if err != nil {
		fmt.Println(err)
		return
	}
	net, err := diehlcook.New(diehlcook.Default(50), 784, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	images := train.Head(600)
	counts, err := net.Train(context.Background(), images, nil) // STDP, no labels
	if err != nil {
		fmt.Println(err)
		return
	}
	net.Assign(counts, images.Labels[images.Len()-len(counts):], 10)
	res, err := net.Evaluate(context.Background(), test.Head(200), 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("well above chance (10%):", res.Accuracy > 0.3)
	// Output: well above chance (10%): true
}
