package verdict

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Number is a figure of a verdict, as the policy wrote it. Its text is
// kept so that the verdict is written again exactly as it was decided.
type Number string

// NumberOf is f as encoding/json writes it; NaN and the infinities, which
// JSON cannot write, are null.
func NumberOf(f float64) Number {
	b, err := json.Marshal(f)
	if err != nil {
		return "null"
	}
	return Number(b)
}

// Float64 is the figure as a float64 (0 for an empty Number).
func (n Number) Float64() float64 {
	f, _ := strconv.ParseFloat(string(n), 64)
	return f
}

// MarshalJSON writes the figure as it was read.
func (n Number) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("0"), nil
	}
	return []byte(n), nil
}

// UnmarshalJSON reads a JSON number; a string, even of digits, is not one.
// Null leaves n as it is, as encoding/json does.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return err
	}
	num, ok := v.(json.Number)
	if !ok {
		return fmt.Errorf("%s is not a number", b)
	}
	*n = Number(num)
	return nil
}

// Float is a nullable figure as a float64, and whether it is known.
func Float(n *Number) (float64, bool) {
	if n == nil {
		return 0, false
	}
	return n.Float64(), true
}

// Nullable is a string a verdict writes as null when it is empty: the
// reason an agreement is inactive, an optional owner or note.
type Nullable string

// MarshalJSON writes null for the empty string.
func (s Nullable) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return marshal(string(s))
}

// UnmarshalJSON reads a string, or null as the empty string.
func (s *Nullable) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return err
	}
	*s = Nullable(str)
	return nil
}

// marshal is json.Marshal without escaping <, > and &: a query's
// comparison stays readable; whoever embeds the JSON in HTML escapes it.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeObject decodes the JSON object b into the struct fields points at,
// and returns the names of its members that b lacks.
func decodeObject(b []byte, fields any) ([]string, error) {
	if err := json.Unmarshal(b, fields); err != nil {
		return nil, err
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(b, &present); err != nil {
		return nil, err
	}
	var absent []string
	for _, name := range memberNames(reflect.TypeOf(fields).Elem()) {
		if _, ok := present[name]; !ok {
			absent = append(absent, name)
		}
	}
	return absent, nil
}

// encodeObject writes the struct fields as a JSON object, leaving out the
// members named absent.
func encodeObject(fields any, absent []string) ([]byte, error) {
	b, err := marshal(fields)
	if err != nil || len(absent) == 0 {
		return b, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	if _, err := d.Token(); err != nil { // {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	first := true
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, errors.New("an object member without a name")
		}
		var value json.RawMessage
		if err := d.Decode(&value); err != nil {
			return nil, err
		}
		if slices.Contains(absent, name) {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		key, _ := marshal(name)
		out.Write(key)
		out.WriteByte(':')
		out.Write(value)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// present is absent without names: members set since the object was read.
func present(absent []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(absent), func(n string) bool { return slices.Contains(names, n) })
}

// memberNames are the JSON names of the fields of the struct type t.
func memberNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// Float is the figure as a *float64: nil when it is unknown (null).
func (n *Number) Float() *float64 {
	if n == nil {
		return nil
	}
	f := n.Float64()
	return &f
}
