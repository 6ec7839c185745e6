package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Conduction turns the distance between two neurons into a transmission
// delay. Action potentials travel along axons at 0.61 to 119 m/s depending
// on fibre type (the article's range, after Parizh 2002), and how fast
// varies between individuals: with temperature, age, myelination and
// health. Velocity in m/s is numerically mm/ms, so with positions in mm,
// delay (ms) = Synaptic + distance / effective velocity.
type Conduction struct {
	// Velocity is the conduction velocity in m/s (> 0).
	Velocity float64
	// Synaptic is a fixed synaptic delay added to every connection, ms.
	Synaptic float64
	// Factor scales the velocity for the individual: myelination, age or
	// any other difference (1 = none; 0 means 1).
	Factor float64
	// Temperature and RefTemperature (°C) scale the velocity by
	// Q10^((Temperature − RefTemperature)/10). Q10 = 0 disables the
	// temperature correction; no default Q10 is assumed.
	Temperature, RefTemperature, Q10 float64
}

// EffectiveVelocity returns the velocity after the individual factors, m/s.
func (c Conduction) EffectiveVelocity() float64 {
	v := c.Velocity
	if c.Factor != 0 {
		v *= c.Factor
	}
	if c.Q10 != 0 {
		v *= math.Pow(c.Q10, (c.Temperature-c.RefTemperature)/10)
	}
	return v
}

// Validate reports settings that give no finite, positive velocity.
func (c Conduction) Validate() error {
	if err := firstErr(positive("Conduction", "Velocity", c.Velocity), nonNegative("Conduction", "Synaptic", c.Synaptic),
		nonNegative("Conduction", "Factor", c.Factor), nonNegative("Conduction", "Q10", c.Q10)); err != nil {
		return err
	}
	if v := c.EffectiveVelocity(); !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("snn: Conduction: effective velocity %v m/s", v)
	}
	return nil
}

// SetAnatomicalDelays gives every synapse of p the delay its distance
// implies, rounded to the nearest whole step of dt. Both populations need
// Positions. It returns an error if a delay exceeds 65535 steps.
func SetAnatomicalDelays(p *Projection, dt float64, c Conduction) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := positive("SetAnatomicalDelays", "dt", dt); err != nil {
		return err
	}
	pre, post := p.Pre.Positions, p.Post.Positions
	if len(pre) != p.Pre.Len() || len(post) != p.Post.Len() {
		return fmt.Errorf("snn: projection %s: populations %s and %s need one position per neuron (have %d and %d)",
			p.Name, p.Pre.Name, p.Post.Name, len(pre), len(post))
	}
	v := c.EffectiveVelocity()
	delays := make([]uint16, len(p.Targets))
	for i := range p.Pre.Len() {
		for s := p.RowPtr[i]; s < p.RowPtr[i+1]; s++ {
			d := c.Synaptic + distance(pre[i], post[p.Targets[s]])/v
			steps := math.Round(d / dt)
			if steps > math.MaxUint16 {
				return fmt.Errorf("snn: projection %s: delay %.1f ms is more than %d steps of %v ms", p.Name, d, math.MaxUint16, dt)
			}
			delays[s] = uint16(steps)
		}
	}
	p.DelaySteps, p.Delay = delays, 0
	return nil
}

func distance(a, b [3]float64) float64 {
	dx, dy, dz := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return math.Sqrt(dx*dx + dy*dy + dz*dz)
}

// RandomPositions places n neurons uniformly in a box of the given size
// (mm); a zero side flattens the box (0 depth gives a sheet).
func RandomPositions(n int, size [3]float64, r *rand.Rand) [][3]float64 {
	pos := make([][3]float64, n)
	for i := range pos {
		for d := range 3 {
			pos[i][d] = r.Float64() * size[d]
		}
	}
	return pos
}
