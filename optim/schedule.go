package optim

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate at a training step (counted from 0
// over the whole run) from the base rate.
type Schedule interface {
	LR(base float64, step int) float64
}

// Each schedule type here has a Validate method returning a *[FieldError]
// for the first setting outside its range; a schedule has no state, so its
// settings are the schedule. LR does not validate: it is called at every
// step, so check once when building (NewSchedule does).

// Constant keeps the base rate.
type Constant struct{}

// LR returns base.
func (Constant) LR(base float64, _ int) float64 { return base }

// Validate returns nil: Constant has no settings.
func (Constant) Validate() error { return nil }

// StepDecay multiplies the rate by Gamma every Every steps (PyTorch's
// StepLR, counted in steps).
type StepDecay struct {
	// Every is the number of steps between decays, at least 1. It has no
	// default: a sensible period depends on the run's length (NewSchedule
	// uses a third of the run). LR treats values below 1 as 1.
	Every int
	// Gamma is the factor applied once per period, positive and finite.
	// Zero means 0.1 (PyTorch's StepLR default).
	Gamma float64
}

// LR returns base·Gamma^⌊step/Every⌋.
func (s StepDecay) LR(base float64, step int) float64 {
	return base * math.Pow(or(s.Gamma, defaultStepGamma), float64(step/max(1, s.Every)))
}

// Validate returns a *FieldError for the first setting outside its range.
func (s StepDecay) Validate() error {
	if s.Every < 1 {
		return &FieldError{Field: "StepDecay.Every", Value: s.Every, Reason: "must be at least 1"}
	}
	return checkPositive("StepDecay.Gamma", or(s.Gamma, defaultStepGamma))
}

// Exponential multiplies the rate by Gamma every Per steps, smoothly
// (Per = steps per epoch gives PyTorch's per-epoch ExponentialLR).
type Exponential struct {
	// Gamma is the factor per period, positive and finite. Zero means 0.95.
	Gamma float64
	// Per is the period in steps, non-negative. Zero means 1: Gamma per
	// step.
	Per int
}

// LR returns base·Gamma^(step/Per).
func (s Exponential) LR(base float64, step int) float64 {
	return base * math.Pow(or(s.Gamma, defaultExpGamma), float64(step)/float64(max(1, s.Per)))
}

// Validate returns a *FieldError for the first setting outside its range.
func (s Exponential) Validate() error {
	if err := checkPositive("Exponential.Gamma", or(s.Gamma, defaultExpGamma)); err != nil {
		return err
	}
	if s.Per < 0 {
		return &FieldError{Field: "Exponential.Per", Value: s.Per, Reason: "must not be negative"}
	}
	return nil
}

// Cosine anneals the rate from base to Min over Total steps (Loshchilov &
// Hutter 2017, without restarts), then holds Min.
type Cosine struct {
	// Total is the length of the annealing in steps, at least 1. It has no
	// default: it is the run's length (less any warm-up). LR treats
	// values below 1 as 1.
	Total int
	// Min is the rate reached at Total, non-negative and finite (and
	// normally below the base rate). Default 0.
	Min float64
}

// LR returns Min + (base−Min)·(1 + cos(π·step/Total))/2.
func (s Cosine) LR(base float64, step int) float64 {
	frac := math.Min(1, float64(step)/float64(max(1, s.Total)))
	return s.Min + (base-s.Min)*(1+math.Cos(math.Pi*frac))/2
}

// Validate returns a *FieldError for the first setting outside its range.
func (s Cosine) Validate() error {
	if s.Total < 1 {
		return &FieldError{Field: "Cosine.Total", Value: s.Total, Reason: "must be at least 1"}
	}
	return checkNonNegative("Cosine.Min", s.Min)
}

// Warmup ramps the rate linearly from base/Steps to base over the first
// Steps steps, then follows Then (shifted to start after the warm-up).
type Warmup struct {
	// Steps is the warm-up's length in steps, non-negative. Zero, the
	// default, means no warm-up.
	Steps int
	// Then is the schedule after the warm-up. Nil, the default, keeps
	// the base rate.
	Then Schedule
}

// LR returns the warm-up ramp or the inner schedule.
func (s Warmup) LR(base float64, step int) float64 {
	if step < s.Steps {
		return base * float64(step+1) / float64(s.Steps)
	}
	if s.Then == nil {
		return base
	}
	return s.Then.LR(base, step-s.Steps)
}

// Validate returns a *FieldError for Steps, or Then's Validate error when
// Then has a Validate method.
func (s Warmup) Validate() error {
	if s.Steps < 0 {
		return &FieldError{Field: "Warmup.Steps", Value: s.Steps, Reason: "must not be negative"}
	}
	if v, ok := s.Then.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}

// NewSchedule returns a schedule by name, as the command line and
// checkpoints identify them, for a run of totalSteps steps of
// stepsPerEpoch: "constant" (or "") is [Constant]; "step" is [StepDecay]
// by its default 0.1 every third of the run; "exponential" is
// [Exponential] by its default 0.95 per epoch; "cosine" is [Cosine]
// annealing to 0 over the run after the warm-up. warmupSteps > 0 wraps it
// in a linear [Warmup]. Sizes below 1 are taken as 1 and a non-positive
// warmupSteps means none, so only an unknown name is an error.
func NewSchedule(name string, totalSteps, stepsPerEpoch, warmupSteps int) (Schedule, error) {
	var s Schedule
	switch name {
	case "", "constant":
		s = Constant{}
	case "step":
		s = StepDecay{Every: max(1, totalSteps/3)}
	case "exponential":
		s = Exponential{Per: max(0, stepsPerEpoch)}
	case "cosine":
		s = Cosine{Total: max(1, totalSteps-warmupSteps)}
	default:
		return nil, fmt.Errorf("optim: unknown schedule %q (have constant, step, exponential, cosine)", name)
	}
	if warmupSteps > 0 {
		s = Warmup{Steps: warmupSteps, Then: s}
	}
	return s, nil
}
