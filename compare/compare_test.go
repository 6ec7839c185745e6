package compare

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// tinyProfile is the quick profile's recipes at sizes that run all seven
// experiments in seconds: a few hundred MNIST images, small networks,
// short simulations. Its numbers are not the report's; its tests check
// what each experiment must show at any size.
func tinyProfile() profile {
	p := quickProfile()
	p.Name = "tiny"
	p.MLP.TrainSamples, p.MLP.Epochs = 1000, 2
	p.MLPDropout.TrainSamples, p.MLPDropout.Epochs = 1000, 2
	p.Converted.Samples, p.Converted.Timesteps, p.Converted.Calib = 200, 32, 500
	p.Size.COBA.N, p.Size.COBA.Duration = 2000, 200*time.Millisecond
	t := &p.Topology
	t.SmallWorldN, t.ScaleFreeN, t.SigmaGraphs, t.Sparsity = 300, 1000, 2, []float64{0, 0.5, 0.9}
	s := &p.Speed
	s.LatencyReps, s.ThroughputBatch, s.Velocities, s.Refractory = 20, 100, []float64{0.61, 10, 119}, []float64{2, 5}
	s.Paths = s.Paths[:2] // 10 and 100 mm
	fl := &p.Fault
	fl.Fractions, fl.TestImages = []float64{0, 0.3, 0.5}, 500 // the spiking network keeps its quick size: smaller, it does not sustain its activity
	fl.Resume.Images, fl.Resume.InterruptAt = 640, 5
	p.Signals.GradientBatch, p.Signals.RecurrentHidden = 16, 16
	l := &p.Learning
	l.Curve.TrainSamples, l.Curve.ValSplit, l.Curve.MaxBatches, l.Curve.Epochs, l.Curve.TestSamples = 1000, 0.2, 5, 3, 200
	l.Surrogate.TrainSamples, l.Surrogate.TestSamples = 256, 100
	l.STDP.Neurons, l.STDP.TrainSamples, l.STDP.TestSamples = 10, 40, 20
	l.Pool = 3000
	l.Pretrain.TestSamples = 100
	l.FewShot.TestSamples = 200
	l.Draws = 1
	l.StructuralMS = 500
	l.Drift.Presentations = 3
	l.RecallImages = 200
	return p
}

// tiny runs every experiment once with the tiny profile, for all the
// tests that read its results.
var tiny = sync.OnceValues(func() (*Results, error) {
	p := tinyProfile()
	return Run(context.Background(), Options{Seed: 1, profile: &p}, nil, Machine{})
})

// timing reports metrics that measure this machine's speed, which differ
// between runs; every other metric must not.
func timing(key string) bool {
	for _, s := range []string{"seconds", "per_second", "ns_per", "gflops", "latency_seconds", "wall"} {
		if strings.Contains(key, s) {
			return true
		}
	}
	return false
}

// TestEveryExperimentIsMeasured checks that all seven experiments run
// and present a complete Difference: claim, figures with data and
// captions, sources, method and meaning, finite metrics.
func TestEveryExperimentIsMeasured(t *testing.T) {
	res, err := tiny()
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != "tiny" || len(res.Differences) != len(Names) {
		t.Fatalf("profile %q, %d experiments; want tiny, %d", res.Profile, len(res.Differences), len(Names))
	}
	for k, d := range res.Differences {
		if d.Name != Names[k] {
			t.Errorf("experiment %d is %s, want %s", k, d.Name, Names[k])
		}
		if d.Status != "measured" || d.Claim == "" || len(d.Figures) == 0 || len(d.Sources) == 0 || d.Meaning == "" || d.Method == "" {
			t.Errorf("%s: status %q (%s), %d figures, %d sources", d.Name, d.Status, d.Reason, len(d.Figures), len(d.Sources))
		}
		for _, f := range d.Figures {
			if len(f.Series) == 0 || len(f.Series[0].Y) == 0 || f.Caption == "" {
				t.Errorf("%s: figure %q has no data or caption", d.Name, f.Title)
			}
		}
		for k, v := range d.Metrics {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: metric %s = %v", d.Name, k, v)
			}
		}
		for _, s := range append([]string{d.Method, d.Meaning}, d.Sources...) {
			if strings.Contains(s, "%!") {
				t.Errorf("%s: badly formatted text %q", d.Name, s)
			}
		}
	}
}

// TestExperimentsAreRepeatable runs two experiments again with another
// seed, twice: the same seed gives the same numbers (timings aside).
func TestExperimentsAreRepeatable(t *testing.T) {
	p := tinyProfile()
	for _, name := range []string{"topology", "signals"} {
		var first map[string]float64
		for run := range 2 {
			res, err := Run(context.Background(), Options{Only: name, Seed: 3, profile: &p}, nil, Machine{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Differences) != 1 || res.Differences[0].Status != "measured" {
				t.Fatalf("--only %s: %+v", name, res.Differences)
			}
			d := res.Differences[0]
			if run == 0 {
				first = d.Metrics
				continue
			}
			for k, v := range first {
				if !timing(k) && d.Metrics[k] != v {
					t.Errorf("%s: metric %s was %v, then %v with the same seed", name, k, v, d.Metrics[k])
				}
			}
		}
	}
}

func TestRunRejectsUnknownNames(t *testing.T) {
	if _, err := Run(context.Background(), Options{Only: "telepathy"}, nil, Machine{}); err == nil {
		t.Error("an unknown experiment was accepted")
	}
	if _, err := Run(context.Background(), Options{Profile: "huge"}, nil, Machine{}); err == nil {
		t.Error("an unknown profile was accepted")
	}
}

// TestProfilesDiffer: the full profile runs longer than the quick one and
// both name themselves.
func TestProfilesDiffer(t *testing.T) {
	q, fp := quickProfile(), fullProfile()
	if q.Name != "quick" || fp.Name != "full" {
		t.Errorf("profiles named %q and %q", q.Name, fp.Name)
	}
	if !(fp.MLP.Epochs > q.MLP.Epochs && fp.Converted.Samples > q.Converted.Samples && fp.Learning.STDP.Neurons > q.Learning.STDP.Neurons) {
		t.Error("the full profile is not larger than the quick one")
	}
	if q.MLP.Dropout != 0 || q.MLPDropout.Dropout == 0 {
		t.Errorf("dropout: MLP %v, its twin %v", q.MLP.Dropout, q.MLPDropout.Dropout)
	}
}
