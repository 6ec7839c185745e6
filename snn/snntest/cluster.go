package snntest

import (
	"errors"

	"github.com/neurite/neurite/internal/barrier"
	"github.com/neurite/neurite/snn"
)

// LocalCluster returns size ranks of one snn.Cluster whose processes are
// goroutines of this one: each rank's simulation must run on its own
// goroutine, all calling the collectives in the same order, as MPI
// ranks do. It lets the distributed engine be tested bit for bit against
// one process without MPI.
func LocalCluster(size int) []snn.Cluster {
	w := &world{size: size, bar: barrier.New(size), send: make([][]int32, size),
		ints: make([][]int64, size), floats: make([][]float64, size)}
	ranks := make([]snn.Cluster, size)
	for r := range ranks {
		ranks[r] = &localRank{w: w, rank: r}
	}
	return ranks
}

type world struct {
	size   int
	bar    *barrier.Barrier
	send   [][]int32
	ints   [][]int64
	floats [][]float64
}

type localRank struct {
	w      *world
	rank   int
	all    []int32
	counts []int
}

func (r *localRank) Rank() int { return r.rank }
func (r *localRank) Size() int { return r.w.size }

// Allgather deposits send, waits for every rank, reads every deposit,
// and waits again so that no deposit is overwritten while read.
func (r *localRank) Allgather(send []int32) ([]int32, []int, error) {
	w := r.w
	w.send[r.rank] = send
	w.bar.Wait()
	r.all, r.counts = r.all[:0], r.counts[:0]
	for _, s := range w.send {
		r.all = append(r.all, s...)
		r.counts = append(r.counts, len(s))
	}
	w.bar.Wait()
	return r.all, r.counts, nil
}

func (r *localRank) SumInt64(v []int64) error {
	w := r.w
	w.ints[r.rank] = v
	w.bar.Wait()
	sum := make([]int64, len(v))
	var err error
	for _, o := range w.ints {
		if len(o) != len(v) {
			err = errors.New("snntest: SumInt64: ranks disagree on the length")
			continue
		}
		for i, x := range o {
			sum[i] += x
		}
	}
	w.bar.Wait()
	copy(v, sum)
	return err
}

func (r *localRank) MaxFloat64(v []float64) error {
	w := r.w
	w.floats[r.rank] = v
	w.bar.Wait()
	m := append([]float64(nil), v...)
	var err error
	for _, o := range w.floats {
		if len(o) != len(v) {
			err = errors.New("snntest: MaxFloat64: ranks disagree on the length")
			continue
		}
		for i, x := range o {
			m[i] = max(m[i], x)
		}
	}
	w.bar.Wait()
	copy(v, m)
	return err
}
