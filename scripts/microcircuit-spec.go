//go:build ignore

// microcircuit-spec prints the network spec of `neurite sim microcircuit`
// (snn.MicrocircuitSpec) at a scale and input as JSON, the file `neurite
// sim SPEC` runs and scripts/peers/brian2_microcircuit.py translates for
// Brian2, so that both simulate the same network.
//
//	go run scripts/microcircuit-spec.go -scale 0.5 -input dc > mc.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/neurite/neurite/snn"
)

func main() {
	scale := flag.Float64("scale", 1, "fraction of the full model's neurons and in-degrees, in (0, 1]")
	input := flag.String("input", "poisson", "background: poisson or dc")
	flag.Parse()
	spec, err := snn.MicrocircuitSpec(snn.MicrocircuitOptions{Scale: *scale, Input: *input})
	if err != nil {
		fmt.Fprintln(os.Stderr, "microcircuit-spec:", err)
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(spec); err != nil {
		fmt.Fprintln(os.Stderr, "microcircuit-spec:", err)
		os.Exit(1)
	}
}
