package optim

import (
	"fmt"
	"math"

	"github.com/neurite/neurite/ann"
)

// Optimizer applies one update to parameters from their gradients.
// Frozen parameters are skipped.
type Optimizer interface {
	Step(params []*ann.Param)
	// LR returns the current learning rate; SetLR changes it (schedules).
	LR() float64
	SetLR(lr float64)
	// State returns what the optimizer remembers between steps, and
	// Restore puts it back (checkpoints): with both, training resumes
	// exactly where it stopped.
	State(params []*ann.Param) State
	Restore(params []*ann.Param, s State) error
}

// State is an optimizer's memory: the number of steps taken and one buffer
// per parameter and slot, keyed "slot:parameter name" with PyTorch's slot
// names (momentum_buffer; exp_avg and exp_avg_sq).
type State struct {
	Steps   int
	Buffers map[string][]float32
}

func stateKey(slot string, p *ann.Param) string { return slot + ":" + p.Name }

// save copies the buffers of one slot into s.
func (s *State) save(slot string, params []*ann.Param, bufs map[*ann.Param][]float32) {
	for _, p := range params {
		if b, ok := bufs[p]; ok {
			s.Buffers[stateKey(slot, p)] = append([]float32(nil), b...)
		}
	}
}

// restore fills bufs from s for one slot, checking every length; keys s
// holds for no parameter are errors too, so a checkpoint of another
// architecture cannot half-load.
func (s State) restore(slot string, params []*ann.Param, used map[string]bool) (map[*ann.Param][]float32, error) {
	bufs := map[*ann.Param][]float32{}
	for _, p := range params {
		k := stateKey(slot, p)
		b, ok := s.Buffers[k]
		if !ok {
			continue
		}
		if len(b) != p.Value.Len() {
			return nil, fmt.Errorf("optim: state %q has %d values, the parameter has %d", k, len(b), p.Value.Len())
		}
		bufs[p] = append([]float32(nil), b...)
		used[k] = true
	}
	return bufs, nil
}

func checkAllUsed(s State, used map[string]bool) error {
	for k := range s.Buffers {
		if !used[k] {
			return fmt.Errorf("optim: state %q matches no parameter of this optimizer and network", k)
		}
	}
	return nil
}

// New returns an optimizer by name, as the command line and checkpoints
// identify them: "sgd" (or "") is [SGD], "adam" is [Adam] and "adamw" is
// [AdamW], built from the arguments by the type's New, so both paths give
// the same updates bit for bit. Unlike the typed settings, New has no
// default rate: lr must be positive and finite. momentum must be in [0, 1)
// and weightDecay non-negative and finite whatever the name, though only
// SGD uses momentum and nesterov; a zero weightDecay means AdamW's default
// 0.01 for "adamw". Errors are *[FieldError]s naming the parameter (lr,
// momentum, weightDecay, nesterov), or an unknown name.
func New(name string, lr, momentum, weightDecay float64, nesterov bool) (Optimizer, error) {
	if err := checkPositive("lr", lr); err != nil {
		return nil, err
	}
	if err := checkMomentum("momentum", momentum); err != nil {
		return nil, err
	}
	if err := checkNonNegative("weightDecay", weightDecay); err != nil {
		return nil, err
	}
	switch name {
	case "sgd", "":
		if nesterov && momentum == 0 {
			return nil, &FieldError{Field: "nesterov", Value: nesterov, Reason: "needs momentum > 0"}
		}
		return SGD{LR: lr, Momentum: momentum, Nesterov: nesterov, WeightDecay: weightDecay}.New()
	case "adam":
		return Adam{LR: lr, WeightDecay: weightDecay}.New()
	case "adamw":
		return AdamW{LR: lr, WeightDecay: weightDecay}.New()
	}
	return nil, fmt.Errorf("optim: unknown optimizer %q (have sgd, adam, adamw)", name)
}

// Defaults of the settings' zero fields, written here once; the fields'
// comments quote them.
const (
	defaultLR         = 1e-3  // PyTorch's SGD, Adam and AdamW
	defaultBeta1      = 0.9   // Adam's β₁ (Kingma & Ba 2015, PyTorch)
	defaultBeta2      = 0.999 // Adam's β₂
	defaultEps        = 1e-8  // Adam's ε
	defaultAdamWDecay = 0.01  // PyTorch's AdamW weight_decay
	defaultStepGamma  = 0.1   // PyTorch's StepLR gamma
	defaultExpGamma   = 0.95  // per period; NewSchedule's "exponential"
)

// or returns v, or def when v is zero (an unset field).
func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// FieldError reports a setting outside its range. Field is the Go name of
// the setting: type and field ("SGD.LR", "Cosine.Total"), or the parameter
// of a by-name constructor ("lr"). Callers that expose settings under
// other names (command-line flags) can map Field to theirs.
type FieldError struct {
	Field  string
	Value  any    // the value given
	Reason string // what the value must be, e.g. "must be positive and finite"
}

// Error returns "optim: Field Value: Reason".
func (e *FieldError) Error() string {
	return fmt.Sprintf("optim: %s %v: %s", e.Field, e.Value, e.Reason)
}

const (
	reasonPositive    = "must be positive and finite"
	reasonNonNegative = "must be non-negative and finite"
	reasonUnit        = "must be in [0, 1)"
	reasonOpenUnit    = "must be in (0, 1)"
)

// checkPositive reports v unless it is positive and finite.
func checkPositive(field string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return &FieldError{Field: field, Value: v, Reason: reasonPositive}
	}
	return nil
}

// checkNonNegative reports v unless it is non-negative and finite.
func checkNonNegative(field string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return &FieldError{Field: field, Value: v, Reason: reasonNonNegative}
	}
	return nil
}

// checkMomentum reports v unless it is in [0, 1).
func checkMomentum(field string, v float64) error {
	if !(v >= 0 && v < 1) {
		return &FieldError{Field: field, Value: v, Reason: reasonUnit}
	}
	return nil
}

// ClipGradNorm scales all gradients so their joint Euclidean norm is at
// most maxNorm, and returns the norm before clipping (PyTorch's
// clip_grad_norm_). A non-positive maxNorm only measures.
func ClipGradNorm(params []*ann.Param, maxNorm float64) float64 {
	var sq float64
	for _, p := range params {
		for _, g := range p.Grad.Data {
			sq += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sq)
	if maxNorm > 0 && norm > maxNorm {
		s := float32(maxNorm / (norm + 1e-6))
		for _, p := range params {
			for i := range p.Grad.Data {
				p.Grad.Data[i] *= s
			}
		}
	}
	return norm
}
