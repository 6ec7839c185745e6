package compare

import (
	"slices"
	"strings"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/tensor"
)

// signals compares how the two families carry signals: graded activation
// functions against spikes, the vanishing gradient, tonic against burst
// firing, and rate coding.
func signals(e *env) (Difference, error) {
	m, err := measureSignals(e, e.p.Signals)
	if err != nil {
		return Difference{}, err
	}
	return presentSignals(m), nil
}

// signalsData is what the signals experiment measures.
type signalsData struct {
	Settings signalsSettings
	// Activations are the activation functions' curves, by name.
	Activations []named
	// LIF is a LIF neuron's membrane potential for a current step, with
	// its spike count; Izhikevich the same for three cell classes.
	LIF        named
	LIFSpikes  int
	Izhikevich []cellResponse
	// FI is a LIF neuron's f–I curve (t_ref = 2 ms).
	FI xy
	// Depth holds, per activation of a deep MLP, each dense layer's
	// weight-gradient norm (layer 1 first); Time, for an RNN and an LSTM,
	// the gradient norm at each time step.
	Depth, Time []named
}

// named is a measured curve with its name (and a metric key).
type named struct {
	Name, Key string
	xy
}

// cellResponse is an Izhikevich cell's voltage trace.
type cellResponse struct {
	Class, Name string
	Trace       xy
	Spikes      int
}

func measureSignals(e *env, s signalsSettings) (signalsData, error) {
	m := signalsData{Settings: s}
	if err := e.loadMNIST(); err != nil {
		return m, err
	}
	// Activation functions.
	var xs []float32
	for x := float32(-4); x <= 4.001; x += 0.1 {
		xs = append(xs, x)
	}
	for _, fn := range []struct {
		name string
		f    func(dst, x []float32)
	}{{"step (perceptron)", tensor.Step}, {"sigmoid", tensor.Sigmoid}, {"tanh", tensor.Tanh}, {"ReLU", tensor.ReLU}} {
		y := make([]float32, len(xs))
		fn.f(y, xs)
		m.Activations = append(m.Activations, named{Name: fn.name, xy: xy{X: f64(xs), Y: f64(y)}})
	}

	// A spiking neuron's output for a step of input: all or nothing.
	e.progress("signals: spiking responses")
	lif, err := snn.NewLIF(1, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
	if err != nil {
		return m, err
	}
	trace, spikes, err := e.voltageTrace(lif, "v", "I", 25, 200)
	if err != nil {
		return m, err
	}
	m.LIF, m.LIFSpikes = named{Name: "LIF membrane potential, 25 mV step from 20 ms", xy: trace}, spikes

	// Tonic against burst firing: the same input, different cell classes.
	for _, cls := range []string{"RS", "IB", "CH"} {
		model, err := snn.NewIzhikevich(1, snn.IzhikevichPresets[cls])
		if err != nil {
			return m, err
		}
		tr, spikes, err := e.voltageTrace(model, "v", "Iext", 10, 300)
		if err != nil {
			return m, err
		}
		m.Izhikevich = append(m.Izhikevich, cellResponse{Class: cls, Name: snn.IzhikevichPresets[cls].Name, Trace: tr, Spikes: spikes})
	}

	// Rate coding: f–I curves.
	if m.FI, err = e.fiCurve(2); err != nil {
		return m, err
	}

	// The vanishing gradient, over depth and over time.
	e.progress("signals: gradient norms through depth and time")
	batch := e.standardised(e.rawTrain.Head(s.GradientBatch))
	for _, act := range []ann.Function{ann.Sigmoid, ann.ReLU} {
		net, err := ann.MLP(batch.Features(), s.DeepHidden, act, batch.Classes, 0).Build(e.o.Seed)
		if err != nil {
			return m, err
		}
		var norms []float64
		net.Hooks.Gradient = func(layer int, kind string, _ *tensor.Tensor, params []*ann.Param) {
			if kind == "dense" {
				norms = append(norms, tensor.Norm(params[0].Grad.Data)) // last layer first
			}
		}
		backwardOnce(net, batch)
		slices.Reverse(norms)
		m.Depth = append(m.Depth, named{Name: string(act), Key: string(act), xy: xy{X: count(len(norms)), Y: norms}})
	}
	for _, lstm := range []bool{false, true} {
		net, err := ann.RowSequence(lstm, s.RecurrentHidden).Build(e.o.Seed)
		if err != nil {
			return m, err
		}
		backwardOnce(net, batch)
		var rec *ann.Recurrent
		for _, l := range net.Layers {
			if r, ok := l.(*ann.Recurrent); ok {
				rec = r
			}
		}
		if rec == nil {
			return m, errorf("the row-by-row network has no recurrent layer")
		}
		c := named{Name: "RNN (tanh)", Key: "rnn"}
		if lstm {
			c = named{Name: "LSTM", Key: "lstm"}
		}
		c.xy = xy{X: count(len(rec.StepGradNorms)), Y: slices.Clone(rec.StepGradNorms)}
		m.Time = append(m.Time, c)
	}
	return m, nil
}

func presentSignals(sm signalsData) Difference {
	d := Difference{Metrics: map[string]float64{}}
	m := d.Metrics
	var acts []Series
	for _, a := range sm.Activations {
		ser := a.series(a.Name)
		ser.Family = Artificial
		acts = append(acts, ser)
	}
	d.Figures = append(d.Figures, Figure{Title: "Artificial neurons: graded outputs", XLabel: "input (weighted sum)", YLabel: "output",
		Caption: "The activation functions of neurite's artificial layers, computed by its tensor kernels.", Series: acts})

	m["lif_step_spikes_200ms"] = float64(sm.LIFSpikes)
	d.Figures = append(d.Figures, Figure{Title: "Biological neuron: spikes", XLabel: "time (ms)", YLabel: "membrane potential (mV)",
		Caption: "A leaky integrate-and-fire neuron (τm = 20 ms, threshold −50 mV, reset −70 mV, refractory 2 ms) given a step of input: it answers with identical spikes whose timing, not size, carries the signal.",
		Series:  []Series{withFamily(sm.LIF.series(sm.LIF.Name), Biological)}})

	var izh []Series
	for k, c := range sm.Izhikevich {
		offset := float64(160 * k) // stack the traces
		y := make([]float64, len(c.Trace.Y))
		for i, v := range c.Trace.Y {
			y[i] = v - offset
		}
		izh = append(izh, Series{Name: c.Name + f(" (offset −%.0f mV)", offset), X: c.Trace.X, Y: y, Family: Biological})
		m["izhikevich_"+c.Class+"_spikes_300ms"] = float64(c.Spikes)
	}
	d.Figures = append(d.Figures, Figure{Title: "The same input, carried differently", XLabel: "time (ms)", YLabel: "membrane potential (mV, stacked)",
		Caption: "Izhikevich (2003) neurons of three cortical classes given the same 10-unit current step at 20 ms: regular (tonic) spiking, intrinsic bursting, chattering (repeated bursts).",
		Series:  izh})

	// The rate-coding figure keeps the drives a neuron meets (up to
	// physiologicalDrive mV); the speed section shows the rest, up to the
	// refractory ceiling.
	var fi Series
	for i, x := range sm.FI.X {
		if x <= physiologicalDrive {
			fi.X, fi.Y = append(fi.X, x), append(fi.Y, sm.FI.Y[i])
		}
	}
	fi.Name, fi.Family = "LIF, t_ref = 2 ms", Biological
	d.Figures = append(d.Figures, Figure{Title: "Rate coding: firing rate against input", XLabel: "input drive R·I (mV above rest; threshold at 20)", YLabel: "firing rate (Hz)",
		Caption: f("A spiking neuron's rate grows with its input above threshold: the rate is the graded value an artificial neuron outputs directly. Drives up to %g mV, the range a cortical neuron meets; ", physiologicalDrive) +
			"the speed section follows the same curve to its refractory ceiling.",
		Series: []Series{fi}})

	var depth []Series
	for _, c := range sm.Depth {
		depth = append(depth, withFamily(c.series(c.Name), Artificial))
		m["gradnorm_"+c.Key+"_first_over_last"] = c.Y[0] / c.Y[len(c.Y)-1]
	}
	s := sm.Settings
	d.Figures = append(d.Figures, Figure{Title: "Vanishing gradient through depth", XLabel: "dense layer (1 = first)", YLabel: "gradient norm of its weights", LogY: true,
		Caption: f("Gradient norms of each layer's weights in a %d-layer MLP (%d hidden layers of %s) at initialisation, one batch of %d MNIST images: ", len(s.DeepHidden)+1, len(s.DeepHidden), widths(s.DeepHidden), s.GradientBatch) +
			"with sigmoid units the first layers receive orders of magnitude less gradient than the last.",
		Series: depth})
	var time []Series
	for _, c := range sm.Time {
		time = append(time, withFamily(c.series(c.Name), Artificial))
		m["gradnorm_"+c.Key+"_step1_over_step28"] = c.Y[0] / c.Y[len(c.Y)-1]
	}
	d.Figures = append(d.Figures, Figure{Title: "Vanishing gradient through time", XLabel: "time step (image row)", YLabel: "‖∂loss/∂h_t‖", LogY: true,
		Caption: f("Gradient of the loss with respect to each step's hidden state, for networks reading MNIST row by row (28 steps, %d units) at initialisation: ", s.RecurrentHidden) +
			"the plain RNN's gradient decays towards the early rows; the LSTM's cell carries it.",
		Series: time})
	d.Sources = []string{"Izhikevich (2003), IEEE Trans. Neural Netw. 14:1569–1572 (cell classes and parameters).", "Hochreiter & Schmidhuber (1997), Neural Comput. 9:1735–1780 (LSTM)."}
	d.Method = "Every curve is computed in this run: activation functions by the tensor kernels; voltage traces and f–I curves by simulating single neurons (dt = 0.1 ms for LIF, 1 ms for Izhikevich as in the paper); gradient norms by one backward pass of freshly initialised networks through neurite's monitoring hooks."
	d.Meaning = f("Artificial units pass graded numbers; spiking neurons pass identical events whose rate and timing carry the value. Depth and time both attenuate gradients: the first sigmoid layer gets %.2g of the last layer's gradient norm, ", m["gradnorm_sigmoid_first_over_last"]) +
		f("the RNN's first step %.2g of its last, ", m["gradnorm_rnn_step1_over_step28"]) + f("the LSTM's %.2g.", m["gradnorm_lstm_step1_over_step28"])
	d.Status = "measured"
	return d
}

// voltageTrace simulates one neuron of model with a current step of amp
// into input from 20 ms on, and returns variable v over ms and the spike
// count. No job records a state variable, so this drives the simulator
// directly.
func (e *env) voltageTrace(model snn.Model, v, input string, amp, ms float64) (xy, int, error) {
	net := &snn.Network{DT: 0.1}
	if _, ok := model.(*snn.Izhikevich); ok {
		net.DT = 1
	}
	pop := net.AddPopulation("cell", model)
	net.Inputs = append(net.Inputs, &snn.Current{Pop: pop, Var: input, Amplitude: amp, Start: 20})
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: e.o.Seed, Threads: 1})
	if err != nil {
		return xy{}, 0, err
	}
	mon, err := sim.MonitorState(pop, v, []int{0}, 1)
	if err != nil {
		return xy{}, 0, err
	}
	spikes, err := sim.MonitorSpikes(pop)
	if err != nil {
		return xy{}, 0, err
	}
	if err := sim.Run(e.ctx, ms, nil); err != nil {
		return xy{}, 0, err
	}
	var s xy
	for k, t := range mon.Times {
		s.add(t, float64(mon.Values[k][0]))
	}
	return s, spikes.Len(), nil
}

// backwardOnce runs one forward and backward pass on a batch.
func backwardOnce(net *ann.Sequential, batch *data.Dataset) {
	out := net.Forward(batch.X, true)
	grad := tensor.New(out.Shape...)
	ann.SoftmaxCrossEntropy{}.Eval(grad, out, batch.Labels)
	net.Backward(grad)
}

// widths writes layer widths: "32" when all are 32, else "32, 16, 8".
func widths(w []int) string {
	s := make([]string, len(w))
	for i, n := range w {
		s[i] = itoa(n)
	}
	if len(w) > 0 && slices.Equal(w[1:], w[:len(w)-1]) {
		return s[0]
	}
	return strings.Join(s, ", ")
}

// count returns 1, 2, …, n.
func count(n int) []float64 {
	c := make([]float64, n)
	for i := range c {
		c[i] = float64(i + 1)
	}
	return c
}

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// physiologicalDrive is the largest input drive, in mV of R·I above
// rest, the rate-coding figure shows.
const physiologicalDrive = 100.0

// withFamily returns s marked as one family's.
func withFamily(s Series, family string) Series {
	s.Family = family
	return s
}
