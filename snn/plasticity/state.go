package plasticity

import (
	"encoding/json"
	"fmt"

	"github.com/neurite/neurite/snn"
)

// The rules' state for snn.Sim.SaveState: the traces (the synapses'
// memory of recent spikes), and for Structural its random generator's
// position, each neuron's last spike and the history of its rounds. The
// column index is rebuilt from the rows, not saved.

// StateVars lists the pre- and postsynaptic traces.
func (r *STDP) StateVars() []snn.StateVar {
	return []snn.StateVar{{Name: "pre", Ptr: &r.pre.v}, {Name: "post", Ptr: &r.post.v}}
}

// StateVars lists the four traces.
func (r *Triplet) StateVars() []snn.StateVar {
	return []snn.StateVar{{Name: "r1", Ptr: &r.r1.v}, {Name: "r2", Ptr: &r.r2.v}, {Name: "o1", Ptr: &r.o1.v}, {Name: "o2", Ptr: &r.o2.v}}
}

// StateVars lists the rate traces.
func (r *RateHebb) StateVars() []snn.StateVar {
	return []snn.StateVar{{Name: "pre", Ptr: &r.pre.v, Resizable: true}, {Name: "post", Ptr: &r.post.v, Resizable: true}}
}

// StateVars lists the postsynaptic rate trace.
func (r *Scaling) StateVars() []snn.StateVar {
	return []snn.StateVar{{Name: "post", Ptr: &r.post.v}}
}

// StateVars lists the generator, each presynaptic neuron's last spike,
// the rate traces and the history.
func (r *Structural) StateVars() []snn.StateVar {
	return []snn.StateVar{{Name: "rng", Ptr: r.src}, {Name: "last_spike", Ptr: &r.lastSpike},
		{Name: "pre", Ptr: &r.pre.v}, {Name: "post", Ptr: &r.post.v}, {Name: "history", Ptr: rounds{&r.History}}}
}

// rounds saves a history as JSON (float64 times come back exactly).
type rounds struct{ h *[]Round }

func (r rounds) MarshalBinary() ([]byte, error) { return json.Marshal(*r.h) }

func (r rounds) UnmarshalBinary(b []byte) error { return json.Unmarshal(b, r.h) }

// StateVars lists each rule's state, prefixed by its position ("0/pre").
// A rule that does not implement snn.Stateful gives a variable with no
// storage, named after it, which SaveState refuses.
func (c Chain) StateVars() []snn.StateVar {
	var vars []snn.StateVar
	for k, r := range c {
		st, ok := r.(snn.Stateful)
		if !ok {
			vars = append(vars, snn.StateVar{Name: fmt.Sprintf("%d (%T does not implement snn.Stateful)", k, r)})
			continue
		}
		for _, v := range st.StateVars() {
			v.Name = fmt.Sprintf("%d/%s", k, v.Name)
			vars = append(vars, v)
		}
	}
	return vars
}
