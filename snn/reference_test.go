package snn

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

// Reference figures from Brian2 2.5.1 on the same models, mean of seeds 1–5
// (shared/peers/README.md, "Spiking networks"). The bar is rates
// within 10% averaged over seeds; CV(ISI) is checked loosely (±0.2) since
// it is a noisier statistic.
var brian2Reference = []struct {
	name          string
	build         func(seed uint64) (*Network, error)
	rateE, rateI  float64 // Hz
	cvE           float64
	rateTolerance float64 // relative
	cvTolerance   float64 // absolute
}{
	{"COBA", func(s uint64) (*Network, error) { return COBA(4000, s) }, 20.1, 19.4, 1.5, 0.10, 0.2},
	{"CUBA", func(s uint64) (*Network, error) { return CUBA(4000, s) }, 5.6, 5.6, 0.5, 0.10, 0.2},
}

func TestBenchmarksMatchBrian2(t *testing.T) {
	for _, ref := range brian2Reference {
		t.Run(ref.name, func(t *testing.T) {
			var rateE, rateI, cv float64
			const seeds = 3
			for seed := uint64(1); seed <= seeds; seed++ {
				net, err := ref.build(seed)
				if err != nil {
					t.Fatal(err)
				}
				sim, err := NewSim(net, SimOptions{Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				exc, inh := net.Populations[0], net.Populations[1]
				mon, err := sim.MonitorSpikes(exc)
				if err != nil {
					t.Fatal(err)
				}
				if err := sim.Run(context.Background(), 1000, nil); err != nil {
					t.Fatal(err)
				}
				rateE += float64(sim.SpikeCount(exc)) / float64(exc.Len()) / seeds
				rateI += float64(sim.SpikeCount(inh)) / float64(inh.Len()) / seeds
				c, _ := mon.MeanCV(100)
				cv += c / seeds
			}
			t.Logf("%s: exc %.2f Hz, inh %.2f Hz, CV(ISI) %.2f (Brian2: %.1f, %.1f, %.1f)", ref.name, rateE, rateI, cv, ref.rateE, ref.rateI, ref.cvE)
			if math.Abs(rateE/ref.rateE-1) > ref.rateTolerance {
				t.Errorf("excitatory rate %.2f Hz, Brian2 %.1f Hz ± %.0f%%", rateE, ref.rateE, 100*ref.rateTolerance)
			}
			if math.Abs(rateI/ref.rateI-1) > ref.rateTolerance {
				t.Errorf("inhibitory rate %.2f Hz, Brian2 %.1f Hz ± %.0f%%", rateI, ref.rateI, 100*ref.rateTolerance)
			}
			if math.Abs(cv-ref.cvE) > ref.cvTolerance {
				t.Errorf("CV(ISI) of exc cells %.2f, Brian2 %.1f ± %.1f", cv, ref.cvE, ref.cvTolerance)
			}
		})
	}
}

// TestIzhikevichMatchesBrian2 checks the Izhikevich (2003) network against
// Brian2 2.5.1 (shared/peers/README.md): 7.4 Hz with the paper's two half
// steps, 9.0 Hz with forward Euler, means over seeds, within 10%.
func TestIzhikevichMatchesBrian2(t *testing.T) {
	for _, tc := range []struct {
		scheme IzhikevichScheme
		want   float64
	}{{IzhikevichHalfSteps, 7.4}, {IzhikevichEuler, 9.0}} {
		var rate float64
		const seeds = 3
		for seed := uint64(1); seed <= seeds; seed++ {
			net, err := IzhikevichNetwork(seed, tc.scheme)
			if err != nil {
				t.Fatal(err)
			}
			sim, err := NewSim(net, SimOptions{Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			if err := sim.Run(context.Background(), 1000, nil); err != nil {
				t.Fatal(err)
			}
			rate += float64(sim.SpikeCount(net.Populations[0])+sim.SpikeCount(net.Populations[1])) / 1000 / seeds
		}
		t.Logf("Izhikevich scheme %d: %.2f Hz (Brian2 %.1f Hz)", tc.scheme, rate, tc.want)
		if math.Abs(rate/tc.want-1) > 0.10 {
			t.Errorf("scheme %d: %.2f Hz, Brian2 %.1f Hz ± 10%%", tc.scheme, rate, tc.want)
		}
	}
}

// TestBrunelMatchesBrian2 checks Brunel (2000) panel A, the synchronous
// regular regime, at full size against Brian2 2.5.1 standalone run on this
// machine (brian2_brunel.py --panel A --seed 1 --duration-ms 300): 297.7 Hz.
// The rate hinges on Brian2's rule that input to a refractory neuron's v is
// lost: delivering it instead gives ~494 Hz.
func TestBrunelMatchesBrian2(t *testing.T) {
	net, err := Brunel(10000, BrunelPanels["A"], 1)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSim(net, SimOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Run(context.Background(), 300, nil); err != nil {
		t.Fatal(err)
	}
	var spikes int64
	for _, p := range net.Populations {
		spikes += sim.SpikeCount(p)
	}
	rate := float64(spikes) / float64(net.Neurons()) / 0.3
	t.Logf("Brunel A: %.1f Hz (Brian2 297.7 Hz)", rate)
	if math.Abs(rate/297.7-1) > 0.10 {
		t.Errorf("Brunel panel A rate %.1f Hz, Brian2 297.7 Hz ± 10%%", rate)
	}
}

// TestThreadsGiveSameSpikes runs networks with delays, Poisson input and
// short-term plasticity on 1, 2, 3 and 7 workers and requires identical
// spike trains.
func TestThreadsGiveSameSpikes(t *testing.T) {
	builds := map[string]func() (*Network, error){
		"coba": func() (*Network, error) { return COBA(1000, 3) },
		"brunel": func() (*Network, error) {
			return Brunel(800, BrunelPanels["C"], 3)
		},
		"cuba+stp": func() (*Network, error) {
			net, err := CUBA(1000, 4)
			if err == nil {
				net.Projections[0].STP = &STP{U: 0.5, TauD: 100, TauF: 50}
			}
			return net, err
		},
	}
	for name, build := range builds {
		t.Run(name, func(t *testing.T) {
			var want []int32
			for _, threads := range []int{1, 2, 3, 7} {
				net, err := build()
				if err != nil {
					t.Fatal(err)
				}
				sim, err := NewSim(net, SimOptions{Threads: threads, Seed: 9})
				if err != nil {
					t.Fatal(err)
				}
				var got []int32
				var mons []*SpikeMonitor
				for _, p := range net.Populations {
					m, _ := sim.MonitorSpikes(p)
					mons = append(mons, m)
				}
				if err := sim.Run(context.Background(), 300, nil); err != nil {
					t.Fatal(err)
				}
				for _, m := range mons {
					got = append(got, m.Steps...)
					got = append(got, m.Index...)
				}
				if len(got) < 100 {
					t.Fatalf("only %d spikes: the network is too quiet to test anything", len(got)/2)
				}
				if want == nil {
					want = got
				} else if !slices.Equal(got, want) {
					t.Fatalf("%d threads: spikes differ from 1 thread (%d vs %d values)", threads, len(got), len(want))
				}
			}
		})
	}
}

// TestExportAndRate writes a monitor as CSV and NPY and reads both back,
// and checks the population rate against a hand count.
func TestExportAndRate(t *testing.T) {
	src, _ := NewSpikeTrains([][]float64{{1, 3.5}, {2}})
	net := &Network{DT: 0.5}
	p := net.AddPopulation("src", src)
	sim, _ := NewSim(net, SimOptions{})
	mon, _ := sim.MonitorSpikes(p)
	if err := sim.Run(context.Background(), 5, nil); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	if err := mon.WriteCSV(&csv, true); err != nil {
		t.Fatal(err)
	}
	if want := "population,neuron,time_ms\nsrc,0,1\nsrc,1,2\nsrc,0,3.5\n"; csv.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv.String(), want)
	}
	var npy bytes.Buffer
	if err := mon.WriteNPY(&npy); err != nil {
		t.Fatal(err)
	}
	b := npy.Bytes()
	hlen := int(binary.LittleEndian.Uint16(b[8:10]))
	header := string(b[10 : 10+hlen])
	if !strings.HasPrefix(string(b), "\x93NUMPY\x01\x00") || (10+hlen)%64 != 0 || !strings.Contains(header, "'shape': (3, 2)") {
		t.Fatalf("NPY header %q (length %d) is not a 64-aligned v1.0 header of shape (3, 2)", header, hlen)
	}
	data := b[10+hlen:]
	var got []float64
	for k := 0; k+8 <= len(data); k += 8 {
		got = append(got, math.Float64frombits(binary.LittleEndian.Uint64(data[k:])))
	}
	if want := []float64{0, 1, 1, 2, 0, 3.5}; !slices.Equal(got, want) {
		t.Errorf("NPY data %v, want %v", got, want)
	}
	// Two spikes fall in [0, 2.5) ms and one in [2.5, 5), from 2 neurons.
	rate := mon.PopulationRate(2.5, 5)
	if want := []float64{400, 200}; !slices.Equal(rate, want) { // spikes / neurons / 2.5 ms
		t.Errorf("PopulationRate = %v, want %v", rate, want)
	}
}
