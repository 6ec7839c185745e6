package snn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/neurite/neurite/internal/budget"
	"github.com/neurite/neurite/internal/specfile"
	"github.com/neurite/neurite/topology"
)

// Spec describes a network in a file (YAML or JSON), so that users can
// build networks without writing Go. docs/network-spec.md documents every
// field with an example; ParseSpec reads one and Build makes the Network.
type Spec struct {
	DT          float64          `json:"dt"` // ms; 0.1 if omitted
	Populations []PopulationSpec `json:"populations"`
	Projections []ProjectionSpec `json:"projections"`
	Inputs      []InputSpec      `json:"inputs"`
	// Compact stores the synapses of every projection without a learning
	// rule in as few bytes as they need (Projection.Compact: 16-bit
	// targets, 8-bit delays, weights quantised to 16 bits across each
	// projection's range), each projection as soon as it is built, so a
	// large network never holds more than one projection in full.
	Compact bool `json:"compact,omitempty"`
}

// PopulationSpec describes one population.
type PopulationSpec struct {
	Name string `json:"name"`
	// Model is lif, condlif, izhikevich, adex, hh, poisson or spikes.
	Model string `json:"model"`
	N     int    `json:"n"`
	// Params overrides the model's default parameters by field name
	// (as in LIFParams, CondLIFParams, AdExParams, HHParams; for
	// izhikevich: a, b, c, d).
	Params json.RawMessage `json:"params,omitempty"`
	// Preset names an Izhikevich cell class (RS, IB, CH, FS, LTS, TC, RZ).
	Preset string `json:"preset,omitempty"`
	// Rate is the firing rate of a poisson population, Hz.
	Rate float64 `json:"rate,omitempty"`
	// Spikes lists the spike times (ms) of each neuron of a spikes
	// population.
	Spikes [][]float64 `json:"spikes,omitempty"`
	// Init sets initial values of state variables by name.
	Init map[string]Distribution `json:"init,omitempty"`
	// Box places the neurons uniformly at random in a box of this size
	// (mm), for anatomical delays.
	Box *[3]float64 `json:"box,omitempty"`
}

// Distribution is a constant, a uniform range or a normal distribution;
// exactly one of its fields is set.
type Distribution struct {
	Value   *float64    `json:"value,omitempty"`
	Uniform *[2]float64 `json:"uniform,omitempty"` // [low, high)
	Normal  *[2]float64 `json:"normal,omitempty"`  // [mean, standard deviation]
}

// ProjectionSpec describes one projection.
type ProjectionSpec struct {
	Name   string `json:"name"`
	Pre    string `json:"pre"`
	Post   string `json:"post"`
	Target string `json:"target"`
	// Rule is all, one-to-one, probability (with P), in-degree (with K)
	// or total (with Count: exactly Count synapses, each joining a sender
	// and a receiver drawn uniformly with replacement, so pairs may repeat;
	// NEST's fixed_total_number).
	Rule     string  `json:"rule"`
	P        float64 `json:"p,omitempty"`
	K        int     `json:"k,omitempty"`
	Count    int     `json:"count,omitempty"`
	Autapses *bool   `json:"autapses,omitempty"` // default true, as Brian2
	Weight   float64 `json:"weight"`
	// Weights draws each weight from a distribution instead of Weight.
	Weights *Distribution `json:"weights,omitempty"`
	Delay   float64       `json:"delay,omitempty"` // ms
	// Delays draws each synapse's delay (ms) from a distribution instead
	// of Delay; a draw shorter than one time step is drawn again (NEST's
	// redraw), and each is rounded to whole steps. Delay and Delays
	// together are an error.
	Delays *Distribution `json:"delays,omitempty"`
	// Conduction, if set, computes each synapse's delay from the
	// populations' positions and replaces Delay.
	Conduction *Conduction `json:"conduction,omitempty"`
	STP        *STP        `json:"stp,omitempty"`
	// Plasticity sets a learning rule on the projection.
	Plasticity *PlasticitySpec `json:"plasticity,omitempty"`
}

// PlasticitySpec names a learning rule and sets its parameters by field
// name. The rules are registered by name with RegisterPlasticity;
// importing snn/plasticity registers stdp, triplet, rate-hebb, scaling and
// structural (the neurite command does).
type PlasticitySpec struct {
	Rule   string          `json:"rule"`
	Params json.RawMessage `json:"params,omitempty"`
}

var (
	rulesMu sync.RWMutex
	rules   = map[string]func(params json.RawMessage) (Plasticity, error){}
)

// RegisterPlasticity makes a learning rule available to network specs
// under name: newRule builds a fresh rule from the spec's parameters (raw
// JSON, possibly empty) or says what is wrong with them.
func RegisterPlasticity(name string, newRule func(params json.RawMessage) (Plasticity, error)) {
	rulesMu.Lock()
	defer rulesMu.Unlock()
	rules[name] = newRule
}

// build makes the rule the spec names.
func (ps *PlasticitySpec) build() (Plasticity, error) {
	rulesMu.RLock()
	newRule, ok := rules[ps.Rule]
	names := sortedKeys(rules)
	rulesMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("plasticity rule %q is not registered (have %v; importing snn/plasticity registers its rules)", ps.Rule, names)
	}
	rule, err := newRule(ps.Params)
	if err != nil {
		return nil, fmt.Errorf("plasticity %s: %w", ps.Rule, err)
	}
	return rule, nil
}

// InputSpec describes one external input.
type InputSpec struct {
	// Kind is poisson (a PoissonInput) or current (a Current).
	Kind       string  `json:"kind"`
	Population string  `json:"population"`
	Var        string  `json:"var"`
	N          int     `json:"n,omitempty"`
	Rate       float64 `json:"rate,omitempty"`
	Weight     float64 `json:"weight,omitempty"`
	Amplitude  float64 `json:"amplitude,omitempty"`
	Sigma      float64 `json:"sigma,omitempty"`
	Start      float64 `json:"start,omitempty"`
	Stop       float64 `json:"stop,omitempty"`
}

// ParseSpec reads a network spec in YAML (1.2, so keys such as n and y
// stay strings) or JSON. Unknown fields are errors, so a misspelt key is
// reported rather than silently ignored, and so is a projection giving
// both delay and delays.
func ParseSpec(data []byte) (*Spec, error) {
	var s Spec
	if err := specfile.Decode(data, &s); err != nil {
		return nil, fmt.Errorf("snn: network spec: %w", err)
	}
	// delay: 0 reads as no delay at all; the keys themselves tell.
	var keys struct {
		Projections []map[string]json.RawMessage `json:"projections"`
	}
	if err := decodeLoose(data, &keys); err == nil {
		for k, js := range keys.Projections {
			_, d := js["delay"]
			_, ds := js["delays"]
			if d && ds && k < len(s.Projections) {
				return nil, fmt.Errorf("snn: network spec: projection %d (%s): %w", k+1, s.Projections[k].Name, errDelayAndDelays)
			}
		}
	}
	return &s, nil
}

var errDelayAndDelays = errors.New("delay and delays together: give one")

// decodeLoose decodes data (YAML or JSON) into v, ignoring the fields v
// does not name.
func decodeLoose(data []byte, v any) error {
	var doc map[string]any
	if err := specfile.Decode(data, &doc); err != nil {
		return err
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return json.Unmarshal(js, v)
}

// Build makes the network the spec describes, drawing wiring, weights and
// initial values from seed. Errors name the item at fault. A network
// estimated (Spec.Estimate) to need more than half of the machine's
// memory gives a *budget.Error before anything is allocated; BuildWithin
// takes another limit.
func (s *Spec) Build(seed uint64) (*Network, error) { return s.BuildWithin(seed, 0) }

// BuildWithin is Build with a memory limit in bytes (0: half of the
// machine's memory).
func (s *Spec) BuildWithin(seed uint64, maxMemory int64) (*Network, error) {
	return s.BuildShare(seed, maxMemory, Share{})
}

// BuildShare is BuildWithin for one rank of a simulation split over
// processes: it builds only sh's share of the network (see Share), the
// synapses onto the rank's own neurons, which are the whole network's
// bit for bit; the budget is checked against the share's estimate
// (EstimateShare). The zero Share builds the whole network. Every rank
// checks the whole spec: a bad value gives every rank the same error.
func (s *Spec) BuildShare(seed uint64, maxMemory int64, sh Share) (*Network, error) {
	if err := sh.check(); err != nil {
		return nil, err
	}
	r := buildRand(seed)
	net := &Network{DT: s.DT}
	if s.DT < 0 || math.IsNaN(s.DT) || math.IsInf(s.DT, 0) {
		return nil, fmt.Errorf("snn: spec: dt = %v ms, must be positive", s.DT)
	}
	for k, js := range s.Projections {
		where := fmt.Sprintf("snn: spec: projection %d (%s)", k+1, js.Name)
		if !(js.Delay >= 0) || delaySteps(js.Delay, net.dt()) > MaxDelaySteps {
			return nil, fmt.Errorf("%s: delay %v ms: want 0 to %d steps of %v ms", where, js.Delay, MaxDelaySteps, net.dt())
		}
		if js.Delays != nil {
			if js.Delay != 0 {
				return nil, fmt.Errorf("%s: %w", where, errDelayAndDelays)
			}
			if js.Conduction != nil {
				return nil, fmt.Errorf("%s: delays and conduction together: give one", where)
			}
			if err := js.Delays.checkDelays(net.dt()); err != nil {
				return nil, fmt.Errorf("%s: delays: %w", where, err)
			}
		}
	}
	if e := s.EstimateShare(sh); e.Bytes > 0 {
		if err := budget.Check("snn: spec: "+e.What(), e.Bytes, maxMemory); err != nil {
			return nil, err
		}
	}
	byName := map[string]*Population{}
	for k, ps := range s.Populations {
		where := fmt.Sprintf("snn: spec: population %d (%s)", k+1, ps.Name)
		if ps.Name == "" {
			return nil, fmt.Errorf("%s: no name", where)
		}
		if byName[ps.Name] != nil {
			return nil, fmt.Errorf("%s: name used twice", where)
		}
		if ps.N <= 0 && ps.Model != "spikes" {
			return nil, fmt.Errorf("%s: n = %d, must be positive", where, ps.N)
		}
		m, err := ps.model()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		// In name order: a map's order would change which variable draws
		// which numbers from r from one run to the next.
		for _, name := range slices.Sorted(maps.Keys(ps.Init)) {
			d := ps.Init[name]
			v := m.Var(name)
			if v == nil {
				return nil, fmt.Errorf("%s: init: no variable %q (have %v)", where, name, m.Vars())
			}
			if err := d.fill(v, r); err != nil {
				return nil, fmt.Errorf("%s: init %s: %w", where, name, err)
			}
		}
		p := net.AddPopulation(ps.Name, m)
		if ps.Box != nil {
			p.Positions = RandomPositions(m.Len(), *ps.Box, r)
		}
		byName[ps.Name] = p
	}
	if err := s.buildProjections(net, byName, r, seed, maxMemory, sh); err != nil {
		return nil, err
	}
	for k, is := range s.Inputs {
		where := fmt.Sprintf("snn: spec: input %d (%s)", k+1, is.Kind)
		p := byName[is.Population]
		if p == nil {
			return nil, fmt.Errorf("%s: %q is not a population", where, is.Population)
		}
		switch is.Kind {
		case "poisson":
			net.Inputs = append(net.Inputs, &PoissonInput{Pop: p, Var: is.Var, N: is.N, Rate: is.Rate, Weight: float32(is.Weight)})
		case "current":
			net.Inputs = append(net.Inputs, &Current{Pop: p, Var: is.Var, Amplitude: is.Amplitude, Sigma: is.Sigma, Start: is.Start, Stop: is.Stop})
		default:
			return nil, fmt.Errorf("%s: kind %q: want poisson or current", where, is.Kind)
		}
	}
	// Prepare everything now, so that a bad value is reported against the
	// spec rather than at the start of a run.
	if _, err := newSim(net, SimOptions{Threads: 1, MaxMemory: maxMemory}, false); err != nil {
		return nil, fmt.Errorf("snn: spec: %w", err)
	}
	if sh.split() {
		net.Share = sh
	}
	return net, nil
}

// SpecModels lists the model names a spec accepts.
var SpecModels = []string{"lif", "condlif", "izhikevich", "adex", "hh", "poisson", "spikes"}

// model builds the population's neurons from defaults plus overrides.
func (ps *PopulationSpec) model() (Model, error) {
	override := func(dst any) error {
		if len(ps.Params) == 0 {
			return nil
		}
		dec := json.NewDecoder(bytes.NewReader(ps.Params))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("params: %w", err)
		}
		return nil
	}
	switch ps.Model {
	case "lif":
		p := CUBAParams()
		if err := override(&p); err != nil {
			return nil, err
		}
		return NewLIF(ps.N, p)
	case "condlif":
		p := COBAParams()
		if err := override(&p); err != nil {
			return nil, err
		}
		return NewCondLIF(ps.N, p)
	case "adex":
		p := AdExDefault()
		if err := override(&p); err != nil {
			return nil, err
		}
		return NewAdEx(ps.N, p)
	case "hh":
		p := HHDefault()
		if err := override(&p); err != nil {
			return nil, err
		}
		return NewHH(ps.N, p)
	case "izhikevich":
		name := ps.Preset
		if name == "" {
			name = "RS"
		}
		preset, ok := IzhikevichPresets[name]
		if !ok {
			return nil, fmt.Errorf("preset %q: want one of %v", name, sortedKeys(IzhikevichPresets))
		}
		var abcd struct{ A, B, C, D *float64 }
		if err := override(&abcd); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			v   *float64
			dst *float64
		}{{abcd.A, &preset.A}, {abcd.B, &preset.B}, {abcd.C, &preset.C}, {abcd.D, &preset.D}} {
			if f.v != nil {
				*f.dst = *f.v
			}
		}
		return NewIzhikevich(ps.N, preset)
	case "poisson":
		return NewPoissonGroup(ps.N, ps.Rate)
	case "spikes":
		if ps.N != 0 && ps.N != len(ps.Spikes) {
			return nil, fmt.Errorf("n = %d but spikes lists %d neurons", ps.N, len(ps.Spikes))
		}
		return NewSpikeTrains(ps.Spikes)
	}
	return nil, fmt.Errorf("model %q: want one of %s", ps.Model, strings.Join(SpecModels, ", "))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// check reports a distribution that does not give exactly one of its
// fields.
func (d Distribution) check() error {
	set := 0
	for _, ok := range []bool{d.Value != nil, d.Uniform != nil, d.Normal != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return fmt.Errorf("give exactly one of value, uniform or normal (have %d)", set)
	}
	return nil
}

// fill sets every element of dst from the distribution.
func (d Distribution) fill(dst []float32, r *rand.Rand) error {
	if err := d.check(); err != nil {
		return err
	}
	for i := range dst {
		v, err := d.draw(r)
		if err != nil {
			return err
		}
		dst[i] = v
	}
	return nil
}

// draw returns one value of the distribution (checked), or an error for
// a value that is not finite.
func (d Distribution) draw(r *rand.Rand) (float32, error) {
	var v float32
	switch {
	case d.Value != nil:
		v = float32(*d.Value)
	case d.Uniform != nil:
		v = float32(d.Uniform[0] + r.Float64()*(d.Uniform[1]-d.Uniform[0]))
	default:
		v = float32(d.Normal[0] + r.NormFloat64()*d.Normal[1])
	}
	if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("value %v is not finite", f)
	}
	return v, nil
}

// fillWeights draws the weights of the synapses of g (dst, one each) in
// the whole projection's order: those of a part (g.Outside) are drawn
// among the skipped synapses' values, which are drawn and checked too.
// It returns the whole projection's spans of weights, for Compact.
func (d Distribution) fillWeights(dst []float32, g *topology.CSR, r *rand.Rand) (spans, error) {
	sp := spans{wlo: float32(math.Inf(1)), whi: float32(math.Inf(-1))}
	if err := d.check(); err != nil {
		return sp, err
	}
	err := wholeRuns(g, func(s, n int, kept bool) error {
		for k := range n {
			v, err := d.draw(r)
			if err != nil {
				return err
			}
			sp.wlo, sp.whi = min(sp.wlo, v), max(sp.whi, v)
			if kept {
				dst[s+k] = v
			}
		}
		sp.weights += n
		return nil
	})
	return sp, err
}

// wholeRuns walks the synapses of the whole projection g is (a part of)
// in the whole projection's order, a run at a time: f(s, n, true) for n
// synapses g keeps, from its index s on, and f(0, n, false) for n it
// skips (g.Outside). A whole graph is one run. It stops at f's first
// error.
func wholeRuns(g *topology.CSR, f func(s, n int, kept bool) error) error {
	if g.Outside == nil {
		return f(0, len(g.Targets), true)
	}
	for i := range g.Pre {
		for _, run := range [3][3]int{{0, g.Outside[2*i], 0}, {g.RowPtr[i], g.RowPtr[i+1] - g.RowPtr[i], 1}, {0, g.Outside[2*i+1], 0}} {
			if run[1] == 0 {
				continue
			}
			if err := f(run[0], run[1], run[2] == 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// minKept is the smallest share of draws a delay distribution may keep
// (the rest being shorter than a step and drawn again): below it, drawing
// would take too long.
const minKept = 1e-3

// checkDelays reports a delay distribution that cannot be drawn from at
// step dt: not exactly one field, values that are not finite, a range or
// spread that is negative, or fewer than minKept of the draws at least one
// step long.
func (d Distribution) checkDelays(dt float64) error {
	if err := d.check(); err != nil {
		return err
	}
	kept := 0.0
	switch {
	case d.Value != nil:
		v := *d.Value
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("value %v ms is not finite", v)
		}
		if v >= dt {
			kept = 1
		}
	case d.Uniform != nil:
		lo, hi := d.Uniform[0], d.Uniform[1]
		if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return fmt.Errorf("uniform [%v, %v) ms: want finite low < high", lo, hi)
		}
		kept = (hi - max(lo, dt)) / (hi - lo)
	default:
		mean, sd := d.Normal[0], d.Normal[1]
		if !(sd >= 0) || math.IsInf(sd, 0) || math.IsNaN(mean) || math.IsInf(mean, 0) {
			return fmt.Errorf("normal [%v, %v] ms: want a finite mean and standard deviation ≥ 0", mean, sd)
		}
		switch {
		case sd == 0 && mean >= dt:
			kept = 1
		case sd > 0:
			kept = 0.5 * math.Erfc((dt-mean)/(sd*math.Sqrt2))
		}
	}
	if !(kept >= minKept) {
		return fmt.Errorf("fewer than %v of the draws are at least one step (%v ms) long", minKept, dt)
	}
	return nil
}

// longest returns a delay (ms) that the distribution's draws exceed only
// rarely (6 standard deviations past the mean), for estimates.
func (d Distribution) longest() float64 {
	switch {
	case d.Value != nil:
		return *d.Value
	case d.Uniform != nil:
		return d.Uniform[1]
	case d.Normal != nil:
		return d.Normal[0] + 6*d.Normal[1]
	}
	return 0
}

// drawDelays gives every synapse of p (wired by g) a delay from the
// distribution (checked by checkDelays), drawing again any shorter than
// one step of dt, rounded to whole steps, in the whole projection's order
// (see fillWeights). It returns the longest delay of the whole
// projection, in steps.
func (d Distribution) drawDelays(p *Projection, g *topology.CSR, dt float64, r *rand.Rand) (uint16, error) {
	steps := make([]uint16, p.Synapses())
	longest := uint16(0)
	err := wholeRuns(g, func(s, n int, kept bool) error {
		for q := range n {
			var v float64
			for {
				switch {
				case d.Value != nil:
					v = *d.Value
				case d.Uniform != nil:
					v = d.Uniform[0] + r.Float64()*(d.Uniform[1]-d.Uniform[0])
				default:
					v = d.Normal[0] + r.NormFloat64()*d.Normal[1]
				}
				if v >= dt {
					break
				}
			}
			k := delaySteps(v, dt)
			if k > MaxDelaySteps {
				return fmt.Errorf("a delay of %v ms is more than %d steps of %v ms", v, MaxDelaySteps, dt)
			}
			longest = max(longest, uint16(k))
			if kept {
				steps[s+q] = uint16(k)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	p.DelaySteps, p.Delay = steps, 0
	return longest, nil
}

// buildProjections wires the spec's projections into net, in order. The
// projections of a compact spec are built at once on the machine's cores,
// each from a generator of its own (derived from seed and its place in
// the spec), and compacted as soon as it is built; the others one after
// the other from r, the generator of the whole spec.
func (s *Spec) buildProjections(net *Network, byName map[string]*Population, r *rand.Rand, seed uint64, maxMemory int64, sh Share) error {
	dt := net.dt()
	if !s.Compact {
		for k := range s.Projections {
			proj, err := buildProjection(k, &s.Projections[k], byName, r, dt, false, maxMemory, sh)
			if err != nil {
				return err
			}
			net.Projections = append(net.Projections, proj)
		}
		return nil
	}
	projs := make([]*Projection, len(s.Projections))
	errs := make([]error, len(s.Projections))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers(), len(s.Projections)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				rk := rand.New(rand.NewPCG(seed, projectionStream+uint64(k)))
				projs[k], errs[k] = buildProjection(k, &s.Projections[k], byName, rk, dt, true, maxMemory, sh)
			}
		}()
	}
	for k := range s.Projections {
		next <- k
	}
	close(next)
	wg.Wait()
	for k := range projs {
		if errs[k] != nil {
			return errs[k]
		}
		net.Projections = append(net.Projections, projs[k])
	}
	return nil
}

// projectionStream numbers the generators of a compact spec's projections
// (PCG streams projectionStream + k), apart from the spec's own.
const projectionStream = 0x70726f6a << 32

// buildProjection builds projection k of a spec, or sh's share of it,
// drawing from r, and compacts it when compact is set.
func buildProjection(k int, js *ProjectionSpec, byName map[string]*Population, r *rand.Rand, dt float64, compact bool, maxMemory int64, sh Share) (*Projection, error) {
	where := fmt.Sprintf("snn: spec: projection %d (%s)", k+1, js.Name)
	pre, post := byName[js.Pre], byName[js.Post]
	if pre == nil || post == nil {
		return nil, fmt.Errorf("%s: pre %q or post %q is not a population", where, js.Pre, js.Post)
	}
	autapses := js.Autapses == nil || *js.Autapses
	var g *topology.CSR
	var err error
	wire, part := topology.Budget(maxMemory), sh.part(post.Len())
	switch js.Rule {
	case "all":
		g, err = wire.AllToAllPart(pre.Len(), post.Len(), autapses, part)
	case "one-to-one":
		if pre.Len() != post.Len() {
			return nil, fmt.Errorf("%s: one-to-one between %d and %d neurons", where, pre.Len(), post.Len())
		}
		g, err = wire.OneToOnePart(pre.Len(), part)
	case "probability":
		g, err = wire.FixedProbabilityPart(pre.Len(), post.Len(), js.P, autapses, part, r)
	case "in-degree":
		g, err = wire.FixedInDegreePart(pre.Len(), post.Len(), js.K, autapses, part, r)
	case "total":
		g, err = wire.FixedTotalPart(pre.Len(), post.Len(), js.Count, autapses, part, r)
	default:
		return nil, fmt.Errorf("%s: rule %q: want all, one-to-one, probability, in-degree or total", where, js.Rule)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	name := js.Name
	if name == "" {
		name = js.Pre + "-" + js.Post
	}
	// As Network.Connect, without adding it to the network yet.
	proj := &Projection{Name: name, Pre: pre, Post: post, Target: js.Target, RowPtr: g.RowPtr, Targets: g.Targets,
		Weight: float32(js.Weight), Delay: js.Delay}
	if err := proj.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	// A share is packed as the whole projection is: across the whole
	// projection's weights and delays (conduction delays, computed rather
	// than drawn, are a share's own).
	whole := proj.spans()
	if js.Weights != nil {
		if whole, err = js.Weights.fillWeights(proj.PerSynapseWeights(), g, r); err != nil {
			return nil, fmt.Errorf("%s: weights: %w", where, err)
		}
	}
	if js.Delays != nil {
		if whole.longest, err = js.Delays.drawDelays(proj, g, dt, r); err != nil {
			return nil, fmt.Errorf("%s: delays: %w", where, err)
		}
	}
	if js.Conduction != nil {
		if err := SetAnatomicalDelays(proj, dt, *js.Conduction); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	if js.STP != nil {
		stp := *js.STP
		if err := stp.validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		proj.STP = &stp
	}
	if js.Plasticity != nil {
		if proj.Plasticity, err = js.Plasticity.build(); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	if compact && proj.Plasticity == nil {
		if js.Delays == nil {
			whole.longest = proj.spans().longest
		}
		if err := proj.pack(whole); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	return proj, nil
}
