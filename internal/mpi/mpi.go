package mpi

import (
	"errors"
	"os"
)

// ErrNotBuilt is World's error in a binary built without the mpi tag.
var ErrNotBuilt = errors.New("mpi: this neurite was built without MPI support (build it with: go build -tags mpi ./cmd/neurite)")

// Launched reports whether the process was started by an MPI launcher
// (mpirun, mpiexec, srun with PMIx), which sets the world's size in the
// environment.
func Launched() bool {
	for _, name := range []string{"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "MPI_LOCALNRANKS"} {
		if os.Getenv(name) != "" {
			return true
		}
	}
	return false
}
