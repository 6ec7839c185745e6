package lesion

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Target is a network that can be lesioned.
type Target interface {
	// Units returns how many units may be removed.
	Units() int
	// Strength returns how connected unit u is (its degree, or for
	// weighted networks the summed magnitude of its weights): hubs are
	// the strongest units.
	Strength(u int) float64
	// RemoveUnits disconnects the given units.
	RemoveUnits(units []int)
	// Synapses returns the number of connections left.
	Synapses() int
	// RemoveSynapses deletes each connection with probability frac.
	RemoveSynapses(frac float64, r *rand.Rand)
}

// Order says which units go first.
type Order int

const (
	Random    Order = iota // uniformly at random
	HubsFirst              // the strongest first (ties by index)
)

func (o Order) String() string {
	if o == HubsFirst {
		return "hubs-first"
	}
	return "random"
}

// Choose returns the first ⌊frac·Units⌋ units in the given order; random
// orders come from r.
func Choose(t Target, frac float64, order Order, r *rand.Rand) ([]int, error) {
	if !(frac >= 0 && frac <= 1) {
		return nil, fmt.Errorf("lesion: fraction %v outside [0, 1]", frac)
	}
	n := t.Units()
	units := make([]int, n)
	for i := range units {
		units[i] = i
	}
	switch order {
	case Random:
		r.Shuffle(n, func(i, j int) { units[i], units[j] = units[j], units[i] })
	case HubsFirst:
		strength := make([]float64, n)
		for i := range strength {
			strength[i] = t.Strength(i)
		}
		slices.SortStableFunc(units, func(a, b int) int { return cmp.Compare(strength[b], strength[a]) })
	default:
		return nil, fmt.Errorf("lesion: unknown order %d", order)
	}
	return units[:int(math.Floor(frac*float64(n)))], nil
}

// Point is one measurement of a lesion curve.
type Point struct {
	Fraction float64 `json:"fraction"`
	Removed  int     `json:"removed"`
	Value    float64 `json:"value"`
}

// Curve lesions fresh copies of a network by growing fractions of its units
// and measures each: build returns an intact network (it is called once per
// fraction, since lesions are permanent), measure what it still does
// (accuracy, firing rate). The same seed lesions the same units.
func Curve(fractions []float64, order Order, seed uint64, build func() (Target, error), measure func(Target) (float64, error)) ([]Point, error) {
	var out []Point
	for _, f := range fractions {
		t, err := build()
		if err != nil {
			return nil, err
		}
		units, err := Choose(t, f, order, rand.New(rand.NewPCG(seed, 0x6c6573696f6e)))
		if err != nil {
			return nil, err
		}
		t.RemoveUnits(units)
		v, err := measure(t)
		if err != nil {
			return nil, fmt.Errorf("lesion: measuring at fraction %v: %w", f, err)
		}
		out = append(out, Point{Fraction: f, Removed: len(units), Value: v})
	}
	return out, nil
}
