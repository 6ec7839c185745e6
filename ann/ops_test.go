package ann

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/energy"
	"github.com/neurite/neurite/tensor"
)

// TestCountOpsANN checks the MACs of networks without spikes against
// counts done by hand from the layer sizes.
func TestCountOpsANN(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want float64
	}{
		{"MLP 4-5-3", MLP(4, []int{5}, ReLU, 3, 0.5), 4*5 + 5*3},
		// conv 1→6 5×5 pad 2 on 28×28: 6·28·28·25; conv 6→16 5×5 on
		// 14×14: 16·10·10·150; dense 400-120-84-10.
		{"LeNet-5", LeNet5(), 6*28*28*25 + 16*10*10*150 + 400*120 + 120*84 + 84*10},
		// 28 steps of 4 gates × 8 units × (28 inputs + 8 recurrent).
		{"LSTM 28×28-8-10", RowSequence(true, 8), 28*4*8*(28+8) + 8*10},
		{"RNN 28×28-8-10", RowSequence(false, 8), 28*1*8*(28+8) + 8*10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, err := tt.spec.Build(1)
			if err != nil {
				t.Fatal(err)
			}
			x := tensor.New(3, tt.spec.Inputs)
			got, err := net.CountOps(x)
			if err != nil {
				t.Fatal(err)
			}
			if want := (energy.Ops{MACs: tt.want}); got != want {
				t.Errorf("CountOps = %+v, want %+v", got, want)
			}
			if net.Spiking() {
				t.Errorf("Spiking() = true for a network without LIF layers")
			}
		})
	}
	net, _ := MLP(784, []int{128}, ReLU, 10, 0).Build(1)
	got, _ := net.CountOps(tensor.New(1, 784))
	if got.MACs != float64(net.DenseMACs()) {
		t.Errorf("CountOps(MLP).MACs = %v, DenseMACs = %d", got.MACs, net.DenseMACs())
	}
}

// TestCountOpsSpikingByHand runs a network small enough to follow on
// paper: three inputs (1, 0.5, 0.05) over 4 steps into 2 LIF neurons
// (all weights 1, β = 0, θ = 1, no bias) read out by 3 leaky units.
func TestCountOpsSpikingByHand(t *testing.T) {
	build := func(c Coding) *Sequential {
		lif := &LIF{In: 3, Out: 2, Beta: 0, Threshold: 1, Slope: 25, W: newParam(2, 3), B: newParam(2)}
		for i := range lif.W.Value.Data {
			lif.W.Value.Data[i] = 1
		}
		leaky := &Leaky{In: 2, Out: 3, Beta: 0.9, W: newParam(3, 2), B: newParam(3)}
		return &Sequential{Layers: []Layer{&SpikeEncode{Steps: 4, Coding: c}, lif, leaky}}
	}
	x := tensor.FromData([]float32{1, 0.5, 0.05}, 1, 3)
	tests := []struct {
		coding Coding
		want   energy.Ops
	}{
		// Latency: input 0 fires at step ⌊0·3⌋ = 0, input 1 at ⌊0.5·3⌋ =
		// 1, input 2 (below 0.1) never: 2 input spikes, each to 2 LIF
		// neurons. Each LIF neuron: v₀ = 1 fires; v₁ = 1 − 1 = 0; v₂ = v₃
		// = 0: 2 spikes, each to 3 leaky units.
		{LatencyCoding, energy.Ops{InputSpikes: 2, Spikes: 2 + 2, SynapticEvents: 2*2 + 2*3}},
		// Direct: a constant current 1.55 into each LIF neuron, 3·2 MACs
		// once. v = 1.55 (fires), 0.55, 1.55 (fires), 0.55: 4 spikes, each
		// to 3 leaky units.
		{DirectCoding, energy.Ops{MACs: 3 * 2, Spikes: 4, SynapticEvents: 4 * 3}},
	}
	for _, tt := range tests {
		t.Run(string(tt.coding), func(t *testing.T) {
			net := build(tt.coding)
			got, err := net.CountOps(x)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("CountOps = %+v, want %+v", got, tt.want)
			}
			if !net.Spiking() {
				t.Errorf("Spiking() = false for a network with a LIF layer")
			}
		})
	}
}

// spikingStatsReference is the counter the CLI's train command used
// before CountOps (internal/cli/train.go, spikingStats), copied here with
// the dataset replaced by its feature matrix: CountOps must give its
// numbers exactly (spikes = Spikes, ops = SynapticEvents).
func spikingStatsReference(net *Sequential, X *tensor.Tensor) (spikes, ops float64, ok bool) {
	var lifs []*LIF
	var enc *SpikeEncode
	var fanOut []int // the width of each LIF layer's consumer
	for _, l := range net.Layers {
		switch l := l.(type) {
		case *LIF:
			if len(lifs) > 0 {
				fanOut = append(fanOut, l.Out)
			}
			lifs = append(lifs, l)
		case *Leaky:
			fanOut = append(fanOut, l.Out)
		case *SpikeEncode:
			enc = l
		}
	}
	if len(lifs) == 0 || enc == nil {
		return 0, 0, false
	}
	n, features := X.Rows(), X.Cols()
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		x := tensor.FromData(X.Data[lo*features:hi*features], hi-lo, features)
		h := x
		for _, l := range net.Layers {
			h = l.Forward(h, false)
			if l == Layer(enc) && enc.Coding != DirectCoding {
				n := 0
				for _, v := range h.Data {
					if v != 0 {
						n++
					}
				}
				spikes += float64(n)
				ops += float64(n * lifs[0].Out)
			}
		}
		for k, l := range lifs {
			spikes += float64(l.Spikes)
			if k < len(fanOut) {
				ops += float64(l.Spikes * fanOut[k])
			}
		}
	}
	return spikes / float64(n), ops / float64(n), true
}

// TestCountOpsMatchesSpikingStats compares CountOps with the CLI's former
// counter on networks of every coding and read-out, over more examples
// than one batch so that the batching of rate-coded spikes is exercised,
// and with a naive count of the nonzero outputs of every layer.
func TestCountOpsMatchesSpikingStats(t *testing.T) {
	const n, inputs, steps = 1100, 12, 6
	r := rand.New(rand.NewPCG(3, 4))
	x := tensor.New(n, inputs)
	for i := range x.Data {
		x.Data[i] = float32(r.Float64())
	}
	for _, leaky := range []bool{false, true} {
		for _, c := range []Coding{RateCoding, LatencyCoding, DirectCoding} {
			name := string(c)
			spec := SpikingMLP(inputs, []int{9, 7}, 4, steps, c)
			if leaky {
				spec, name = SpikingMLPLeaky(inputs, []int{9, 7}, 4, steps, c), name+"/leaky"
			}
			t.Run(name, func(t *testing.T) {
				build := func() *Sequential {
					net, err := spec.Build(5)
					if err != nil {
						t.Fatal(err)
					}
					for _, p := range net.Params() {
						for i := range p.Value.Data {
							p.Value.Data[i] *= 3 // enough drive to spike
						}
					}
					return net
				}
				ref, mine, naive := build(), build(), build()
				wantSpikes, wantOps, ok := spikingStatsReference(ref, x)
				if !ok {
					t.Fatal("reference found no spiking layers")
				}
				got, err := mine.CountOps(x)
				if err != nil {
					t.Fatal(err)
				}
				if got.Spikes != wantSpikes || got.SynapticEvents != wantOps {
					t.Errorf("CountOps = %+v; spikingStats: %v spikes, %v events", got, wantSpikes, wantOps)
				}
				if got.Spikes == got.InputSpikes {
					t.Errorf("no spikes: the test network is too quiet to test anything")
				}
				if want := naiveCount(naive, x); got != want {
					t.Errorf("CountOps = %+v, naive count %+v", got, want)
				}
			})
		}
	}
}

// naiveCount counts by looking at every layer's output: nonzero entries
// of spike tensors, times the width of the next layer with weights.
func naiveCount(net *Sequential, x *tensor.Tensor) energy.Ops {
	var total energy.Ops
	n, f := x.Rows(), x.Cols()
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		outs := make([]*tensor.Tensor, len(net.Layers))
		h := tensor.FromData(x.Data[lo*f:hi*f], hi-lo, f)
		for i, l := range net.Layers {
			h = l.Forward(h, false)
			outs[i] = h.Clone()
		}
		width := func(i int) int { // neurons of the first weighted layer after i
			for _, l := range net.Layers[i+1:] {
				switch l := l.(type) {
				case *LIF:
					return l.Out
				case *Leaky:
					return l.Out
				}
			}
			return 0
		}
		for i, l := range net.Layers {
			switch l := l.(type) {
			case *SpikeEncode:
				if l.Coding == DirectCoding {
					first := net.Layers[i+1].(*LIF)
					total.MACs += float64((hi - lo) * first.In * first.Out)
					continue
				}
				k := float64(countNonZero(outs[i].Data))
				total.Spikes += k
				total.InputSpikes += k
				total.SynapticEvents += k * float64(width(i))
			case *LIF:
				k := float64(countNonZero(outs[i].Data))
				total.Spikes += k
				if i+1 < len(net.Layers) {
					if _, counted := net.Layers[i+1].(*SpikeCount); !counted {
						total.SynapticEvents += k * float64(width(i))
					}
				}
			}
		}
	}
	return energy.Ops{MACs: total.MACs / float64(n), SynapticEvents: total.SynapticEvents / float64(n),
		Spikes: total.Spikes / float64(n), InputSpikes: total.InputSpikes / float64(n)}
}

func TestCountOpsErrors(t *testing.T) {
	net, _ := MLP(4, nil, ReLU, 2, 0).Build(1)
	if _, err := net.CountOps(tensor.New(0, 4)); err == nil || !strings.Contains(err.Error(), "no examples") {
		t.Errorf("CountOps(0 examples) = %v, want an error saying there are none", err)
	}
	odd := &Sequential{Layers: []Layer{net.Layers[0], unknownLayer{}}}
	if _, err := odd.CountOps(tensor.New(1, 4)); err == nil || !strings.Contains(err.Error(), "layer 1 (mystery)") {
		t.Errorf("CountOps(unknown layer) = %v, want an error naming layer 1 (mystery)", err)
	}
}

type unknownLayer struct{}

func (unknownLayer) Forward(x *tensor.Tensor, train bool) *tensor.Tensor       { return x }
func (unknownLayer) Backward(dy *tensor.Tensor, needInput bool) *tensor.Tensor { return dy }
func (unknownLayer) Params() []*Param                                          { return nil }
func (unknownLayer) Kind() string                                              { return "mystery" }

// relay is a layer type the package does not know: it passes its input
// on and charges one MAC per example, so CountOps must take its count
// from the layer and carry spikes in flight past it.
type relay struct{ unknownLayer }

func (relay) CountOps(in OpInput) (energy.Ops, Flow) {
	return energy.Ops{MACs: float64(in.X.Shape[0])}, in.Flow
}

func TestCountOpsOwnLayer(t *testing.T) {
	x := tensor.FromData([]float32{1, 0.5, 0.05}, 1, 3)
	for _, c := range []Coding{LatencyCoding, DirectCoding} {
		t.Run(string(c), func(t *testing.T) {
			net, err := SpikingMLP(3, []int{4}, 2, 5, c).Build(1)
			if err != nil {
				t.Fatal(err)
			}
			want, err := net.CountOps(x)
			if err != nil {
				t.Fatal(err)
			}
			want.MACs++
			net.Layers = append(net.Layers[:1:1], append([]Layer{relay{}}, net.Layers[1:]...)...)
			got, err := net.CountOps(x)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("CountOps(with relay after spike-encode) = %+v, want %+v", got, want)
			}
		})
	}
}

func TestDenseMACs(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want int
	}{
		{"MLP 4-5-3", MLP(4, []int{5}, ReLU, 3, 0.5), 4*5 + 5*3},
		{"LeNet-5", LeNet5(), 400*120 + 120*84 + 84*10}, // convolutions are not dense
		{"spiking", SpikingMLP(4, []int{5}, 3, 6, RateCoding), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, err := tt.spec.Build(1)
			if err != nil {
				t.Fatal(err)
			}
			if got := net.DenseMACs(); got != tt.want {
				t.Errorf("DenseMACs() = %d, want %d", got, tt.want)
			}
		})
	}

	// DenseMACs runs nothing: between a training Forward and its
	// Backward it leaves the gradients as they would have been.
	grads := func(between func(*Sequential)) []float32 {
		net, _ := MLP(4, []int{5}, ReLU, 3, 0).Build(1)
		x := tensor.FromData([]float32{1, 2, 3, 4, -1, 0, 1, 2}, 2, 4)
		y := net.Forward(x, true)
		between(net)
		dy := tensor.New(y.Shape...)
		for i := range dy.Data {
			dy.Data[i] = 1
		}
		net.Backward(dy)
		var g []float32
		for _, p := range net.Params() {
			g = append(g, p.Grad.Data...)
		}
		return g
	}
	want := grads(func(*Sequential) {})
	got := grads(func(net *Sequential) { net.DenseMACs() })
	if !slices.Equal(got, want) {
		t.Errorf("gradients after DenseMACs = %v, want %v", got, want)
	}
}
