// Package convert turns a trained ReLU network into a spiking one (Diehl et
// al. 2015; Rueckauer et al. 2017): each ReLU unit becomes an
// integrate-and-fire neuron whose firing rate approximates the unit's
// activation, so the spiking network classifies like the artificial one
// once it has run long enough. It reports accuracy against simulation time
// (the latency–accuracy trade-off of spiking inference) and counts the
// synaptic operations and spikes spent, the figures neurite compare turns
// into energy estimates.
//
// The conversion:
//
//   - weights are normalised layer by layer by the activations the network
//     reaches on training data (data-based normalisation: the 99.9th
//     percentile λ_l of layer l's ReLU outputs; W_l ← W_l·λ_{l−1}/λ_l,
//     b_l ← b_l/λ_l), so no neuron needs to fire faster than once per step;
//   - neurons integrate without leak and reset by subtraction (the
//     potential keeps what exceeded the threshold 1), which removes most of
//     the rate error of reset-to-zero (Rueckauer et al. 2017);
//   - biases are constant input currents;
//   - the input is either the analog image as a constant current into the
//     first layer ("current", Rueckauer's choice) or Poisson spike trains
//     with a spike probability per step equal to the pixel value
//     ("poisson", Diehl's); the model's input normalisation is folded into
//     the first layer so the spikes can encode raw pixels in [0, 1];
//   - the class is the output neuron with most spikes, ties broken by the
//     membrane potential.
//
// The network is simulated clock-driven, a batch of images at a time, with
// the tensor engine: a layer's input each step is the previous layer's
// spike vector times its weights, a GEMM on a 0/1 matrix. Operations are
// counted as package energy defines them ([Result.Ops]): synaptic events
// are every spike, the Poisson input's included, times the fan-out of the
// neuron that fired; the analog input current costs its MACs once per
// image.
package convert

import (
	"fmt"
	"math"
	"slices"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/tensor"
)

// Options configure a conversion.
type Options struct {
	// Percentile of the activations used as each layer's scale (99.9 if
	// zero; 100 is the maximum, Diehl et al.'s choice).
	Percentile float64
	// Input is "current" (default) or "poisson".
	Input string
	// Seed drives the Poisson input.
	Seed uint64
}

// layer is one converted dense layer.
type layer struct {
	w, b    []float32 // normalised, (out, in) and (out)
	in, out int
}

// SNN is a converted network.
type SNN struct {
	layers []layer
	input  string
	seed   uint64
	norm   *data.Normalizer
	// Scales are the activation scales λ_l found for each layer.
	Scales []float64
	// Noise, when active, corrupts the Poisson input spike trains (drops
	// and jitters spikes, keyed by each example's row): the spiking
	// network's robustness to an unreliable input. Analog current input
	// has no spikes to corrupt and ignores it.
	Noise data.SpikeNoise
}

// Convert returns the spiking version of net, a stack of dense layers with
// ReLU between them (Flatten, Reshape and Dropout are allowed and ignored)
// and a dense output layer, normalised on the examples of calib (inputs as
// the model was trained on them, with norm applied; norm may be nil). It
// knows layers by package ann's optional interfaces: ann.Linear layers
// become neurons, ann.Activator layers must apply ReLU, and ann.Passthrough
// layers are left out. It returns an error naming the first layer it
// cannot convert.
func Convert(net *ann.Sequential, calib *data.Dataset, norm *data.Normalizer, o Options) (*SNN, error) {
	switch o.Input {
	case "", "current":
		o.Input = "current"
	case "poisson":
	default:
		return nil, fmt.Errorf("convert: input coding %q: want current or poisson", o.Input)
	}
	if o.Percentile == 0 {
		o.Percentile = 99.9
	}
	if !(o.Percentile > 0 && o.Percentile <= 100) {
		return nil, fmt.Errorf("convert: percentile %v outside (0, 100]", o.Percentile)
	}
	// The layers are recognised by what they say they compute (package
	// ann's optional interfaces), not by concrete type.
	var dense []int // indices of the linear layers
	for i, l := range net.Layers {
		if _, ok := l.(ann.Linear); ok {
			dense = append(dense, i)
			continue
		}
		if a, ok := l.(ann.Activator); ok {
			if f := a.Function(); f != ann.ReLU {
				return nil, fmt.Errorf("convert: layer %d is %s; only ReLU units have a rate equivalent", i, f)
			}
			continue
		}
		if p, ok := l.(ann.Passthrough); ok && p.Passthrough() {
			continue
		}
		return nil, fmt.Errorf("convert: layer %d (%s) cannot be converted: dense and ReLU layers only", i, l.Kind())
	}
	if len(dense) == 0 {
		return nil, fmt.Errorf("convert: the network has no dense layer")
	}
	if calib.Len() == 0 {
		return nil, fmt.Errorf("convert: no examples to normalise on")
	}
	// Activation statistics: run the calibration set and take the
	// percentile of every dense layer's ReLU output (the last layer's raw
	// output, whose positive part the output neurons must represent).
	acts := make([][]float32, len(dense))
	for lo := 0; lo < calib.Len(); lo += 500 {
		hi := min(lo+500, calib.Len())
		h := tensor.FromData(calib.X.Data[lo*calib.Features():hi*calib.Features()], hi-lo, calib.Features())
		k := 0
		for i, l := range net.Layers {
			h = l.Forward(h, false)
			if k < len(dense) && i == dense[k] {
				for _, v := range h.Data {
					if v > 0 {
						acts[k] = append(acts[k], v)
					}
				}
				k++
			}
		}
	}
	s := &SNN{input: o.Input, seed: o.Seed, norm: norm}
	prev := 1.0
	for k, li := range dense {
		dw, db := net.Layers[li].(ann.Linear).Linear()
		lambda := percentile(acts[k], o.Percentile)
		if lambda <= 0 {
			lambda = 1 // a layer that never activates: nothing to scale
		}
		s.Scales = append(s.Scales, lambda)
		w, b := slices.Clone(dw.Value.Data), slices.Clone(db.Value.Data)
		for i := range w {
			w[i] = float32(float64(w[i]) * prev / lambda)
		}
		for i := range b {
			b[i] = float32(float64(b[i]) / lambda)
		}
		s.layers = append(s.layers, layer{w: w, b: b, in: dw.Value.Shape[1], out: dw.Value.Shape[0]})
		prev = lambda
	}
	if o.Input == "poisson" && norm != nil {
		// x_std = (x − μ)/σ, so W·x_std + b = (W/σ)·x + (b − W·μ/σ).
		first := &s.layers[0]
		g := len(norm.Mean)
		for o := range first.out {
			row := first.w[o*first.in : (o+1)*first.in]
			var shift float64
			for i := range row {
				sigma := float64(norm.Std[i%g])
				shift += float64(row[i]) * float64(norm.Mean[i%g]) / sigma
				row[i] = float32(float64(row[i]) / sigma)
			}
			first.b[o] -= float32(shift)
		}
	}
	return s, nil
}

// percentile returns the p-th percentile of v (sorted in place).
func percentile(v []float32, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	i := int(math.Ceil(p/100*float64(len(v)))) - 1
	return float64(v[min(max(i, 0), len(v)-1)])
}

// Result is a spiking run over a set of examples.
type Result struct {
	Timesteps int `json:"timesteps"`
	// Accuracy at each of the checkpoints asked for (spike counts up to
	// that step), as [step, accuracy] pairs; the last is at Timesteps.
	AccuracyByTimesteps [][2]float64 `json:"accuracy_by_timesteps"`
	Accuracy            float64      `json:"accuracy"`
	// SynapticOpsPerSample counts synaptic events: each spike times the
	// fan-out of its neuron, input spikes included with Poisson coding.
	SynapticOpsPerSample float64 `json:"synaptic_ops_per_sample"`
	// InputMACsPerSample counts the multiply–accumulates of the analog
	// input current (current coding: once per image, since it is constant).
	InputMACsPerSample float64 `json:"input_macs_per_sample"`
	// SpikesPerSample counts every spike, input spikes included.
	SpikesPerSample float64 `json:"spikes_per_sample"`
	// InputSpikesPerSample counts the Poisson input's spikes (zero with
	// current coding), which SpikesPerSample includes.
	InputSpikesPerSample float64 `json:"input_spikes_per_sample,omitempty"`
	// DecisionStep is, averaged over the examples classified correctly at
	// the end, the first step from which the prediction stays correct.
	MeanDecisionStep float64 `json:"mean_decision_step"`
	// Predictions are the examples' classes at Timesteps.
	Predictions []int `json:"-"`
}

// Run simulates the network on d (raw inputs: the model's normalisation is
// applied here) for timesteps steps and scores it at each checkpoint step.
func (s *SNN) Run(d *data.Dataset, timesteps int, checkpoints []int) (Result, error) {
	if timesteps < 1 {
		return Result{}, fmt.Errorf("convert: %d timesteps", timesteps)
	}
	if d.Features() != s.layers[0].in {
		return Result{}, fmt.Errorf("convert: the network takes %d inputs, the data has %d features", s.layers[0].in, d.Features())
	}
	cps := slices.Clone(checkpoints)
	cps = append(cps, timesteps)
	slices.Sort(cps)
	cps = slices.Compact(cps)
	for len(cps) > 0 && cps[0] < 1 {
		cps = cps[1:]
	}
	for len(cps) > 0 && cps[len(cps)-1] > timesteps {
		cps = cps[:len(cps)-1]
	}
	correct := make([]int, len(cps))
	res := Result{Timesteps: timesteps}
	var ops, inMACs, spikes, inSpikes, decided float64
	nDecided := 0
	const batch = 500
	res.Predictions = make([]int, d.Len())
	for lo := 0; lo < d.Len(); lo += batch {
		hi := min(lo+batch, d.Len())
		b := s.runBatch(rows(d.X, lo, hi), d.Labels[lo:hi], lo, timesteps, cps)
		copy(res.Predictions[lo:hi], b.pred)
		for k := range cps {
			correct[k] += b.correct[k]
		}
		ops += b.ops
		inMACs += b.inMACs
		spikes += b.spikes
		inSpikes += b.inSpikes
		decided += b.decided
		nDecided += b.nDecided
	}
	n := float64(d.Len())
	for k, c := range cps {
		res.AccuracyByTimesteps = append(res.AccuracyByTimesteps, [2]float64{float64(c), float64(correct[k]) / n})
	}
	res.Accuracy = res.AccuracyByTimesteps[len(cps)-1][1]
	res.SynapticOpsPerSample, res.InputMACsPerSample, res.SpikesPerSample = ops/n, inMACs/n, spikes/n
	res.InputSpikesPerSample = inSpikes / n
	if nDecided > 0 {
		res.MeanDecisionStep = decided / float64(nDecided)
	}
	return res, nil
}

// Ops returns the run's operations per sample as package energy defines
// them: the input current's MACs, the synaptic events, and the spikes
// (input spikes included, and counted apart in InputSpikes).
func (r Result) Ops() energy.Ops {
	return energy.Ops{MACs: r.InputMACsPerSample, SynapticEvents: r.SynapticOpsPerSample,
		Spikes: r.SpikesPerSample, InputSpikes: r.InputSpikesPerSample}
}

// Scores runs the rows of x (raw inputs: the model's normalisation is
// applied here) for timesteps steps and returns each one's output scores
// (rows × classes): an output neuron's spike count plus a fraction in
// (0, 1) that grows with its final potential, atan(v)/π + ½. The largest
// score is the network's class (most spikes, ties broken by the
// potential), and the fraction gives a score-based attack a signal
// between spike counts. The Poisson input of row i is the one Run draws
// for example i.
func (s *SNN) Scores(x *tensor.Tensor, timesteps int) (*tensor.Tensor, error) {
	if timesteps < 1 {
		return nil, fmt.Errorf("convert: %d timesteps", timesteps)
	}
	if x.Dims() != 2 || x.Cols() != s.layers[0].in {
		return nil, fmt.Errorf("convert: the network takes %d inputs, the data has shape %v", s.layers[0].in, x.Shape)
	}
	out := tensor.New(x.Rows(), s.layers[len(s.layers)-1].out)
	const batch = 500
	for lo := 0; lo < x.Rows(); lo += batch {
		hi := min(lo+batch, x.Rows())
		b := s.runBatch(rows(x, lo, hi), nil, lo, timesteps, []int{timesteps})
		copy(out.Data[lo*out.Cols():hi*out.Cols()], b.scores.Data)
	}
	return out, nil
}

// rows returns a view of rows [lo, hi) of x.
func rows(x *tensor.Tensor, lo, hi int) *tensor.Tensor {
	f := x.Cols()
	return tensor.FromData(x.Data[lo*f:hi*f], hi-lo, f)
}

type batchResult struct {
	correct                       []int
	ops, inMACs, spikes, inSpikes float64
	decided                       float64
	nDecided                      int
	pred                          []int
	scores                        *tensor.Tensor // counts + atan(v)/π + ½
}

// runBatch simulates the rows xs (raw inputs, examples lo, lo+1, … of
// their set: the Poisson stream's and the spike noise's index) and scores
// them against labels at each checkpoint (labels nil: none).
func (s *SNN) runBatch(xs *tensor.Tensor, labels []int, lo, timesteps int, cps []int) batchResult {
	n, f := xs.Rows(), xs.Cols()
	x := tensor.FromData(slices.Clone(xs.Data), n, f)
	if s.input == "current" && s.norm != nil {
		for i := range n {
			s.norm.Row(x.Row(i))
		}
	}
	L := len(s.layers)
	v := make([]*tensor.Tensor, L)  // membrane potentials
	sp := make([]*tensor.Tensor, L) // this step's spikes (0/1)
	drive := make([]*tensor.Tensor, L)
	for k, l := range s.layers {
		v[k], sp[k], drive[k] = tensor.New(n, l.out), tensor.New(n, l.out), tensor.New(n, l.out)
	}
	counts := tensor.New(n, s.layers[L-1].out)
	var constant *tensor.Tensor // current coding: the first layer's input never changes
	var out batchResult
	out.correct = make([]int, len(cps))
	first := s.layers[0]
	if s.input == "current" {
		constant = tensor.New(n, first.out)
		tensor.Gemm(tensor.NoTrans, tensor.Trans, n, first.out, first.in, 1, x.Data, f, first.w, first.in, 0, constant.Data, first.out)
		out.inMACs = float64(n * first.in * first.out)
	}
	inSpikes := tensor.New(n, f)
	stream := snn.NewStream(s.seed, 0x636f6e76)
	pred := make([]int, n)
	lastWrong := make([]int, n) // last step at which the prediction was wrong
	k := 0
	for t := 1; t <= timesteps; t++ {
		for li, l := range s.layers {
			dr := drive[li]
			switch {
			case li == 0 && constant != nil:
				copy(dr.Data, constant.Data)
			case li == 0:
				for i := range n {
					row, in := x.Row(i), inSpikes.Row(i)
					for j, p := range row {
						in[j] = 0
						k := 0
						switch {
						case s.Noise.Active():
							k = s.Noise.Arrivals(lo+i, t-1, j, timesteps, func(u int) bool {
								return stream.Uniform(int64(u+1), (lo+i)*f+j) < float64(p)
							})
						case stream.Uniform(int64(t), (lo+i)*f+j) < float64(p):
							k = 1
						}
						if k > 0 {
							in[j] = float32(k)
							out.spikes += float64(k)
							out.inSpikes += float64(k)
							out.ops += float64(k * l.out)
						}
					}
				}
				tensor.Gemm(tensor.NoTrans, tensor.Trans, n, l.out, l.in, 1, inSpikes.Data, f, l.w, l.in, 0, dr.Data, l.out)
			default:
				tensor.Gemm(tensor.NoTrans, tensor.Trans, n, l.out, l.in, 1, sp[li-1].Data, l.in, l.w, l.in, 0, dr.Data, l.out)
			}
			vv, ss := v[li].Data, sp[li].Data
			fanOut := 0.0
			if li+1 < L {
				fanOut = float64(s.layers[li+1].out)
			}
			for i := range vv {
				vv[i] += dr.Data[i] + l.b[i%l.out]
				if vv[i] >= 1 {
					vv[i]--
					ss[i] = 1
					out.spikes++
					out.ops += fanOut
				} else {
					ss[i] = 0
				}
			}
		}
		last := sp[L-1].Data
		for i, c := range last {
			counts.Data[i] += c
		}
		for i := range n {
			pred[i] = argmaxTie(counts.Row(i), v[L-1].Row(i))
			if labels != nil && pred[i] != labels[i] {
				lastWrong[i] = t
			}
		}
		if k < len(cps) && cps[k] == t {
			for i := range n {
				if labels != nil && pred[i] == labels[i] {
					out.correct[k]++
				}
			}
			k++
		}
	}
	for i := range n {
		if labels != nil && pred[i] == labels[i] {
			out.decided += float64(lastWrong[i] + 1)
			out.nDecided++
		}
	}
	out.pred = pred
	out.scores = counts
	for i, c := range counts.Data {
		counts.Data[i] = c + float32(0.5+math.Atan(float64(v[L-1].Data[i]))/math.Pi)
	}
	return out
}

// argmaxTie returns the index of the largest count, ties broken by the
// larger potential, then the lower index.
func argmaxTie(counts, v []float32) int {
	best := 0
	for i := 1; i < len(counts); i++ {
		if counts[i] > counts[best] || (counts[i] == counts[best] && v[i] > v[best]) {
			best = i
		}
	}
	return best
}
