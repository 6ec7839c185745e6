package cli

import (
	"errors"

	"github.com/neurite/neurite/internal/mpi"
	"github.com/neurite/neurite/snn"
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
