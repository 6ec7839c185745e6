package snn

// ifState is the state the two leaky integrate-and-fire models share: the
// membrane, the excitatory and inhibitory synaptic inputs (and their jump
// variables under the alpha kernel), an injected input, and the
// refractory counters. LIF and CondLIF embed it, so its exported slices
// are theirs.
type ifState struct {
	V      []float32 // membrane potential, mV
	Ge, Gi []float32 // synaptic inputs (mV for LIF, nS for CondLIF)
	Xe, Xi []float32 // alpha-kernel jump variables (nil for ExpKernel)
	I      []float32 // injected input (mV for LIF, pA for CondLIF)

	ref      []int32 // refractory steps left; nonzero gates v (see Gated)
	refSteps int32
	mask     []uint8 // spike bits from the vector kernels, one byte per 8 neurons
}

// newIFState returns n neurons at potential v0, with jump variables when
// alpha is set.
func newIFState(n int, v0 float64, alpha bool) ifState {
	s := ifState{V: make([]float32, n), Ge: make([]float32, n), Gi: make([]float32, n),
		I: make([]float32, n), ref: make([]int32, n), mask: make([]uint8, n/lanes+1)}
	for i := range s.V {
		s.V[i] = float32(v0)
	}
	if alpha {
		s.Xe, s.Xi = make([]float32, n), make([]float32, n)
	}
	return s
}

// Len returns the number of neurons.
func (s *ifState) Len() int { return len(s.V) }

// Vars lists the variables: v, ge, gi, I, and xe, xi with the alpha kernel.
func (s *ifState) Vars() []string {
	if s.Xe != nil {
		return []string{"v", "ge", "gi", "I", "xe", "xi"}
	}
	return []string{"v", "ge", "gi", "I"}
}

// Var returns a variable's storage by name, or nil.
func (s *ifState) Var(name string) []float32 {
	switch name {
	case "v":
		return s.V
	case "ge":
		return s.Ge
	case "gi":
		return s.Gi
	case "I":
		return s.I
	case "xe":
		return s.Xe
	case "xi":
		return s.Xi
	}
	return nil
}

// Gate returns the refractory state for v, which, as in Brian2's
// "(unless refractory)", ignores input while the neuron is refractory; nil
// for the synaptic variables, which keep integrating.
func (s *ifState) Gate(name string) []int32 {
	if name == "v" {
		return s.ref
	}
	return nil
}

// resetV sets v = vr for the neurons that fired (Step has already started
// their refractory period).
func (s *ifState) resetV(spikes []int32, vr float64) {
	for _, i := range spikes {
		s.V[i] = float32(vr)
	}
}

// vectorBulk runs an AVX2 kernel over the largest multiple of 8 neurons
// starting at lo, turns its spike masks into indices, and returns the
// spikes and the first neuron left for the Go loop. The mask bytes of a
// range start at lo/8, so workers with 8-aligned ranges never share one.
func (s *ifState) vectorBulk(lo, hi int, spikes []int32, kernel func(i, n int, mask *uint8)) ([]int32, int) {
	bulk := (hi - lo) &^ (lanes - 1)
	if !haveAVX2 || bulk == 0 {
		return spikes, lo
	}
	mask := s.mask[lo/lanes : lo/lanes+bulk/lanes]
	kernel(lo, bulk, &mask[0])
	return spikesFromMask(spikes, mask, lo), lo + bulk
}
