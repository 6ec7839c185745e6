package serve

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"

	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/internal/browsertest"
)

// TestBrowserRasterRate: the page keeps up with 60 simulation frames a
// second (2,000 spikes each, the most a frame carries) for five seconds of
// wall time, redrawing the raster at least 30 times a second, while its
// main thread stays below half a core of CPU time (Chromium's own
// TaskDuration, counted in thread time).
func TestBrowserRasterRate(t *testing.T) {
	b := browsertest.Start(t, 2*time.Minute)
	sv, ts := newTest(t, Settings{})
	id, observe, finish := sv.Attach("sim", "synthetic")
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(ts.URL+"/?run="+id)); err != nil {
		t.Fatal(err)
	}
	metrics := func() map[string]float64 {
		t.Helper()
		m, err := chromedp.Run(b.Ctx, func(ctx context.Context, tg *chromedp.Target) (map[string]float64, error) {
			res, err := cdp.Call(ctx, tg, performance.GetMetrics, cdp.Empty{})
			if err != nil {
				return nil, err
			}
			out := map[string]float64{}
			for _, m := range res.Metrics {
				out[m.Name] = m.Value
			}
			return out, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if _, err := chromedp.Run(b.Ctx, func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, tg, performance.Enable, performance.EnableParams{TimeDomain: performance.EnableTimeDomainThreadTicks})
	}); err != nil {
		t.Fatal(err)
	}
	before, draws0 := metrics(), readPage(t, b).RasterDraws
	const (
		rate     = 60
		seconds  = 5
		neurons  = 10000
		frameMS  = 1000.0 / rate
		spikesIn = experiment.SimFrameSpikes
	)
	rng := rand.New(rand.NewPCG(1, 2))
	tick := time.NewTicker(time.Second / rate)
	start := time.Now()
	for k := range rate * seconds {
		<-tick.C
		f := &experiment.SimFrame{FromMS: float64(k) * frameMS, ToMS: float64(k+1) * frameMS, Neurons: neurons,
			Populations: []string{"exc", "inh"}, Offsets: []int{0, 8000}, RateHz: []float64{5, 6},
			TraceNeurons: []int{0, 1, 2, 3}, Traces: []float64{-60, -55, -70, -65}}
		for range spikesIn {
			f.Spikes = append(f.Spikes, float64(rng.IntN(neurons)), f.FromMS+rng.Float64()*frameMS)
		}
		observe(f)
	}
	tick.Stop()
	wall := time.Since(start).Seconds()
	time.Sleep(200 * time.Millisecond)
	after, st := metrics(), readPage(t, b)
	finish(nil, nil)
	cpu := after["TaskDuration"] - before["TaskDuration"]
	draws := st.RasterDraws - draws0
	t.Logf("%d frames in %.2fs: page received %d, redrew the raster %d times (%.0f/s); main thread %.2fs of CPU (%.0f%% of a core; script %.2fs, layout %.2fs)",
		rate*seconds, wall, st.SimFrames, draws, float64(draws)/wall, cpu, 100*cpu/wall,
		after["ScriptDuration"]-before["ScriptDuration"], after["LayoutDuration"]-before["LayoutDuration"])
	if st.SimFrames < rate*seconds*9/10 {
		t.Errorf("page received %d of %d frames", st.SimFrames, rate*seconds)
	}
	if float64(draws)/wall < 30 {
		t.Errorf("raster redrawn %.0f times a second, want at least 30", float64(draws)/wall)
	}
	if cpu/wall > 0.5 {
		t.Errorf("page's main thread used %.0f%% of a core, want under 50%%", 100*cpu/wall)
	}
	b.NoErrors(t)
}
