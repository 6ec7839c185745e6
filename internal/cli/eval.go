package cli

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	_ "image/png" // PNG inputs for predict
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurite/neurite/ann"
	"github.com/neurite/neurite/data"
	"github.com/neurite/neurite/modelio"
	"github.com/neurite/neurite/tensor"
	"github.com/neurite/neurite/train"
)

type evalReport struct {
	Accuracy float64 `json:"accuracy"`
	Loss     float64 `json:"loss"`
	Samples  int     `json:"samples"`
	Model    string  `json:"model"`
	Data     string  `json:"data"`
	// An STDP network has no loss; it reports its activity instead.
	SpikesPerSample      *float64 `json:"spikes_per_sample,omitempty"`
	SynapticOpsPerSample *float64 `json:"synaptic_ops_per_sample,omitempty"`
}

// evalSTDP scores an STDP network file on the test set: its Poisson input
// spikes are drawn from seed, so accuracy varies slightly with it.
func evalSTDP(cmd *cobra.Command, f *modelio.File, path, dataName string, seed uint64, asJSON bool, test *data.Dataset) error {
	net, meta, err := modelio.STDPFromFile(f, seed)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if test.Features() != net.In {
		return fmt.Errorf("%s takes %d inputs; %s has %d features", path, net.In, dataName, test.Features())
	}
	if test.Classes > meta.Classes {
		return fmt.Errorf("%s labels %d classes; %s has %d", path, meta.Classes, dataName, test.Classes)
	}
	res, err := net.Evaluate(cmd.Context(), test, meta.Classes)
	if err != nil {
		return err
	}
	rep := evalReport{Accuracy: res.Accuracy, Samples: test.Len(), Model: path, Data: dataName,
		SpikesPerSample: &res.SpikesPerSample, SynapticOpsPerSample: &res.SynapticOpsPerSample}
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), rep)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "%-10s %12s %10s\n%-10.4f %12.1f %10d\n", "accuracy", "spikes/image", "samples", rep.Accuracy, res.SpikesPerSample, rep.Samples)
	return err
}

func newEvalCmd() *cobra.Command {
	var o struct {
		computeFlags
		model, data, dataDir string
	}
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Evaluate a saved model on a test set: accuracy and loss",
		Long: `eval scores a model file on a dataset's test set: MNIST's 10,000 test images, the
four rows of a truth table, or for a CSV file the same 20% that train held out
(with the same --seed). The model's saved normalisation is applied first.`,
		Example: "  neurite eval --model model.ckpt --data mnist --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.model == "" {
				return usagef("eval needs --model FILE")
			}
			restore, err := o.apply()
			if err != nil {
				return err
			}
			defer restore()
			f, err := modelio.ReadFile(o.model)
			if err != nil {
				return err
			}
			_, test, _, err := data.Open(o.data, o.dataDir, o.seed)
			if err != nil {
				return err
			}
			if modelio.IsSTDP(f) {
				return evalSTDP(cmd, f, o.model, o.data, o.seed, o.json, test)
			}
			net, meta, err := modelio.FromFile(f)
			if err != nil {
				return fmt.Errorf("%s: %w", o.model, err)
			}
			if test.Features() != meta.Spec.Inputs {
				return fmt.Errorf("%s takes %d inputs; %s has %d features", o.model, meta.Spec.Inputs, o.data, test.Features())
			}
			if meta.Normalizer != nil {
				meta.Normalizer.Apply(test)
			}
			loss, err := ann.NewLoss(meta.Spec.Loss)
			if err != nil {
				return err
			}
			rep := evalReport{Samples: test.Len(), Model: o.model, Data: o.data}
			rep.Accuracy, rep.Loss = train.Evaluate(net, loss, test, 1000)
			if o.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%-10s %10s %10s\n%-10.4f %10.4f %10d\n", "accuracy", "loss", "samples", rep.Accuracy, rep.Loss, rep.Samples)
			return err
		},
	}
	o.register(cmd)
	cmd.Flags().StringVar(&o.model, "model", "", "model file written by neurite train --out")
	cmd.Flags().StringVar(&o.data, "data", "mnist", "mnist, xor, and, or, or a CSV file")
	cmd.Flags().StringVar(&o.dataDir, "data-dir", "", "directory holding the MNIST files")
	return cmd
}

type prediction struct {
	Class         int       `json:"class"`
	Probabilities []float32 `json:"probabilities"`
}

func newPredictCmd() *cobra.Command {
	var o struct {
		computeFlags
		model, input string
	}
	cmd := &cobra.Command{
		Use:   "predict",
		Short: "Classify inputs with a saved model: an image (PNG/PGM) or CSV rows",
		Long: `predict reads one grayscale image (PNG or PGM, sized as the model's input, white
digit on black as in MNIST) or a CSV file of feature rows (no label column), and
prints each input's class and class probabilities.`,
		Example: "  neurite predict --model model.ckpt --input digit.png\n  neurite predict --model iris.ckpt --input rows.csv --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.model == "" || o.input == "" {
				return usagef("predict needs --model FILE and --input FILE")
			}
			restore, err := o.apply()
			if err != nil {
				return err
			}
			defer restore()
			net, meta, err := modelio.Load(o.model)
			if err != nil {
				return err
			}
			x, err := readInputs(o.input, meta.Spec.Inputs)
			if err != nil {
				return err
			}
			if meta.Normalizer != nil {
				for i := range x.Rows() {
					meta.Normalizer.Row(x.Row(i))
				}
			}
			preds := predict(net, x)
			if o.json {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"predictions": preds})
			}
			w := cmd.OutOrStdout()
			for i, p := range preds {
				fmt.Fprintf(w, "input %d: class %d (p = %.3f)\n", i, p.Class, p.Probabilities[p.Class])
			}
			return nil
		},
	}
	o.register(cmd)
	cmd.Flags().StringVar(&o.model, "model", "", "model file written by neurite train --out")
	cmd.Flags().StringVar(&o.input, "input", "", "a PNG or PGM image, or a CSV file of rows")
	return cmd
}

// predict returns each row's class and probabilities: the softmax of the
// outputs, or (for a single output unit) [1 − y, y].
func predict(net *ann.Sequential, x *tensor.Tensor) []prediction {
	out := net.Forward(x, false)
	var probs *tensor.Tensor
	if out.Cols() == 1 {
		probs = tensor.New(out.Rows(), 2)
		for i := range out.Rows() {
			y := min(max(out.At(i, 0), 0), 1)
			probs.Set(1-y, i, 0)
			probs.Set(y, i, 1)
		}
	} else if net.Layers[len(net.Layers)-1].Kind() == "softmax" {
		probs = out
	} else {
		probs = tensor.New(out.Shape...)
		tensor.SoftmaxRows(probs, out)
	}
	preds := make([]prediction, out.Rows())
	for i := range preds {
		row := append([]float32(nil), probs.Row(i)...)
		preds[i] = prediction{Class: tensor.ArgMax(row), Probabilities: row}
	}
	return preds
}

// readInputs reads an image or CSV rows as a batch of width features.
func readInputs(path string, width int) (*tensor.Tensor, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".pgm":
		pix, w, h, err := readGray(path)
		if err != nil {
			return nil, err
		}
		if w*h != width {
			return nil, fmt.Errorf("%s is %d×%d (%d pixels); the model takes %d inputs", path, w, h, w*h, width)
		}
		return tensor.FromData(pix, 1, width), nil
	case ".csv":
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		d, err := data.ReadCSV(f, path, data.CSVOptions{NoLabel: true})
		if err != nil {
			return nil, err
		}
		if d.Features() != width {
			return nil, fmt.Errorf("%s has %d columns; the model takes %d inputs", path, d.Features(), width)
		}
		return d.X, nil
	}
	return nil, fmt.Errorf("%s: want a .png, .pgm or .csv file", path)
}

// readGray decodes a grayscale image to values in [0, 1].
func readGray(path string) ([]float32, int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	if strings.ToLower(filepath.Ext(path)) == ".pgm" {
		return readPGM(bufio.NewReader(f), path)
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	b := img.Bounds()
	pix := make([]float32, 0, b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			pix = append(pix, float32(g.Y)/255)
		}
	}
	return pix, b.Dx(), b.Dy(), nil
}

// readPGM decodes a binary (P5) or plain (P2) PGM with maxval ≤ 255.
func readPGM(r *bufio.Reader, path string) ([]float32, int, int, error) {
	var magic string
	var w, h, maxv int
	if _, err := fmt.Fscan(r, &magic, &w, &h, &maxv); err != nil {
		return nil, 0, 0, fmt.Errorf("%s: PGM header: %w", path, err)
	}
	if (magic != "P5" && magic != "P2") || w <= 0 || h <= 0 || w*h > 1<<24 || maxv <= 0 || maxv > 255 {
		return nil, 0, 0, fmt.Errorf("%s: PGM header %s %d×%d max %d: want P2/P5, a sane size and max ≤ 255", path, magic, w, h, maxv)
	}
	pix := make([]float32, w*h)
	if magic == "P5" {
		if _, err := r.ReadByte(); err != nil { // the single whitespace after maxval
			return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
		}
		buf := make([]byte, w*h)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, 0, 0, fmt.Errorf("%s: PGM data: %w", path, err)
		}
		for i, b := range buf {
			pix[i] = float32(b) / float32(maxv)
		}
		return pix, w, h, nil
	}
	for i := range pix {
		var v int
		if _, err := fmt.Fscan(r, &v); err != nil || v < 0 || v > maxv {
			return nil, 0, 0, fmt.Errorf("%s: PGM pixel %d: bad value", path, i)
		}
		pix[i] = float32(v) / float32(maxv)
	}
	return pix, w, h, nil
}
