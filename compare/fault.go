package compare

import (
	"context"
	"slices"
	"strings"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/experiment"
	"github.com/neurite/neurite/lesion"
	"github.com/neurite/neurite/optim"
	"github.com/neurite/neurite/train"
)

// faultTolerance lesions both families and checks recovery from a
// checkpoint.
func faultTolerance(e *env) (Difference, error) {
	m, err := measureFault(e, e.p.Fault)
	if err != nil {
		return Difference{}, err
	}
	return presentFault(m), nil
}

// faultData is what the fault-tolerance experiment measures.
type faultData struct {
	Settings faultSettings
	MLPArch  string
	// ANN holds the MLP's and its dropout twin's accuracy curves, SNN the
	// spiking network's mean rate (Hz), each with random and hubs-first
	// lesions.
	ANN, SNN []lesionCurve
	// ResumeIdentical reports whether the interrupted and resumed run
	// ended with the uninterrupted run's weights, bit for bit.
	ResumeIdentical bool
}

// lesionCurve is a measure against the fraction of units removed.
type lesionCurve struct {
	Name, Key string
	Order     lesion.Order
	Points    []lesion.Point
}

func measureFault(e *env, s faultSettings) (faultData, error) {
	m := faultData{Settings: s}
	mlp, err := e.trainedMLP()
	if err != nil {
		return m, err
	}
	drop, err := e.dropoutMLP()
	if err != nil {
		return m, err
	}
	m.MLPArch = arch(mlp.Settings)
	test := e.test.Head(s.TestImages)
	e.progress("fault tolerance: lesioning the MLPs")
	for _, c := range []struct {
		name, key string
		net       *ann.Sequential
	}{{"MLP", "mlp", mlp.Net}, {f("MLP trained with dropout %g", drop.Settings.Dropout), "mlp_dropout", drop.Net}} {
		for _, order := range []lesion.Order{lesion.Random, lesion.HubsFirst} {
			build := func() (lesion.Target, error) {
				// A copy without dropout layers: lesions hit the weights.
				net, err := mlp.Spec.Build(e.o.Seed)
				if err != nil {
					return nil, err
				}
				for i, p := range net.Params() {
					copy(p.Value.Data, c.net.Params()[i].Value.Data)
				}
				return lesion.NewANN(net)
			}
			pts, err := lesion.Curve(s.Fractions, order, e.o.Seed, build, func(t lesion.Target) (float64, error) {
				return accuracy(t.(*lesion.ANN).Net, test), nil
			})
			if err != nil {
				return m, err
			}
			m.ANN = append(m.ANN, lesionCurve{Name: c.name, Key: c.key, Order: order, Points: pts})
		}
	}

	e.progress("fault tolerance: lesioning a spiking network")
	for _, order := range []lesion.Order{lesion.Random, lesion.HubsFirst} {
		pts, err := lesion.Curve(s.Fractions, order, e.o.Seed, func() (lesion.Target, error) {
			net, err := experiment.BuildNetwork(s.COBA.Model, s.COBA.N, s.COBA.Panel, e.o.Seed)
			if err != nil {
				return nil, err
			}
			return lesion.NewSNN(net)
		}, func(t lesion.Target) (float64, error) {
			run, err := e.simulate(t.(*lesion.SNN).Net, ms(s.COBA.Duration), s.COBA.Threads)
			if err != nil {
				return 0, err
			}
			return meanRate(run), nil
		})
		if err != nil {
			return m, err
		}
		m.SNN = append(m.SNN, lesionCurve{Name: f("%s %d", strings.ToUpper(s.COBA.Model), s.COBA.N), Key: "snn", Order: order, Points: pts})
	}

	// Recovery from a checkpoint: an interrupted run resumed from its
	// saved state ends with the weights of the uninterrupted one.
	e.progress("fault tolerance: interrupting and resuming training")
	if m.ResumeIdentical, err = resumeIsExact(e.ctx, e.standardised(e.rawTrain.Head(s.Resume.Images)), s.Resume, e.o.Seed); err != nil {
		return m, err
	}
	return m, nil
}

func presentFault(fm faultData) Difference {
	d := Difference{Metrics: map[string]float64{}}
	m := d.Metrics
	s := fm.Settings
	var annSeries []Series
	for _, c := range fm.ANN {
		ser := Series{Name: c.Name + ", " + c.Order.String(), Family: Artificial}
		for _, p := range c.Points {
			ser.X, ser.Y = append(ser.X, 100*p.Fraction), append(ser.Y, p.Value)
			m[c.Key+"_"+c.Order.String()+f("_%.0f", 100*p.Fraction)] = p.Value
		}
		annSeries = append(annSeries, ser)
	}
	d.Figures = append(d.Figures, Figure{Title: "Artificial network: accuracy as hidden units are removed", XLabel: "hidden units removed (%)", YLabel: "MNIST test accuracy",
		Caption: f("Hidden units of the trained %s MLPs disconnected (weights in and out set to zero), at random or the strongest (largest summed |weight|) first, on %d test images; each point lesions a fresh copy.", fm.MLPArch, s.TestImages),
		Series:  annSeries})

	var snnSeries []Series
	for _, c := range fm.SNN {
		var intact float64
		ser := Series{Name: c.Name + ", " + c.Order.String(), Family: Biological}
		for _, p := range c.Points {
			if p.Fraction == 0 {
				intact = p.Value
			}
			// Relative to the intact network, over all neurons (removed ones
			// fire only from their own dynamics).
			ser.X, ser.Y = append(ser.X, 100*p.Fraction), append(ser.Y, p.Value/intact)
			m["snn_"+c.Order.String()+f("_%.0f_relative_rate", 100*p.Fraction)] = p.Value / intact
		}
		m["snn_intact_rate_hz"] = intact
		snnSeries = append(snnSeries, ser)
	}
	d.Figures = append(d.Figures, Figure{Title: "Spiking network: activity as neurons are removed", XLabel: "neurons removed (%)", YLabel: "mean firing rate / intact rate",
		Caption: f("The self-sustained COBA network (Brette et al. 2007) with neurons disconnected (all their synapses deleted) at random or the most connected first, simulated for %.0f ms after the lesion; its recurrent activity depends on enough excitation surviving.", ms(s.COBA.Duration)),
		Series:  snnSeries})

	m["checkpoint_resume_bit_identical"] = 0
	if fm.ResumeIdentical {
		m["checkpoint_resume_bit_identical"] = 1
	}
	r := s.Resume
	d.Tables = append(d.Tables, Table{Title: "Recovery", Columns: []string{"test", "result"}, Rows: [][]string{
		{f("MLP trained %d epochs straight vs. interrupted mid-epoch, state saved, resumed in a fresh network and optimizer", r.Epochs), map[bool]string{true: "identical weights, bit for bit", false: "weights differ"}[fm.ResumeIdentical]},
	}})
	d.Sources = []string{"COBA network: Brette et al. (2007), J. Comput. Neurosci. 23:349–398.", "Dropout: Srivastava et al. (2014), JMLR 15:1929–1958."}
	d.Method = "Lesions use package lesion: for the MLP, hidden units lose their incoming and outgoing weights; for the spiking network, neurons lose every synapse. Each fraction lesions a fresh copy with the same seed, so random lesions are nested. Recovery: train.Fit is cancelled part-way through an epoch, its state (weights, optimizer moments, position, dropout stream) captured, and a new network resumed from it."
	d.Meaning = f("Removing 30%% of hidden units at random leaves the MLP %.1f%% accurate ", 100*m["mlp_random_30"]) + f("(%.1f%% with dropout training); taking the strongest first leaves ", 100*m["mlp_dropout_random_30"]) +
		f("%.1f%%. ", 100*m["mlp_hubs-first_30"]) + f("The spiking network keeps %.0f%% of its activity with 30%% of neurons gone at random, ", 100*m["snn_random_30_relative_rate"]) +
		f("%.0f%% when the hubs go first. Neither is a brain, but both degrade gradually rather than failing outright; and the artificial network, unlike the brain, can be restored exactly from a saved state.", 100*m["snn_hubs-first_30_relative_rate"])
	d.Status = "measured"
	return d
}

// resumeIsExact trains an MLP on d (standardised) as s says, straight and
// again with an interruption in the middle of the first epoch followed
// by a resume into fresh objects, and reports whether the weights are
// equal. No job interrupts itself mid-epoch, so this drives train.Fit
// directly.
func resumeIsExact(ctx context.Context, d *data.Dataset, s resumeSettings, seed uint64) (bool, error) {
	spec := ann.MLP(d.Features(), []int{s.Hidden}, ann.ReLU, d.Classes, s.Dropout)
	cfg := train.Config{Epochs: s.Epochs, Batch: s.Batch, Seed: seed}
	newRun := func() (*ann.Sequential, optim.Optimizer, error) {
		net, err := spec.Build(seed)
		if err != nil {
			return nil, nil, err
		}
		opt, err := optim.Adam{LR: s.LR}.New()
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
	if _, err := train.Fit(ctx, net, ann.SoftmaxCrossEntropy{}, opt, d, nil, cfg); err != nil {
		return false, err
	}
	want := weights(net)
	net, opt, err = newRun()
	if err != nil {
		return false, err
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var saved train.State
	var savedW []float32
	var savedOpt optim.State
	c := cfg
	c.Progress = func(p train.Progress) {
		if p.Epoch == 1 && p.Batch == s.InterruptAt {
			cancel()
		}
	}
	c.Checkpoint = func(st train.State) error {
		saved, savedW, savedOpt = st, weights(net), opt.State(net.Params())
		return nil
	}
	if _, err := train.Fit(cctx, net, ann.SoftmaxCrossEntropy{}, opt, d, nil, c); err != context.Canceled {
		if err := ctx.Err(); err != nil {
			return false, err
		}
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
	if _, err := train.Fit(ctx, net2, ann.SoftmaxCrossEntropy{}, opt2, d, nil, c2); err != nil {
		return false, err
	}
	return slices.Equal(weights(net2), want), nil
}
