package serve

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/neurite/neurite/experiment"
)

// BenchmarkFanOut measures the work the server does per simulation frame
// (2,000 spikes, the most a frame carries) with no browser, with one that
// stopped reading (its queue full) and with one that reads: the
// difference between the first two is all a stalled browser adds to the
// machine's load, per event, and runs send at most 60 events a second.
//
//	go test -run - -bench FanOut -count 5 ./serve
func BenchmarkFanOut(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	f := &experiment.SimFrame{FromMS: 0, ToMS: 16, Neurons: 10000, Populations: []string{"exc", "inh"},
		Offsets: []int{0, 8000}, RateHz: []float64{5, 6}, TraceNeurons: []int{0, 1, 2, 3}, Traces: []float64{-60, -55, -70, -65}}
	for range experiment.SimFrameSpikes {
		f.Spikes = append(f.Spikes, float64(rng.IntN(10000)), rng.Float64()*16)
	}
	for _, browser := range []string{"none", "stalled", "reading"} {
		b.Run(fmt.Sprintf("browser=%s", browser), func(b *testing.B) {
			h := newHub()
			switch browser {
			case "stalled":
				_, unsubscribe := h.subscribe()
				defer unsubscribe()
				for h.dropped.Load() == 0 { // fill its queue: it never reads
					h.in <- f
				}
				for len(h.in) > 0 { // let the fan-out catch up before timing
					time.Sleep(time.Millisecond)
				}
			case "reading":
				c, unsubscribe := h.subscribe()
				defer unsubscribe()
				go func() {
					for m := range c.ch {
						c.took(m)
					}
				}()
			}
			b.ResetTimer()
			for range b.N {
				h.in <- f // blocking: the fan-out's own pace, not drops at the door
			}
			h.finish()
		})
	}
}
