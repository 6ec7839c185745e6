// Package ann builds artificial neural networks: the side of neurite that
// learns by backpropagation.
//
// # Overview
//
// A [Layer] maps a batch (first dimension = example) forward and its
// gradient backward: [Dense] (y = x·Wᵀ + b, PyTorch's layout), [Activation]
// (step, sigmoid, tanh, ReLU, leaky ReLU, identity), [Softmax] and
// [Dropout] (inverted, off at inference). [Sequential] chains them and
// exposes [Hooks] that see every activation and gradient, so everything
// inside the network can be watched; [Sequential.InputGradient] carries
// the gradient back to the input itself, which adversarial attacks follow
// (package attack). Losses ([SoftmaxCrossEntropy], fused
// for stability; [MSE]; [BCE]) score outputs against class labels. A
// [Spec] describes an architecture as plain data ([MLP] builds the common
// one) and [Spec.Build] makes it with seeded initial weights (He, Xavier
// or PyTorch's default). Each layer type checks its own part of a spec,
// next to its code, and reports its output shape and size ([Sized]), so
// Build, [Spec.CountParams] and [Spec.Outputs] keep no tables of their
// own and the last two allocate nothing. Layers with an ONNX equivalent
// write their own operators into an [ONNXGraph] ([ONNXExporter]), which
// package modelio encodes. Other packages that need to know what a layer
// computes ask for optional interfaces ([Linear], [Activator],
// [Passthrough]) rather than concrete types. [Perceptron] is Rosenblatt's
// original, trained by its own rule.
//
// [Sequential.CountOps] counts the operations one example costs (MACs,
// synaptic events, spikes) as package energy defines them, for dense,
// convolutional, recurrent and spiking networks alike: each layer counts
// its own ([OpCounter]), told by the layer before it whether it receives
// analog values, a constant current or spikes ([Flow]).
//
// Training loops, optimizers and model files live in packages train,
// optim and modelio; gradient checks for new layers in ann/anntest.
//
// # Errors and panics
//
// Specs are validated by Build, with errors naming the layer. Forward and
// Backward panic, with an "ann:" message, on shapes that do not fit: the
// caller built the network and owns its shapes.
//
// # Concurrency
//
// A network is not safe for concurrent use: layers keep their buffers.
// Matrix products inside run on all cores through package tensor, with
// results independent of the thread count.
package ann
