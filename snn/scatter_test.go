package snn

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestScatterAdd holds scatterAdd (the amd64 kernel, or the Go loop with
// -tags purego) to scatterAddGo bit for bit, over batches of every size
// from 0 to past scatterBatch, with repeated indices (whose additions
// must happen in order) and stale entries past the batch.
func TestScatterAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 15, 16, 17, 100, scatterBatch} {
		for _, size := range []int{1, 7, 5000} {
			want := make([]float32, size)
			for i := range want {
				want[i] = float32(r.NormFloat64())
			}
			got := append([]float32(nil), want...)
			idx := make([]uint32, n+scatterAhead)
			w := make([]float32, n)
			for k := range idx {
				idx[k] = uint32(r.IntN(size))
				if k >= n {
					idx[k] = math.MaxUint32 // stale: a prefetch of it must do nothing
				}
			}
			for k := range w {
				w[k] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(6)-3)))
			}
			scatterAddGo(want, idx, w)
			scatterAdd(got, idx, w)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n=%d size=%d: buf[%d] = %v, want %v", n, size, i, got[i], want[i])
				}
			}
		}
	}
}

// spikeDigest returns the SHA-256 of every spike of net run for ms on
// threads workers (population by population: steps, then indices).
func spikeDigest(t *testing.T, net *Network, threads int, ms float64) string {
	t.Helper()
	h := sha256.New()
	var b []byte
	for _, s := range spikesOf(t, net, threads, ms) {
		b = b[:0]
		for _, v := range s {
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDeliveryUnchanged pins the spikes of a tenth of the microcircuit
// (compact synapses with per-synapse weights and delays, delivered in
// batches by scatterAdd) to those the engine fired before batches, when
// each event was added as it was decoded (digests taken then), on 1 and 2
// workers.
func TestDeliveryUnchanged(t *testing.T) {
	want := map[string]string{
		"poisson": "e71e7be2905c7afb6e925e485be190368c35d786423b7322d15a3073a417ef3d",
		"dc":      "b9db8f005a630b729da1d75e4f67f0a17da95789b2f5c58073d57cc8c3a060d3",
	}
	for _, input := range []string{"poisson", "dc"} {
		for _, threads := range []int{1, 2} {
			net, err := Microcircuit(MicrocircuitOptions{Scale: 0.1, Input: input}, 3, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := spikeDigest(t, net, threads, 150); got != want[input] {
				t.Errorf("%s, %d threads: spikes %s, want %s", input, threads, got, want[input])
			}
		}
	}
}

// TestPackedMatchesPlain holds the batched delivery of compact synapses
// to the engine's plain per-synapse loop over the same synapses
// (Projection.Expand: plain arrays holding the same targets, delays and
// quantised weights), spike for spike, on 1 and 2 workers: per-synapse
// weights and delays (the microcircuit at 5% scale), a shared weight with
// per-synapse delays (Brunel's network with delays drawn from 0.5 to 3 ms),
// and one delay per projection with a shared weight (Brunel's network) and
// with per-synapse weights.
func TestPackedMatchesPlain(t *testing.T) {
	cases := []struct {
		name   string
		build  func() (*Network, error)
		delays bool // per-synapse delays (else one per projection)
	}{
		{"microcircuit", func() (*Network, error) {
			return Microcircuit(MicrocircuitOptions{Scale: 0.05}, 4, 0)
		}, true},
		{"brunel-delays", func() (*Network, error) {
			net, err := Brunel(800, BrunelPanels["C"], 4)
			if err != nil {
				return nil, err
			}
			r := rand.New(rand.NewPCG(5, 6))
			for _, p := range net.Projections {
				p.DelaySteps = make([]uint16, p.Synapses())
				for s := range p.DelaySteps {
					p.DelaySteps[s] = uint16(5 + r.IntN(26))
				}
			}
			net.Compact()
			return net, nil
		}, true},
		{"brunel", func() (*Network, error) {
			net, err := Brunel(800, BrunelPanels["C"], 4)
			if err != nil {
				return nil, err
			}
			net.Compact()
			return net, nil
		}, false},
		{"brunel-weights", func() (*Network, error) {
			net, err := Brunel(800, BrunelPanels["C"], 4)
			if err != nil {
				return nil, err
			}
			r := rand.New(rand.NewPCG(7, 8))
			for _, p := range net.Projections {
				p.Weights = make([]float32, p.Synapses())
				for s := range p.Weights {
					p.Weights[s] = p.Weight * float32(0.5+r.Float64())
				}
			}
			net.Compact()
			return net, nil
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, threads := range []int{1, 2} {
				packed, err := tc.build()
				if err != nil {
					t.Fatal(err)
				}
				plain, err := tc.build()
				if err != nil {
					t.Fatal(err)
				}
				for k, p := range plain.Projections {
					if !p.Compacted() || packed.Projections[k].hasDelays() != tc.delays {
						t.Fatalf("projection %s: compact %v, per-synapse delays %v", p.Name, p.Compacted(), packed.Projections[k].hasDelays())
					}
					p.Expand()
				}
				got, want := spikesOf(t, packed, threads, 150), spikesOf(t, plain, threads, 150)
				n := 0
				for k := range want {
					n += len(want[k])
					if !slices.Equal(got[k], want[k]) {
						t.Fatalf("%d threads: compact synapses fire other spikes than plain ones (series %d: %d vs %d values)", threads, k, len(got[k]), len(want[k]))
					}
				}
				if n < 1000 {
					t.Fatalf("only %d values: too quiet to test anything", n)
				}
			}
		})
	}
}

// BenchmarkScatterAdd adds batches of events at random places in buffers
// of 1 MB (in cache) and 28 MB (the microcircuit's delay buffers), through
// scatterAdd and through the Go loop, and reports nanoseconds per event:
// the floor of the microcircuit's spike delivery on this machine (on
// Linux also the CPU time per event, which a loaded machine inflates less).
//
//	go test -run - -bench ScatterAdd -count 5 ./snn/
func BenchmarkScatterAdd(b *testing.B) {
	for _, mb := range []int{1, 28} {
		buf := make([]float32, mb<<20/4)
		r := rand.New(rand.NewPCG(1, 2))
		const batches = 256
		idx := make([][]uint32, batches)
		w := make([]float32, scatterBatch)
		for k := range idx {
			idx[k] = make([]uint32, scatterBatch+scatterAhead)
			for i := range idx[k] {
				idx[k][i] = uint32(r.IntN(len(buf)))
			}
		}
		for _, kernel := range []string{"scatterAdd", "go"} {
			b.Run(fmt.Sprintf("MB=%d/%s", mb, kernel), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				events := 0
				c0 := threadCPU()
				for b.Loop() {
					for _, x := range idx {
						if kernel == "go" {
							scatterAddGo(buf, x, w)
						} else {
							scatterAdd(buf, x, w)
						}
					}
					events += batches * scatterBatch
				}
				b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(events), "ns/event")
				if cpu := threadCPU() - c0; cpu > 0 {
					b.ReportMetric(cpu.Seconds()*1e9/float64(events), "cpu-ns/event")
				}
			})
		}
	}
}
