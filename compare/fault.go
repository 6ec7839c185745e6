package compare

import (
	"context"
	"slices"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/lesion"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/train"
)

// faultTolerance lesions both families and checks recovery from a
// checkpoint.
func faultTolerance(e *env) (Difference, error) {
	d := Difference{Metrics: map[string]float64{}}
	if err := e.trainMLP(); err != nil {
		return d, err
	}
	m := d.Metrics
	fractions := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}
	test := e.test.Head(5000)
	e.progress("fault tolerance: lesioning the MLPs")
	var annSeries []Series
	for _, c := range []struct {
		name string
		net  *ann.Sequential
		key  string
	}{{"MLP", e.mlp, "mlp"}, {"MLP trained with dropout 0.2", e.mlpDrop, "mlp_dropout"}} {
		for _, order := range []lesion.Order{lesion.Random, lesion.HubsFirst} {
			build := func() (lesion.Target, error) {
				net, err := ann.MLP(784, []int{128}, ann.ReLU, 10, 0).Build(e.o.Seed)
				if err != nil {
					return nil, err
				}
				for i, p := range net.Params() {
					copy(p.Value.Data, c.net.Params()[i].Value.Data)
				}
				return lesion.NewANN(net)
			}
			pts, err := lesion.Curve(fractions, order, e.o.Seed, build, func(t lesion.Target) (float64, error) {
				return accuracy(t.(*lesion.ANN).Net, test), nil
			})
			if err != nil {
				return d, err
			}
			s := Series{Name: c.name + ", " + order.String()}
			for _, p := range pts {
				s.X, s.Y = append(s.X, 100*p.Fraction), append(s.Y, p.Value)
				m[c.key+"_"+order.String()+f("_%.0f", 100*p.Fraction)] = p.Value
			}
			annSeries = append(annSeries, s)
		}
	}
	d.Figures = append(d.Figures, Figure{Title: "Artificial network: accuracy as hidden units are removed", XLabel: "hidden units removed (%)", YLabel: "MNIST test accuracy",
		Caption: "Hidden units of the trained 784-128-10 MLPs disconnected (weights in and out set to zero), at random or the strongest (largest summed |weight|) first, on 5000 test images; each point lesions a fresh copy.",
		Series:  annSeries})

	e.progress("fault tolerance: lesioning a spiking network")
	n := 2000
	if e.full {
		n = 4000
	}
	var snnSeries []Series
	for _, order := range []lesion.Order{lesion.Random, lesion.HubsFirst} {
		var intact float64
		pts, err := lesion.Curve(fractions, order, e.o.Seed, func() (lesion.Target, error) {
			net, err := snn.COBA(n, e.o.Seed)
			if err != nil {
				return nil, err
			}
			return lesion.NewSNN(net)
		}, func(t lesion.Target) (float64, error) {
			s := t.(*lesion.SNN)
			run, err := e.simulate(s.Net, 500, threads())
			if err != nil {
				return 0, err
			}
			return run.RateHz, nil
		})
		if err != nil {
			return d, err
		}
		s := Series{Name: "COBA " + itoa(n) + ", " + order.String()}
		for _, p := range pts {
			if p.Fraction == 0 {
				intact = p.Value
			}
			// Relative to the intact network, over all neurons (removed ones
			// fire only from their own dynamics).
			s.X, s.Y = append(s.X, 100*p.Fraction), append(s.Y, p.Value/intact)
			m["snn_"+order.String()+f("_%.0f_relative_rate", 100*p.Fraction)] = p.Value / intact
		}
		m["snn_intact_rate_hz"] = intact
		snnSeries = append(snnSeries, s)
	}
	d.Figures = append(d.Figures, Figure{Title: "Spiking network: activity as neurons are removed", XLabel: "neurons removed (%)", YLabel: "mean firing rate / intact rate",
		Caption: "The self-sustained COBA network (Brette et al. 2007) with neurons disconnected (all their synapses deleted) at random or the most connected first, simulated for 500 ms after the lesion; its recurrent activity depends on enough excitation surviving.",
		Series:  snnSeries})

	// Recovery from a checkpoint: an interrupted run resumed from its
	// saved state ends with the weights of the uninterrupted one.
	e.progress("fault tolerance: interrupting and resuming training")
	same, err := e.resumeIsExact()
	if err != nil {
		return d, err
	}
	m["checkpoint_resume_bit_identical"] = 0
	if same {
		m["checkpoint_resume_bit_identical"] = 1
	}
	d.Tables = append(d.Tables, Table{Title: "Recovery", Columns: []string{"test", "result"}, Rows: [][]string{
		{"MLP trained 2 epochs straight vs. interrupted mid-epoch, state saved, resumed in a fresh network and optimizer", map[bool]string{true: "identical weights, bit for bit", false: "weights differ"}[same]},
	}})
	d.Sources = []string{"COBA network: Brette et al. (2007), J. Comput. Neurosci. 23:349–398.", "Dropout: Srivastava et al. (2014), JMLR 15:1929–1958."}
	d.Method = "Lesions use package lesion: for the MLP, hidden units lose their incoming and outgoing weights; for the spiking network, neurons lose every synapse. Each fraction lesions a fresh copy with the same seed, so random lesions are nested. Recovery: train.Fit is cancelled part-way through an epoch, its state (weights, optimizer moments, position, dropout stream) captured, and a new network resumed from it."
	d.Meaning = f("Removing 30%% of hidden units at random leaves the MLP %.1f%% accurate ", 100*m["mlp_random_30"]) + f("(%.1f%% with dropout training); taking the strongest first leaves ", 100*m["mlp_dropout_random_30"]) +
		f("%.1f%%. ", 100*m["mlp_hubs-first_30"]) + f("The spiking network keeps %.0f%% of its activity with 30%% of neurons gone at random, ", 100*m["snn_random_30_relative_rate"]) +
		f("%.0f%% when the hubs go first. Neither is a brain, but both degrade gradually rather than failing outright; and the artificial network, unlike the brain, can be restored exactly from a saved state.", 100*m["snn_hubs-first_30_relative_rate"])
	d.Status = "measured"
	return d, nil
}

// resumeIsExact trains an MLP on 6400 images for 2 epochs straight, and
// again with an interruption in the middle of the first epoch followed by
// a resume into fresh objects, and reports whether the weights are equal.
func (e *env) resumeIsExact() (bool, error) {
	data := e.train.Head(6400)
	spec := ann.MLP(784, []int{64}, ann.ReLU, 10, 0.2)
	cfg := train.Config{Epochs: 2, Batch: 64, Seed: e.o.Seed}
	newRun := func() (*ann.Sequential, optim.Optimizer, error) {
		net, err := spec.Build(e.o.Seed)
		if err != nil {
			return nil, nil, err
		}
		opt, err := optim.New("adam", 1e-3, 0, 0, false)
		return net, opt, err
	}
	weights := func(net *ann.Sequential) []float32 {
		var w []float32
		for _, p := range net.Params() {
			w = append(w, p.Value.Data...)
		}
		return w
	}
	net, opt, err := newRun()
	if err != nil {
		return false, err
	}
	if _, err := train.Fit(e.ctx, net, ann.SoftmaxCrossEntropy{}, opt, data, nil, cfg); err != nil {
		return false, err
	}
	want := weights(net)
	net, opt, err = newRun()
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	var saved train.State
	var savedW []float32
	var savedOpt optim.State
	c := cfg
	c.Progress = func(p train.Progress) {
		if p.Epoch == 1 && p.Batch == 50 {
			cancel()
		}
	}
	c.Checkpoint = func(s train.State) error {
		saved, savedW, savedOpt = s, weights(net), opt.State(net.Params())
		return nil
	}
	if _, err := train.Fit(ctx, net, ann.SoftmaxCrossEntropy{}, opt, data, nil, c); err != context.Canceled {
		return false, errorf("interrupting training: %v", err)
	}
	net2, opt2, err := newRun()
	if err != nil {
		return false, err
	}
	off := 0
	for _, p := range net2.Params() {
		off += copy(p.Value.Data, savedW[off:])
	}
	if err := opt2.Restore(net2.Params(), savedOpt); err != nil {
		return false, err
	}
	c2 := cfg
	c2.Resume = &saved
	if _, err := train.Fit(e.ctx, net2, ann.SoftmaxCrossEntropy{}, opt2, data, nil, c2); err != nil {
		return false, err
	}
	return slices.Equal(weights(net2), want), nil
}
