package ann

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// Spiking layers trained by backpropagation through time with a surrogate
// gradient (Neftci, Mostafa & Zenke 2019; snnTorch's method). A spiking
// network is SpikeEncode (images to spike trains over Steps), one or more
// LIF layers (a dense projection feeding leaky integrate-and-fire neurons
// at every step), and SpikeCount (spikes summed over time, read as logits
// by the softmax cross-entropy loss). The spike function's derivative is
// zero almost everywhere; Backward replaces it by the fast-sigmoid
// surrogate 1/(1 + k·|v − θ|)² so that gradients flow.

// Coding names how SpikeEncode turns intensities in [0, 1] into spikes.
type Coding string

const (
	// RateCoding fires each input at every step with probability equal
	// to its intensity (Bernoulli, "Poisson" at 1 ms steps).
	RateCoding Coding = "rate"
	// LatencyCoding fires each input once, earlier the brighter:
	// at step ⌊(1 − x)·(Steps − 1)⌋, not at all below 0.1.
	LatencyCoding Coding = "latency"
	// DirectCoding presents the intensity itself at every step (a
	// constant current), the usual choice for accuracy.
	DirectCoding Coding = "direct"
)

// SpikeEncode turns (N, F) intensities into (N, Steps, F) spike trains.
// Rate coding draws from a counter-based stream keyed by Seed, the call
// and the position, so the same seed gives the same spikes on any thread
// count.
type SpikeEncode struct {
	Steps  int
	Coding Coding
	Seed   uint64

	calls uint64
	y, dx *tensor.Tensor
}

// Kind returns "spike-encode".
func (e *SpikeEncode) Kind() string { return "spike-encode" }

// RNGState returns the position of the spike stream (the number of
// batches encoded), and SetRNGState moves it back there: a checkpoint
// resumes with the spikes it would have drawn.
func (e *SpikeEncode) RNGState() ([]byte, error) {
	return binary.BigEndian.AppendUint64(nil, e.calls), nil
}

// SetRNGState restores a position returned by RNGState.
func (e *SpikeEncode) SetRNGState(b []byte) error {
	if len(b) != 8 {
		return fmt.Errorf("ann: spike-encode random state: %d bytes, want 8", len(b))
	}
	e.calls = binary.BigEndian.Uint64(b)
	return nil
}

// Params returns none.
func (e *SpikeEncode) Params() []*Param { return nil }

// OutputShape returns [Steps F] for an input [F].
func (e *SpikeEncode) OutputShape(in []int) []int { return []int{e.Steps, in[0]} }

// NumValues returns 0.
func (e *SpikeEncode) NumValues() int { return 0 }

// CountOps returns a constant current for direct coding, else the
// spikes it encoded, counted in Spikes and InputSpikes and pending.
func (e *SpikeEncode) CountOps(in OpInput) (energy.Ops, Flow) {
	if e.Coding == DirectCoding {
		return energy.Ops{}, Flow{Signal: CurrentSignal}
	}
	k := float64(countNonZero(in.Y.Data))
	return energy.Ops{Spikes: k, InputSpikes: k}, Flow{Signal: SpikeSignal, Pending: k}
}

// spikeEncodeFromSpec makes a "spike-encode" layer: flat intensities
// become Steps steps of spikes by Coding (rate if empty), rate-coded
// spikes drawn from a stream of its own (seed + index).
func spikeEncodeFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("input shape %v is not flat", in)
	}
	if ls.Steps <= 0 || ls.Steps > 10000 {
		return nil, fmt.Errorf("steps = %d: want 1–10000", ls.Steps)
	}
	coding := ls.Coding
	if coding == "" {
		coding = RateCoding
	}
	if coding != RateCoding && coding != LatencyCoding && coding != DirectCoding {
		return nil, fmt.Errorf("coding %q: want rate, latency or direct", ls.Coding)
	}
	return &SpikeEncode{Steps: ls.Steps, Coding: coding, Seed: c.seed + uint64(c.index)}, nil
}

// Forward encodes the batch.
func (e *SpikeEncode) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	if x.Dims() != 2 {
		panic(fmt.Sprintf("ann: spike-encode: input shape %v, want [batch features]", x.Shape))
	}
	n, f, T := x.Shape[0], x.Shape[1], e.Steps
	y := reuse(&e.y, n, T, f)
	e.calls++
	key := splitmix(e.Seed ^ splitmix(e.calls))
	for i := range n {
		row := x.Row(i)
		for t := range T {
			out := y.Data[(i*T+t)*f : (i*T+t+1)*f]
			for j, v := range row {
				switch e.Coding {
				case DirectCoding:
					out[j] = v
				case LatencyCoding:
					out[j] = 0
					if v >= 0.1 && t == int((1-min(v, 1))*float32(T-1)) {
						out[j] = 1
					}
				default:
					out[j] = 0
					u := float32(splitmix(key^uint64((i*T+t)*f+j))>>40) / (1 << 24)
					if u < v {
						out[j] = 1
					}
				}
			}
		}
	}
	return y
}

// Backward returns, when needInput, the gradient with respect to the
// intensities: the sum over steps of the gradient reaching each step's
// input. For direct coding this is exact; for rate coding it is the
// gradient of the expected spike train (E[s_t] = x: the straight-through
// estimator of Bengio, Léonard & Courville 2013), the usual way to attack
// a rate-coded network through its surrogate. Latency coding has none (a
// spike's time is a step function of the intensity): Backward returns nil.
// Training never asks: encoding is the input's first step.
func (e *SpikeEncode) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !needInput || e.Coding == LatencyCoding {
		return nil
	}
	n, T, f := dy.Shape[0], dy.Shape[1], dy.Shape[2]
	dx := reuse(&e.dx, n, f)
	clear(dx.Data)
	for i := range n {
		row := dx.Row(i)
		for t := range T {
			tensor.Add(row, row, dy.Data[(i*T+t)*f:(i*T+t+1)*f])
		}
	}
	return dx
}

// splitmix is SplitMix64's finaliser, a good 64-bit mixing function.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// LIF is a dense layer of leaky integrate-and-fire neurons over time: at
// each step t, I_t = x_t·Wᵀ + b, v_t = Beta·v_{t−1} + I_t − Threshold·s_{t−1}
// (reset by subtraction), s_t = 1 if v_t ≥ Threshold. Input (N, T, In),
// output spikes (N, T, Out). Backward runs through time with the
// fast-sigmoid surrogate of slope Slope; the reset is treated as a
// constant, as snnTorch does by default.
type LIF struct {
	In, Out                int
	Beta, Threshold, Slope float32
	W, B                   *Param

	x, cur, v, s, dx, dcur *tensor.Tensor
	// Spikes counts the output spikes of the last Forward.
	Spikes int
}

// NewLIF returns a LIF layer with weights initialised like Dense.
func NewLIF(dense *Dense, beta, threshold, slope float32) *LIF {
	return &LIF{In: dense.In, Out: dense.Out, Beta: beta, Threshold: threshold, Slope: slope, W: dense.W, B: dense.B}
}

// Kind returns "lif".
func (l *LIF) Kind() string { return "lif" }

// Params returns the weights and biases.
func (l *LIF) Params() []*Param { return []*Param{l.W, l.B} }

// OutputShape returns [T Out] for an input [T In].
func (l *LIF) OutputShape(in []int) []int { return []int{in[0], l.Out} }

// NumValues returns Out·In + Out.
func (l *LIF) NumValues() int { return satInt(float64(l.Out)*float64(l.In) + float64(l.Out)) }

// workspace returns the input currents, potentials, spikes and current
// gradients of every step, per example.
func (l *LIF) workspace(in []int) float64 { return 3 * float64(in[0]) * float64(l.Out) }

// CountOps returns the cost of receiving its input (Flow.Receive) and the
// spikes of the last Forward, which it returns pending.
func (l *LIF) CountOps(in OpInput) (energy.Ops, Flow) {
	ops := in.Receive(in.X, l.In, l.Out)
	ops.Spikes = float64(l.Spikes)
	return ops, Flow{Signal: SpikeSignal, Pending: float64(l.Spikes)}
}

// lifFromSpec makes a "lif" layer of Units neurons over spike trains
// [steps features]: Beta (0.95 if zero), Threshold (1 if zero), Slope of
// the surrogate gradient (25 if zero), weights initialised by Init
// (PyTorch's default if empty, as snnTorch's nn.Linear).
func lifFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("input shape %v: want spike trains [steps features] (add spike-encode first)", in)
	}
	if ls.Units <= 0 {
		return nil, fmt.Errorf("units = %d, must be positive", ls.Units)
	}
	beta, th, slope := ls.Beta, ls.Threshold, ls.Slope
	if beta == 0 {
		beta = 0.95
	}
	if th == 0 {
		th = 1
	}
	if slope == 0 {
		slope = 25
	}
	if !(beta > 0 && beta <= 1) || !(th > 0) || !(slope > 0) {
		return nil, fmt.Errorf("beta %v must be in (0, 1], threshold %v and slope %v positive", beta, th, slope)
	}
	init, err := checkInit(ls.Init)
	if err != nil {
		return nil, err
	}
	if ls.Init == "" {
		init = InitPyTorch
	}
	d := &Dense{In: in[1], Out: ls.Units}
	if c.alloc() {
		d.init(init, c.r)
		c.name(d.W, "weight")
		c.name(d.B, "bias")
	}
	return NewLIF(d, float32(beta), float32(th), float32(slope)), nil
}

// Forward integrates the input currents over time.
func (l *LIF) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	if x.Dims() != 3 || x.Shape[2] != l.In {
		panic(fmt.Sprintf("ann: lif: input shape %v, want [batch steps %d]", x.Shape, l.In))
	}
	n, T := x.Shape[0], x.Shape[1]
	cur := reuse(&l.cur, n, T, l.Out)
	tensor.Gemm(tensor.NoTrans, tensor.Trans, n*T, l.Out, l.In, 1, x.Data, l.In, l.W.Value.Data, l.In, 0, cur.Data, l.Out)
	v, s := reuse(&l.v, n, T, l.Out), reuse(&l.s, n, T, l.Out)
	spikes := 0
	forEachExample(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for t := range T {
				at := (i*T + t) * l.Out
				vt, st, ct := v.Data[at:at+l.Out], s.Data[at:at+l.Out], cur.Data[at:at+l.Out]
				for j := range vt {
					var prev, fired float32
					if t > 0 {
						prev, fired = v.Data[at-l.Out+j], s.Data[at-l.Out+j]
					}
					vt[j] = l.Beta*prev + ct[j] + l.B.Value.Data[j] - l.Threshold*fired
					st[j] = 0
					if vt[j] >= l.Threshold {
						st[j] = 1
					}
				}
			}
		}
	})
	for _, v := range s.Data {
		if v != 0 {
			spikes++
		}
	}
	l.Spikes = spikes
	l.x = x
	return s
}

// Backward propagates through time: δv_t = ∂L/∂s_t·σ'(v_t) + Beta·δv_{t+1}.
func (l *LIF) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	n, T := l.x.Shape[0], l.x.Shape[1]
	dcur := reuse(&l.dcur, n, T, l.Out)
	forEachExample(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for t := T - 1; t >= 0; t-- {
				at := (i*T + t) * l.Out
				for j := range l.Out {
					u := l.Slope * float32(math.Abs(float64(l.v.Data[at+j]-l.Threshold)))
					g := dy.Data[at+j] / ((1 + u) * (1 + u))
					if t+1 < T {
						g += l.Beta * dcur.Data[at+l.Out+j]
					}
					dcur.Data[at+j] = g
				}
			}
		}
	})
	return denseOverTimeBackward(l.W, l.B, l.x, dcur, &l.dx, needInput)
}

// denseOverTimeBackward finishes the backward pass of a dense projection
// applied at every step, given ∂L/∂current (N, T, Out) and the input x
// (N, T, In): weight and bias gradients summed over examples and steps,
// and ∂L/∂x when needInput.
func denseOverTimeBackward(w, b *Param, x, dcur *tensor.Tensor, dx **tensor.Tensor, needInput bool) *tensor.Tensor {
	n, T, in, out := x.Shape[0], x.Shape[1], x.Shape[2], dcur.Shape[2]
	tensor.Gemm(tensor.Trans, tensor.NoTrans, out, in, n*T, 1, dcur.Data, out, x.Data, in, 0, w.Grad.Data, in)
	tensor.SumRows(b.Grad.Data, tensor.FromData(dcur.Data, n*T, out))
	if !needInput {
		return nil
	}
	d := reuse(dx, n, T, in)
	tensor.Gemm(tensor.NoTrans, tensor.NoTrans, n*T, in, out, 1, dcur.Data, out, w.Value.Data, in, 0, d.Data, in)
	return d
}

// SpikeCount sums spikes over time: (N, T, F) → (N, F), the rate read-out.
type SpikeCount struct {
	y, dx *tensor.Tensor
	steps int
}

// Kind returns "spike-count".
func (c *SpikeCount) Kind() string { return "spike-count" }

// Params returns none.
func (c *SpikeCount) Params() []*Param { return nil }

// OutputShape returns [F] for an input [T F].
func (c *SpikeCount) OutputShape(in []int) []int { return []int{in[1]} }

// NumValues returns 0.
func (c *SpikeCount) NumValues() int { return 0 }

// CountOps returns no operations: the spikes it counts reach no synapse.
func (c *SpikeCount) CountOps(in OpInput) (energy.Ops, Flow) { return energy.Ops{}, Flow{} }

// spikeCountFromSpec makes a "spike-count" layer.
func spikeCountFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("input shape %v: want spike trains [steps features]", in)
	}
	return &SpikeCount{}, nil
}

// Forward sums over the steps.
func (c *SpikeCount) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	n, T, f := x.Shape[0], x.Shape[1], x.Shape[2]
	y := reuse(&c.y, n, f)
	clear(y.Data)
	for i := range n {
		row := y.Row(i)
		for t := range T {
			for j, v := range x.Data[(i*T+t)*f : (i*T+t+1)*f] {
				row[j] += v
			}
		}
	}
	c.steps = T
	return y
}

// Backward copies each count's gradient to every step.
func (c *SpikeCount) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	if !needInput {
		return nil
	}
	n, f, T := dy.Shape[0], dy.Shape[1], c.steps
	dx := reuse(&c.dx, n, T, f)
	for i := range n {
		for t := range T {
			copy(dx.Data[(i*T+t)*f:(i*T+t+1)*f], dy.Row(i))
		}
	}
	return dx
}

// Leaky is a non-spiking read-out: a dense projection into leaky
// integrators, m_t = Beta·m_{t−1} + x_t·Wᵀ + b, whose potentials averaged
// over time are the logits (N, Out). Reading out potentials instead of
// spike counts gives the loss a graded signal at every step.
type Leaky struct {
	In, Out int
	Beta    float32
	W, B    *Param

	x, cur, y, dcur, dx *tensor.Tensor
}

// Kind returns "leaky".
func (l *Leaky) Kind() string { return "leaky" }

// Params returns the weights and biases.
func (l *Leaky) Params() []*Param { return []*Param{l.W, l.B} }

// OutputShape returns [Out].
func (l *Leaky) OutputShape(in []int) []int { return []int{l.Out} }

// NumValues returns Out·In + Out.
func (l *Leaky) NumValues() int { return satInt(float64(l.Out)*float64(l.In) + float64(l.Out)) }

// workspace returns the input currents and their gradients of every
// step, per example.
func (l *Leaky) workspace(in []int) float64 { return 2 * float64(in[0]) * float64(l.Out) }

// CountOps returns the cost of receiving its input (Flow.Receive).
func (l *Leaky) CountOps(in OpInput) (energy.Ops, Flow) {
	return in.Receive(in.X, l.In, l.Out), Flow{}
}

// leakyFromSpec makes a "leaky" read-out of Units integrators over spike
// trains [steps features], with Beta (0.95 if zero) and PyTorch's default
// initialisation.
func leakyFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("input shape %v: want spike trains [steps features]", in)
	}
	if ls.Units <= 0 {
		return nil, fmt.Errorf("units = %d, must be positive", ls.Units)
	}
	beta := ls.Beta
	if beta == 0 {
		beta = 0.95
	}
	if !(beta > 0 && beta <= 1) {
		return nil, fmt.Errorf("beta %v must be in (0, 1]", beta)
	}
	d := &Dense{In: in[1], Out: ls.Units}
	if c.alloc() {
		d.init(InitPyTorch, c.r)
		c.name(d.W, "weight")
		c.name(d.B, "bias")
	}
	return &Leaky{In: d.In, Out: d.Out, Beta: float32(beta), W: d.W, B: d.B}, nil
}

// Forward integrates and averages over time.
func (l *Leaky) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	if x.Dims() != 3 || x.Shape[2] != l.In {
		panic(fmt.Sprintf("ann: leaky: input shape %v, want [batch steps %d]", x.Shape, l.In))
	}
	n, T := x.Shape[0], x.Shape[1]
	cur := reuse(&l.cur, n, T, l.Out)
	tensor.Gemm(tensor.NoTrans, tensor.Trans, n*T, l.Out, l.In, 1, x.Data, l.In, l.W.Value.Data, l.In, 0, cur.Data, l.Out)
	y := reuse(&l.y, n, l.Out)
	m := make([]float32, l.Out)
	for i := range n {
		clear(m)
		row := y.Row(i)
		clear(row)
		for t := range T {
			c := cur.Data[(i*T+t)*l.Out : (i*T+t+1)*l.Out]
			for j := range m {
				m[j] = l.Beta*m[j] + c[j] + l.B.Value.Data[j]
				row[j] += m[j] / float32(T)
			}
		}
	}
	l.x = x
	return y
}

// Backward: ∂L/∂m_t = ∂L/∂y / T + Beta·∂L/∂m_{t+1}.
func (l *Leaky) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	n, T := l.x.Shape[0], l.x.Shape[1]
	dcur := reuse(&l.dcur, n, T, l.Out)
	for i := range n {
		g := dy.Row(i)
		for t := T - 1; t >= 0; t-- {
			at := (i*T + t) * l.Out
			for j := range l.Out {
				d := g[j] / float32(T)
				if t+1 < T {
					d += l.Beta * dcur.Data[at+l.Out+j]
				}
				dcur.Data[at+j] = d
			}
		}
	}
	return denseOverTimeBackward(l.W, l.B, l.x, dcur, &l.dx, needInput)
}
