package snn

import (
	"errors"
	"fmt"
	"sync"

	"github.com/neurite/neurite/internal/barrier"
)

// LocalCluster is a Cluster whose ranks are goroutines of one process,
// exchanging through shared memory: each rank's simulation runs on its
// own goroutine, all calling the collectives in the same order, as MPI
// ranks do. It runs the distributed engine without MPI — to test it bit
// for bit against one process, and to measure the exchange's cost.
//
// A rank that fails stops calling the collectives; whoever sees the
// failure calls Abort so that the other ranks' collectives return its
// error instead of waiting for it forever.
type LocalCluster struct {
	size   int
	bar    *barrier.Barrier
	send   [][]int32
	ints   [][]int64
	floats [][]float64

	mu  sync.Mutex
	err error
}

// NewLocalCluster returns a cluster of size ranks (at least 1).
func NewLocalCluster(size int) *LocalCluster {
	if size < 1 {
		panic(fmt.Sprintf("snn: NewLocalCluster(%d): need at least one rank", size))
	}
	return &LocalCluster{size: size, bar: barrier.New(size), send: make([][]int32, size),
		ints: make([][]int64, size), floats: make([][]float64, size)}
}

// Ranks returns the cluster's ranks, one per goroutine, in rank order.
func (c *LocalCluster) Ranks() []Cluster {
	ranks := make([]Cluster, c.size)
	for r := range ranks {
		ranks[r] = &localRank{c: c, rank: r}
	}
	return ranks
}

// Abort makes every collective in progress or to come return an error
// wrapping err, on every rank. The first call's err is kept.
func (c *LocalCluster) Abort(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = fmt.Errorf("snn: another rank failed: %w", err)
	}
	c.mu.Unlock()
	c.bar.Abort()
}

// wait is the collectives' rendezvous: it returns Abort's error, if any.
func (c *LocalCluster) wait() error {
	c.bar.Wait()
	if c.bar.Aborted() {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.err
	}
	return nil
}

type localRank struct {
	c      *LocalCluster
	rank   int
	all    []int32
	counts []int
}

func (r *localRank) Rank() int { return r.rank }
func (r *localRank) Size() int { return r.c.size }

// Allgather deposits send, waits for every rank, reads every deposit,
// and waits again so that no deposit is overwritten while read.
func (r *localRank) Allgather(send []int32) ([]int32, []int, error) {
	c := r.c
	c.send[r.rank] = send
	if err := c.wait(); err != nil {
		return nil, nil, err
	}
	r.all, r.counts = r.all[:0], r.counts[:0]
	for _, s := range c.send {
		r.all = append(r.all, s...)
		r.counts = append(r.counts, len(s))
	}
	if err := c.wait(); err != nil {
		return nil, nil, err
	}
	return r.all, r.counts, nil
}

func (r *localRank) SumInt64(v []int64) error {
	c := r.c
	c.ints[r.rank] = v
	if err := c.wait(); err != nil {
		return err
	}
	sum := make([]int64, len(v))
	var err error
	for _, o := range c.ints {
		if len(o) != len(v) {
			err = errors.New("snn: SumInt64: ranks disagree on the length")
			continue
		}
		for i, x := range o {
			sum[i] += x
		}
	}
	if werr := c.wait(); werr != nil {
		return werr
	}
	copy(v, sum)
	return err
}

func (r *localRank) MaxFloat64(v []float64) error {
	c := r.c
	c.floats[r.rank] = v
	if err := c.wait(); err != nil {
		return err
	}
	m := append([]float64(nil), v...)
	var err error
	for _, o := range c.floats {
		if len(o) != len(v) {
			err = errors.New("snn: MaxFloat64: ranks disagree on the length")
			continue
		}
		for i, x := range o {
			m[i] = max(m[i], x)
		}
	}
	if werr := c.wait(); werr != nil {
		return werr
	}
	copy(v, m)
	return err
}
