//go:build ignore

// izhikevich-scheme runs the Izhikevich (2003) network of `neurite sim
// izhikevich` with either integration scheme and writes its spikes as
// `neurite sim --out` does, for scripts/validate-vs-brian2.sh --suite: the
// preset integrates with net.m's two half steps of v, and the command line
// has no switch for forward Euler (Brian2's Izhikevich_2003.py example).
//
//	go run scripts/izhikevich-scheme.go -scheme euler -seed 1 -duration-ms 1000 -out DIR
//
// DIR receives spikes_exc.npy and spikes_inh.npy (float64 rows: neuron,
// time in ms).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/neurite/neurite/snn"
)

func main() {
	scheme := flag.String("scheme", "euler", "euler or halfsteps")
	seed := flag.Uint64("seed", 1, "seed of the weights, cell parameters and noise")
	durMS := flag.Float64("duration-ms", 1000, "simulated time, ms")
	out := flag.String("out", "", "directory for spikes_exc.npy and spikes_inh.npy")
	flag.Parse()
	if err := run(*scheme, *seed, *durMS, *out); err != nil {
		fmt.Fprintln(os.Stderr, "izhikevich-scheme:", err)
		os.Exit(1)
	}
}

func run(scheme string, seed uint64, durMS float64, out string) error {
	schemes := map[string]snn.IzhikevichScheme{"euler": snn.IzhikevichEuler, "halfsteps": snn.IzhikevichHalfSteps}
	sc, ok := schemes[scheme]
	if !ok {
		return fmt.Errorf("-scheme %q: want euler or halfsteps", scheme)
	}
	if out == "" {
		return fmt.Errorf("-out: missing")
	}
	net, err := snn.IzhikevichNetwork(seed, sc)
	if err != nil {
		return err
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: 1, Seed: seed})
	if err != nil {
		return err
	}
	var mons []*snn.SpikeMonitor
	for _, p := range net.Populations {
		m, err := sim.MonitorSpikes(p)
		if err != nil {
			return err
		}
		mons = append(mons, m)
	}
	if err := sim.Run(context.Background(), durMS, nil); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, m := range mons {
		f, err := os.Create(filepath.Join(out, "spikes_"+m.Pop.Name+".npy"))
		if err != nil {
			return err
		}
		if err := m.WriteNPY(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
