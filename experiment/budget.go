package experiment

import (
	"fmt"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/topology"
)

// Every job estimates what its settings will make it allocate before it
// allocates anything, and refuses a request above its settings'
// MaxMemory (0: budget.Default(), half of the machine's memory, or of the
// process's address-space limit) with a *budget.Error that names the
// request, the estimate and the limit. The estimates are the libraries'
// own (snn.Spec.Estimate, snn.PresetEstimate, ann.Spec.Footprint,
// topology's *Bytes functions) plus what the job keeps besides.

// simStatsBytes is what Simulate keeps per neuron besides the network:
// the statistics of its spikes (snn.SpikeStats: five 8-byte counters and
// a 16-byte sum of squared intervals).
const simStatsBytes = 56

// checkSimulation refuses simulating a network estimated at e when it and
// the job's statistics need more than limit bytes.
func checkSimulation(e snn.Estimate, limit int64) error {
	return budget.Check("simulating "+e.What(), e.Bytes+simStatsBytes*e.Neurons, limit)
}

// evalBatch is the batch train.Evaluate scores test sets in.
const evalBatch = 1000

// optimizerMoments returns the values per parameter s's optimizer keeps:
// Adam's two moments, SGD's velocity with momentum.
func (s TrainSettings) optimizerMoments() int {
	switch {
	case s.Optimizer == "adam" || s.Optimizer == "adamw":
		return 2
	case s.Momentum > 0:
		return 1
	}
	return 0
}

// checkTraining refuses training spec on train in batches of
// s.batchFor(train) (and scoring tests examples in batches of evalBatch)
// when its parameters, their gradients and optimizer state, and a batch's
// activations need more than s.MaxMemory.
func (s TrainSettings) checkTraining(spec ann.Spec, train *data.Dataset, tests int) error {
	fp, err := spec.Footprint()
	if err != nil {
		return err
	}
	return fp.Check(max(s.batchFor(train), min(evalBatch, tests)), s.optimizerMoments(), s.MaxMemory)
}

// batchFor returns the batch s trains on d in: Batch, but no more than
// d's examples (a larger batch would only allocate rows never used).
func (s TrainSettings) batchFor(d *data.Dataset) int {
	return max(1, min(s.Batch, d.Len()))
}

// stdpNeuronBytes is what Diehl & Cook's network keeps per excitatory
// neuron besides its weights: the threshold θ, label and spike count, the
// potential, conductances and last spike of it and of its inhibitory
// partner, the two post-synaptic traces and the normalisation's sums
// (float64 or int each), and a copy of that state for checkpoints.
const stdpNeuronBytes = 2 * (3*8 + 2*4*8 + 2*8 + 8)

// checkSTDP refuses an stdp network of s.Neurons neurons on inputs
// pixels and classes classes when its weights (inputs × neurons, float64)
// and state, and the labels' tally (classes × neurons), need more than
// s.MaxMemory.
func (s TrainSettings) checkSTDP(inputs, classes int) error {
	n := float64(s.Neurons)
	need := 8*float64(inputs)*n + stdpNeuronBytes*n + 8*float64(classes)*n
	return budget.Check(fmt.Sprintf("an stdp network of %d neurons on %d inputs", s.Neurons, inputs), need, s.MaxMemory)
}

// graphBytes returns what building s's graph takes: topology's estimate
// for its generator.
func (s GraphSettings) graphBytes() float64 {
	switch s.Kind {
	case "smallworld":
		return topology.WattsStrogatzBytes(s.N, s.K)
	case "scalefree":
		return topology.BarabasiAlbertBytes(s.N, s.M)
	case "random":
		return topology.ErdosRenyiBytes(s.N, s.P)
	case "spatial":
		return topology.SpatialBytes(s.N, s.Dims, s.Size, s.P0, s.Lambda)
	}
	return topology.LayeredBytes(s.Layers...)
}

// graphNodeBytes is what measuring a graph keeps per node: degrees,
// breadth-first distances and queue, clustering marks, hub degrees and
// the power-law fit's sorted copies.
const graphNodeBytes = 64

// checkMemory refuses a graph whose building and measuring (with the
// matched random graphs σ needs, built one at a time while the graph
// stays) need more than s.MaxMemory.
func (s GraphSettings) checkMemory() error {
	_, _, edges := s.expectedEdges()
	nodes := float64(s.N)
	if s.Kind == "layered" {
		nodes = 0
		for _, l := range s.Layers {
			nodes += float64(l)
		}
	}
	need := s.graphBytes()
	if s.RandomGraphs > 0 {
		n, m := int(min(nodes, 1<<62)), int(min(edges, 1<<62))
		need = max(need, topology.CSRBytes(n, 2*edges)+topology.ErdosRenyiMBytes(n, m))
	}
	what := fmt.Sprintf("a %s graph of %.0f nodes and about %.3g edges", s.Kind, nodes, edges)
	return budget.Check(what, need+graphNodeBytes*nodes, s.MaxMemory)
}

// checkMemory refuses converting net when its calibration (every dense
// layer's positive activations over calib examples, kept for the
// percentile), its spiking copy and the simulation of batches of
// convertBatch test examples need more than s.MaxMemory.
func (s ConvertSettings) checkMemory(net *ann.Sequential, calib, inputs int) error {
	units, values := 0.0, 0.0
	for _, l := range net.Layers {
		if lin, ok := l.(ann.Linear); ok {
			w, b := lin.Linear()
			units += float64(len(b.Value.Data))
			values += float64(len(w.Value.Data) + len(b.Value.Data))
		}
	}
	const convertBatch = 500
	// Activations grow by appending (room for up to twice as many);
	// each simulated layer keeps potentials, spikes and drive.
	need := 8*float64(calib)*units + 4*values + 4*convertBatch*(3*units+2*float64(inputs))
	return budget.Check(fmt.Sprintf("converting a network of %.0f units calibrated on %d examples", units, calib), need, s.MaxMemory)
}

// checkMemory refuses benchmarking spec when training it (with its
// benchmark's optimizer) in batches of s.Batch, and timing inference in
// batches of 1000, need more than s.MaxMemory.
func (s BenchTrainSettings) checkMemory(spec ann.Spec) error {
	fp, err := spec.Footprint()
	if err != nil {
		return err
	}
	moments := 0 // benchOptimizer's: SGD for mlp,
	switch s.Model {
	case "lenet5": // SGD with momentum,
		moments = 1
	case "lstm", "rnn": // Adam
		moments = 2
	}
	return fp.Check(max(s.Batch, 1000), moments, s.MaxMemory)
}

// checkMemory refuses a training run whose network (s's architecture for
// sets, or pre's) or stdp network needs more than s.MaxMemory, before
// anything is built.
func (s TrainSettings) checkMemory(sets *dataSets, pre *pretrained) error {
	switch {
	case s.Model == "stdp":
		return s.checkSTDP(sets.train.Features(), max(sets.train.Classes, 2))
	case s.Model == "perceptron":
		return nil // features × classes weights, smaller than the data
	case pre != nil:
		return s.checkTraining(pre.meta.Spec, sets.train, sets.test.Len())
	}
	spec, err := s.architecture(sets.train)
	if err != nil {
		return err
	}
	return s.checkTraining(spec, sets.train, sets.test.Len())
}
