package continual

import "fmt"

// The metrics of Lopez-Paz & Ranzato (2017, "Gradient episodic memory for
// continual learning", NeurIPS, §2) on the accuracy matrix R of a run
// over T tasks, R[i][j] the test accuracy on task j after training on
// tasks 0…i (R[i] has T entries: tasks not yet seen are scored too). They
// panic, with a message starting "continual:", when R is not T×T or b does
// not have T entries.

// AverageAccuracy is ACC = (1/T) Σ_j R[T−1][j]: the mean accuracy over
// all tasks at the end.
func AverageAccuracy(r [][]float64) float64 {
	t := checkMatrix(r)
	var sum float64
	for _, a := range r[t-1] {
		sum += a
	}
	return sum / float64(t)
}

// BackwardTransfer is BWT = 1/(T−1) Σ_{j<T−1} (R[T−1][j] − R[j][j]): how
// much learning the later tasks changed the accuracy on each earlier one
// since it was learnt. Negative is forgetting; −1 is forgetting perfectly
// learnt tasks completely. It is 0 for one task.
func BackwardTransfer(r [][]float64) float64 {
	t := checkMatrix(r)
	if t < 2 {
		return 0
	}
	var sum float64
	for j := range t - 1 {
		sum += r[t-1][j] - r[j][j]
	}
	return sum / float64(t-1)
}

// ForwardTransfer is FWT = 1/(T−1) Σ_{j≥1} (R[j−1][j] − b[j]): how much
// learning the earlier tasks helped on each task before it was trained,
// against b[j], the accuracy on task j of the network before any
// training. It is 0 for one task.
func ForwardTransfer(r [][]float64, b []float64) float64 {
	t := checkMatrix(r)
	if len(b) != t {
		panic(fmt.Sprintf("continual: %d initial accuracies for %d tasks", len(b), t))
	}
	if t < 2 {
		return 0
	}
	var sum float64
	for j := 1; j < t; j++ {
		sum += r[j-1][j] - b[j]
	}
	return sum / float64(t-1)
}

// checkMatrix returns T, panicking unless r is T×T with T ≥ 1.
func checkMatrix(r [][]float64) int {
	if len(r) == 0 {
		panic("continual: empty accuracy matrix")
	}
	for i, row := range r {
		if len(row) != len(r) {
			panic(fmt.Sprintf("continual: accuracy matrix row %d has %d entries, want %d", i, len(row), len(r)))
		}
	}
	return len(r)
}
