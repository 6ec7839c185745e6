package compare

import (
	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/snn"
	"github.com/neurite/neurite/tensor"
)

// signals compares how the two families carry signals: graded activation
// functions against spikes, the vanishing gradient, tonic against burst
// firing, and rate coding.
func signals(e *env) (Difference, error) {
	d := Difference{Metrics: map[string]float64{}}
	if err := e.loadMNIST(); err != nil {
		return d, err
	}
	m := d.Metrics
	// Activation functions.
	var xs []float32
	for x := float32(-4); x <= 4.001; x += 0.1 {
		xs = append(xs, x)
	}
	acts := []Series{}
	for _, fn := range []struct {
		name string
		f    func(dst, x []float32)
	}{{"step (perceptron)", tensor.Step}, {"sigmoid", tensor.Sigmoid}, {"tanh", tensor.Tanh}, {"ReLU", tensor.ReLU}} {
		y := make([]float32, len(xs))
		fn.f(y, xs)
		acts = append(acts, Series{Name: fn.name, X: f64(xs), Y: f64(y)})
	}
	d.Figures = append(d.Figures, Figure{Title: "Artificial neurons: graded outputs", XLabel: "input (weighted sum)", YLabel: "output",
		Caption: "The activation functions of neurite's artificial layers, computed by its tensor kernels.", Series: acts})

	// A spiking neuron's output for a step of input: all or nothing.
	e.progress("signals: spiking responses")
	trace, lifSpikes, err := e.voltageTrace(snnLIF(), "v", "I", 25, 200)
	if err != nil {
		return d, err
	}
	m["lif_step_spikes_200ms"] = float64(lifSpikes)
	trace.Name = "LIF membrane potential, 25 mV step from 20 ms"
	d.Figures = append(d.Figures, Figure{Title: "Biological neuron: spikes", XLabel: "time (ms)", YLabel: "membrane potential (mV)",
		Caption: "A leaky integrate-and-fire neuron (τm = 20 ms, threshold −50 mV, reset −70 mV, refractory 2 ms) given a step of input: it answers with identical spikes whose timing, not size, carries the signal.",
		Series:  []Series{trace}})

	// Tonic against burst firing: the same input, different cell classes.
	var izh []Series
	for k, cls := range []string{"RS", "IB", "CH"} {
		model, err := snn.NewIzhikevich(1, snn.IzhikevichPresets[cls])
		if err != nil {
			return d, err
		}
		s, spikes, err := e.voltageTrace(model, "v", "Iext", 10, 300)
		if err != nil {
			return d, err
		}
		for i := range s.Y {
			s.Y[i] -= float64(160 * k) // stack the traces
		}
		s.Name = snn.IzhikevichPresets[cls].Name + f(" (offset −%.0f mV)", float64(160*k))
		izh = append(izh, s)
		m["izhikevich_"+cls+"_spikes_300ms"] = float64(spikes)
	}
	d.Figures = append(d.Figures, Figure{Title: "The same input, carried differently", XLabel: "time (ms)", YLabel: "membrane potential (mV, stacked)",
		Caption: "Izhikevich (2003) neurons of three cortical classes given the same 10-unit current step at 20 ms: regular (tonic) spiking, intrinsic bursting, chattering (repeated bursts).",
		Series:  izh})

	// Rate coding: f–I curves.
	fi, err := e.fiCurve(2)
	if err != nil {
		return d, err
	}
	fi.Name = "LIF, t_ref = 2 ms"
	d.Figures = append(d.Figures, Figure{Title: "Rate coding: firing rate against input", XLabel: "input (mV of steady depolarisation)", YLabel: "firing rate (Hz)", LogX: true,
		Caption: "A spiking neuron's rate grows with its input above threshold and saturates: the rate is the graded value an artificial neuron outputs directly.",
		Series:  []Series{fi}})

	// The vanishing gradient, over depth and over time.
	e.progress("signals: gradient norms through depth and time")
	batch := e.train.Head(64)
	depth := []Series{}
	for _, act := range []ann.Function{ann.Sigmoid, ann.ReLU} {
		net, err := ann.MLP(784, []int{32, 32, 32, 32, 32, 32, 32, 32}, act, 10, 0).Build(e.o.Seed)
		if err != nil {
			return d, err
		}
		var layers, norms []float64
		net.Hooks.Gradient = func(layer int, kind string, _ *tensor.Tensor, params []*ann.Param) {
			if kind == "dense" {
				layers = append([]float64{float64(len(layers) + 1)}, layers...)
				norms = append([]float64{tensor.Norm(params[0].Grad.Data)}, norms...)
			}
		}
		backwardOnce(net, batch)
		for i := range layers {
			layers[i] = float64(i + 1)
		}
		depth = append(depth, Series{Name: string(act), X: layers, Y: norms})
		m["gradnorm_"+string(act)+"_first_over_last"] = norms[0] / norms[len(norms)-1]
	}
	d.Figures = append(d.Figures, Figure{Title: "Vanishing gradient through depth", XLabel: "dense layer (1 = first)", YLabel: "gradient norm of its weights", LogY: true,
		Caption: "Gradient norms of each layer's weights in a 9-layer MLP (8 hidden layers of 32) at initialisation, one batch of 64 MNIST images: with sigmoid units the first layers receive orders of magnitude less gradient than the last.",
		Series:  depth})
	time := []Series{}
	for _, lstm := range []bool{false, true} {
		spec := ann.RowSequence(lstm, 64)
		net, err := spec.Build(e.o.Seed)
		if err != nil {
			return d, err
		}
		backwardOnce(net, batch)
		var rec *ann.Recurrent
		for _, l := range net.Layers {
			if r, ok := l.(*ann.Recurrent); ok {
				rec = r
			}
		}
		steps := make([]float64, len(rec.StepGradNorms))
		for i := range steps {
			steps[i] = float64(i + 1)
		}
		name := map[bool]string{false: "RNN (tanh)", true: "LSTM"}[lstm]
		time = append(time, Series{Name: name, X: steps, Y: slicesClone(rec.StepGradNorms)})
		m["gradnorm_"+map[bool]string{false: "rnn", true: "lstm"}[lstm]+"_step1_over_step28"] = rec.StepGradNorms[0] / rec.StepGradNorms[len(steps)-1]
	}
	d.Figures = append(d.Figures, Figure{Title: "Vanishing gradient through time", XLabel: "time step (image row)", YLabel: "‖∂loss/∂h_t‖", LogY: true,
		Caption: "Gradient of the loss with respect to each step's hidden state, for networks reading MNIST row by row (28 steps, 64 units) at initialisation: the plain RNN's gradient decays towards the early rows; the LSTM's cell carries it.",
		Series:  time})
	d.Sources = []string{"Izhikevich (2003), IEEE Trans. Neural Netw. 14:1569–1572 (cell classes and parameters).", "Hochreiter & Schmidhuber (1997), Neural Comput. 9:1735–1780 (LSTM)."}
	d.Method = "Every curve is computed in this run: activation functions by the tensor kernels; voltage traces and f–I curves by simulating single neurons (dt = 0.1 ms for LIF, 1 ms for Izhikevich as in the paper); gradient norms by one backward pass of freshly initialised networks through neurite's monitoring hooks."
	d.Meaning = f("Artificial units pass graded numbers; spiking neurons pass identical events whose rate and timing carry the value. Depth and time both attenuate gradients: the first sigmoid layer gets %.2g of the last layer's gradient norm, ", m["gradnorm_sigmoid_first_over_last"]) +
		f("the RNN's first step %.2g of its last, ", m["gradnorm_rnn_step1_over_step28"]) + f("the LSTM's %.2g.", m["gradnorm_lstm_step1_over_step28"])
	d.Status = "measured"
	return d, nil
}

func snnLIF() snn.Model {
	m, _ := snn.NewLIF(1, snn.LIFParams{TauM: 20, VRest: -70, VThresh: -50, VReset: -70, TRef: 2, TauE: 5, TauI: 10})
	return m
}

// voltageTrace simulates one neuron of model with a current step of amp
// into input from 20 ms on, and returns variable v over ms and the spike
// count.
func (e *env) voltageTrace(model snn.Model, v, input string, amp, ms float64) (Series, int, error) {
	net := &snn.Network{DT: 0.1}
	if _, ok := model.(*snn.Izhikevich); ok {
		net.DT = 1
	}
	pop := net.AddPopulation("cell", model)
	net.Inputs = append(net.Inputs, &snn.Current{Pop: pop, Var: input, Amplitude: amp, Start: 20})
	sim, err := snn.NewSim(net, snn.SimOptions{Seed: e.o.Seed, Threads: 1})
	if err != nil {
		return Series{}, 0, err
	}
	mon, err := sim.MonitorState(pop, v, []int{0}, 1)
	if err != nil {
		return Series{}, 0, err
	}
	spikes, err := sim.MonitorSpikes(pop)
	if err != nil {
		return Series{}, 0, err
	}
	if err := sim.Run(e.ctx, ms, nil); err != nil {
		return Series{}, 0, err
	}
	s := Series{}
	for k, t := range mon.Times {
		s.X, s.Y = append(s.X, t), append(s.Y, float64(mon.Values[k][0]))
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

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func slicesClone(v []float64) []float64 { return append([]float64(nil), v...) }
