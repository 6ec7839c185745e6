package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/train"
)

// runSTDP trains Diehl & Cook's network without labels, assigns labels
// from the responses to the last 10,000 training images (or a separate
// pass), scores the test set, and saves the network with --out.
func runSTDP(ctx context.Context, o trainOptions, tr, te *data.Dataset, rep trainReport, stdout, stderr io.Writer) error {
	if o.neurons < 1 {
		return usagef("--neurons %d: must be at least 1", o.neurons)
	}
	net, err := diehlcook.New(diehlcook.Default(o.neurons), tr.Features(), o.seed)
	if err != nil {
		return err
	}
	var counts [][]int
	for ep := range o.epochs {
		bar := newProgress(stderr, o.progress, int64(tr.Len()), fmt.Sprintf("STDP pass %d/%d", ep+1, o.epochs))
		start := time.Now()
		if counts, err = net.Train(ctx, tr, func(p diehlcook.Progress) { bar.set(int64(p.Images)) }); err != nil {
			return err
		}
		bar.finish()
		sec := time.Since(start).Seconds()
		rep.EpochSeconds = append(rep.EpochSeconds, sec)
		rep.History = append(rep.History, train.Epoch{Epoch: ep + 1, Seconds: sec, Samples: tr.Len()})
		fmt.Fprintf(stderr, "pass %d: %d images in %.1fs\n", ep+1, tr.Len(), sec)
	}
	labels := tr.Labels[tr.Len()-len(counts):]
	if o.assignPass {
		bar := newProgress(stderr, o.progress, int64(tr.Len()), "assigning labels (learning off)")
		if counts, err = net.Responses(ctx, tr, func(p diehlcook.Progress) { bar.set(int64(p.Images)) }); err != nil {
			return err
		}
		bar.finish()
		labels = tr.Labels
	}
	net.Assign(counts, labels, max(tr.Classes, 2))
	res, err := net.Evaluate(ctx, te, max(tr.Classes, 2))
	if err != nil {
		return err
	}
	var seconds float64
	for _, s := range rep.EpochSeconds {
		seconds += s
	}
	rep.Params = len(net.W)
	rep.TestAccuracy = res.Accuracy
	rep.SamplesPerSecond = float64(tr.Len()*o.epochs) / seconds
	rep.SpikesPerSample, rep.SynapticOpsPerSample = &res.SpikesPerSample, &res.SynapticOpsPerSample
	if o.out != "" {
		meta := modelio.STDPMeta{Classes: max(tr.Classes, 2), Images: tr.Len() * o.epochs, Dataset: o.data}
		if err := modelio.SaveSTDP(o.out, net, meta); err != nil {
			return err
		}
		rep.Out = o.out
		fmt.Fprintf(stderr, "saved %s\n", o.out)
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	_, err = fmt.Fprintf(stdout, "%-8s %8s %8s %14s %12s %14s\n%-8s %8d %8d %14.4f %12.0f %14.0f\n",
		"model", "neurons", "passes", "test accuracy", "spikes/image", "images/s", "stdp", o.neurons, o.epochs, res.Accuracy, res.SpikesPerSample, rep.SamplesPerSecond)
	return err
}
