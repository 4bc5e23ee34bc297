//go:build cgo

package paperspace

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// decodeResult decodes the library's result JSON into out, exactly as json.Unmarshal(text, out)
// would: same value, same error.
//
// For the result types (*[]Template, *Machine, *[]Machine, *Availability, *[]User) a
// hand-written decoder runs first: one pass over the text, no reflection, no copy of the text:
// every unescaped string of the result is a substring of it. It handles only what it is sure to
// decode as encoding/json does, and gives up (returns false, leaving out untouched) on anything
// else: malformed JSON, a value of the wrong JSON type, a key that matches a field only without
// regard to case, numbers that are not plain integers, very deep nesting. json.Unmarshal then
// decodes the text, so that every value and every error is encoding/json's own. The fuzz test
// FuzzDecode checks the two against each other.
func decodeResult(text string, out any) error {
	if fastDecode(text, out) {
		return nil
	}
	return json.Unmarshal([]byte(text), out)
}

// fastDecode decodes text into out when out is one of the result types and the text is in the
// decoder's domain, and reports whether it did. It writes to out only on success.
func fastDecode(text string, out any) bool {
	switch out.(type) {
	case *[]Template, *Machine, *[]Machine, *Availability, *[]User:
	default:
		return false
	}
	d := decoder{s: text}
	switch out := out.(type) {
	case *[]Template:
		return decodeList(&d, out, 96, (*decoder).template)
	case *[]Machine:
		return decodeList(&d, out, 512, (*decoder).machine)
	case *[]User:
		return decodeList(&d, out, 128, (*decoder).user)
	case *Machine:
		var v Machine
		if d.machine(&v) && d.end() {
			*out = v
			return true
		}
	case *Availability:
		var v Availability
		if d.availability(&v) && d.end() {
			*out = v
			return true
		}
	}
	return false
}

// decodeList decodes a JSON array (or null) of one result type into *out, which it writes only
// on success: elemLen is the smallest likely length of one element's JSON (see estimate).
func decodeList[T any](d *decoder, out *[]T, elemLen int, one func(*decoder, *T) bool) bool {
	var v []T
	ok := d.list(func() bool {
		if v == nil {
			v = make([]T, 0, estimate(d.s, elemLen))
		}
		if len(v) < cap(v) {
			v = v[:len(v)+1] // already zero: no copy of a zero element
		} else {
			v = append(v, *new(T))
		}
		return one(d, &v[len(v)-1])
	}, func() { v = make([]T, 0) }, func() { v = nil })
	if !ok || !d.end() {
		return false
	}
	*out = v
	return true
}

// estimate is the initial capacity of a result slice: the number of '{' in the text (each
// element is an object; usually exact, so the slice is allocated once, even for 100,000
// elements), but no more than one element per elemLen bytes, so that a text of braces (inside
// strings, say) cannot make it allocate much more than the text's own size.
func estimate(text string, elemLen int) int {
	return min(strings.Count(text, "{"), len(text)/elemLen+1)
}

// maxSkipDepth bounds the nesting of the unknown values the decoder skips; deeper input goes to
// encoding/json (whose own limit is 10000).
const maxSkipDepth = 200

// decoder reads one JSON text. Every method returns false to give up.
type decoder struct {
	s    string // the text: unescaped strings of the result are substrings of it
	i    int
	strs []string // storage for the *string fields, allocated in blocks
}

func (d *decoder) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte (0 at the end).
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

// end accepts only whitespace after the value.
func (d *decoder) end() bool {
	d.ws()
	return d.i == len(d.s)
}

// literal consumes word (true, false, null) at the current position.
func (d *decoder) literal(word string) bool {
	if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return true
	}
	return false
}

// list decodes a JSON array at the top level, calling elem for each element (positioned at
// it), empty for "[]" and null for "null".
func (d *decoder) list(elem func() bool, empty, null func()) bool {
	switch d.peek() {
	case 'n':
		if !d.literal("null") {
			return false
		}
		null()
		return true
	case '[':
		d.i++
	default:
		return false
	}
	if d.peek() == ']' {
		d.i++
		empty()
		return true
	}
	for {
		d.ws()
		if !elem() {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// object decodes a JSON object, calling field with each key (positioned at the value, after
// whitespace). A null object is left as it is, as encoding/json does for a struct.
func (d *decoder) object(field func(key string) bool) bool {
	switch d.peek() {
	case 'n':
		return d.literal("null")
	case '{':
		d.i++
	default:
		return false
	}
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		if d.peek() != '"' {
			return false
		}
		key, ok := d.str()
		if !ok || d.peek() != ':' {
			return false
		}
		d.i++
		d.ws()
		if !field(key) {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// unknown skips the value of a key that matches no field exactly. encoding/json also matches
// keys to fields without regard to case (Unicode folding), so a key that might match a field
// that way gives up: names is the struct's JSON names, upper-cased.
func (d *decoder) unknown(key string, names []string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return false
		}
	}
	for _, name := range names {
		if len(name) == len(key) && asciiUpper(key) == name {
			return false
		}
	}
	return d.skip(0)
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// skip consumes any one JSON value, checking its syntax.
func (d *decoder) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch c := d.peek(); {
	case c == '"':
		_, ok := d.strEnd()
		return ok
	case c == '{':
		d.i++
		if d.peek() == '}' {
			d.i++
			return true
		}
		for {
			if d.peek() != '"' {
				return false
			}
			if _, ok := d.strEnd(); !ok || d.peek() != ':' {
				return false
			}
			d.i++
			if !d.skip(depth + 1) {
				return false
			}
			switch d.peek() {
			case ',':
				d.i++
			case '}':
				d.i++
				return true
			default:
				return false
			}
		}
	case c == '[':
		d.i++
		if d.peek() == ']' {
			d.i++
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			switch d.peek() {
			case ',':
				d.i++
			case ']':
				d.i++
				return true
			default:
				return false
			}
		}
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		_, ok := d.number()
		return ok
	}
	return false
}

// number consumes a JSON number and reports whether it is an integer (no fraction, no
// exponent). ok is false for malformed numbers.
func (d *decoder) number() (integer, ok bool) {
	b, i := d.s, d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return false, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == start {
			return false, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == start {
			return false, false
		}
	}
	d.i = i
	return integer, true
}

// strEnd consumes a JSON string (at its opening quote), checking its escapes and that it has no
// control characters, and returns the index of its closing quote.
func (d *decoder) strEnd() (int, bool) {
	b := d.s
	i := d.i + 1
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			d.i = i + 1
			return i, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			if i+1 >= len(b) {
				return 0, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false
				}
				for j := i + 2; j < i+6; j++ {
					if h := b[j]; !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return 0, false
					}
				}
				i += 6
			default:
				return 0, false
			}
		default:
			i++
		}
	}
	return 0, false
}

// plain marks the ASCII bytes that stand for themselves inside a JSON string.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str consumes a JSON string (at its opening quote) and returns its value as encoding/json
// decodes it.
func (d *decoder) str() (string, bool) {
	b := d.s
	start := d.i + 1
	i := start
	ascii := true
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i < len(b) && b[i] >= utf8.RuneSelf {
			ascii = false
			i++
			continue
		}
		break
	}
	if i < len(b) && b[i] == '"' && (ascii || utf8.ValidString(b[start:i])) {
		d.i = i + 1
		return d.s[start:i], true
	}
	end, ok := d.strEnd()
	if !ok {
		return "", false
	}
	t, ok := unquote(b[start:end])
	if !ok {
		return "", false
	}
	return string(t), true
}

// unquote is encoding/json's unquoteBytes without the quotes: escapes decoded, invalid UTF-8
// and unpaired surrogates replaced by U+FFFD. s has been checked by strEnd.
func unquote(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			r++
			if r >= len(s) {
				return nil, false
			}
			switch s[r] {
			case '"', '\\', '/':
				b = append(b, s[r])
				r++
			case 'b':
				b = append(b, '\b')
				r++
			case 'f':
				b = append(b, '\f')
				r++
			case 'n':
				b = append(b, '\n')
				r++
			case 'r':
				b = append(b, '\r')
				r++
			case 't':
				b = append(b, '\t')
				r++
			case 'u':
				r--
				rr := getu4(s[r:])
				if rr < 0 {
					return nil, false
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						r += 6
						b = utf8.AppendRune(b, dec)
						break
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
			default:
				return nil, false
			}
		case c == '"', c < ' ':
			return nil, false
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRuneInString(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	return b, true
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for i := 2; i < 6; i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// The field decoders. Like encoding/json, null leaves a non-pointer field as it is and sets a
// pointer or slice field to nil; a value of another JSON type gives up (encoding/json reports
// an UnmarshalTypeError).

func stringField[T ~string](d *decoder, dst *T) bool {
	switch d.peek() {
	case '"':
		v, ok := d.str()
		*dst = T(v)
		return ok
	case 'n':
		return d.literal("null")
	}
	return false
}

func stringPtrField[T ~string](d *decoder, dst **T) bool {
	switch d.peek() {
	case '"':
		v, ok := d.str()
		if !ok {
			return false
		}
		if len(d.strs) == 0 {
			d.strs = make([]string, 16)
		}
		p := &d.strs[0]
		d.strs = d.strs[1:]
		*p = v
		// T's underlying type is string: *T and *string point to the same layout.
		*dst = (*T)(unsafe.Pointer(p))
		return true
	case 'n':
		if !d.literal("null") {
			return false
		}
		*dst = nil
		return true
	}
	return false
}

// integer consumes a number that encoding/json decodes into an int without error.
func (d *decoder) integer() (int, bool) {
	start := d.i
	integer, ok := d.number()
	if !ok || !integer {
		return 0, false
	}
	n, err := strconv.ParseInt(d.s[start:d.i], 10, strconv.IntSize)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

func intField(d *decoder, dst *int) bool {
	switch c := d.peek(); {
	case c == '-' || ('0' <= c && c <= '9'):
		n, ok := d.integer()
		*dst = n
		return ok
	case c == 'n':
		return d.literal("null")
	}
	return false
}

func intPtrField(d *decoder, dst **int) bool {
	switch c := d.peek(); {
	case c == '-' || ('0' <= c && c <= '9'):
		n, ok := d.integer()
		if !ok {
			return false
		}
		*dst = &n
		return true
	case c == 'n':
		if !d.literal("null") {
			return false
		}
		*dst = nil
		return true
	}
	return false
}

func boolField(d *decoder, dst *bool) bool {
	switch d.peek() {
	case 't':
		*dst = true
		return d.literal("true")
	case 'f':
		*dst = false
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return false
}

func boolPtrField(d *decoder, dst **bool) bool {
	switch d.peek() {
	case 't', 'f':
		var v bool
		if !boolField(d, &v) {
			return false
		}
		*dst = &v
		return true
	case 'n':
		if !d.literal("null") {
			return false
		}
		*dst = nil
		return true
	}
	return false
}

// The JSON names of each result struct, upper-cased (see unknown).
var (
	templateNames     = upperNames[Template]()
	availabilityNames = upperNames[Availability]()
	userNames         = upperNames[User]()
	eventNames        = upperNames[MachineEvent]()
	machineNames      = upperNames[Machine]()
)

// upperNames is the JSON names of T's fields (from their tags), upper-cased.
func upperNames[T any]() []string {
	t := reflect.TypeFor[T]()
	names := make([]string, t.NumField())
	for i := range names {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names[i] = asciiUpper(name)
	}
	return names
}

func (d *decoder) template(t *Template) bool {
	return d.object(func(key string) bool {
		switch key {
		case "id":
			return stringField(d, &t.ID)
		case "name":
			return stringField(d, &t.Name)
		case "label":
			return stringPtrField(d, &t.Label)
		case "os":
			return stringField(d, &t.OS)
		case "dtCreated":
			return stringField(d, &t.DtCreated)
		case "teamId":
			return stringPtrField(d, &t.TeamID)
		case "userId":
			return stringPtrField(d, &t.UserID)
		case "region":
			return stringPtrField(d, &t.Region)
		}
		return d.unknown(key, templateNames)
	})
}

func (d *decoder) availability(a *Availability) bool {
	return d.object(func(key string) bool {
		if key == "available" {
			return boolField(d, &a.Available)
		}
		return d.unknown(key, availabilityNames)
	})
}

func (d *decoder) user(u *User) bool {
	return d.object(func(key string) bool {
		switch key {
		case "id":
			return stringField(d, &u.ID)
		case "email":
			return stringField(d, &u.Email)
		case "firstname":
			return stringField(d, &u.Firstname)
		case "lastname":
			return stringField(d, &u.Lastname)
		case "dtCreated":
			return stringField(d, &u.DtCreated)
		case "teamId":
			return stringField(d, &u.TeamID)
		case "isAdmin":
			return boolField(d, &u.IsAdmin)
		case "isOwner":
			return boolField(d, &u.IsOwner)
		}
		return d.unknown(key, userNames)
	})
}

func (d *decoder) event(e *MachineEvent) bool {
	return d.object(func(key string) bool {
		switch key {
		case "name":
			return stringField(d, &e.Name)
		case "state":
			return stringField(d, &e.State)
		case "errorMsg":
			return stringField(d, &e.ErrorMsg)
		case "handle":
			return stringField(d, &e.Handle)
		case "dtModified":
			return stringField(d, &e.DtModified)
		case "dtFinished":
			return stringPtrField(d, &e.DtFinished)
		case "dtCreated":
			return stringField(d, &e.DtCreated)
		}
		return d.unknown(key, eventNames)
	})
}

// events decodes Machine.Events: null sets nil, [] an empty slice, as encoding/json does.
func (d *decoder) events(dst *[]MachineEvent) bool {
	switch d.peek() {
	case 'n':
		if !d.literal("null") {
			return false
		}
		*dst = nil
		return true
	case '[':
	default:
		return false
	}
	// A repeated key decodes into the slice already there, element by element, in
	// encoding/json; give up on that rare case rather than copy its rules.
	if *dst != nil {
		return false
	}
	v := make([]MachineEvent, 0, 10)
	d.i++
	if d.peek() == ']' {
		d.i++
		*dst = v
		return true
	}
	for {
		d.ws()
		v = append(v, MachineEvent{})
		if !d.event(&v[len(v)-1]) {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			*dst = v
			return true
		default:
			return false
		}
	}
}

func (d *decoder) machine(m *Machine) bool {
	return d.object(func(key string) bool {
		switch key {
		case "id":
			return stringField(d, &m.ID)
		case "name":
			return stringField(d, &m.Name)
		case "os":
			return stringPtrField(d, &m.OS)
		case "ram":
			return stringPtrField(d, &m.RAM)
		case "cpus":
			return intField(d, &m.CPUs)
		case "gpu":
			return stringPtrField(d, &m.GPU)
		case "storageTotal":
			return stringPtrField(d, &m.StorageTotal)
		case "storageUsed":
			return stringPtrField(d, &m.StorageUsed)
		case "machineType":
			return stringField(d, &m.MachineType)
		case "usageRate":
			return stringField(d, &m.UsageRate)
		case "shutdownTimeoutInHours":
			return intPtrField(d, &m.ShutdownTimeoutInHours)
		case "shutdownTimeoutForces":
			return boolField(d, &m.ShutdownTimeoutForces)
		case "performAutoSnapshot":
			return boolField(d, &m.PerformAutoSnapshot)
		case "autoSnapshotFrequency":
			return stringPtrField(d, &m.AutoSnapshotFrequency)
		case "autoSnapshotSaveCount":
			return intPtrField(d, &m.AutoSnapshotSaveCount)
		case "dynamicPublicIp":
			return boolPtrField(d, &m.DynamicPublicIP)
		case "agentType":
			return stringField(d, &m.AgentType)
		case "dtCreated":
			return stringField(d, &m.DtCreated)
		case "state":
			return stringField(d, &m.State)
		case "updatesPending":
			return boolField(d, &m.UpdatesPending)
		case "networkId":
			return stringPtrField(d, &m.NetworkID)
		case "privateIpAddress":
			return stringPtrField(d, &m.PrivateIPAddress)
		case "publicIpAddress":
			return stringPtrField(d, &m.PublicIPAddress)
		case "region":
			return stringPtrField(d, &m.Region)
		case "userId":
			return stringField(d, &m.UserID)
		case "teamId":
			return stringField(d, &m.TeamID)
		case "scriptId":
			return stringPtrField(d, &m.ScriptID)
		case "dtLastRun":
			return stringPtrField(d, &m.DtLastRun)
		case "restorePointSnapshotId":
			return stringPtrField(d, &m.RestorePointSnapshotID)
		case "restorePointFrequency":
			return stringPtrField(d, &m.RestorePointFrequency)
		case "events":
			return d.events(&m.Events)
		}
		return d.unknown(key, machineNames)
	})
}
