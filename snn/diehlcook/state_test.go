package diehlcook

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
)

// noise returns n images of pixels random intensities, labelled k mod 3.
func noise(n, pixels int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	x := tensor.New(n, pixels)
	for i := range x.Data {
		x.Data[i] = float32(r.Float64())
	}
	labels := make([]int, n)
	for k := range labels {
		labels[k] = k % 3
	}
	return &data.Dataset{X: x, Labels: labels, Classes: 3}
}

// TestStateContinues: a network built afresh (another seed, another
// number of workers) given a trained network's weights, thresholds and
// State learns the following images exactly as the trained one does, and
// ends in the same State; without the State it would not. Without a rest
// between images (RestMS 0) every variable, conductances and refractory
// steps included, still matters when the next image comes.
func TestStateContinues(t *testing.T) {
	// 256 pixels: with fewer, the weights' sum (78) holds them at WMax.
	d := noise(30, 256, 4)
	counts := make([]int, 12)
	noRest := Default(12)
	noRest.RestMS = 0
	for _, p := range []Params{Default(12), noRest} {
		a, err := New(p, 256, 5)
		if err != nil {
			t.Fatal(err)
		}
		a.Threads = 1
		for k := range 12 {
			a.Learn(d.X.Row(k), counts)
		}
		saved := a.State()
		if st := a.State(); !reflect.DeepEqual(st, saved) {
			t.Fatal("State changed the network")
		}
		resume := func(state bool) *Net {
			b, err := New(p, 256, 99)
			if err != nil {
				t.Fatal(err)
			}
			b.Threads = 2
			copy(b.W, a.W)
			copy(b.Theta, a.Theta)
			if state {
				if err := b.SetState(saved); err != nil {
					t.Fatal(err)
				}
				if got := b.State(); !reflect.DeepEqual(got, saved) {
					t.Errorf("rest %v ms: State after SetState is\n%+v\nwant\n%+v", p.RestMS, got, saved)
				}
			}
			return b
		}
		b, fresh := resume(true), resume(false)
		for k := 12; k < d.Len(); k++ {
			a.Learn(d.X.Row(k), counts)
			b.Learn(d.X.Row(k), counts)
			fresh.Learn(d.X.Row(k), counts)
			// The dynamics forget a small difference within a few
			// images (a spike resets the potential): compare the
			// first image's end too.
			if sa, sb := a.State(), b.State(); k == 12 && !reflect.DeepEqual(sa, sb) {
				t.Errorf("rest %v ms: states differ after the first image:\n%+v\n%+v", p.RestMS, sa, sb)
			}
		}
		if !slices.Equal(a.W, b.W) || !slices.Equal(a.Theta, b.Theta) {
			t.Errorf("rest %v ms: the network given the State learned other weights or thresholds", p.RestMS)
		}
		if sa, sb := a.State(), b.State(); !reflect.DeepEqual(sa, sb) {
			t.Errorf("rest %v ms: states differ after the same images:\n%+v\n%+v", p.RestMS, sa, sb)
		}
		if slices.Equal(a.W, fresh.W) {
			t.Errorf("rest %v ms: a network without the State learned the same weights: the test proves nothing", p.RestMS)
		}
	}
	// The state of a network that has not run yet says so.
	c, err := New(Default(12), 64, 5)
	if err != nil {
		t.Fatal(err)
	}
	st := c.State()
	if st.Now != 0 || st.InputLast[0] != -1 || st.LastExc[0] != -1 || st.Spikes != 0 {
		t.Errorf("a new network's state %+v", st)
	}
	if err := c.SetState(st); err != nil {
		t.Errorf("a new network's own state: %v", err)
	}
}

// TestStateCheck: SetState refuses every state no network could be in,
// naming the field, and leaves the network alone.
func TestStateCheck(t *testing.T) {
	d := noise(5, 16, 1)
	net, err := New(Default(4), 16, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Train(context.Background(), d, nil); err != nil {
		t.Fatal(err)
	}
	good := net.State()
	for _, tc := range []struct {
		name, want string
		change     func(s *State)
	}{
		{"short potentials", "VExc has 3 values", func(s *State) { s.VExc = s.VExc[:3] }},
		{"inputs", "InputLast has 17", func(s *State) { s.InputLast = append(s.InputLast, -1) }},
		{"negative step count", "step -1", func(s *State) { s.Now = -1 }},
		{"beyond 2⁵³ steps", "0 to 2⁵³", func(s *State) { s.Now = MaxSteps + 1 }},
		{"spike in the future", "LastInh[2] is step", func(s *State) { s.LastInh[2] = s.Now }},
		{"spike before time", "InputLast[0] is step -2", func(s *State) { s.InputLast[0] = -2 }},
		{"trace above 1", "Post2[1] is 1.5", func(s *State) { s.Post2[1] = 1.5 }},
		{"infinite conductance", "GiExc[0] is +Inf", func(s *State) { s.GiExc[0] = math.Inf(1) }},
		{"negative counter", "counters", func(s *State) { s.Events = -1 }},
		{"not a PCG", "random stream", func(s *State) { s.Random = []byte("mt19937") }},
	} {
		s := good
		s.VExc, s.LastInh, s.InputLast, s.Post2, s.GiExc = slices.Clone(s.VExc), slices.Clone(s.LastInh), slices.Clone(s.InputLast), slices.Clone(s.Post2), slices.Clone(s.GiExc)
		tc.change(&s)
		if err := net.SetState(s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: SetState = %v, want an error mentioning %q", tc.name, err, tc.want)
		}
		if !reflect.DeepEqual(net.State(), good) {
			t.Fatalf("%s: a refused state changed the network", tc.name)
		}
	}
}

// TestTallyAssigns: labels assigned from a tally summed image by image
// are those Assign gives from the responses, and a tally does not depend
// on the order of the images.
func TestTallyAssigns(t *testing.T) {
	d := noise(40, 32, 3)
	net, err := New(Default(10), 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := net.Train(context.Background(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	net.Assign(counts, d.Labels, 3)
	want := slices.Clone(net.Labels)
	fwd, rev := NewTally(3, 10), NewTally(3, 10)
	for k := range counts {
		fwd.Add(counts[k], d.Labels[k])
		rev.Add(counts[len(counts)-1-k], d.Labels[len(counts)-1-k])
	}
	if !reflect.DeepEqual(fwd, rev) {
		t.Error("the tally depends on the order of the images")
	}
	net.AssignTally(fwd)
	if !slices.Equal(net.Labels, want) || slices.Equal(want, []int{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1}) {
		t.Errorf("labels from the tally %v, from Assign %v", net.Labels, want)
	}
	fwd.Reset()
	net.AssignTally(fwd)
	if slices.ContainsFunc(net.Labels, func(l int) bool { return l != -1 }) {
		t.Errorf("an empty tally labelled %v", net.Labels)
	}
}
