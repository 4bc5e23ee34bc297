//go:build cgo

package paperspace

// Tests of decodeResult, the hand-written result decoder, against encoding/json: it must give
// the same value and the same error for every input. FuzzDecode is the differential fuzz test
// (its seeds, the fixtures and the cases below, run in every `go test`); run it longer with
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 5m

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixtureFiles are the API sample bodies of tests/fixtures and the bench's bodies.
func fixtureFiles(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pattern := range []string{"../../tests/fixtures/*.json", "../../benches/fixtures/*.json"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out[path] = text
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d fixtures", len(out))
	}
	return out
}

// decodeCases are edge cases for the table test and seeds for the fuzz test.
var decodeCases = []string{
	``, ` `, `null`, ` null `, `nul`, `nulll`, `[]`, `{}`, `[null]`, `[{}]`, `[{},null,{}]`, `[1]`, `["a"]`,
	`[[]]`, `[{}`, `[{},]`, `[,]`, `{"id":"a",}`, `{,}`, `{"id" "a"}`, `{"id":"a"}x`, `{"id":"a"} {}`,
	`true`, `false`, `1`, `"x"`, `{"id":1}`, `{"id":true}`, `{"id":{}}`, `{"id":[]}`,
	"\t\r\n {\t\"id\"\r:\n\"a\" }\n",
	// escapes and UTF-8
	`{"id":"a\"b\\c\/d\be\ff\ng\rh\ti"}`, `{"id":"\u0041\u00e9\u20ac\ud83d\ude00"}`,
	`{"id":"\ud83d"}`, `{"id":"\ud83dx"}`, `{"id":"\ude00\ud83d"}`, `{"id":"\ud83d\u0041"}`,
	`{"id":"\ud83d\ud83d\ude00"}`, `{"id":"\u00"}`, `{"id":"\u00zz"}`, `{"id":"\x"}`, `{"id":"\'"}`,
	`{"id":"\"}`, "{\"id\":\"a\x01\"}", "{\"id\":\"a\x7f\"}", "{\"id\":\"caf\xc3\xa9\"}",
	"{\"id\":\"bad\xff\xfe\"}", "{\"id\":\"\xed\xa0\x80\"}", "{\"id\":\"\xc3\"}", "{\"id\":\"\\n\xff\"}",
	`{"\u0069d":"escaped key"}`, `{"i\d":"a"}`,
	// keys: case-insensitive and Unicode-folded matches, unknown keys, repeats
	`{"ID":"upper"}`, `{"Id":"a","id":"b"}`, `{"id":"b","ID":"a"}`, `{"DTCREATED":"x"}`,
	`{"dtcreated":"x","dtCreated":"y"}`, `{"ſcriptId":"long s"}`, `{"\u017fcriptId":"long s"}`,
	`{"K":1}`, `{"isAdmin":true,"isadmin":false}`, `{"idx":"unknown"}`, `{"":1}`, `{"éé":1}`,
	`{"id":"a","id":"b"}`, `{"label":"a","label":null}`, `{"label":null,"label":"b"}`,
	`{"id":"a","id":null}`, `{"cpus":3,"cpus":null}`,
	// unknown values of every kind, nested
	`{"x":{"a":[1,2.5,-3e10,{"b":null}],"c":"\u00e9"},"id":"a"}`, `{"x":[[[[[]]]]],"id":"a"}`,
	`{"x":[1,]}`, `{"x":{"a"}}`, `{"x":{"a":}}`, `{"x":tru}`, `{"x":nulx}`, `{"x":01}`, `{"x":-}`,
	`{"x":1.}`, `{"x":.5}`, `{"x":1e}`, `{"x":1e+}`, `{"x":-0.0E-00}`, `{"x":+1}`, `{"x":0x1}`,
	`{"x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`,
	`{"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
	`{"x":` + strings.Repeat(`{"a":`, 250) + `1` + strings.Repeat("}", 250) + `}`,
	// numbers into int fields
	`{"cpus":0}`, `{"cpus":-0}`, `{"cpus":-12}`, `{"cpus":1.0}`, `{"cpus":1e2}`, `{"cpus":"1"}`,
	`{"cpus":9223372036854775807}`, `{"cpus":9223372036854775808}`, `{"cpus":-9223372036854775808}`,
	`{"cpus":-9223372036854775809}`, `{"cpus":01}`, `{"cpus":null}`, `{"cpus":true}`,
	`{"shutdownTimeoutInHours":5}`, `{"shutdownTimeoutInHours":null}`, `{"shutdownTimeoutInHours":1.5}`,
	`{"autoSnapshotSaveCount":99999999999999999999}`,
	// bools
	`{"available":true}`, `{"available":false}`, `{"available":null}`, `{"available":"true"}`,
	`{"available":1}`, `{"available":tru}`, `{"available":true,"available":false}`,
	`{"dynamicPublicIp":true}`, `{"dynamicPublicIp":null}`, `{"dynamicPublicIp":0}`,
	`{"updatesPending":null}`, `{"isAdmin":true,"isOwner":false}`,
	// strings and pointers
	`{"os":null,"ram":"123","gpu":"","region":"Europe (AMS1)"}`, `{"os":1}`, `{"ram":123}`,
	`{"state":"ready","machineType":"C4","usageRate":null}`, `{"label":null}`, `{"label":""}`,
	`{"teamId":"t","userId":null,"region":"West Coast (CA1)"}`,
	// events
	`{"events":null}`, `{"events":[]}`, `{"events":[null]}`, `{"events":[{}]}`, `{"events":{}}`,
	`{"events":[{"name":"create","state":"done","dtFinished":null}]}`, `{"events":[1]}`,
	`{"events":[{"name":"a"}],"events":[{"state":"done"}]}`, `{"events":[],"events":[{"name":"a"}]}`,
	`{"events":[{"name":"a"}],"events":null}`, `{"events":[{"dtFinished":"x","DtFinished":null}]}`,
	`[{"events":[{"name":"a","handle":"h","errorMsg":"e","dtModified":"m","dtCreated":"c"}]}]`,
}

// results is one fresh value of each result type the binding decodes.
func results() []any {
	return []any{new([]Template), new(Machine), new([]Machine), new(Availability), new([]User)}
}

// checkDecode compares decodeResult and fastDecode with json.Unmarshal on text, for every result
// type.
func checkDecode(t *testing.T, text []byte) {
	t.Helper()
	for i, want := range results() {
		wantErr := json.Unmarshal(text, want)

		got := results()[i]
		gotErr := decodeResult(string(text), got)
		if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Fatalf("%T of %q: error %v, encoding/json %v", got, text, gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%T of %q:\n got %#v\nwant %#v", got, text, got, want)
		}

		fast := results()[i]
		if fastDecode(string(text), fast) {
			if wantErr != nil {
				t.Fatalf("%T of %q: decoded, but encoding/json fails: %v", fast, text, wantErr)
			}
			if !reflect.DeepEqual(fast, want) {
				t.Fatalf("%T of %q: fast\n got %#v\nwant %#v", fast, text, fast, want)
			}
		} else if !reflect.DeepEqual(fast, results()[i]) {
			t.Fatalf("%T of %q: gave up but wrote %#v", fast, text, fast)
		}
	}
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, text := range decodeCases {
		checkDecode(t, []byte(text))
	}
	for _, text := range fixtureFiles(t) {
		checkDecode(t, text)
	}
}

// The fixtures must take the fast path for their own type, else the decoder buys nothing.
func TestDecodeFixturesTakeTheFastPath(t *testing.T) {
	types := map[string]func() any{
		"ListTemplates.json":         func() any { return new([]Template) },
		"templates10.json":           func() any { return new([]Template) },
		"machine.json":               func() any { return new(Machine) },
		"GetMachinePublic.json":      func() any { return new(Machine) },
		"Machines_ListMachines.json": func() any { return new([]Machine) },
		"Machines_Availability.json": func() any { return new(Availability) },
		"Users_GetUsers.json":        func() any { return new([]User) },
	}
	seen := 0
	for path, text := range fixtureFiles(t) {
		base := filepath.Base(path)
		mk := types[base]
		if strings.HasPrefix(base, "Machines_GetMachine_") || base == "Machines_CreateMachine.json" ||
			base == "Machines_FullLifecycle.json" {
			mk = func() any { return new(Machine) }
		}
		if mk == nil {
			continue
		}
		seen++
		if out := mk(); !fastDecode(string(text), out) {
			t.Errorf("%s: the fast decoder gave up on %T", base, out)
		}
	}
	if seen < 13 {
		t.Fatalf("only %d fixtures checked", seen)
	}
}

func FuzzDecode(f *testing.F) {
	for _, text := range decodeCases {
		f.Add([]byte(text))
	}
	for _, text := range fixtureFiles(f) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		checkDecode(t, text)
	})
}

func BenchmarkDecode(b *testing.B) {
	files := fixtureFiles(b)
	for _, c := range []struct {
		name, file string
		out        func() any
	}{
		{"templates10", "../../benches/fixtures/templates10.json", func() any { return new([]Template) }},
		{"machine", "../../benches/fixtures/machine.json", func() any { return new(Machine) }},
	} {
		text := files[c.file]
		b.Run(c.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := decodeResult(string(text), c.out()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/encoding_json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := json.Unmarshal(text, c.out()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A list's slice is sized by its objects, and no more than one element per elemLen bytes
// whatever braces the text holds.
func TestDecodeEstimate(t *testing.T) {
	if got := estimate(`[{"id":"a"},{"id":"b","x":{}}]`, 96); got != 1 {
		t.Fatalf("short text: %d, want 1 (one element per 96 bytes, plus one)", got)
	}
	text := string(fixtureFiles(t)["../../benches/fixtures/templates10.json"])
	if got := estimate(text, 96); got != 10 {
		t.Fatalf("templates10.json: %d, want 10", got)
	}
	braces := `[{"id":"` + strings.Repeat("{", 9600) + `"}]`
	if got := estimate(braces, 96); got != len(braces)/96+1 {
		t.Fatalf("a text of braces: %d, want %d", got, len(braces)/96+1)
	}
}
