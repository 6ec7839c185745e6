package diehlcook

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/tensor"
)

// TestOpsCountEveryFanOut checks Evaluate's counts against the network's
// wiring, counted by hand: an input spike reaches all N excitatory
// neurons, an excitatory spike its one inhibitory partner, an inhibitory
// spike the N − 1 other excitatory neurons. So the synaptic events must
// be input·N + excitatory·1 + inhibitory·(N − 1), whatever the spikes.
func TestOpsCountEveryFanOut(t *testing.T) {
	const neurons, pixels, images = 12, 64, 6
	r := rand.New(rand.NewPCG(1, 2))
	x := tensor.New(images, pixels)
	for i := range x.Data {
		x.Data[i] = float32(r.Float64())
	}
	d := &data.Dataset{X: x, Labels: []int{0, 1, 0, 1, 0, 1}, Classes: 2}
	net, err := New(Default(neurons), pixels, 3)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := net.Train(context.Background(), d, nil)
	if err != nil {
		t.Fatal(err)
	}
	net.Assign(counts, d.Labels, 2)
	res, err := net.Evaluate(context.Background(), d, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The counts are integers divided by the number of images.
	total := func(perSample float64) float64 { return math.Round(perSample * images) }
	in, exc, inh := total(res.InputSpikesPerSample), total(res.SpikesPerSample), total(res.InhibitorySpikesPerSample)
	t.Logf("per image: %v input, %v excitatory, %v inhibitory spikes, %v events", in/images, exc/images, inh/images, res.SynapticOpsPerSample)
	if in == 0 || exc == 0 || inh == 0 {
		t.Fatalf("a population never fired (%v input, %v excitatory, %v inhibitory spikes): nothing to check", in, exc, inh)
	}
	if got, want := total(res.SynapticOpsPerSample), in*neurons+exc+inh*(neurons-1); got != want {
		t.Errorf("synaptic events %v, want %v input·%d + %v excitatory + %v inhibitory·%d = %v", got, in, neurons, exc, inh, neurons-1, want)
	}
	ops := res.Ops()
	if ops.MACs != 0 || ops.SynapticEvents != res.SynapticOpsPerSample || ops.InputSpikes != res.InputSpikesPerSample ||
		math.Abs(ops.Spikes-(in+exc+inh)/images) > 1e-12*ops.Spikes { // a few roundings of per-image sums
		t.Errorf("Ops() = %+v, want no MACs, %v events, %v spikes of which %v input", ops, res.SynapticOpsPerSample, (in+exc+inh)/images, res.InputSpikesPerSample)
	}
}
