package experiment_test

import (
	"context"
	"fmt"
	"time"

	"github.com/neurite/neurite/experiment"
)

// A two-layer perceptron learns XOR: the job loads the truth table,
// builds the network, trains it and scores it, in one call.
func ExampleTrain() {
	rep, err := experiment.Train(context.Background(), experiment.TrainSettings{
		Model: "mlp", Data: "xor", Hidden: []int{4}, Activation: "sigmoid",
		Epochs: 2000, Batch: 4, LR: 2, Seed: 1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d parameters, test accuracy %.0f%%\n", rep.Model, rep.Params, 100*rep.TestAccuracy)
	// Output: mlp: 22 parameters, test accuracy 100%
}

// Each model's defaults are written once, in the library.
func ExampleTrainDefaults() {
	for _, m := range []string{"mlp", "lstm", "snn"} {
		d, _ := experiment.TrainDefaults(m)
		fmt.Printf("%s: %s at %g, %s schedule, %d epochs, inputs %s\n", m, d.Optimizer, d.LR, d.Schedule, d.Epochs, d.Normalize)
	}
	// Output:
	// mlp: sgd at 0.1, constant schedule, 5 epochs, inputs standard
	// lstm: adam at 0.001, constant schedule, 5 epochs, inputs standard
	// snn: adam at 0.002, cosine schedule, 3 epochs, inputs none
}

// Brette et al.'s conductance-based benchmark, scaled to 400 neurons,
// for 100 ms of simulated time.
func ExampleSimulate() {
	rep, err := experiment.Simulate(context.Background(), experiment.SimSettings{
		Model: "coba", N: 400, Duration: 100 * time.Millisecond, Seed: 1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Neurons, "neurons in", rep.Populations, "simulated for", rep.SimMS, "ms")
	// Output: 400 neurons in [exc inh] simulated for 100 ms
}

// A network trained in memory is converted to integrate-and-fire neurons
// and scored on the same images; both reports count operations the same
// way.
func ExampleConvert() {
	ctx := context.Background()
	trained, err := experiment.Train(ctx, experiment.TrainSettings{Model: "mlp", Hidden: []int{64}, Epochs: 1,
		TrainSamples: 3000, TestSamples: 200, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	conv, err := experiment.Convert(ctx, experiment.ConvertSettings{Net: trained.Net, Normalizer: trained.Normalizer,
		Calib: 1000, Samples: 200, Timesteps: 64, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ANN MACs per image:", trained.Operations.MACs)
	fmt.Println("the spiking network is within 5 points of the ANN:", conv.ANNAccuracy-conv.TestAccuracy < 0.05)
	// Output:
	// ANN MACs per image: 50816
	// the spiking network is within 5 points of the ANN: true
}
