// Package mpi is a thin binding of the few MPI calls neurite needs to run
// one job over several processes: initialisation, rank and size,
// all-gather, all-to-all, all-reduce, barrier, abort and finalisation on
// the world communicator. It binds Open MPI through cgo only when built
// with the tag mpi:
//
//	apt-get install openmpi-bin libopenmpi-dev
//	go build -tags mpi ./cmd/neurite
//	mpirun -np 4 ./neurite sim brunel --duration 1s
//
// Without the tag (the default build, pure Go, no cgo) World returns
// ErrNotBuilt, so a binary started by mpirun without MPI support says so
// instead of running the whole job once per process.
//
// # Concurrency
//
// World locks the calling goroutine to its OS thread, and every call must
// come from that goroutine (MPI_THREAD_FUNNELED, or SERIALIZED where the
// library offers it), one at a time.
//
// # Errors
//
// MPI's default error handler stays in place: a failed call, or a peer
// that dies, ends the job (mpirun reports which rank failed and stops the
// others), rather than leaving ranks waiting for one that will never
// come.
package mpi
