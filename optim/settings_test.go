package optim

import (
	"errors"
	"math"
	"testing"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/tensor"
)

// resolved is what an optimizer runs with once the defaults are filled in.
type resolved struct {
	LR, Momentum, WeightDecay, Beta1, Beta2, Eps float64
	Nesterov, Decoupled                          bool
}

func resolvedOf(t *testing.T, o Optimizer) resolved {
	t.Helper()
	switch o := o.(type) {
	case *sgd:
		return resolved{LR: o.cfg.LR, Momentum: o.cfg.Momentum, WeightDecay: o.cfg.WeightDecay, Nesterov: o.cfg.Nesterov}
	case *adam:
		return resolved{LR: o.cfg.LR, WeightDecay: o.cfg.WeightDecay, Beta1: o.cfg.Beta1, Beta2: o.cfg.Beta2, Eps: o.cfg.Eps, Decoupled: o.decoupled}
	}
	t.Fatalf("unknown optimizer %T", o)
	return resolved{}
}

type builder interface {
	New() (Optimizer, error)
}

func TestOptimizerDefaults(t *testing.T) {
	adamDefaults := resolved{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	adamWDefaults := adamDefaults
	adamWDefaults.WeightDecay, adamWDefaults.Decoupled = 0.01, true
	tests := []struct {
		name string
		cfg  builder
		want resolved
	}{
		{"SGD zero", SGD{}, resolved{LR: 1e-3}},
		{"SGD set", SGD{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4},
			resolved{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4}},
		{"Adam zero", Adam{}, adamDefaults},
		{"Adam set", Adam{LR: 0.01, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1},
			resolved{LR: 0.01, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1}},
		{"AdamW zero", AdamW{}, adamWDefaults},
		{"AdamW set", AdamW{LR: 0.01, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1},
			resolved{LR: 0.01, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1, Decoupled: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.cfg.New()
			if err != nil {
				t.Fatalf("%#v.New() error %v", tt.cfg, err)
			}
			if got := resolvedOf(t, o); got != tt.want {
				t.Errorf("%#v.New() runs with %+v, want %+v", tt.cfg, got, tt.want)
			}
			if o.LR() != tt.want.LR {
				t.Errorf("%#v.New().LR() = %v, want %v", tt.cfg, o.LR(), tt.want.LR)
			}
		})
	}
}

func TestScheduleDefaults(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		step int
		want float64
	}{
		{"StepDecay Gamma", StepDecay{Every: 10}, 25, math.Pow(0.1, 2)},
		{"Exponential Gamma and Per", Exponential{}, 2, math.Pow(0.95, 2)},
		{"Exponential Per", Exponential{Gamma: 0.5}, 3, 0.125},
		{"Cosine Min", Cosine{Total: 10}, 10, 0},
		{"Warmup Steps", Warmup{Then: StepDecay{Every: 1, Gamma: 0.5}}, 1, 0.5},
		{"Warmup Then", Warmup{Steps: 2}, 7, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.LR(1, tt.step); got != tt.want {
				t.Errorf("%#v.LR(1, %d) = %v, want %v", tt.s, tt.step, got, tt.want)
			}
			if err := tt.s.(interface{ Validate() error }).Validate(); err != nil {
				t.Errorf("%#v.Validate() = %v, want nil", tt.s, err)
			}
		})
	}
}

func TestValidationErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	newOpt := func(name string, lr, mu, wd float64, nesterov bool) func() error {
		return func() error { _, err := New(name, lr, mu, wd, nesterov); return err }
	}
	build := func(c builder) func() error {
		return func() error { _, err := c.New(); return err }
	}
	tests := []struct {
		name  string
		check func() error
		field string
		want  string
	}{
		{"SGD.LR negative", build(SGD{LR: -1}), "SGD.LR", "optim: SGD.LR -1: must be positive and finite"},
		{"SGD.LR NaN", build(SGD{LR: nan}), "SGD.LR", "optim: SGD.LR NaN: must be positive and finite"},
		{"SGD.LR Inf", build(SGD{LR: inf}), "SGD.LR", "optim: SGD.LR +Inf: must be positive and finite"},
		{"SGD.Momentum 1", build(SGD{Momentum: 1}), "SGD.Momentum", "optim: SGD.Momentum 1: must be in [0, 1)"},
		{"SGD.Momentum negative", build(SGD{Momentum: -0.5}), "SGD.Momentum", "optim: SGD.Momentum -0.5: must be in [0, 1)"},
		{"SGD.WeightDecay negative", build(SGD{WeightDecay: -1}), "SGD.WeightDecay", "optim: SGD.WeightDecay -1: must be non-negative and finite"},
		{"SGD.WeightDecay Inf", build(SGD{WeightDecay: inf}), "SGD.WeightDecay", "optim: SGD.WeightDecay +Inf: must be non-negative and finite"},
		{"SGD.Nesterov", build(SGD{Nesterov: true}), "SGD.Nesterov", "optim: SGD.Nesterov true: needs SGD.Momentum > 0"},
		{"Adam.LR", build(Adam{LR: -1}), "Adam.LR", "optim: Adam.LR -1: must be positive and finite"},
		{"Adam.Beta1", build(Adam{Beta1: 1}), "Adam.Beta1", "optim: Adam.Beta1 1: must be in (0, 1)"},
		{"Adam.Beta2", build(Adam{Beta2: -0.1}), "Adam.Beta2", "optim: Adam.Beta2 -0.1: must be in (0, 1)"},
		{"Adam.Eps", build(Adam{Eps: -1e-8}), "Adam.Eps", "optim: Adam.Eps -1e-08: must be positive and finite"},
		{"Adam.WeightDecay", build(Adam{WeightDecay: -1}), "Adam.WeightDecay", "optim: Adam.WeightDecay -1: must be non-negative and finite"},
		{"AdamW.LR", build(AdamW{LR: inf}), "AdamW.LR", "optim: AdamW.LR +Inf: must be positive and finite"},
		{"AdamW.Beta1", build(AdamW{Beta1: nan}), "AdamW.Beta1", "optim: AdamW.Beta1 NaN: must be in (0, 1)"},
		{"AdamW.Beta2", build(AdamW{Beta2: 1.5}), "AdamW.Beta2", "optim: AdamW.Beta2 1.5: must be in (0, 1)"},
		{"AdamW.Eps", build(AdamW{Eps: inf}), "AdamW.Eps", "optim: AdamW.Eps +Inf: must be positive and finite"},
		{"AdamW.WeightDecay", build(AdamW{WeightDecay: nan}), "AdamW.WeightDecay", "optim: AdamW.WeightDecay NaN: must be non-negative and finite"},
		{"New lr zero", newOpt("sgd", 0, 0, 0, false), "lr", "optim: lr 0: must be positive and finite"},
		{"New lr negative", newOpt("adam", -1, 0, 0, false), "lr", "optim: lr -1: must be positive and finite"},
		{"New momentum", newOpt("sgd", 0.1, 1, 0, false), "momentum", "optim: momentum 1: must be in [0, 1)"},
		{"New momentum adam", newOpt("adam", 0.1, -0.1, 0, false), "momentum", "optim: momentum -0.1: must be in [0, 1)"},
		{"New weightDecay", newOpt("adamw", 0.1, 0, -1, false), "weightDecay", "optim: weightDecay -1: must be non-negative and finite"},
		{"New nesterov", newOpt("sgd", 0.1, 0, 0, true), "nesterov", "optim: nesterov true: needs momentum > 0"},
		{"StepDecay.Every", StepDecay{}.Validate, "StepDecay.Every", "optim: StepDecay.Every 0: must be at least 1"},
		{"StepDecay.Gamma", StepDecay{Every: 3, Gamma: -0.1}.Validate, "StepDecay.Gamma", "optim: StepDecay.Gamma -0.1: must be positive and finite"},
		{"Exponential.Gamma", Exponential{Gamma: inf}.Validate, "Exponential.Gamma", "optim: Exponential.Gamma +Inf: must be positive and finite"},
		{"Exponential.Per", Exponential{Per: -1}.Validate, "Exponential.Per", "optim: Exponential.Per -1: must not be negative"},
		{"Cosine.Total", Cosine{}.Validate, "Cosine.Total", "optim: Cosine.Total 0: must be at least 1"},
		{"Cosine.Min", Cosine{Total: 10, Min: -0.1}.Validate, "Cosine.Min", "optim: Cosine.Min -0.1: must be non-negative and finite"},
		{"Warmup.Steps", Warmup{Steps: -1}.Validate, "Warmup.Steps", "optim: Warmup.Steps -1: must not be negative"},
		{"Warmup.Then", Warmup{Steps: 5, Then: Cosine{}}.Validate, "Cosine.Total", "optim: Cosine.Total 0: must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check()
			if err == nil {
				t.Fatalf("error = nil, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("error %q: FieldError.Field = %v, want %q", err, fe, tt.field)
			}
		})
	}
}

// trajectory runs opt for steps steps on params, with gradients that
// change sign and size from step first on, and returns every parameter
// value after every step. The rate drops at step 6, as a schedule would
// drop it.
func trajectory(opt Optimizer, params []*ann.Param, first, steps int) []float32 {
	var out []float32
	for k := first; k < first+steps; k++ {
		if k == 6 {
			opt.SetLR(opt.LR() / 3)
		}
		for j, p := range params {
			for i := range p.Grad.Data {
				p.Grad.Data[i] = float32(math.Sin(float64(k*53+i*11+j)) * math.Exp(float64(i%5-2)))
			}
		}
		opt.Step(params)
		for _, p := range params {
			out = append(out, p.Value.Data...)
		}
	}
	return out
}

// trajectoryParams returns two parameters of lengths 37 and 5, so the
// vectorised kernels run with their tails.
func trajectoryParams() []*ann.Param {
	ps := []*ann.Param{
		{Name: "0.weight", Value: tensor.New(37), Grad: tensor.New(37)},
		{Name: "0.bias", Value: tensor.New(5), Grad: tensor.New(5)},
	}
	for j, p := range ps {
		for i := range p.Value.Data {
			p.Value.Data[i] = float32(math.Cos(float64(7*i + j)))
		}
	}
	return ps
}

// TestTypedMatchesByName: the settings types and New by name give the
// same parameters bit for bit, and a State saved by one restores into the
// other (checkpoints name the optimizer, the application may build it
// either way).
func TestTypedMatchesByName(t *testing.T) {
	tests := []struct {
		name       string
		opt        string
		lr, mu, wd float64
		nesterov   bool
		typed      builder
	}{
		{"sgd", "sgd", 0.1, 0, 0, false, SGD{LR: 0.1}},
		{"sgd decay", "", 0.1, 0, 0.01, false, SGD{LR: 0.1, WeightDecay: 0.01}},
		{"momentum", "sgd", 0.05, 0.9, 5e-4, false, SGD{LR: 0.05, Momentum: 0.9, WeightDecay: 5e-4}},
		{"nesterov", "sgd", 0.05, 0.9, 5e-4, true, SGD{LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4}},
		{"adam", "adam", 1e-3, 0, 0, false, Adam{}},
		{"adam decay", "adam", 2e-3, 0, 0.01, false, Adam{LR: 2e-3, WeightDecay: 0.01}},
		{"adamw default decay", "adamw", 1e-3, 0, 0, false, AdamW{}},
		{"adamw decay", "adamw", 3e-3, 0, 0.05, false, AdamW{LR: 3e-3, WeightDecay: 0.05}},
	}
	const half, steps = 6, 12
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			byName, err := New(tt.opt, tt.lr, tt.mu, tt.wd, tt.nesterov)
			if err != nil {
				t.Fatal(err)
			}
			typed, err := tt.typed.New()
			if err != nil {
				t.Fatal(err)
			}
			ps, qs := trajectoryParams(), trajectoryParams()
			want := trajectory(byName, ps, 0, steps)
			got := trajectory(typed, qs, 0, half)
			// Resume the typed run from its state in a by-name optimizer
			// and the by-name run's from its state in a typed one.
			resumed, _ := New(tt.opt, tt.lr, tt.mu, tt.wd, tt.nesterov)
			if err := resumed.Restore(qs, typed.State(qs)); err != nil {
				t.Fatalf("restoring the typed optimizer's state by name: %v", err)
			}
			resumed.SetLR(typed.LR())
			got = append(got, trajectory(resumed, qs, half, steps-half)...)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("value %d: typed then resumed by name %v, by name %v", i, got[i], want[i])
				}
			}

			rs := trajectoryParams()
			first, _ := New(tt.opt, tt.lr, tt.mu, tt.wd, tt.nesterov)
			got = trajectory(first, rs, 0, half)
			typed, _ = tt.typed.New()
			if err := typed.Restore(rs, first.State(rs)); err != nil {
				t.Fatalf("restoring the by-name optimizer's state typed: %v", err)
			}
			typed.SetLR(first.LR())
			got = append(got, trajectory(typed, rs, half, steps-half)...)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("value %d: by name then resumed typed %v, by name %v", i, got[i], want[i])
				}
			}
		})
	}
}

// TestScheduleTypedMatchesByName: NewSchedule's schedules are the typed
// ones with their defaults, rate for rate.
func TestScheduleTypedMatchesByName(t *testing.T) {
	const total, perEpoch = 100, 10
	tests := []struct {
		name   string
		warmup int
		typed  Schedule
	}{
		{"constant", 0, Constant{}},
		{"", 7, Warmup{Steps: 7}},
		{"step", 0, StepDecay{Every: total / 3, Gamma: 0.1}},
		{"step", 7, Warmup{Steps: 7, Then: StepDecay{Every: total / 3}}},
		{"exponential", 0, Exponential{Gamma: 0.95, Per: perEpoch}},
		{"cosine", 0, Cosine{Total: total}},
		{"cosine", 7, Warmup{Steps: 7, Then: Cosine{Total: total - 7}}},
	}
	for _, tt := range tests {
		s, err := NewSchedule(tt.name, total, perEpoch, tt.warmup)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.(interface{ Validate() error }).Validate(); err != nil {
			t.Errorf("NewSchedule(%q, %d, %d, %d).Validate() = %v", tt.name, total, perEpoch, tt.warmup, err)
		}
		for step := range total + 20 {
			if got, want := tt.typed.LR(0.1, step), s.LR(0.1, step); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("%#v.LR(0.1, %d) = %v, NewSchedule(%q, %d, %d, %d) gives %v", tt.typed, step, got, tt.name, total, perEpoch, tt.warmup, want)
				break
			}
		}
	}
}
