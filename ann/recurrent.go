package ann

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// Recurrent is a recurrent layer over sequences (N, T, F): a plain tanh
// RNN (Elman 1990) or an LSTM (Hochreiter & Schmidhuber 1997, with the
// forget gate of Gers et al. 2000), with PyTorch's equations, gate order
// (input, forget, cell, output) and parameter names. It outputs the last
// hidden state (N, H) for many-to-one tasks, or every hidden state
// (N, T, H) with Sequence set. Backward runs backpropagation through time
// and records, for each step, the norm of the gradient reaching that
// step's hidden state (StepGradNorms), so the vanishing gradient over time
// can be watched.
type Recurrent struct {
	LSTM          bool
	In, Hidden    int
	Sequence      bool
	Wih, Whh      *Param // (G·H, F) and (G·H, H), G = 4 for LSTM, 1 for RNN
	Bih, Bhh      *Param // (G·H)
	StepGradNorms []float64

	x              *tensor.Tensor
	xw             *tensor.Tensor   // (N·T, G·H): x·Wihᵀ for every step
	acts           []*tensor.Tensor // per step: RNN h; LSTM gates (N, 4H) after their nonlinearities
	cells, tcells  []*tensor.Tensor // LSTM: c_t and tanh(c_t)
	hs             []*tensor.Tensor // per step hidden state h_t
	y, dx, dxw     *tensor.Tensor
	dh, dhPrev, dc *tensor.Tensor
	dz             *tensor.Tensor
	zero           *tensor.Tensor
}

func (r *Recurrent) gates() int {
	if r.LSTM {
		return 4
	}
	return 1
}

// NewRecurrent returns an RNN (lstm false) or LSTM from in features to
// hidden units, initialised as PyTorch does, every weight and bias from
// U(±1/√hidden), except that an LSTM's forget gate starts with bias 1.
func NewRecurrent(lstm bool, in, hidden int, sequence bool, r *rand.Rand) (*Recurrent, error) {
	l, err := newRecurrent(lstm, in, hidden, sequence)
	if err != nil {
		return nil, err
	}
	l.init(r)
	return l, nil
}

// newRecurrent checks the sizes and returns the layer without its tensors.
func newRecurrent(lstm bool, in, hidden int, sequence bool) (*Recurrent, error) {
	if in <= 0 || hidden <= 0 {
		return nil, fmt.Errorf("ann: recurrent layer %d → %d", in, hidden)
	}
	return &Recurrent{LSTM: lstm, In: in, Hidden: hidden, Sequence: sequence}, nil
}

// init allocates the weights and biases and draws them from r.
func (l *Recurrent) init(r *rand.Rand) {
	in, hidden, g := l.In, l.Hidden, l.gates()
	l.Wih, l.Whh = newParam(g*hidden, in), newParam(g*hidden, hidden)
	l.Bih, l.Bhh = newParam(g*hidden), newParam(g*hidden)
	a := 1 / math.Sqrt(float64(hidden))
	for _, p := range l.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] = float32((2*r.Float64() - 1) * a)
		}
	}
	if l.LSTM {
		// Forget-gate bias 1 (Gers et al. 2000; Jozefowicz et al. 2015):
		// the cell starts out remembering, so gradients reach early steps.
		for k := hidden; k < 2*hidden; k++ {
			l.Bih.Value.Data[k], l.Bhh.Value.Data[k] = 1, 0
		}
	}
}

// recurrentFromSpec makes an "rnn" or "lstm" layer of Units hidden units
// over sequences [steps features], returning every step's hidden state
// with Sequence set, else the last.
func recurrentFromSpec(ls LayerSpec, in []int, c specContext) (Sized, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("input shape %v: want a sequence [steps features]", in)
	}
	l, err := newRecurrent(ls.Type == "lstm", in[1], ls.Units, ls.Sequence)
	if err != nil {
		return nil, err
	}
	if c.alloc() {
		l.init(c.r)
		c.name(l.Wih, "weight_ih_l0")
		c.name(l.Whh, "weight_hh_l0")
		c.name(l.Bih, "bias_ih_l0")
		c.name(l.Bhh, "bias_hh_l0")
	}
	return l, nil
}

// Kind returns "lstm" or "rnn".
func (l *Recurrent) Kind() string {
	if l.LSTM {
		return "lstm"
	}
	return "rnn"
}

// Params returns weight_ih, weight_hh, bias_ih, bias_hh.
func (l *Recurrent) Params() []*Param { return []*Param{l.Wih, l.Whh, l.Bih, l.Bhh} }

// OutputShape returns [T Hidden] for an input [T F] with Sequence set,
// else [Hidden].
func (l *Recurrent) OutputShape(in []int) []int {
	if l.Sequence {
		return []int{in[0], l.Hidden}
	}
	return []int{l.Hidden}
}

// NumValues returns G·Hidden·(In + Hidden + 2), G = 4 for LSTM, 1 for RNN.
func (l *Recurrent) NumValues() int {
	return satInt(float64(l.gates()) * float64(l.Hidden) * (float64(l.In) + float64(l.Hidden) + 2))
}

// workspace returns what a sequence of in[0] steps keeps per example for
// backpropagation through time: the input contributions, the gates and
// their gradient (G·H a step each), the hidden states (and the LSTM's
// cells and their tanh), and the step gradients.
func (l *Recurrent) workspace(in []int) float64 {
	t, h, gh := float64(in[0]), float64(l.Hidden), float64(l.gates())*float64(l.Hidden)
	states := 1.0
	if l.LSTM {
		states = 3
	}
	return 3*t*gh + states*t*h + 4*h + gh
}

// CountOps returns T·G·Hidden·(In + Hidden) MACs per example for an
// input of T steps.
func (l *Recurrent) CountOps(in OpInput) (energy.Ops, Flow) {
	return energy.Ops{MACs: float64(in.X.Shape[0]) * float64(in.X.Shape[1]*l.gates()*l.Hidden*(l.In+l.Hidden))}, Flow{}
}

// ExportONNX writes an RNN or LSTM operator over (batch, steps, features).
// ONNX runs them time-major with gates in the order i, o, f, c where
// PyTorch and neurite use i, f, g, o, so the weights are reordered; its B
// is the input and recurrent biases concatenated.
func (l *Recurrent) ExportONNX(g ONNXGraph, i int, x string) (string, error) {
	h := l.Hidden
	order := []int{0} // RNN: one block
	op := "RNN"
	if l.LSTM {
		order, op = []int{0, 3, 1, 2}, "LSTM" // i, o, f, c from i, f, g, o
	}
	reorder := func(src []float32, cols int) []float32 {
		out := make([]float32, 0, len(src))
		for _, blk := range order {
			out = append(out, src[blk*h*cols:(blk+1)*h*cols]...)
		}
		return out
	}
	gh := len(order) * h
	w := g.Floats(fmt.Sprintf("%d.W", i), []int{1, gh, l.In}, reorder(l.Wih.Value.Data, l.In))
	r := g.Floats(fmt.Sprintf("%d.R", i), []int{1, gh, h}, reorder(l.Whh.Value.Data, h))
	b := g.Floats(fmt.Sprintf("%d.B", i), []int{1, 2 * gh}, append(reorder(l.Bih.Value.Data, 1), reorder(l.Bhh.Value.Data, 1)...))
	xt := g.Op("Transpose", []string{x}, ONNXIntsAttr("perm", 1, 0, 2))
	y, yh := g.Name(op+"_Y"), g.Name(op+"_Y_h")
	outs := []string{y, yh}
	if l.LSTM {
		outs = append(outs, g.Name("LSTM_Y_c"))
	}
	g.Node(op, []string{xt, w, r, b}, outs, ONNXIntAttr("hidden_size", h))
	if !l.Sequence {
		return g.Op("Reshape", []string{yh, g.Int64s("shape", []int64{-1, int64(h)})}), nil
	}
	// Y is (steps, directions = 1, batch, hidden).
	seq := g.Op("Squeeze", []string{y, g.Int64s("axes", []int64{1})})
	return g.Op("Transpose", []string{seq}, ONNXIntsAttr("perm", 1, 0, 2)), nil
}

// step returns the per-step buffer list grown to T tensors of (n, w).
func stepBuffers(bufs []*tensor.Tensor, t, n, w int) []*tensor.Tensor {
	for len(bufs) < t {
		bufs = append(bufs, nil)
	}
	for k := range t {
		reuse(&bufs[k], n, w)
	}
	return bufs[:t]
}

// Forward runs the sequence.
func (l *Recurrent) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	if x.Dims() != 3 || x.Shape[2] != l.In {
		panic(fmt.Sprintf("ann: %s: input shape %v, want [batch steps %d]", l.Kind(), x.Shape, l.In))
	}
	n, T, h, g := x.Shape[0], x.Shape[1], l.Hidden, l.gates()
	gh := g * h
	// Input contributions for all steps at once: row n·T + t.
	xw := reuse(&l.xw, n*T, gh)
	tensor.Gemm(tensor.NoTrans, tensor.Trans, n*T, gh, l.In, 1, x.Data, l.In, l.Wih.Value.Data, l.In, 0, xw.Data, gh)
	l.acts = stepBuffers(l.acts, T, n, gh)
	l.hs = stepBuffers(l.hs, T, n, h)
	if l.LSTM {
		l.cells = stepBuffers(l.cells, T, n, h)
		l.tcells = stepBuffers(l.tcells, T, n, h)
	}
	zero := reuse(&l.zero, n, h)
	clear(zero.Data)
	hPrev, cPrev := zero, zero
	// Whhᵀ is the same at every step: pack it once.
	whh := tensor.PackB(tensor.Trans, h, gh, l.Whh.Value.Data, h)
	for t := range T {
		z := l.acts[t]
		// z = xw_t + b_ih + b_hh + h_{t−1}·Whhᵀ
		for i := range n {
			row := z.Row(i)
			copy(row, xw.Data[(i*T+t)*gh:(i*T+t+1)*gh])
			tensor.Add(row, row, l.Bih.Value.Data)
			tensor.Add(row, row, l.Bhh.Value.Data)
		}
		tensor.GemmPacked(tensor.NoTrans, n, 1, hPrev.Data, h, whh, 1, z.Data, gh)
		ht := l.hs[t]
		if !l.LSTM {
			tensor.Tanh(z.Data, z.Data)
			copy(ht.Data, z.Data)
		} else {
			c, tc := l.cells[t], l.tcells[t]
			for i := range n {
				zr := z.Row(i)
				tensor.Sigmoid(zr[:2*h], zr[:2*h]) // input and forget gates
				tensor.Tanh(zr[2*h:3*h], zr[2*h:3*h])
				tensor.Sigmoid(zr[3*h:], zr[3*h:])
				ig, fg, gg, og := zr[:h], zr[h:2*h], zr[2*h:3*h], zr[3*h:]
				cr, cp, tr, hr := c.Row(i), cPrev.Row(i), tc.Row(i), ht.Row(i)
				for k := range h {
					cr[k] = fg[k]*cp[k] + ig[k]*gg[k]
				}
				tensor.Tanh(tr, cr)
				tensor.Mul(hr, og, tr)
			}
			cPrev = c
		}
		hPrev = ht
	}
	l.x = x
	if !l.Sequence {
		return hPrev
	}
	y := reuse(&l.y, n, T, h)
	for t := range T {
		for i := range n {
			copy(y.Data[(i*T+t)*h:(i*T+t+1)*h], l.hs[t].Row(i))
		}
	}
	return y
}

// Backward runs backpropagation through time.
func (l *Recurrent) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor {
	n, T, h, g := l.x.Shape[0], l.x.Shape[1], l.Hidden, l.gates()
	gh := g * h
	dh := reuse(&l.dh, n, h)
	dhPrev := reuse(&l.dhPrev, n, h)
	dc := reuse(&l.dc, n, h)
	dz := reuse(&l.dz, n, gh)
	dxw := reuse(&l.dxw, n*T, gh)
	clear(dh.Data)
	clear(dc.Data)
	clear(l.Whh.Grad.Data)
	clear(l.Bih.Grad.Data)
	if len(l.StepGradNorms) != T {
		l.StepGradNorms = make([]float64, T)
	}
	if !l.Sequence {
		copy(dh.Data, dy.Data)
	}
	whh := tensor.PackB(tensor.NoTrans, gh, h, l.Whh.Value.Data, h)
	for t := T - 1; t >= 0; t-- {
		if l.Sequence {
			for i := range n {
				tensor.Add(dh.Row(i), dh.Row(i), dy.Data[(i*T+t)*h:(i*T+t+1)*h])
			}
		}
		l.StepGradNorms[t] = tensor.Norm(dh.Data)
		z := l.acts[t]
		if !l.LSTM {
			// z holds h_t = tanh(pre): dpre = dh·(1 − h²).
			tensor.TanhDeriv(dz.Data, z.Data)
			tensor.Mul(dz.Data, dz.Data, dh.Data)
		} else {
			for i := range n {
				zr, dzr := z.Row(i), dz.Row(i)
				ig, fg, gg, og := zr[:h], zr[h:2*h], zr[2*h:3*h], zr[3*h:]
				tc, dhr, dcr := l.tcells[t].Row(i), dh.Row(i), dc.Row(i)
				var cp []float32
				if t > 0 {
					cp = l.cells[t-1].Row(i)
				}
				for k := range h {
					dcr[k] += dhr[k] * og[k] * (1 - tc[k]*tc[k])
					var prev float32
					if cp != nil {
						prev = cp[k]
					}
					dzr[k] = dcr[k] * gg[k] * ig[k] * (1 - ig[k])
					dzr[h+k] = dcr[k] * prev * fg[k] * (1 - fg[k])
					dzr[2*h+k] = dcr[k] * ig[k] * (1 - gg[k]*gg[k])
					dzr[3*h+k] = dhr[k] * tc[k] * og[k] * (1 - og[k])
					dcr[k] *= fg[k] // on to c_{t−1}
				}
			}
		}
		for i := range n {
			copy(dxw.Data[(i*T+t)*gh:(i*T+t+1)*gh], dz.Row(i))
		}
		tensor.SumRows(l.Bhh.Grad.Data, dz)
		tensor.Add(l.Bih.Grad.Data, l.Bih.Grad.Data, l.Bhh.Grad.Data)
		if t > 0 {
			tensor.Gemm(tensor.Trans, tensor.NoTrans, gh, h, n, 1, dz.Data, gh, l.hs[t-1].Data, h, 1, l.Whh.Grad.Data, h)
			tensor.GemmPacked(tensor.NoTrans, n, 1, dz.Data, gh, whh, 0, dhPrev.Data, h)
			dh, dhPrev = dhPrev, dh
		}
	}
	copy(l.Bhh.Grad.Data, l.Bih.Grad.Data)
	// Input weights and inputs, for all steps at once.
	tensor.Gemm(tensor.Trans, tensor.NoTrans, gh, l.In, n*T, 1, dxw.Data, gh, l.x.Data, l.In, 0, l.Wih.Grad.Data, l.In)
	if !needInput {
		return nil
	}
	dx := reuse(&l.dx, l.x.Shape...)
	tensor.Gemm(tensor.NoTrans, tensor.NoTrans, n*T, l.In, gh, 1, dxw.Data, gh, l.Wih.Value.Data, l.In, 0, dx.Data, l.In)
	return dx
}
