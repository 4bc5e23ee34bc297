package paperspace

import (
	"encoding/json"
	"reflect"
	"sync"
)

// zeroParams holds, per parameter type, json.Marshal of its zero value. A call with no
// parameters set (a list without filters, the most common call) then costs no encoding: for
// TemplateFilter, json.Marshal takes about 0.7 us and 9 allocations, each of which brings the
// next garbage collection closer.
var zeroParams sync.Map // reflect.Type -> []byte

// encodeParams is json.Marshal(params), from the cache when params points to a zero value.
func encodeParams(params any) ([]byte, error) {
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.IsNil() || !v.Elem().IsZero() {
		return json.Marshal(params)
	}
	if cached, ok := zeroParams.Load(v.Type()); ok {
		return cached.([]byte), nil
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	// Full slice expression: a caller's append (invoke adds the NUL) copies, never writes here.
	body = body[:len(body):len(body)]
	zeroParams.Store(v.Type(), body)
	return body, nil
}
