package experiment

import "testing"

// TestLeNetSpecFileBuilds: the documented example spec is LeNet-5.
func TestLeNetSpecFileBuilds(t *testing.T) {
	spec, err := loadSpec("../ann/testdata/lenet5.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := spec.CountParams(); got != 61706 {
		t.Errorf("the example spec has %d parameters, LeNet-5 has 61706", got)
	}
	if _, err := spec.Build(1); err != nil {
		t.Fatal(err)
	}
}
