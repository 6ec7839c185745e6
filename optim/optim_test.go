package optim

import (
	"math"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/tensor"
)

// param returns a one-element parameter holding w.
func param(w float64) *ann.Param {
	return &ann.Param{Name: "w", Value: tensor.FromData([]float32{float32(w)}, 1), Grad: tensor.New(1)}
}

// TestAgainstReference runs each optimizer on f(w) = (w − 3)² for a few
// steps and compares with the same update written out in float64 from the
// PyTorch documentation's pseudocode.
func TestAgainstReference(t *testing.T) {
	grad := func(w float64) float64 { return 2 * (w - 3) }
	const lr, mu, wd, steps = 0.1, 0.9, 0.01, 6
	refs := map[string]func() []float64{
		"sgd": func() []float64 {
			w, out := 0.0, []float64{}
			for range steps {
				w -= lr * (grad(w) + wd*w)
				out = append(out, w)
			}
			return out
		},
		"momentum": func() []float64 {
			w, b, out := 0.0, 0.0, []float64{}
			for k := range steps {
				g := grad(w) + wd*w
				if k == 0 {
					b = g
				} else {
					b = mu*b + g
				}
				w -= lr * b
				out = append(out, w)
			}
			return out
		},
		"nesterov": func() []float64 {
			w, b, out := 0.0, 0.0, []float64{}
			for k := range steps {
				g := grad(w) + wd*w
				if k == 0 {
					b = g
				} else {
					b = mu*b + g
				}
				w -= lr * (g + mu*b)
				out = append(out, w)
			}
			return out
		},
		"adam": func() []float64 {
			w, m, v, out := 0.0, 0.0, 0.0, []float64{}
			for k := 1; k <= steps; k++ {
				g := grad(w) + wd*w
				m = 0.9*m + 0.1*g
				v = 0.999*v + 0.001*g*g
				mh, vh := m/(1-math.Pow(0.9, float64(k))), v/(1-math.Pow(0.999, float64(k)))
				w -= lr * mh / (math.Sqrt(vh) + 1e-8)
				out = append(out, w)
			}
			return out
		},
		"adamw": func() []float64 {
			w, m, v, out := 0.0, 0.0, 0.0, []float64{}
			for k := 1; k <= steps; k++ {
				g := grad(w)
				w -= lr * wd * w
				m = 0.9*m + 0.1*g
				v = 0.999*v + 0.001*g*g
				mh, vh := m/(1-math.Pow(0.9, float64(k))), v/(1-math.Pow(0.999, float64(k)))
				w -= lr * mh / (math.Sqrt(vh) + 1e-8)
				out = append(out, w)
			}
			return out
		},
	}
	makeOpt := map[string]func() (Optimizer, error){
		"sgd":      func() (Optimizer, error) { return New("sgd", lr, 0, wd, false) },
		"momentum": func() (Optimizer, error) { return New("sgd", lr, mu, wd, false) },
		"nesterov": func() (Optimizer, error) { return New("sgd", lr, mu, wd, true) },
		"adam":     func() (Optimizer, error) { return New("adam", lr, 0, wd, false) },
		"adamw":    func() (Optimizer, error) { return New("adamw", lr, 0, wd, false) },
	}
	for name, ref := range refs {
		opt, err := makeOpt[name]()
		if err != nil {
			t.Fatal(err)
		}
		p := param(0)
		want := ref()
		for k := range steps {
			p.Grad.Data[0] = float32(grad(float64(p.Value.Data[0])))
			opt.Step([]*ann.Param{p})
			if got := float64(p.Value.Data[0]); math.Abs(got-want[k]) > 1e-5*(1+math.Abs(want[k])) {
				t.Fatalf("%s step %d: w = %v, reference %v", name, k+1, got, want[k])
			}
		}
	}
}

func TestFrozenAndErrors(t *testing.T) {
	p := param(1)
	p.Frozen = true
	p.Grad.Data[0] = 5
	for _, name := range []string{"sgd", "adam"} {
		opt, _ := New(name, 0.1, 0, 0, false)
		opt.Step([]*ann.Param{p})
		if p.Value.Data[0] != 1 {
			t.Errorf("%s changed a frozen parameter", name)
		}
	}
	for _, bad := range []func() (Optimizer, error){
		func() (Optimizer, error) { return New("sgd", 0, 0, 0, false) },
		func() (Optimizer, error) { return New("sgd", 0.1, 1, 0, false) },
		func() (Optimizer, error) { return New("sgd", 0.1, 0, 0, true) },
		func() (Optimizer, error) { return New("rmsprop", 0.1, 0, 0, false) },
	} {
		if _, err := bad(); err == nil {
			t.Error("bad optimizer settings accepted")
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	a, b := param(0), param(0)
	a.Grad.Data[0], b.Grad.Data[0] = 3, 4
	if n := ClipGradNorm([]*ann.Param{a, b}, 1); n != 5 {
		t.Errorf("norm before clipping = %v, want 5", n)
	}
	after := math.Hypot(float64(a.Grad.Data[0]), float64(b.Grad.Data[0]))
	if math.Abs(after-1) > 1e-5 || math.Abs(float64(a.Grad.Data[0])-0.6) > 1e-5 {
		t.Errorf("clipped gradients (%v, %v): norm %v, want (0.6, 0.8)", a.Grad.Data[0], b.Grad.Data[0], after)
	}
}

func TestSchedules(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		step int
		want float64
	}{
		{"constant", Constant{}, 100, 1},
		{"step before", StepDecay{Every: 10, Gamma: 0.1}, 9, 1},
		{"step after", StepDecay{Every: 10, Gamma: 0.1}, 25, 0.01},
		{"exponential", Exponential{Gamma: 0.5, Per: 10}, 20, 0.25},
		{"cosine start", Cosine{Total: 100}, 0, 1},
		{"cosine middle", Cosine{Total: 100}, 50, 0.5},
		{"cosine end", Cosine{Total: 100, Min: 0.1}, 100, 0.1},
		{"warmup first", Warmup{Steps: 4}, 0, 0.25},
		{"warmup done", Warmup{Steps: 4, Then: Cosine{Total: 10}}, 4, 1},
	}
	for _, tt := range tests {
		if got := tt.s.LR(1, tt.step); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: LR(1, %d) = %v, want %v", tt.name, tt.step, got, tt.want)
		}
	}
	if _, err := NewSchedule("triangle", 10, 1, 0); err == nil {
		t.Error("unknown schedule accepted")
	}
}

// TestStateRestore: an optimizer rebuilt from another's State continues
// exactly as the original would have (checkpoints rely on it), and a state
// that does not fit the parameters is refused.
func TestStateRestore(t *testing.T) {
	newParams := func() []*ann.Param {
		a, b := param(0.5), param(-1.5)
		a.Name, b.Name = "0.weight", "0.bias"
		return []*ann.Param{a, b}
	}
	step := func(o Optimizer, ps []*ann.Param, k int) {
		for i, p := range ps {
			p.Grad.Data[0] = float32(math.Sin(float64(3*k + i + 1)))
		}
		o.Step(ps)
	}
	for _, name := range []string{"sgd", "momentum", "nesterov", "adam", "adamw"} {
		newOpt := func() Optimizer {
			var o Optimizer
			var err error
			switch name {
			case "momentum", "nesterov":
				o, err = New("sgd", 0.1, 0.9, 0.01, name == "nesterov")
			default:
				o, err = New(name, 0.1, 0, 0.01, false)
			}
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		straight, ps := newOpt(), newParams()
		for k := range 10 {
			step(straight, ps, k)
		}
		first, qs := newOpt(), newParams()
		for k := range 4 {
			step(first, qs, k)
		}
		resumed := newOpt()
		if err := resumed.Restore(qs, first.State(qs)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := 4; k < 10; k++ {
			step(resumed, qs, k)
		}
		for i := range ps {
			if ps[i].Value.Data[0] != qs[i].Value.Data[0] {
				t.Errorf("%s: resumed %s = %v, straight %v", name, ps[i].Name, qs[i].Value.Data[0], ps[i].Value.Data[0])
			}
		}
		st := first.State(qs)
		for k := range st.Buffers {
			st.Buffers[k] = st.Buffers[k][:0]
			if err := newOpt().Restore(qs, st); err == nil {
				t.Errorf("%s: restoring a state with an empty %q succeeded", name, k)
			}
			break
		}
		if len(st.Buffers) > 0 {
			stray := State{Steps: 1, Buffers: map[string][]float32{"exp_avg:9.weight": {1}, "momentum_buffer:9.weight": {1}}}
			if err := newOpt().Restore(qs, stray); err == nil {
				t.Errorf("%s: restoring a state for another network succeeded", name)
			}
		}
	}
}
