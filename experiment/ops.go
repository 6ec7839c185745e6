package experiment

import (
	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
)

// spikingStats runs a spiking network (spike-encode and LIF layers) over
// d and returns its spikes and synaptic events (each spike times the
// fan-out of the neuron or input that fired) per example; ok is false for
// other networks. Direct coding feeds currents, not spikes, so its input
// costs no events.
func spikingStats(net *ann.Sequential, d *data.Dataset) (spikes, ops float64, ok bool) {
	var lifs []*ann.LIF
	var enc *ann.SpikeEncode
	var fanOut []int // the width of each LIF layer's consumer
	for _, l := range net.Layers {
		switch l := l.(type) {
		case *ann.LIF:
			if len(lifs) > 0 {
				fanOut = append(fanOut, l.Out)
			}
			lifs = append(lifs, l)
		case *ann.Leaky:
			fanOut = append(fanOut, l.Out)
		case *ann.SpikeEncode:
			enc = l
		}
	}
	if len(lifs) == 0 || enc == nil {
		return 0, 0, false
	}
	for lo := 0; lo < d.Len(); lo += 500 {
		hi := min(lo+500, d.Len())
		x := tensor.FromData(d.X.Data[lo*d.Features():hi*d.Features()], hi-lo, d.Features())
		h := x
		for _, l := range net.Layers {
			h = l.Forward(h, false)
			if l == ann.Layer(enc) && enc.Coding != ann.DirectCoding {
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
	return spikes / float64(d.Len()), ops / float64(d.Len()), true
}
