// Package data holds neurite's datasets and the encoders that turn data
// into spikes.
//
// # Spike encoders
//
// Spiking networks take spikes, not numbers. RateEncode turns intensities
// into Poisson firing rates (rate coding: the value is carried by how
// often a neuron fires); LatencyEncode turns them into one spike each,
// earlier for larger values (time-to-first-spike coding: the value is
// carried by when it fires). Their outputs feed snn.PoissonGroup.Rates and
// snn.NewSpikeTrains; this package does not depend on the simulator.
package data
