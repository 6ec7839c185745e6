package snn

import (
	"encoding/json"
	"fmt"
	"math"
)

// The cortical microcircuit of Potjans & Diesmann (2014): 77,169
// current-based LIF neurons under 1 mm² of early sensory cortex in eight
// populations (layers 2/3, 4, 5 and 6, each excitatory and inhibitory),
// about 2.99·10⁸ synapses, driven by Poisson or constant background input.
//
// Every number comes from NEST's PyNEST implementation of the model
// (nest-simulator, pynest/examples/Potjans_2014: network_params.py,
// helpers.py, network.py), which follows the paper's Tables 4 and 5:
// population sizes, the connection probabilities (first index the target),
// external in-degrees, the 8 Hz background rate, PSPs of 0.15 mV (doubled
// from L4E to L2/3E, g = −4 for inhibitory ones, 10% relative spread)
// turned into currents by the iaf_psc_exp conversion, delays of 1.5 ± 0.75
// ms (excitatory) and 0.75 ± 0.375 ms (inhibitory), the neuron parameters,
// the population-specific ("optimized") initial potentials, the total
// synapse numbers K = ln(1 − p) / ln(1 − 1/(N_pre·N_post)) of helpers.py,
// and the scaling of in-degrees with weights multiplied by 1/√k and the
// missing mean input added as DC (helpers.py,
// adjust_weights_and_input_to_synapse_scaling), which uses the full-scale
// rates below.

// MicrocircuitPopulations names the microcircuit's populations in NEST's
// order.
var MicrocircuitPopulations = [8]string{"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"}

// MicrocircuitRates are NEST's mean rates (Hz) of the full-scale model
// with Poisson background, in MicrocircuitPopulations' order: the
// full_mean_rates of nest-simulator's network_params.py (NEST 3), which
// the scaled model's DC compensation uses and which the validation
// compares against.
var MicrocircuitRates = [8]float64{0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829}

var (
	mcN    = [8]float64{20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948}
	mcKExt = [8]float64{1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100}
	// mcP[target][source]: Potjans & Diesmann (2014), Table 5.
	mcP = [8][8]float64{
		{0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0., 0.0076, 0.},
		{0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0., 0.0042, 0.},
		{0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.},
		{0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0., 0.1057, 0.},
		{0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.},
		{0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.},
		{0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
		{0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443},
	}
	// The "optimized" initial potentials (mV) of network_params.py, which
	// shorten the initial burst.
	mcV0Mean = [8]float64{-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43}
	mcV0SD   = [8]float64{5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48}
)

// The microcircuit's neuron and synapse constants (network_params.py).
const (
	mcCM, mcTauM, mcTauSyn   = 250.0, 10.0, 0.5 // pF, ms, ms
	mcEL, mcVTh, mcVReset    = -65.0, -50.0, -65.0
	mcTRef                   = 2.0 // ms
	mcPSP, mcG, mcWeightSD   = 0.15, -4.0, 0.1
	mcBgRate                 = 8.0            // Hz
	mcDelayE, mcDelayI, mcSD = 1.5, 0.75, 0.5 // ms, ms, relative
)

// MicrocircuitOptions choose the size and background of the microcircuit.
type MicrocircuitOptions struct {
	// Scale multiplies every population's size (default 1, the full
	// model; at most 1).
	Scale float64
	// KScale multiplies the in-degrees, recurrent and external (default:
	// Scale, as NEST's example scales both alike; at most 1). Below 1,
	// weights grow by 1/√KScale and a DC current makes up the mean input
	// lost, computed from MicrocircuitRates, so that the mean and variance
	// of each neuron's input stay as in the full model.
	KScale float64
	// Input is the background: "poisson" (default; independent Poisson
	// trains at 8 Hz from each neuron's external in-degree) or "dc" (a
	// constant current with the same mean).
	Input string
}

func (o MicrocircuitOptions) withDefaults() MicrocircuitOptions {
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.KScale == 0 {
		o.KScale = o.Scale
	}
	if o.Input == "" {
		o.Input = "poisson"
	}
	return o
}

// Validate reports options no model can be built from.
func (o MicrocircuitOptions) Validate() error {
	o = o.withDefaults()
	switch {
	case !(o.Scale > 0 && o.Scale <= 1):
		return fmt.Errorf("snn: microcircuit: scale %v, want (0, 1]", o.Scale)
	case !(o.KScale > 0 && o.KScale <= 1):
		return fmt.Errorf("snn: microcircuit: in-degree scale %v, want (0, 1]", o.KScale)
	case o.Input != "poisson" && o.Input != "dc":
		return fmt.Errorf("snn: microcircuit: input %q, want poisson or dc", o.Input)
	}
	for k, n := range mcN {
		if math.RoundToEven(n*o.Scale) < 1 {
			return fmt.Errorf("snn: microcircuit: scale %v leaves %s without neurons", o.Scale, MicrocircuitPopulations[k])
		}
	}
	return nil
}

// psc returns the current (pA) of an exponential synapse whose PSP peaks
// at psp mV on an iaf_psc_exp membrane (helpers.py,
// postsynaptic_potential_to_current).
func psc(psp, cm, tauM, tauSyn float64) float64 {
	sub := 1 / (tauSyn - tauM)
	pre := tauM * tauSyn / cm * sub
	frac := math.Pow(tauM/tauSyn, sub)
	return psp / (pre * (math.Pow(frac, tauM) - math.Pow(frac, tauSyn)))
}

// mcFullSynapses returns the full model's synapse count from source j to
// target i as helpers.py computes it, in the same floating-point steps.
func mcFullSynapses(i, j int) float64 {
	prod := mcN[i] * mcN[j]
	return math.Log(1-mcP[i][j]) / math.Log((prod-1)/prod)
}

// MicrocircuitSpec returns the network spec of Potjans & Diesmann's
// microcircuit: building it (Spec.Build) gives the same network as the
// preset, and written to a file (JSON or YAML) it gives the same spikes for
// the same seed. Projections are named "PRE-POST" and wired with the total
// rule; the synapses are stored compactly (Spec.Compact).
func MicrocircuitSpec(o MicrocircuitOptions) (*Spec, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	params, _ := json.Marshal(LIFParams{CM: mcCM, TauM: mcTauM, VRest: mcEL, VThresh: mcVTh, VReset: mcVReset,
		TRef: mcTRef, TauE: mcTauSyn, TauI: mcTauSyn})
	params = trimZeroParams(params)
	s := &Spec{DT: 0.1, Compact: true}
	for k, name := range MicrocircuitPopulations {
		mean, sd := mcV0Mean[k], mcV0SD[k]
		s.Populations = append(s.Populations, PopulationSpec{
			Name: name, Model: "lif", N: int(math.RoundToEven(mcN[k] * o.Scale)), Params: params,
			Init: map[string]Distribution{"v": {Normal: &[2]float64{mean, sd}}},
		})
	}
	unit := psc(1, mcCM, mcTauM, mcTauSyn) // pA per mV of PSP
	wExt := mcPSP * unit
	sqrtK := math.Sqrt(o.KScale)
	dc := [8]float64{}
	for i := range 8 {
		if o.Input == "dc" {
			dc[i] = mcBgRate * mcKExt[i] * wExt * mcTauSyn * 0.001
		}
		if o.KScale != 1 {
			rec := 0.0
			for j := range 8 {
				rec += mcPSPMean(i, j) * unit * mcFullSynapses(i, j) / mcN[i] * MicrocircuitRates[j]
			}
			dc[i] += 0.001 * mcTauSyn * (1 - sqrtK) * rec
			if o.Input == "poisson" {
				dc[i] += 0.001 * mcTauSyn * (1 - sqrtK) * wExt * mcKExt[i] * mcBgRate
			}
		}
	}
	for i, post := range MicrocircuitPopulations {
		for j, pre := range MicrocircuitPopulations {
			count := int(math.RoundToEven(mcFullSynapses(i, j) * o.Scale * o.KScale))
			if count <= 0 {
				continue
			}
			w := mcPSPMean(i, j) * unit / sqrtK
			target, delay := "ge", mcDelayE
			if j%2 == 1 {
				target, delay = "gi", mcDelayI
			}
			s.Projections = append(s.Projections, ProjectionSpec{
				Pre: pre, Post: post, Target: target, Rule: "total", Count: count,
				Weights: &Distribution{Normal: &[2]float64{w, math.Abs(w) * mcWeightSD}},
				Delays:  &Distribution{Normal: &[2]float64{delay, delay * mcSD}},
			})
		}
	}
	for i, name := range MicrocircuitPopulations {
		if o.Input == "poisson" {
			s.Inputs = append(s.Inputs, InputSpec{Kind: "poisson", Population: name, Var: "ge",
				N: int(math.RoundToEven(mcKExt[i] * o.KScale)), Rate: mcBgRate, Weight: wExt / sqrtK})
		}
		if dc[i] != 0 {
			s.Inputs = append(s.Inputs, InputSpec{Kind: "current", Population: name, Var: "I", Amplitude: dc[i]})
		}
	}
	return s, nil
}

// mcPSPMean returns the mean PSP (mV) from source j to target i: 0.15 mV
// from excitatory populations (doubled from L4E to L2/3E), −0.6 mV from
// inhibitory ones.
func mcPSPMean(i, j int) float64 {
	switch {
	case i == 0 && j == 2:
		return 2 * mcPSP
	case j%2 == 1:
		return mcG * mcPSP
	}
	return mcPSP
}

// trimZeroParams drops the fields of a JSON object of LIFParams that are
// zero, so that a spec lists only what it sets.
func trimZeroParams(raw []byte) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	for k, v := range m {
		if f, ok := v.(float64); ok && f == 0 {
			delete(m, k)
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}

// Microcircuit builds Potjans & Diesmann's microcircuit (see
// MicrocircuitSpec) from seed, refusing with a *budget.Error one
// estimated above maxMemory bytes (0: half of the machine's memory).
func Microcircuit(o MicrocircuitOptions, seed uint64, maxMemory int64) (*Network, error) {
	s, err := MicrocircuitSpec(o)
	if err != nil {
		return nil, err
	}
	return s.BuildWithin(seed, maxMemory)
}
