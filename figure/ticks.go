package figure

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// NumberTicks places ticks as gonum's default does and labels them with
// as few decimals as tell them apart (0, 25, 50 rather than 0.00, 25.00,
// 50.00); magnitudes of a million and more read as a×10ⁿ.
type NumberTicks struct{}

// Ticks implements plot.Ticker.
func (NumberTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	var major []float64
	big := 0.0
	for _, t := range ticks {
		if t.Label != "" {
			major = append(major, t.Value)
			big = math.Max(big, math.Abs(t.Value))
		}
	}
	labels := plainLabels(major, big)
	j := 0
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = labels[j]
			j++
		}
	}
	return ticks
}

// plainLabels formats values with the fewest decimals that keep each
// label distinct and within a millionth of the spread of its value.
func plainLabels(vs []float64, big float64) []string {
	out := make([]string, len(vs))
	if big >= 1e6 {
		for i, v := range vs {
			out[i] = SciLabel(v)
		}
		return out
	}
	tol := big * 1e-6
	for prec := 0; prec <= 8; prec++ {
		ok := true
		seen := map[string]bool{}
		for i, v := range vs {
			s := strconv.FormatFloat(v, 'f', prec, 64)
			if s == "-0" || strings.Trim(s, "-0.") == "" {
				s = "0"
			}
			back, _ := strconv.ParseFloat(s, 64)
			if seen[s] || math.Abs(back-v) > tol {
				ok = false
			}
			seen[s] = true
			out[i] = s
		}
		if ok {
			break
		}
	}
	for i, s := range out {
		out[i] = strings.Replace(s, "-", "−", 1)
	}
	return out
}

// SciLabel writes v as a×10ⁿ (10ⁿ when a is 1).
func SciLabel(v float64) string {
	if v == 0 {
		return "0"
	}
	e := math.Floor(math.Log10(math.Abs(v)))
	a := v / math.Pow(10, e)
	if math.Abs(a-math.Round(a)) < 1e-9 {
		a = math.Round(a)
	}
	if a == 1 {
		return power(int(e))
	}
	return strings.Replace(strconv.FormatFloat(a, 'g', 3, 64), "-", "−", 1) + "×" + power(int(e))
}

// power writes 10 to the e-th power with superscript digits: 10⁻³, 10⁰, 10².
func power(e int) string {
	const sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	digits := []rune(sup)
	var b strings.Builder
	b.WriteString("10")
	if e < 0 {
		b.WriteRune('⁻')
		e = -e
	}
	for _, d := range strconv.Itoa(e) {
		b.WriteRune(digits[d-'0'])
	}
	return b.String()
}

// PowerTicks marks a logarithmic axis: a labelled tick at each power of
// ten (every second or third when there are many), unlabelled ones at 2–9
// times it, and, on an axis spanning less than a decade and a half, labels
// at 2× and 5× too.
type PowerTicks struct{}

// Ticks implements plot.Ticker.
func (PowerTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	e0, e1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	decades := 0
	for e := e0; e <= e1; e++ {
		if v := math.Pow(10, float64(e)); v >= lo*(1-1e-12) && v <= hi*(1+1e-12) {
			decades++
		}
	}
	every := 1
	switch {
	case decades > 16:
		every = 4
	case decades > 10:
		every = 3
	case decades > 6:
		every = 2
	}
	fine := decades <= 2
	var ticks []plot.Tick
	for e := e0; e <= e1; e++ {
		base := math.Pow(10, float64(e))
		for m := 1; m <= 9; m++ {
			v := base * float64(m)
			if v < lo*(1-1e-12) || v > hi*(1+1e-12) {
				continue
			}
			t := plot.Tick{Value: v}
			switch {
			case m == 1 && ((e%every)+every)%every == 0:
				t.Label = power(e)
			case fine && (m == 2 || m == 5):
				t.Label = plainOrSci(v)
			}
			if m > 1 && decades > 10 {
				continue // no minor ticks on very long axes
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// plainOrSci labels a value between powers of ten: plainly when short
// (20, 0.05), else as a×10ⁿ.
func plainOrSci(v float64) string {
	if v >= 1e-3 && v < 1e5 {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return SciLabel(v)
}
