// Package lesion removes parts of a network, artificial or spiking, and
// measures what is lost: the article's fault-tolerance difference made an
// experiment. Both families are lesioned through one interface, [Target]:
// units (hidden units of a multilayer network, neurons of a spiking one)
// are removed at random or the most connected first ("hubs first"), and
// synapses at random. The units of an artificial network are those of its
// layers that say they compute x·Wᵀ + b (ann.Linear: Dense); lesion knows
// no concrete layer type, and leaves other layers as they are.
//
// A removed unit keeps its place (indices do not shift) but loses every
// connection in and out, so it no longer affects anything downstream: in
// an artificial network its weights and bias are zeroed, in a spiking one
// its synapses are deleted from the projections' rows, which works on a
// network between two runs of a simulation as well as before the first.
package lesion
