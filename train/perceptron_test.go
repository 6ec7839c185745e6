package train

import (
	"context"
	"testing"

	"github.com/neurite/neurite/data"
)

// TestFitPerceptron checks Rosenblatt's theorem both ways on the truth
// tables: AND and OR are learnt exactly (and training stops at the first
// pass without a mistake), XOR never.
func TestFitPerceptron(t *testing.T) {
	for _, tt := range []struct {
		name    string
		learnt  bool
		maxPass int
	}{{"and", true, 20}, {"or", true, 20}, {"xor", false, 50}} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := data.Logic(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			net, spec, hist, err := FitPerceptron(context.Background(), d, PerceptronConfig{Epochs: tt.maxPass, LR: 0.1, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			correct := 0
			for i, c := range net.Predict(d.X) {
				if c == d.Labels[i] {
					correct++
				}
			}
			last := hist[len(hist)-1]
			if tt.learnt && (correct != 4 || last.TrainAccuracy != 1 || len(hist) == tt.maxPass) {
				t.Errorf("%s: %d/4 correct after %d passes (last pass accuracy %v), want 4/4 and an early stop", tt.name, correct, len(hist), last.TrainAccuracy)
			}
			if !tt.learnt && (correct == 4 || len(hist) != tt.maxPass) {
				t.Errorf("%s: %d/4 correct after %d passes; a perceptron cannot learn XOR", tt.name, correct, len(hist))
			}
			if spec.Loss != "mse" || len(spec.Layers) != 2 {
				t.Errorf("two classes: spec %+v, want dense + step with mse", spec)
			}
		})
	}
}

func TestFitPerceptronCancelled(t *testing.T) {
	d, _ := data.Logic("xor")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := FitPerceptron(ctx, d, PerceptronConfig{Epochs: 5}); err != context.Canceled {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}
