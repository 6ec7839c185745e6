// Package topology builds who-connects-to-whom: connection rules (all-to-all,
// one-to-one, fixed probability, fixed in-degree) that produce
// sender-ordered compressed sparse rows ([CSR]), the layout the spiking
// simulator propagates spikes through.
//
// # Randomness
//
// Every random rule takes a *rand.Rand (math/rand/v2) and consumes it in a
// fixed order, so a seed fixes the graph.
//
// # Errors
//
// Rules return an error for impossible requests (a probability outside
// [0, 1], an in-degree larger than the sender count); they do not panic on
// user input.
package topology
