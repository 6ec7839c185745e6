// Package specfile decodes the spec files users write (networks, models)
// from YAML or JSON into Go structs, strictly: YAML 1.2 (so keys such as
// n and y stay strings), re-encoded as JSON and decoded with unknown
// fields rejected, so one set of json tags serves both formats and a
// misspelt key is an error rather than silently ignored.
package specfile

import (
	"bytes"
	"encoding/json"

	"go.yaml.in/yaml/v3"
)

// Decode fills v from a YAML or JSON document.
func Decode(data []byte, v any) error {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
