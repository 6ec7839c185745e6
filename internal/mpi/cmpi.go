//go:build mpi

package mpi

/*
#cgo pkg-config: ompi-c
#include <mpi.h>
#include <stdint.h>

// Open MPI's MPI_COMM_WORLD and datatypes are macros cgo cannot use
// directly; these wrappers name them.
static int nr_init(int *provided) { return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided); }
static int nr_initialized(int *flag) { return MPI_Initialized(flag); }
static int nr_finalized(int *flag) { return MPI_Finalized(flag); }
static int nr_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int nr_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int nr_allgather_int(int n, int *all) {
	return MPI_Allgather(&n, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
}
static int nr_allgatherv_i32(const int32_t *send, int n, int32_t *recv, const int *counts, const int *displs) {
	return MPI_Allgatherv(send, n, MPI_INT32_T, recv, counts, displs, MPI_INT32_T, MPI_COMM_WORLD);
}
static int nr_alltoall_int(const int *send, int *recv) {
	return MPI_Alltoall(send, 1, MPI_INT, recv, 1, MPI_INT, MPI_COMM_WORLD);
}
static int nr_alltoallv_i32(const int32_t *send, const int *scounts, const int *sdispls,
		int32_t *recv, const int *rcounts, const int *rdispls) {
	return MPI_Alltoallv(send, scounts, sdispls, MPI_INT32_T, recv, rcounts, rdispls, MPI_INT32_T, MPI_COMM_WORLD);
}
static int nr_sum_i64(int64_t *v, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
}
static int nr_sum_f64(double *v, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
static int nr_max_f64(double *v, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
}
static int nr_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
static int nr_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static int nr_finalize(void) { return MPI_Finalize(); }
static int nr_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static int nr_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static void nr_error_string(int code, char *buf, int *len) { MPI_Error_string(code, buf, len); }
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Available reports whether this binary was built with MPI support.
const Available = true

// Comm is the world communicator.
type Comm struct {
	rank, size int
	counts     []C.int
	displs     []C.int
	recv       []int32
	out        []int
	scounts    []C.int
	sdispls    []C.int
}

var (
	once  sync.Once
	world *Comm
	err   error
)

// World initialises MPI on first use (MPI_Init_thread) and returns the
// world communicator; the calling goroutine stays on its OS thread, and
// every later call must come from it.
func World() (*Comm, error) {
	once.Do(func() {
		runtime.LockOSThread()
		var provided C.int
		if rc := C.nr_init(&provided); rc != C.MPI_SUCCESS {
			err = fmt.Errorf("mpi: MPI_Init_thread: %s", errorString(rc))
			return
		}
		if provided < C.nr_thread_funneled() {
			err = fmt.Errorf("mpi: the MPI library offers thread level %d, neurite needs at least MPI_THREAD_FUNNELED", int(provided))
			return
		}
		var r, s C.int
		if rc := C.nr_rank(&r); rc != C.MPI_SUCCESS {
			err = fmt.Errorf("mpi: MPI_Comm_rank: %s", errorString(rc))
			return
		}
		if rc := C.nr_size(&s); rc != C.MPI_SUCCESS {
			err = fmt.Errorf("mpi: MPI_Comm_size: %s", errorString(rc))
			return
		}
		world = &Comm{rank: int(r), size: int(s)}
	})
	return world, err
}

// Initialized reports whether World has initialised MPI (and Finalize has
// not yet ended it).
func Initialized() bool {
	var init, fin C.int
	C.nr_initialized(&init)
	C.nr_finalized(&fin)
	return init != 0 && fin == 0
}

func errorString(rc C.int) string {
	buf := make([]byte, C.MPI_MAX_ERROR_STRING)
	var n C.int
	C.nr_error_string(rc, (*C.char)(unsafe.Pointer(&buf[0])), &n)
	return string(buf[:n])
}

func check(what string, rc C.int) error {
	if rc != C.MPI_SUCCESS {
		return fmt.Errorf("mpi: %s: %s", what, errorString(rc))
	}
	return nil
}

// Rank returns this process's rank.
func (c *Comm) Rank() int { return c.rank }

// Size returns the number of ranks.
func (c *Comm) Size() int { return c.size }

// ptr returns a pointer to the first element of s, or to a dummy for an
// empty slice (MPI may not take NULL buffers).
func ptr[T any](s []T) *T {
	if len(s) == 0 {
		var dummy [1]T
		return &dummy[0]
	}
	return &s[0]
}

// Allgather sends send to every rank and returns every rank's values in
// rank order with their counts (MPI_Allgather of the counts, then
// MPI_Allgatherv). The results are reused by the next call.
func (c *Comm) Allgather(send []int32) ([]int32, []int, error) {
	if len(send) > 1<<31-1 {
		return nil, nil, fmt.Errorf("mpi: Allgather: %d values", len(send))
	}
	c.counts = grow(c.counts, c.size)
	c.displs = grow(c.displs, c.size)
	if err := check("MPI_Allgather", C.nr_allgather_int(C.int(len(send)), ptr(c.counts))); err != nil {
		return nil, nil, err
	}
	total := 0
	c.out = c.out[:0]
	for r, n := range c.counts {
		c.displs[r] = C.int(total)
		total += int(n)
		c.out = append(c.out, int(n))
	}
	if total > 1<<31-1 {
		return nil, nil, fmt.Errorf("mpi: Allgather: %d values in all", total)
	}
	c.recv = grow(c.recv, total)
	rc := C.nr_allgatherv_i32((*C.int32_t)(ptr(send)), C.int(len(send)), (*C.int32_t)(ptr(c.recv)), ptr(c.counts), ptr(c.displs))
	if err := check("MPI_Allgatherv", rc); err != nil {
		return nil, nil, err
	}
	return c.recv, c.out, nil
}

// Alltoall sends counts[r] values of send (in rank order) to each rank r
// and returns what every rank sent to this one, in rank order, with the
// counts (MPI_Alltoall of the counts, then MPI_Alltoallv). The results
// are reused by the next call.
func (c *Comm) Alltoall(send []int32, counts []int) ([]int32, []int, error) {
	if len(counts) != c.size {
		return nil, nil, fmt.Errorf("mpi: Alltoall: %d counts for %d ranks", len(counts), c.size)
	}
	c.scounts = grow(c.scounts, c.size)
	c.sdispls = grow(c.sdispls, c.size)
	off := 0
	for r, n := range counts {
		if n < 0 || off+n > len(send) {
			return nil, nil, fmt.Errorf("mpi: Alltoall: counts %v for %d values", counts, len(send))
		}
		c.scounts[r], c.sdispls[r] = C.int(n), C.int(off)
		off += n
	}
	c.counts = grow(c.counts, c.size)
	c.displs = grow(c.displs, c.size)
	if err := check("MPI_Alltoall", C.nr_alltoall_int(ptr(c.scounts), ptr(c.counts))); err != nil {
		return nil, nil, err
	}
	total := 0
	c.out = c.out[:0]
	for r, n := range c.counts {
		c.displs[r] = C.int(total)
		total += int(n)
		c.out = append(c.out, int(n))
	}
	c.recv = grow(c.recv, total)
	rc := C.nr_alltoallv_i32((*C.int32_t)(ptr(send)), ptr(c.scounts), ptr(c.sdispls),
		(*C.int32_t)(ptr(c.recv)), ptr(c.counts), ptr(c.displs))
	if err := check("MPI_Alltoallv", rc); err != nil {
		return nil, nil, err
	}
	return c.recv, c.out, nil
}

// SumInt64 replaces each element of v by its sum over the ranks.
func (c *Comm) SumInt64(v []int64) error {
	return check("MPI_Allreduce", C.nr_sum_i64((*C.int64_t)(ptr(v)), C.int(len(v))))
}

// SumFloat64 replaces each element of v by its sum over the ranks (in
// pieces of at most 2³⁰ values).
func (c *Comm) SumFloat64(v []float64) error {
	for len(v) > 0 {
		n := min(len(v), 1<<30)
		if err := check("MPI_Allreduce", C.nr_sum_f64((*C.double)(&v[0]), C.int(n))); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}

// MaxFloat64 replaces each element of v by its maximum over the ranks.
func (c *Comm) MaxFloat64(v []float64) error {
	return check("MPI_Allreduce", C.nr_max_f64((*C.double)(ptr(v)), C.int(len(v))))
}

// Barrier returns once every rank has called it.
func (c *Comm) Barrier() error { return check("MPI_Barrier", C.nr_barrier()) }

// Abort ends every rank of the job with code (MPI_Abort), if MPI is
// initialised; it returns only when it is not.
func Abort(code int) {
	if Initialized() {
		C.nr_abort(C.int(code))
	}
}

// Finalize ends MPI (MPI_Finalize) if World initialised it.
func Finalize() error {
	if !Initialized() {
		return nil
	}
	return check("MPI_Finalize", C.nr_finalize())
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
