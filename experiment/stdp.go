package experiment

import (
	"context"
	"fmt"
	"time"

	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/snn/diehlcook"
	"github.com/neurite/neurite/train"
)

// trainSTDP trains Diehl & Cook's network without labels, assigns labels
// from the responses to the last 10,000 training images (or a separate
// pass), scores the test set, and saves the network to s.Out.
func trainSTDP(ctx context.Context, s TrainSettings, sets *dataSets, rep *TrainReport) error {
	tr, te := sets.train, sets.test
	net, err := diehlcook.New(diehlcook.Default(s.Neurons), tr.Features(), s.Seed)
	if err != nil {
		return err
	}
	net.Threads = s.Threads
	var counts [][]int
	for ep := range s.Epochs {
		stage := fmt.Sprintf("STDP pass %d/%d", ep+1, s.Epochs)
		start := time.Now()
		if counts, err = net.Train(ctx, tr, func(p diehlcook.Progress) {
			s.progress(Progress{Stage: stage, Done: int64(p.Images), Total: int64(tr.Len())})
		}); err != nil {
			return err
		}
		sec := time.Since(start).Seconds()
		rep.History = append(rep.History, train.Epoch{Epoch: ep + 1, Seconds: sec, Samples: tr.Len()})
		s.logf("pass %d: %d images in %.1fs\n", ep+1, tr.Len(), sec)
	}
	labels := tr.Labels[tr.Len()-len(counts):]
	if s.AssignPass {
		if counts, err = net.Responses(ctx, tr, func(p diehlcook.Progress) {
			s.progress(Progress{Stage: "assigning labels (learning off)", Done: int64(p.Images), Total: int64(tr.Len())})
		}); err != nil {
			return err
		}
		labels = tr.Labels
	}
	net.Assign(counts, labels, rep.Classes)
	res, err := net.Evaluate(ctx, te, rep.Classes)
	if err != nil {
		return err
	}
	rep.STDP = net
	rep.Params = len(net.W)
	rep.TestAccuracy = res.Accuracy
	ops := res.Ops()
	rep.SpikesPerSample, rep.SynapticOpsPerSample, rep.Operations = &ops.Spikes, &ops.SynapticEvents, &ops
	if s.Out != "" {
		meta := modelio.STDPMeta{Classes: rep.Classes, Images: tr.Len() * s.Epochs, Dataset: s.Data}
		if err := modelio.SaveSTDP(s.Out, net, meta); err != nil {
			return err
		}
		rep.Out = s.Out
		s.logf("saved %s\n", s.Out)
	}
	return nil
}
