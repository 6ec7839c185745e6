package experiment

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

// TestFitScalingRecoversCosts fits reports made from known costs (the
// model's own formula, written out here) and gets the costs back, and
// predicts a workload as the formula does by hand.
func TestFitScalingRecoversCosts(t *testing.T) {
	want := ScalingModel{NeuronStepSeconds: 3e-9, EventSeconds: 5e-9, LatencySeconds: 20e-6, SecondsPerByte: 1e-10}
	var runs []*SimReport
	for _, c := range []struct {
		neurons, ranks, window int
		events                 int64
		bytesPerRank           float64
	}{
		{4000, 1, 15, 2e7, 0}, {12000, 1, 15, 9e7, 0},
		{4000, 2, 15, 2e7, 3000}, {12000, 2, 15, 9e7, 9000}, {12000, 4, 1, 9e7, 200},
	} {
		const simMS, dt = 500.0, 0.1
		steps := simMS / dt
		ranks := float64(c.ranks)
		compute := (float64(c.neurons)*steps*want.NeuronStepSeconds + float64(c.events)*want.EventSeconds) / ranks
		r := &SimReport{Neurons: c.neurons, SimMS: simMS, DTMS: dt, SynapticEvents: c.events, Ranks: c.ranks}
		if c.ranks > 1 {
			exchanges := int64(steps) / int64(c.window)
			// every rank receives the others' bytes
			per := want.LatencySeconds*math.Log2(ranks) + want.SecondsPerByte*c.bytesPerRank*(ranks-1)
			r.CommSeconds = per * float64(exchanges)
			r.Comm = &SimComm{Exchanges: exchanges, WindowSteps: c.window, BytesPerExchange: c.bytesPerRank * ranks, SecondsPerExchange: per}
		}
		r.WallSeconds = compute + r.CommSeconds
		runs = append(runs, r)
	}
	var probes []ExchangeProbe
	for _, p := range []struct{ ranks, bytes int }{{2, 1 << 20}, {4, 4 << 20}} {
		probes = append(probes, ExchangeProbe{Ranks: p.ranks, BytesPerRank: p.bytes,
			Seconds: want.LatencySeconds*math.Log2(float64(p.ranks)) + want.SecondsPerByte*float64(p.bytes*(p.ranks-1))})
	}
	got, err := FitScaling(runs, probes...)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"NeuronStepSeconds", got.NeuronStepSeconds, want.NeuronStepSeconds}, {"EventSeconds", got.EventSeconds, want.EventSeconds},
		{"LatencySeconds", got.LatencySeconds, want.LatencySeconds}, {"SecondsPerByte", got.SecondsPerByte, want.SecondsPerByte},
	} {
		if math.Abs(c.got-c.want) > 1e-9*c.want {
			t.Errorf("%s = %g, want %g", c.name, c.got, c.want)
		}
	}
	if got.Runs != 5 || got.SplitRuns != 3 || got.Probes != 2 {
		t.Errorf("fitted %d runs, %d split, %d probes; want 5, 3 and 2", got.Runs, got.SplitRuns, got.Probes)
	}
	// Runs alone, their exchanges blurred by waiting (as on a busy
	// machine), cannot resolve the cost per byte; the probes' large
	// payloads pin it.
	var blurred []*SimReport
	for i, r := range runs {
		b := *r
		if b.Comm != nil {
			c := *b.Comm
			c.SecondsPerExchange *= 1 + 0.3*float64(i%2*2-1)
			b.Comm = &c
		}
		blurred = append(blurred, &b)
	}
	withProbes, err := FitScaling(blurred, probes...)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(withProbes.SecondsPerByte-want.SecondsPerByte) > 0.05*want.SecondsPerByte {
		t.Errorf("with probes, blurred runs fit %g s per byte, want %g within 5%%", withProbes.SecondsPerByte, want.SecondsPerByte)
	}
	// 10⁵ neurons, 10⁹ synapses at 2 Hz, windows of 15 steps of 0.1 ms,
	// over 8 ranks, by hand.
	total, compute, comm := want.Predict(ScalingWorkload{Neurons: 1e5, Synapses: 1e9, RateHz: 2, DTMS: 0.1, WindowSteps: 15, Ranks: 8})
	wantCompute := (1e5*1e4*3e-9 + 2e9*5e-9) / 8
	spikes := 1e5 * 2 * 1.5e-3 // per window
	wantComm := 1e4 / 15 * (20e-6*3 + 1e-10*4*spikes*7/8)
	if math.Abs(compute-wantCompute) > 1e-12 || math.Abs(comm-wantComm) > 1e-12 || total != compute+comm {
		t.Errorf("Predict = %g + %g, want %g + %g", compute, comm, wantCompute, wantComm)
	}
	if _, _, comm := want.Predict(ScalingWorkload{Neurons: 1e5, Synapses: 1e9, RateHz: 2, DTMS: 0.1, WindowSteps: 15, Ranks: 1}); comm != 0 {
		t.Errorf("one rank exchanges for %g s", comm)
	}
	if _, err := FitScaling(runs[:2]); err == nil {
		t.Error("a fit without split runs was not refused")
	}
	if _, err := FitScaling([]*SimReport{runs[0], runs[0], runs[2], runs[2]}); err == nil {
		t.Error("a fit of runs of one shape was not refused")
	}
}

// TestSimulateRanks runs Brunel over two goroutine ranks: one process's
// spikes, with the exchange measured.
func TestSimulateRanks(t *testing.T) {
	s := SimSettings{Model: "brunel", N: 400, Panel: "C", Duration: 100 * time.Millisecond, Seed: 2}
	one, err := SimulateRanks(context.Background(), s, 1)
	if err != nil {
		t.Fatal(err)
	}
	two, err := SimulateRanks(context.Background(), s, 2)
	if err != nil {
		t.Fatal(err)
	}
	if two.Spikes != one.Spikes || two.Spikes == 0 || two.Ranks != 2 || two.Comm == nil || two.Comm.Exchanges == 0 || two.Comm.BytesPerExchange == 0 {
		t.Errorf("over 2 ranks: %d spikes, ranks %d, comm %+v; one process %d spikes", two.Spikes, two.Ranks, two.Comm, one.Spikes)
	}
	if _, err := SimulateRanks(context.Background(), SimSettings{Model: "brunel", Network: one.Network}, 2); err == nil {
		t.Error("SimulateRanks took a built network")
	}
}

// TestSimulateRanksCancel: a cancelled run over goroutine ranks returns
// the cancellation, even when the ranks see it at different steps (one
// would otherwise wait in an exchange for a rank that has stopped).
func TestSimulateRanksCancel(t *testing.T) {
	for _, after := range []time.Duration{0, 20 * time.Millisecond, 100 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		done := make(chan error, 1)
		go func() {
			_, err := SimulateRanks(ctx, SimSettings{Model: "brunel", N: 2000, Duration: time.Hour, Seed: 1}, 3)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("cancelled after %v: %v, want the cancellation", after, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("cancelled after %v: still running a minute later", after)
		}
		cancel()
	}
}

// TestProbeExchange times real exchanges over goroutine ranks: a larger
// payload costs more, and bad arguments are refused.
func TestProbeExchange(t *testing.T) {
	probes, err := ProbeExchange(context.Background(), 2, []int{4 << 10, 8 << 20}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(probes) != 2 || probes[0].Ranks != 2 || probes[1].BytesPerRank != 8<<20 || !(probes[0].Seconds > 0) {
		t.Fatalf("probes %+v", probes)
	}
	// 8 MiB copied into every rank's buffer takes far longer than 4 KiB
	// (at least a millisecond at any memory bandwidth below 8 TB/s).
	if !(probes[1].Seconds > probes[0].Seconds) {
		t.Errorf("8 MiB exchanged in %g s, 4 KiB in %g s", probes[1].Seconds, probes[0].Seconds)
	}
	for _, bad := range []struct {
		ranks    int
		payloads []int
	}{{1, []int{1024}}, {2, []int{0}}, {2, []int{1 << 30}}} {
		if _, err := ProbeExchange(context.Background(), bad.ranks, bad.payloads, 1); !IsSettingError(err) {
			t.Errorf("ProbeExchange(%d ranks, %v): %v, want a setting error", bad.ranks, bad.payloads, err)
		}
	}
}
