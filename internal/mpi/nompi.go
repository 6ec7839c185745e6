//go:build !mpi

package mpi

// Available reports whether this binary was built with MPI support.
const Available = false

// Comm is the world communicator; without MPI there is none.
type Comm struct{}

// World returns ErrNotBuilt: this binary has no MPI.
func World() (*Comm, error) { return nil, ErrNotBuilt }

// Rank returns 0.
func (c *Comm) Rank() int { return 0 }

// Size returns 1.
func (c *Comm) Size() int { return 1 }

// Allgather returns send.
func (c *Comm) Allgather(send []int32) ([]int32, []int, error) { return send, []int{len(send)}, nil }

// Alltoall returns send.
func (c *Comm) Alltoall(send []int32, counts []int) ([]int32, []int, error) { return send, counts, nil }

// SumInt64 leaves v as it is.
func (c *Comm) SumInt64(v []int64) error { return nil }

// SumFloat64 leaves v as it is.
func (c *Comm) SumFloat64(v []float64) error { return nil }

// MaxFloat64 leaves v as it is.
func (c *Comm) MaxFloat64(v []float64) error { return nil }

// Barrier returns at once.
func (c *Comm) Barrier() error { return nil }

// Initialized reports false.
func Initialized() bool { return false }

// Abort does nothing.
func Abort(code int) {}

// Finalize does nothing.
func Finalize() error { return nil }
