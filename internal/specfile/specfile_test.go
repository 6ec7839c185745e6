package specfile

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type s struct {
		N    int    `json:"n"`
		Name string `json:"name"`
	}
	for _, in := range []string{"n: 3\nname: x", `{"n": 3, "name": "x"}`} {
		var v s
		if err := Decode([]byte(in), &v); err != nil || v.N != 3 || v.Name != "x" {
			t.Errorf("Decode(%q) = %+v, %v", in, v, err)
		}
	}
	var v s
	if err := Decode([]byte("n: 3\nnmae: x"), &v); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("misspelt key: %v", err)
	}
	if err := Decode([]byte("n: [1"), &v); err == nil {
		t.Error("broken YAML accepted")
	}
}
