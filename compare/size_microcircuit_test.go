package compare

import (
	"strings"
	"testing"

	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/snn"
)

// TestSizeMicrocircuit checks the microcircuit's metrics and rows from a
// report (the full profile simulates it; too long for a test).
func TestSizeMicrocircuit(t *testing.T) {
	rep := &experiment.SimReport{Neurons: 77169, Synapses: 298880968, BytesPerSynapse: 5.02, BuildSeconds: 12,
		RealTimeFactor: 9, SimMS: 1500, WarmupMS: 500, RateHz: map[string]float64{}}
	for k, name := range snn.MicrocircuitPopulations {
		rep.RateHz[name] = snn.MicrocircuitRates[k] * 1.05
	}
	d := Difference{Metrics: map[string]float64{}}
	presentMicrocircuit(&d, rep)
	if got := d.Metrics["microcircuit_memory_bytes"]; got != 298880968*5.02 {
		t.Errorf("microcircuit_memory_bytes = %v", got)
	}
	if got := d.Metrics["microcircuit_rate_hz_L5I"]; got != 8.633*1.05 {
		t.Errorf("microcircuit_rate_hz_L5I = %v", got)
	}
	if len(d.Tables) != 1 || !strings.Contains(strings.Join(d.Tables[0].Rows[len(d.Tables[0].Rows)-1], " "), "+5.0%") {
		t.Errorf("table %+v: want a row per population with its difference from NEST", d.Tables)
	}
	if p := fullProfile(); p.Size.Microcircuit.Model != "microcircuit" || quickProfile().Size.Microcircuit.Model != "" {
		t.Error("the full profile, and only it, simulates the microcircuit")
	}
}
