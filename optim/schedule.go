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

// Constant keeps the base rate.
type Constant struct{}

// LR returns base.
func (Constant) LR(base float64, _ int) float64 { return base }

// StepDecay multiplies the rate by Gamma every Every steps.
type StepDecay struct {
	Every int
	Gamma float64
}

// LR returns base·Gamma^⌊step/Every⌋.
func (s StepDecay) LR(base float64, step int) float64 {
	return base * math.Pow(s.Gamma, float64(step/max(1, s.Every)))
}

// Exponential multiplies the rate by Gamma every Per steps, smoothly
// (Per = steps per epoch gives PyTorch's per-epoch ExponentialLR).
type Exponential struct {
	Gamma float64
	Per   int
}

// LR returns base·Gamma^(step/Per).
func (s Exponential) LR(base float64, step int) float64 {
	return base * math.Pow(s.Gamma, float64(step)/float64(max(1, s.Per)))
}

// Cosine anneals the rate from base to Min over Total steps (Loshchilov &
// Hutter 2017, without restarts).
type Cosine struct {
	Total int
	Min   float64
}

// LR returns Min + (base−Min)·(1 + cos(π·step/Total))/2.
func (s Cosine) LR(base float64, step int) float64 {
	frac := math.Min(1, float64(step)/float64(max(1, s.Total)))
	return s.Min + (base-s.Min)*(1+math.Cos(math.Pi*frac))/2
}

// Warmup ramps the rate linearly from base/Steps to base over the first
// Steps steps, then follows Then (shifted to start after the warm-up).
type Warmup struct {
	Steps int
	Then  Schedule
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

// NewSchedule returns a schedule by name for a run of totalSteps steps of
// stepsPerEpoch: constant (""), step (×0.1 every third of the run),
// exponential (×0.95 per epoch) or cosine; warmupSteps > 0 wraps it in a
// linear warm-up.
func NewSchedule(name string, totalSteps, stepsPerEpoch, warmupSteps int) (Schedule, error) {
	var s Schedule
	switch name {
	case "", "constant":
		s = Constant{}
	case "step":
		s = StepDecay{Every: max(1, totalSteps/3), Gamma: 0.1}
	case "exponential":
		s = Exponential{Gamma: 0.95, Per: stepsPerEpoch}
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
