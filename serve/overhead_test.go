//go:build unix

package serve

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neurite/neurite/experiment"
)

// TestStalledOverhead measures what a browser that stops reading costs a
// run: the same job, with no observer at all (experiment called
// directly), through the server with no client, and through the server
// with a client that opened the run's stream and never reads, in rounds
// that rotate which goes first. It reports the medians of the jobs' wall times and
// of the process's CPU time, and the share of the job's wall time spent
// handing events over — the only place a job could wait for a viewer —,
// which must stay under 2%, and each stalled run's wall time against its
// neighbours', as paired ratios. (Even on an idle virtual machine wall
// times vary by far more than 2% from run to run, so they are reported,
// not asserted; BenchmarkFanOut measures the CPU a stalled client adds.) It
// takes minutes, so it runs only with NEURITE_LONG=1:
//
//	NEURITE_LONG=1 go test -run TestStalledOverhead -v ./serve
func TestStalledOverhead(t *testing.T) {
	if os.Getenv("NEURITE_LONG") == "" {
		t.Skip("set NEURITE_LONG=1 to measure (minutes)")
	}
	jobs := []struct {
		name string
		body string
		run  func(ctx context.Context, dir string) error
	}{
		{"lenet5", `{"kind":"train","model":"lenet5","data":"mnist","epochs":1,"train_samples":12288,"test_samples":100,"threads":2}`,
			func(ctx context.Context, dir string) error {
				_, err := experiment.Train(ctx, experiment.TrainSettings{Model: "lenet5", Data: "mnist", Epochs: 1, TrainSamples: 12288,
					TestSamples: 100, Threads: 2, Seed: 1, CheckpointOnInterrupt: true, Out: filepath.Join(dir, "model.ckpt")})
				return err
			}},
		{"brunel", `{"kind":"sim","model":"brunel","n":4000,"duration":"2s","threads":2}`,
			func(ctx context.Context, dir string) error {
				_, err := experiment.Simulate(ctx, experiment.SimSettings{Model: "brunel", N: 4000, Duration: 2 * time.Second, Threads: 2, Seed: 1,
					Raster: filepath.Join(dir, "raster.svg"), Checkpoint: filepath.Join(dir, "sim.ckpt")})
				return err
			}},
	}
	const rounds = 15
	for _, job := range jobs {
		sv, ts := newTest(t, Settings{})
		var spent []float64 // share of the stalled runs' wall time in publish
		viaServer := func(stall bool) time.Duration {
			start := time.Now()
			code, m := post(t, ts.URL+"/api/jobs", job.body)
			if code != http.StatusCreated {
				t.Fatalf("POST = %d %v", code, m)
			}
			id := m["id"].(string)
			if stall {
				defer stallStream(t, ts, id).Close()
			}
			rn := sv.lookup(id)
			<-rn.done
			wall := time.Since(start)
			if info := rn.snapshot(); info.State != stateDone {
				t.Fatalf("%s: %s %s", job.name, info.State, info.Error)
			}
			if stall {
				spent = append(spent, float64(rn.hub.spent.Load())/float64(wall))
			}
			return wall
		}
		plain, alone, stalled := make([]float64, rounds), make([]float64, rounds), make([]float64, rounds)
		cpuPlain, cpuStalled := make([]float64, rounds), make([]float64, rounds)
		runs := []func(r int){
			func(r int) {
				dir := t.TempDir()
				start, c0 := time.Now(), cpuSeconds()
				if err := job.run(context.Background(), dir); err != nil {
					t.Fatal(err)
				}
				plain[r], cpuPlain[r] = time.Since(start).Seconds(), cpuSeconds()-c0
			},
			func(r int) { alone[r] = viaServer(false).Seconds() },
			func(r int) {
				c0 := cpuSeconds()
				stalled[r] = viaServer(true).Seconds()
				cpuStalled[r] = cpuSeconds() - c0
			},
		}
		for r := range rounds {
			// Each way of running goes first, second and third equally
			// often: a run that follows another pays for its leftovers
			// (collection of its garbage, its files being written out).
			for k := range runs {
				runs[(r+k)%len(runs)](r)
			}
		}
		median := func(v []float64) float64 {
			v = slices.Clone(v)
			slices.Sort(v)
			return v[len(v)/2]
		}
		p, a, s := median(plain), median(alone), median(stalled)
		t.Logf("%s, medians of %d interleaved runs: no observer %.3fs, server without client %.3fs (%+.1f%%), server with a stalled client %.3fs (%+.1f%%)",
			job.name, rounds, p, a, 100*(a/p-1), s, 100*(s/p-1))
		// Runs next to each other in time share the machine's state, so
		// the paired ratios resolve far less than the spread of the runs.
		for _, pair := range []struct {
			what string
			base []float64
		}{{"server without client", alone}, {"no observer", plain}} {
			ratios := make([]float64, rounds)
			for i := range ratios {
				ratios[i] = stalled[i] / pair.base[i]
			}
			m, lo, hi := medianCI(ratios)
			t.Logf("%s: stalled client against %s, paired wall-time ratios: median %.4f, 95%% interval of the median [%.4f, %.4f]",
				job.name, pair.what, m, lo, hi)
		}
		cp, cs := median(cpuPlain), median(cpuStalled)
		t.Logf("%s: CPU time, medians: no observer %.3fs, stalled client %.3fs (%+.1f%%); wall time in handing events over with a stalled client: median %.4f%%",
			job.name, cp, cs, 100*(cs/cp-1), 100*median(spent))
		t.Logf("%s: no observer %s", job.name, seconds(plain))
		t.Logf("%s: server without client %s", job.name, seconds(alone))
		t.Logf("%s: stalled client %s", job.name, seconds(stalled))
		if share := median(spent); share > 0.02 {
			t.Errorf("%s: with a stalled client the job spent %.2f%% of its wall time handing events over, more than 2%%", job.name, 100*share)
		}
	}
}

// medianCI returns the median of v and a distribution-free interval that
// holds the population median with at least 95% confidence: the order
// statistics k and n+1-k, k the largest with P(Binomial(n, ½) < k) ≤ 2.5%.
func medianCI(v []float64) (median, lo, hi float64) {
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	median = v[n/2]
	if n%2 == 0 {
		median = (v[n/2-1] + v[n/2]) / 2
	}
	k, below, term := 0, 0.0, math.Pow(0.5, float64(n)) // term: P(Binomial = k)
	for below+term <= 0.025 {
		below += term
		k++
		term *= float64(n-k+1) / float64(k)
	}
	if k == 0 {
		return median, math.Inf(-1), math.Inf(1) // too few runs for 95%
	}
	return median, v[k-1], v[n-k]
}

func seconds(v []float64) string {
	var b strings.Builder
	for _, x := range v {
		fmt.Fprintf(&b, "%.3f ", x)
	}
	return b.String()
}

// cpuSeconds returns the process's user and system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func TestMedianCI(t *testing.T) {
	v := make([]float64, 15)
	for i := range v {
		v[i] = float64(15 - i) // 15, 14, …, 1
	}
	// Binomial(15, ½): P(≤ 3) = 1.76%, P(≤ 4) = 5.9%, so the 4th and 12th
	// smallest bound the median.
	if m, lo, hi := medianCI(v); m != 8 || lo != 4 || hi != 12 {
		t.Errorf("medianCI(1..15) = %v [%v, %v], want 8 [4, 12]", m, lo, hi)
	}
	// Five runs cannot give 95%: P(all five on one side) = 6.25%.
	if _, lo, hi := medianCI(v[:5]); !math.IsInf(lo, -1) || !math.IsInf(hi, 1) {
		t.Errorf("medianCI of 5 = [%v, %v], want unbounded", lo, hi)
	}
}
