package energy

// Ops counts the operations of one inference, per sample: one example
// presented once, all of its time steps included. The package comment
// defines each operation; every counter in neurite follows it.
type Ops struct {
	// MACs are multiply–accumulates of analog values by weights,
	// including an analog input current (once per sample).
	MACs float64 `json:"macs"`
	// SynapticEvents are spikes times the fan-out of the neuron (or
	// input) that fired them: one weight read and added at a target each.
	SynapticEvents float64 `json:"synaptic_events"`
	// Spikes are all the spikes: the network's neurons' (hidden, output,
	// inhibitory) and the input's.
	Spikes float64 `json:"spikes"`
	// InputSpikes are the part of Spikes produced by encoding the input
	// as spike trains; zero for analog input.
	InputSpikes float64 `json:"input_spikes"`
}

// Add returns the element-wise sum of o and p (the operations of two
// stages run one after the other).
func (o Ops) Add(p Ops) Ops {
	return Ops{MACs: o.MACs + p.MACs, SynapticEvents: o.SynapticEvents + p.SynapticEvents,
		Spikes: o.Spikes + p.Spikes, InputSpikes: o.InputSpikes + p.InputSpikes}
}

// Costs are energies per operation in picojoules (pJ). A zero field means
// the operation is free on that hardware (or not priced); spikes
// themselves are priced through the synaptic events they cause.
type Costs struct {
	// MAC is the energy of one multiply–accumulate, in pJ.
	MAC float64
	// SynapticEvent is the energy of one synaptic event, in pJ.
	SynapticEvent float64
}

// Cited energies per operation, in pJ, and the powers they derive from.
const (
	// PJPerMACFP32 is one fp32 multiply (3.7 pJ) plus one add (0.9 pJ) in
	// 45 nm CMOS: arithmetic only, no memory access. Horowitz (2014).
	PJPerMACFP32 = 4.6
	// TitanXWatts is the GPU's power in the article (GeForce GTX Titan X).
	TitanXWatts = 250
	// TitanXFLOPS is the Titan X's (Maxwell) fp32 peak, ≈ 6.1 TFLOP/s
	// (NVIDIA's specification), rounded down.
	TitanXFLOPS = 6e12
	// PJPerMACTitanX is the Titan X's energy per MAC at peak throughput
	// (a MAC is two FLOPs): TitanXWatts / (TitanXFLOPS/2) ≈ 83.3 pJ.
	PJPerMACTitanX = TitanXWatts / (TitanXFLOPS / 2) * 1e12
	// PJPerEventTrueNorth is TrueNorth's energy per synaptic event:
	// Merolla et al. (2014).
	PJPerEventTrueNorth = 26
	// PJPerEventLoihi is Loihi's energy per synaptic operation: Davies
	// et al. (2018).
	PJPerEventLoihi = 23.6
	// BrainWatts is the brain's power in the article.
	BrainWatts = 20
)

// Joules returns the energy of o at costs c, in joules: MACs·c.MAC +
// SynapticEvents·c.SynapticEvent, each term converted from pJ on its
// own (n·pJ·10⁻¹²), so that a single-term cost gives exactly the product
// written out by hand.
func Joules(o Ops, c Costs) float64 {
	return o.MACs*c.MAC*1e-12 + o.SynapticEvents*c.SynapticEvent*1e-12
}
