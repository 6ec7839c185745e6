package cli

import (
	"context"
	"errors"
	"os"
	"strconv"
	"time"

	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/internal/mpi"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/train"
)

// cluster returns the MPI world when the process was started by mpirun
// (nil otherwise): the job then runs split over its ranks. A binary
// built without MPI support refuses to run under mpirun rather than run
// the whole job once per rank.
func cluster() (snn.Cluster, error) {
	if !mpi.Launched() {
		return nil, nil
	}
	w, err := mpi.World()
	if errors.Is(err, mpi.ErrNotBuilt) {
		return nil, errors.New("started by mpirun, but this neurite was built without MPI support: build it with go build -tags mpi ./cmd/neurite")
	}
	if err != nil {
		return nil, err
	}
	return w, nil
}

// group returns the MPI world as the group of a data-parallel training
// run when the process was started by mpirun (nil otherwise).
func group() (train.Group, error) {
	c, err := cluster()
	if c == nil || err != nil {
		return nil, err
	}
	return c.(*mpi.Comm), nil
}

// endMPI ends MPI after a command (MPI_Finalize), or, after a failure in
// a job of several processes, every process of it (MPI_Abort), so that no
// rank waits for one that has given up. It does nothing when MPI is not
// in use.
func endMPI(code int) {
	if !mpi.Initialized() {
		return
	}
	if w, err := mpi.World(); code != 0 && err == nil && w.Size() > 1 {
		mpi.Abort(code)
	}
	mpi.Finalize()
}

// mpiRank returns this process's rank in an MPI job (0 outside one).
func mpiRank() int {
	if !mpi.Initialized() {
		return 0
	}
	w, err := mpi.World()
	if err != nil {
		return 0
	}
	return w.Rank()
}

// launchedRank returns this process's rank and the job's size as the MPI
// launcher set them in the environment (0 and 1 outside a job), known
// before MPI is initialised.
func launchedRank() (rank, size int) {
	size = 1
	for _, name := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"} {
		if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
			size = n
			break
		}
	}
	for _, name := range []string{"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"} {
		if r, err := strconv.Atoi(os.Getenv(name)); err == nil && r >= 0 {
			return r, size
		}
	}
	return 0, size
}

// Delays that make a failed job of several processes report one error,
// once: rank 0 reports at once and ends the job; another rank reports
// after peerReport (by then the job is over if rank 0 failed too, as when
// every rank reads the same bad spec), and a rank that stopped only
// because another failed (*experiment.PeerError) says nothing and waits
// up to peerWait for that rank to report and end the job.
var (
	peerReport = time.Second
	peerWait   = 10 * time.Second
)

// mpiHold holds back the report of err in a job of several processes (see
// peerReport); it returns true when this rank must not report it: another
// reports it, or the job was ended (ctx cancelled: mpirun stops the ranks
// with SIGTERM) while it waited.
func mpiHold(ctx context.Context, err error) (silent bool) {
	rank, size := launchedRank()
	if !mpi.Launched() || size < 2 {
		return false
	}
	var peer *experiment.PeerError
	if errors.As(err, &peer) {
		wait(ctx, peerWait)
		return true
	}
	if rank != 0 && errors.Is(err, context.Canceled) {
		return true // the job is being ended
	}
	return rank != 0 && !wait(ctx, peerReport)
}

// wait waits for d, or until ctx is done, and reports whether d passed.
func wait(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
