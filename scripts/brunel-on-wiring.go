//go:build ignore

// brunel-on-wiring runs neurite's Brunel (2000) preset on a wiring that
// Brian2 drew, so that the two simulators can be compared network for
// network: the rate of a Brunel network depends on its random wiring by
// several per cent (more than the simulators differ), and only a shared
// wiring separates the simulator from the draw.
//
//	go run scripts/brunel-on-wiring.go -wiring DIR -panel C -seed 1 -duration-ms 2000
//
// DIR holds exc_i.npy, exc_j.npy, inh_i.npy and inh_j.npy: the presynaptic
// index (within the excitatory or inhibitory group) and the postsynaptic
// index (within all N_E + N_I neurons) of every synapse of Brian2's
// Synapses exc and inh, as int32 (scripts/validate-vs-brian2.sh writes
// them). Everything else — parameters, initial state, the Poisson drive
// (from -seed) — is the preset's. Prints one JSON line.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/neurite/neurite/snn"
)

func main() {
	dir := flag.String("wiring", "", "directory with exc_i.npy, exc_j.npy, inh_i.npy, inh_j.npy")
	panel := flag.String("panel", "A", "Brunel panel: A, B, C or D")
	seed := flag.Uint64("seed", 1, "seed of the Poisson drive")
	nE := flag.Int("n", 10000, "excitatory neurons")
	durMS := flag.Float64("duration-ms", 1000, "simulated time, ms")
	threads := flag.Int("threads", 1, "worker threads")
	flag.Parse()
	if err := run(*dir, *panel, *seed, *nE, *durMS, *threads); err != nil {
		fmt.Fprintln(os.Stderr, "brunel-on-wiring:", err)
		os.Exit(1)
	}
}

func run(dir, panel string, seed uint64, nE int, durMS float64, threads int) error {
	p, ok := snn.BrunelPanels[panel]
	if !ok {
		return fmt.Errorf("panel %q: want A, B, C or D", panel)
	}
	net, err := snn.Brunel(nE, p, seed)
	if err != nil {
		return err
	}
	exc, inh := net.Populations[0], net.Populations[1]
	byName := map[string]*snn.Projection{}
	for _, pr := range net.Projections {
		byName[pr.Name] = pr
	}
	synapses := 0
	for _, src := range []struct {
		name string
		pre  *snn.Population
	}{{"exc", exc}, {"inh", inh}} {
		pre, err := readInt32(filepath.Join(dir, src.name+"_i.npy"))
		if err != nil {
			return err
		}
		post, err := readInt32(filepath.Join(dir, src.name+"_j.npy"))
		if err != nil {
			return err
		}
		if len(pre) != len(post) {
			return fmt.Errorf("%s: %d presynaptic and %d postsynaptic indices", src.name, len(pre), len(post))
		}
		synapses += len(pre)
		// Brian2's postsynaptic index runs over all neurons, excitatory
		// first: split it into the preset's two projections.
		rows := [2][][]uint32{make([][]uint32, src.pre.Len()), make([][]uint32, src.pre.Len())}
		for k := range pre {
			i, j := int(pre[k]), int(post[k])
			if i < 0 || i >= src.pre.Len() || j < 0 || j >= exc.Len()+inh.Len() {
				return fmt.Errorf("%s: synapse %d joins %d to %d, outside the network", src.name, k, i, j)
			}
			if j < exc.Len() {
				rows[0][i] = append(rows[0][i], uint32(j))
			} else {
				rows[1][i] = append(rows[1][i], uint32(j-exc.Len()))
			}
		}
		for t, post := range []string{"exc", "inh"} {
			pr := byName[src.name+"-"+post]
			pr.RowPtr = make([]int, src.pre.Len()+1)
			pr.Targets = pr.Targets[:0]
			for i, row := range rows[t] {
				slices.Sort(row)
				pr.Targets = append(pr.Targets, row...)
				pr.RowPtr[i+1] = len(pr.Targets)
			}
		}
	}
	sim, err := snn.NewSim(net, snn.SimOptions{Threads: threads, Seed: seed})
	if err != nil {
		return err
	}
	if err := sim.Run(context.Background(), durMS, nil); err != nil {
		return err
	}
	rate := func(pop *snn.Population) float64 {
		return float64(sim.SpikeCount(pop)) / float64(pop.Len()) / (durMS / 1000)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"panel": panel, "seed": seed, "duration_ms": durMS, "synapses": synapses,
		"rate_e_hz": rate(exc), "rate_i_hz": rate(inh),
	})
}

// shapeRE finds the length in a one-dimensional .npy header.
var shapeRE = regexp.MustCompile(`'shape':\s*\((\d+),?\)`)

// readInt32 reads a one-dimensional little-endian int32 .npy file.
func readInt32(path string) ([]int32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 10 || string(b[1:6]) != "NUMPY" {
		return nil, fmt.Errorf("%s: not a .npy file", path)
	}
	var hl, start int
	switch b[6] {
	case 1:
		hl, start = int(binary.LittleEndian.Uint16(b[8:10])), 10
	default:
		hl, start = int(binary.LittleEndian.Uint32(b[8:12])), 12
	}
	if start+hl > len(b) {
		return nil, fmt.Errorf("%s: truncated header", path)
	}
	hdr := string(b[start : start+hl])
	if !regexp.MustCompile(`'descr':\s*'<i4'`).MatchString(hdr) {
		return nil, fmt.Errorf("%s: want little-endian int32, header %q", path, hdr)
	}
	m := shapeRE.FindStringSubmatch(hdr)
	if m == nil {
		return nil, fmt.Errorf("%s: want a one-dimensional array, header %q", path, hdr)
	}
	n, _ := strconv.Atoi(m[1])
	data := b[start+hl:]
	if len(data) != 4*n {
		return nil, fmt.Errorf("%s: %d bytes of data for %d values", path, len(data), n)
	}
	out := make([]int32, n)
	for k := range out {
		out[k] = int32(binary.LittleEndian.Uint32(data[4*k:]))
	}
	return out, nil
}
