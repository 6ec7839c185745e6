package optim_test

import (
	"errors"
	"fmt"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/tensor"
)

// Minimise (w − 3)² with Adam, warming the rate up over 10 steps and then
// annealing it to zero, as train.Fit drives an optimizer and a schedule.
func Example() {
	w := &ann.Param{Name: "w", Value: tensor.FromData([]float32{0}, 1), Grad: tensor.New(1)}
	opt, err := optim.Adam{LR: 0.1}.New() // β₁, β₂, ε: PyTorch's defaults
	if err != nil {
		fmt.Println(err)
		return
	}
	const steps, warmup = 300, 10
	sched := optim.Warmup{Steps: warmup, Then: optim.Cosine{Total: steps - warmup}}
	if err := sched.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	base := opt.LR()
	for step := range steps {
		opt.SetLR(sched.LR(base, step))
		w.Grad.Data[0] = 2 * (w.Value.Data[0] - 3)
		opt.Step([]*ann.Param{w})
	}
	fmt.Printf("w = %.3f, final rate %.2g\n", w.Value.Data[0], opt.LR())

	_, err = optim.SGD{LR: -1}.New()
	fmt.Println(err)
	// Output:
	// w = 3.000, final rate 2.9e-06
	// optim: SGD.LR -1: must be positive and finite
}

// A caller that exposes the settings under its own names, such as
// command-line flags, maps the field a FieldError names to its own.
func ExampleFieldError() {
	flags := map[string]string{"SGD.LR": "--lr", "SGD.Momentum": "--momentum", "SGD.Nesterov": "--nesterov"}
	_, err := optim.SGD{LR: 0.1, Nesterov: true}.New()
	fmt.Println(err)
	var fe *optim.FieldError
	if errors.As(err, &fe) {
		fmt.Printf("%s: %s\n", flags[fe.Field], fe.Reason)
	}
	// Output:
	// optim: SGD.Nesterov true: needs SGD.Momentum > 0
	// --nesterov: needs SGD.Momentum > 0
}
