package plasticity

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/neurite/neurite/snn"
)

// The rules a network spec can name in a projection's plasticity block;
// params set the rule's exported fields by name (APlus, TauPlus, …).
func init() {
	register := func(name string, fresh func() snn.Plasticity) {
		snn.RegisterPlasticity(name, func(params json.RawMessage) (snn.Plasticity, error) {
			rule := fresh()
			if len(bytes.TrimSpace(params)) > 0 {
				dec := json.NewDecoder(bytes.NewReader(params))
				dec.DisallowUnknownFields()
				if err := dec.Decode(rule); err != nil {
					return nil, fmt.Errorf("params: %w", err)
				}
			}
			return rule, nil
		})
	}
	register("stdp", func() snn.Plasticity { return &STDP{} })
	register("triplet", func() snn.Plasticity { return &Triplet{} })
	register("rate-hebb", func() snn.Plasticity { return &RateHebb{} })
	register("scaling", func() snn.Plasticity { return &Scaling{} })
	register("structural", func() snn.Plasticity { return &Structural{} })
}

// UnmarshalJSON reads a growth rule by name: random, distance or
// activity.
func (g *Growth) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("growth: want random, distance or activity")
	}
	for k, n := range growthNames {
		if n == name {
			*g = Growth(k)
			return nil
		}
	}
	return fmt.Errorf("growth %q: want random, distance or activity", name)
}

var growthNames = []string{GrowRandom: "random", GrowDistance: "distance", GrowActivity: "activity"}
