package experiment_test

import (
	"context"
	"fmt"
	"log"

	"github.com/neurite/neurite/experiment"
)

// A training run observed as it goes: the last event is always sent.
func ExampleReporting_observe() {
	var last *experiment.TrainStep
	s := experiment.TrainSettings{Data: "xor", Hidden: []int{8}, Epochs: 50, Seed: 1, Threads: 1}
	s.Observe = func(e experiment.Event) {
		if step, ok := e.(*experiment.TrainStep); ok {
			last = step
		}
	}
	rep, err := experiment.Train(context.Background(), s)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("epoch %d/%d, %d parameter tensors\n", last.Epoch, last.Epochs, len(last.Layers))
	fmt.Println(last.Loss == rep.History[len(rep.History)-1].TrainLoss)
	// Output:
	// epoch 50/50, 4 parameter tensors
	// true
}
