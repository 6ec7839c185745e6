//go:build mpi

package mpi

import (
	"os"
	"slices"
	"testing"
)

// TestMain finalises MPI once every test has run. Under mpirun every
// rank runs the tests, which check the collectives across the ranks:
//
//	go test -c -tags mpi -o mpi.test ./internal/mpi
//	mpirun -np 3 --oversubscribe ./mpi.test
//
// Run plainly, the process is a world of one.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := Finalize(); err != nil {
		println(err.Error())
		code = 1
	}
	os.Exit(code)
}

func TestCollectives(t *testing.T) {
	c, err := World()
	if err != nil {
		t.Fatal(err)
	}
	rank, size := c.Rank(), c.Size()
	if size < 1 || rank < 0 || rank >= size {
		t.Fatalf("rank %d of %d", rank, size)
	}
	t.Logf("rank %d of %d", rank, size)

	// Rank r sends r+1 copies of r (rank 0 one value; an empty send is
	// covered by the second round).
	for round, n := range []func(r int) int{func(r int) int { return r + 1 }, func(r int) int { return r % 2 }} {
		send := slices.Repeat([]int32{int32(rank)}, n(rank))
		all, counts, err := c.Allgather(send)
		if err != nil {
			t.Fatal(err)
		}
		var want []int32
		var wantCounts []int
		for r := range size {
			want = append(want, slices.Repeat([]int32{int32(r)}, n(r))...)
			wantCounts = append(wantCounts, n(r))
		}
		if !slices.Equal(all, want) || !slices.Equal(counts, wantCounts) {
			t.Errorf("round %d: Allgather = %v %v, want %v %v", round, all, counts, want, wantCounts)
		}
	}

	// Rank r sends q+1 values 100r+q to rank q.
	var send []int32
	var counts []int
	for q := range size {
		send = append(send, slices.Repeat([]int32{int32(100*rank + q)}, q+1)...)
		counts = append(counts, q+1)
	}
	got, gotCounts, err := c.Alltoall(send, counts)
	if err != nil {
		t.Fatal(err)
	}
	var want []int32
	var wantCounts []int
	for r := range size {
		want = append(want, slices.Repeat([]int32{int32(100*r + rank)}, rank+1)...)
		wantCounts = append(wantCounts, rank+1)
	}
	if !slices.Equal(got, want) || !slices.Equal(gotCounts, wantCounts) {
		t.Errorf("Alltoall = %v %v, want %v %v", got, gotCounts, want, wantCounts)
	}

	ints := []int64{int64(rank), 1, 1 << 40}
	if err := c.SumInt64(ints); err != nil {
		t.Fatal(err)
	}
	if want := []int64{int64(size * (size - 1) / 2), int64(size), int64(size) << 40}; !slices.Equal(ints, want) {
		t.Errorf("SumInt64 = %v, want %v", ints, want)
	}
	sums := []float64{float64(rank) + 0.5, 1}
	if err := c.SumFloat64(sums); err != nil {
		t.Fatal(err)
	}
	if want := []float64{float64(size*(size-1))/2 + 0.5*float64(size), float64(size)}; !slices.Equal(sums, want) {
		t.Errorf("SumFloat64 = %v, want %v", sums, want)
	}
	floats := []float64{float64(rank), -float64(rank)}
	if err := c.MaxFloat64(floats); err != nil {
		t.Fatal(err)
	}
	if want := []float64{float64(size - 1), 0}; !slices.Equal(floats, want) {
		t.Errorf("MaxFloat64 = %v, want %v", floats, want)
	}
	if err := c.Barrier(); err != nil {
		t.Fatal(err)
	}
	if !Initialized() {
		t.Error("Initialized() = false after World")
	}
}
