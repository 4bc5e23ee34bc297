//go:build cgo

package paperspace_test

import (
	"bytes"
	"encoding/json"
	"testing"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

// The parameter encoder is json.Marshal, cached for zero values; what callers append to its
// result never reaches the cache.
func TestEncodeParamsIsJSONMarshal(t *testing.T) {
	values := []any{
		&paperspace.TemplateFilter{},
		&paperspace.TemplateFilter{ID: paperspace.Match("t04azgph")},
		&paperspace.TemplateFilter{Label: paperspace.MatchNull[string]()},
		&paperspace.MachineFilter{},
		&paperspace.UserFilter{},
		&paperspace.CreateMachineParams{},
		&paperspace.CreateMachineParams{Region: "East Coast (NY2)", MachineType: "C4", Size: 50},
		map[string]any{},
	}
	for _, v := range values {
		for range 2 { // the second time from the cache, for zero values
			got, err := paperspace.EncodeParams(v)
			want, wantErr := json.Marshal(v)
			if err != nil || wantErr != nil || !bytes.Equal(got, want) {
				t.Fatalf("%T %+v: %q, %v; json.Marshal gives %q, %v", v, v, got, err, want, wantErr)
			}
			_ = append(got, 0, 'x')
		}
	}
	if got, _ := paperspace.EncodeParams(&paperspace.TemplateFilter{}); string(got) != "{}" {
		t.Errorf("the cached encoding of a zero TemplateFilter became %q", got)
	}
}
