package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/neurite/neurite/experiment"
)

// continualHelp describes train's continual-learning runs and their
// defaults, from the library.
func continualHelp() string {
	split, _ := experiment.ContinualDefaults("split")
	perm, _ := experiment.ContinualDefaults("permuted")
	return fmt.Sprintf(`
--continual split|permuted learns --tasks tasks one after another (split: the
digits in pairs 0–1, 2–3, …, told apart among all ten; permuted: all digits,
each task under its own pixel permutation) by --method: finetune (plain
sequential training), joint (all tasks so far at once, the upper bound), ewc
(elastic weight consolidation), replay (a small buffer of earlier examples) or
sleep (sleep replay consolidation, Tadros et al. 2022). It prints the accuracy
on every task after each task, and the average accuracy, backward transfer
(forgetting) and forward transfer (Lopez-Paz & Ranzato 2017); sleep also the
spikes and synaptic events its sleep phases used. Its defaults are Tadros et
al.'s: an MLP %s (ReLU, no biases), %s at lr %g with momentum %g,
batches of %d, %d tasks of %d training examples, %d epochs each (split) or
of all the examples, %d epoch each (permuted), raw pixels; --train-samples
and --test-samples count per task.
`, joinInts(split.Hidden), split.Optimizer, split.LR, split.Momentum, split.Batch, split.Tasks, split.TrainSamples, split.Epochs, perm.Epochs)
}

// printContinual prints a continual-learning run: the accuracy on every
// task (columns) after each task (rows), the metrics, and the sleep's
// cost.
func printContinual(w io.Writer, rep *experiment.TrainReport) error {
	c := rep.ContinualReport
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s, %s\t", c.Scenario, c.Method)
	for _, t := range c.Tasks {
		fmt.Fprintf(tw, "%s\t", t)
	}
	fmt.Fprintln(tw)
	row := func(name string, acc []float64) {
		fmt.Fprintf(tw, "%s\t", name)
		for _, a := range acc {
			fmt.Fprintf(tw, "%.4f\t", a)
		}
		fmt.Fprintln(tw)
	}
	row("before training", c.InitialAccuracy)
	for i, acc := range c.TaskAccuracy {
		row("after "+c.Tasks[i], acc)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\naverage accuracy %.4f, backward transfer %+.4f, forward transfer %+.4f, all tasks' test examples %.4f\n",
		c.AverageAccuracy, c.BackwardTransfer, c.ForwardTransfer, rep.TestAccuracy)
	if err != nil || c.Sleep == nil {
		return err
	}
	s := c.Sleep
	layers := make([]string, len(s.LayerSpikes))
	for i, n := range s.LayerSpikes {
		layers[i] = fmt.Sprint(n)
	}
	_, err = fmt.Fprintf(w, "sleep: %d phases, %.0f ms simulated in %.1f s: %d spikes (%d input, layers %s), %d synaptic events, %d potentiations, %d depressions\n",
		s.Sleeps, s.SimMS, s.Seconds, s.Spikes, s.InputSpikes, strings.Join(layers, "/"), s.SynapticEvents, s.Potentiations, s.Depressions)
	return err
}
