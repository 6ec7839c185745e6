package data

import (
	"bytes"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/neurite/neurite/tensor"
)

func TestReadIDX(t *testing.T) {
	f, err := os.ReadFile("testdata/tiny.idx")
	if err != nil {
		t.Fatal(err)
	}
	x, err := ReadIDX(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x.Dims, []int{2, 3}) || !slices.Equal(x.Data, []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("ReadIDX = %v %v, want [2 3] [1 … 6]", x.Dims, x.Data)
	}
	bad := map[string][]byte{
		"empty":         {},
		"bad magic":     {1, 0, 8, 1, 0, 0, 0, 1, 7},
		"float type":    {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0},
		"no dims":       {0, 0, 8, 0},
		"zero dim":      {0, 0, 8, 1, 0, 0, 0, 0},
		"huge":          {0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"truncated":     f[:len(f)-1],
		"cut in header": f[:6],
	}
	for name, b := range bad {
		if _, err := ReadIDX(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: ReadIDX accepted it", name)
		}
	}
}

func FuzzReadIDX(f *testing.F) {
	data, _ := os.ReadFile("testdata/tiny.idx")
	f.Add(data)
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n != len(x.Data) {
			t.Fatalf("dims %v but %d bytes", x.Dims, len(x.Data))
		}
	})
}

func TestLoadMNIST(t *testing.T) {
	train, test, err := LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.Features() != 784 {
		t.Fatalf("MNIST: %d train, %d test, %d features", train.Len(), test.Len(), train.Features())
	}
	// The first training digit of MNIST is a 5, the first test digit a 7.
	if train.Labels[0] != 5 || test.Labels[0] != 7 {
		t.Errorf("first labels %d and %d, want 5 and 7", train.Labels[0], test.Labels[0])
	}
	lo, hi := slices.Min(train.X.Data), slices.Max(train.X.Data)
	if lo != 0 || hi != 1 {
		t.Errorf("pixels in [%v, %v], want [0, 1]", lo, hi)
	}
	if _, _, err := LoadMNIST(t.TempDir()); err == nil || !strings.Contains(err.Error(), "train-images") {
		t.Errorf("LoadMNIST of an empty dir: %v, want an error naming the missing file", err)
	}
}

func TestReadCSV(t *testing.T) {
	f, _ := os.Open("testdata/small.csv")
	defer f.Close()
	d, err := ReadCSV(f, "small.csv", CSVOptions{Label: -1})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.Features() != 2 || d.Classes != 2 || !slices.Equal(d.Labels, []int{0, 1, 0}) {
		t.Errorf("ReadCSV: %d rows, %d features, %d classes, labels %v", d.Len(), d.Features(), d.Classes, d.Labels)
	}
	if !slices.Equal(d.X.Row(1), []float32{3, 4}) {
		t.Errorf("row 1 = %v", d.X.Row(1))
	}
	numeric, err := ReadCSV(strings.NewReader("2,0.5,1\n0,1.5,2\n"), "n", CSVOptions{})
	if err != nil || !slices.Equal(numeric.Labels, []int{2, 0}) || numeric.Classes != 3 || numeric.X.At(1, 1) != 2 {
		t.Errorf("label in column 0: %+v, %v", numeric, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"1,2,0\n3,x,1\n", "line 2, column 2"},
		{"1,2,0\n3,4\n", "line 2 has 2 columns, expected 3"},
		{"1,NaN,0\n", "not a finite number"},
		{"", "no examples"},
		{"a,b\n", "no examples"},
	} {
		if _, err := ReadCSV(strings.NewReader(tc.in), "t.csv", CSVOptions{Label: -1}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadCSV(%q): %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// TestCSVClassNames: labels keep their names, in the order ReadCSV
// documents, and the names survive a split.
func TestCSVClassNames(t *testing.T) {
	for _, tt := range []struct {
		name, in   string
		labels     []int
		classNames []string
	}{
		{"names sorted", "1,dog\n2,cat\n3,dog\n4,bird\n", []int{2, 1, 2, 0}, []string{"bird", "cat", "dog"}},
		{"names trimmed", "1, cat \n2,dog\n", []int{0, 1}, []string{"cat", "dog"}},
		{"digits keep their numbers", "1,2\n2,0\n3,2\n", []int{2, 0, 2}, []string{"0", "1", "2"}},
		{"negative integers in numeric order", "1,1\n2,-1\n3,0\n4,-10\n", []int{3, 1, 2, 0}, []string{"-10", "-1", "0", "1"}},
		{"integers named in decimal", "1,+1\n2,-01\n3,1\n", []int{1, 0, 1}, []string{"-1", "1"}},
		{"numbers that are not integers", "1,0.5\n2,1.0\n3,10\n", []int{0, 1, 2}, []string{"0.5", "1.0", "10"}},
		{"integers and names", "1,2\n2,10\n3,x\n", []int{1, 0, 2}, []string{"10", "2", "x"}},
		{"unicode", "1,Straße\n2,猫\n", []int{0, 1}, []string{"Straße", "猫"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadCSV(strings.NewReader(tt.in), "t.csv", CSVOptions{Label: -1})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Labels, tt.labels) || !slices.Equal(d.ClassNames, tt.classNames) || d.Classes != len(tt.classNames) {
				t.Errorf("ReadCSV(%q) = labels %v, names %q, %d classes; want %v, %q", tt.in, d.Labels, d.ClassNames, d.Classes, tt.labels, tt.classNames)
			}
			if err := d.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
	d, err := ReadCSV(strings.NewReader("1,b\n2,a\n3,b\n4,a\n5,c\n"), "t.csv", CSVOptions{Label: -1})
	if err != nil {
		t.Fatal(err)
	}
	a, b, err := d.Split(0.4, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []*Dataset{a, b, d.Head(2), d.Clone()} {
		if !slices.Equal(part.ClassNames, []string{"a", "b", "c"}) {
			t.Errorf("a part of the dataset has names %q", part.ClassNames)
		}
	}
	if in, err := ReadCSV(strings.NewReader("1,2\n"), "in.csv", CSVOptions{NoLabel: true}); err != nil || in.ClassNames != nil {
		t.Errorf("ReadCSV without labels: names %q, %v", in.ClassNames, err)
	}
}

func TestCSVBadLabels(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1,\n", "line 1, column 2: label is empty"},
		{"1,a\n2, \n", "line 2, column 2: label is empty"},
		{"1," + strings.Repeat("x", MaxClassName+1) + "\n", "has 257 bytes (at most 256)"},
		{"1,\"a\nb\"\n", "control character"},
		{"1,\xff\n", "not UTF-8"},
		{"1,1048576\n", "too many classes"},
	} {
		if _, err := ReadCSV(strings.NewReader(tc.in), "t.csv", CSVOptions{Label: -1}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadCSV(%q): %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
	if _, err := ReadCSV(strings.NewReader("1,"+strings.Repeat("x", MaxClassName)+"\n"), "t.csv", CSVOptions{Label: -1}); err != nil {
		t.Errorf("a label of MaxClassName bytes: %v", err)
	}
	if err := CheckClassNames([]string{"a", "b", "a"}); err == nil || !strings.Contains(err.Error(), "class 2") {
		t.Errorf("CheckClassNames with a name twice: %v", err)
	}
}

// TestRelabel: a test set labelled in another order scores the model's
// class of the same name; a name the model lacks is an error naming it.
func TestRelabel(t *testing.T) {
	test, err := ReadCSV(strings.NewReader("1,dog\n2,cat\n3,dog\n"), "test.csv", CSVOptions{Label: -1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := test.Relabel([]string{"dog", "cat", "bird"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Labels, []int{0, 1, 0}) || got.Classes != 3 || !slices.Equal(test.Labels, []int{1, 0, 1}) {
		t.Errorf("Relabel = labels %v, %d classes (the original now %v)", got.Labels, got.Classes, test.Labels)
	}
	if same, _ := test.Relabel([]string{"cat", "dog"}); same != test {
		t.Error("Relabel with the same names copied the dataset")
	}
	if _, err := test.Relabel([]string{"cat", "bird"}); err == nil || !strings.Contains(err.Error(), `label "dog", which is not a class of the model ("cat", "bird")`) {
		t.Errorf("Relabel without dog: %v", err)
	}
	// Names of classes no example has do not matter: labels 0 and 2 name
	// a class "1" too.
	digits, _ := ReadCSV(strings.NewReader("1,0\n2,2\n"), "d.csv", CSVOptions{Label: -1})
	if got, err := digits.Relabel([]string{"-1", "0", "2"}); err != nil || !slices.Equal(got.Labels, []int{1, 2}) {
		t.Errorf("Relabel of digits: %v, %v", got, err)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("x,y,label\n1,2,a\n3,4,b\n"))
	f.Add([]byte("1,2,0\n"))
	f.Add([]byte("1,2,-1\n3,4,1\n5,6,-1\n"))
	f.Add([]byte("1,2,\"a b\"\n3,4,\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ReadCSV(bytes.NewReader(b), "fuzz", CSVOptions{Label: -1})
		if err == nil {
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := CheckClassNames(d.ClassNames); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestSplitAndStandardize(t *testing.T) {
	d, _ := ReadCSV(strings.NewReader("1,10,0\n2,20,1\n3,30,0\n4,40,1\n5,50,0\n"), "s", CSVOptions{Label: -1})
	a1, b1, err := d.Split(0.4, 7)
	if err != nil {
		t.Fatal(err)
	}
	a2, b2, _ := d.Split(0.4, 7)
	if a1.Len() != 3 || b1.Len() != 2 || !slices.Equal(a1.X.Data, a2.X.Data) || !slices.Equal(b1.X.Data, b2.X.Data) {
		t.Errorf("Split not deterministic or wrong sizes: %d/%d", a1.Len(), b1.Len())
	}
	if _, _, err := d.Split(1, 1); err == nil {
		t.Error("split fraction 1 accepted")
	}
	s := FitNormalizer(d, false)
	if err := s.Validate(d.Features()); err != nil {
		t.Fatal(err)
	}
	s.Apply(d)
	var mean, sq float64
	for i := range d.Len() {
		v := float64(d.X.At(i, 1))
		mean += v
		sq += v * v
	}
	if mean/5 > 1e-6 || sq/5-1 > 1e-5 || sq/5-1 < -1e-5 {
		t.Errorf("standardized column: mean %v, variance %v", mean/5, sq/5)
	}
}

func TestLogic(t *testing.T) {
	for name, want := range map[string][]int{"and": {0, 0, 0, 1}, "or": {0, 1, 1, 1}, "xor": {0, 1, 1, 0}} {
		d, err := Logic(name)
		if err != nil || !slices.Equal(d.Labels, want) {
			t.Errorf("Logic(%s) = %v, %v; want %v", name, d.Labels, err, want)
		}
	}
	if _, err := Logic("nand"); err == nil {
		t.Error("Logic(nand) succeeded")
	}
}

func TestGlobalNormalizer(t *testing.T) {
	train, _, err := LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	n := FitNormalizer(train, true)
	// The figures every MNIST tutorial uses: mean 0.1307, deviation 0.3081.
	if len(n.Mean) != 1 || math.Abs(float64(n.Mean[0])-0.1307) > 1e-4 || math.Abs(float64(n.Std[0])-0.3081) > 1e-4 {
		t.Errorf("MNIST normalizer %v, want mean 0.1307, std 0.3081", n)
	}
	if err := (Normalizer{Mean: []float32{0, 0}, Std: []float32{1, 1}}).Validate(3); err == nil {
		t.Error("2 statistics for 3 features accepted")
	}
}

func TestWithLabels(t *testing.T) {
	d := &Dataset{Name: "toy", X: tensor.FromData([]float32{0, 1, 2, 3, 4, 5}, 6, 1), Labels: []int{0, 1, 2, 1, 0, 2}, Classes: 3}
	got := d.WithLabels(1, 2)
	if !slices.Equal(got.Labels, []int{1, 2, 1, 2}) || !slices.Equal(got.X.Data, []float32{1, 2, 3, 5}) || got.Classes != 3 {
		t.Errorf("WithLabels(1, 2) = labels %v, X %v, classes %d", got.Labels, got.X.Data, got.Classes)
	}
	if got := d.WithLabels(7); got.Len() != 0 {
		t.Errorf("WithLabels(7) kept %d examples", got.Len())
	}
}

func TestClone(t *testing.T) {
	d := &Dataset{Name: "toy", X: tensor.FromData([]float32{1, 2, 3, 4}, 2, 2), Labels: []int{0, 1}, Classes: 2}
	c := d.Clone()
	c.X.Data[0] = 9
	if d.X.Data[0] != 1 || !slices.Equal(c.Labels, d.Labels) || c.Len() != 2 {
		t.Errorf("clone shares data or differs: %v %v", d.X.Data, c.Labels)
	}
}
