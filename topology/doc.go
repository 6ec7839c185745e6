// Package topology builds who-connects-to-whom: connection rules (all-to-all,
// one-to-one, fixed probability, fixed in-degree) that produce
// sender-ordered compressed sparse rows ([CSR]), the layout the spiking
// simulator propagates spikes through.
//
// # Graphs and their shape
//
// [Graph] is an undirected network with generators for the wirings the
// article contrasts: an artificial network's fully connected layers
// ([Layered]), random graphs ([ErdosRenyi], [ErdosRenyiM]), Watts–Strogatz
// small worlds ([WattsStrogatz]), Barabási–Albert scale-free graphs
// ([BarabasiAlbert]), distance-dependent wiring in 2-D or 3-D with the
// positions kept for conduction delays ([Spatial]) and mixtures ([Union]).
// Its metrics are the degree distribution, a power-law fit by maximum
// likelihood with the Clauset–Shalizi–Newman goodness of fit
// ([FitPowerLaw]), clustering, characteristic path length, the small-world
// coefficient σ against matched random graphs, and hubs. The generators
// are written here, O(edges), because gonum's preferential attachment
// reweights its sampler once per node (quadratic: minutes at N = 100k);
// gonum supplies the Hurwitz zeta of the fit and is the independent
// reference for path lengths in the tests.
//
// # Randomness
//
// Every random rule takes a *rand.Rand (math/rand/v2) and consumes it in a
// fixed order, so a seed fixes the graph.
//
// # Parts of a graph
//
// A simulation split over processes stores on each only the synapses onto
// its own neurons. The rules' *Part methods ([Budget.FixedTotalPart], …)
// build the part of the graph onto a range of receivers ([Part]): they
// draw everything the whole graph draws, in the same order, but store only
// the edges kept, and count per sender those skipped before and after them
// ([CSR].Outside), so that a builder can draw each edge's weight and delay
// in the whole graph's order. The part is the whole graph's edges onto the
// range, bit for bit, and the generator ends where the whole graph leaves
// it; memory divides, construction time does not.
//
// # Errors
//
// Rules return an error for impossible requests (a probability outside
// [0, 1], an in-degree larger than the sender count); they do not panic on
// user input.
//
// # Memory
//
// Every rule and generator estimates the memory it will allocate from its
// arguments (AllToAllBytes, ErdosRenyiBytes, …) and, above a limit,
// returns a *budget.Error (errors.Is budget.ErrOverBudget) naming the
// request, the estimate and the limit before allocating anything. The
// package-level functions use half of the machine's memory as the limit;
// the same methods on a [Budget] take another.
package topology
