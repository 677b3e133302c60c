// Package verdictschema checks documents against the JSON Schema of the
// verdicts entente prints, docs/verdict.schema.json, so that the tests of
// every package that produces a verdict can check it against the published
// schema.
package verdictschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// SchemaPath is the path of the schema from the root of the module.
const SchemaPath = "docs/verdict.schema.json"

// Violation is one way a document breaks the schema.
type Violation struct {
	// Pointer is the JSON pointer (RFC 6901) of the value at fault: ""
	// for the whole document, "/agreements/0/slos/1/status" for a value
	// inside it. A missing property is reported at the object that lacks
	// it.
	Pointer string
	// Message says what is wrong, e.g. "missing property 'measured'".
	Message string
}

func (v Violation) String() string { return fmt.Sprintf("at %q: %s", v.Pointer, v.Message) }

// Error is a document that does not match the schema. It lists every
// violation, sorted by pointer.
type Error struct {
	Violations []Violation
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the document does not match %s (%d violation", SchemaPath, len(e.Violations))
	if len(e.Violations) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

// Validate checks a whole verdicts document (the output of
// `entente check --format json`) against the schema. It returns an *Error
// that lists every violation with its JSON pointer, or an error when doc
// is not JSON or the schema cannot be loaded.
func Validate(doc []byte) error {
	s, err := compiled()
	if err != nil {
		return err
	}
	return validate(s.document, doc)
}

// ValidateAgreement checks the verdict of one agreement (what
// data.entente.agreements["NAME"].verdict returns, with or without the
// fields entente adds) against the schema's definition of an agreement.
func ValidateAgreement(doc []byte) error {
	s, err := compiled()
	if err != nil {
		return err
	}
	return validate(s.agreement, doc)
}

type schemas struct {
	document, agreement *jsonschema.Schema
}

// compiled compiles the schema on first use; it is safe for concurrent use.
var compiled = sync.OnceValues(func() (schemas, error) {
	return compile(schemaFile())
})

func compile(path string) (schemas, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return schemas{}, fmt.Errorf("verdict schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return schemas{}, fmt.Errorf("verdict schema %s: %w", path, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(path, doc); err != nil {
		return schemas{}, fmt.Errorf("verdict schema %s: %w", path, err)
	}
	var s schemas
	if s.document, err = c.Compile(path); err != nil {
		return schemas{}, fmt.Errorf("verdict schema: %w", err)
	}
	if s.agreement, err = c.Compile(path + "#/$defs/agreement"); err != nil {
		return schemas{}, fmt.Errorf("verdict schema: %w", err)
	}
	return s, nil
}

// schemaFile finds the schema in the nearest directory, from the working
// directory up, that holds go.mod: the root of the module when go test runs
// a package. A test that runs elsewhere (in a temporary directory) falls
// back on the module this file was compiled from.
func schemaFile() string {
	rel := filepath.FromSlash(SchemaPath)
	if dir, err := os.Getwd(); err == nil {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return filepath.Join(dir, rel)
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Join(filepath.Dir(file), "..", "..", rel)
	}
	return rel
}

func validate(s *jsonschema.Schema, doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("the document is not JSON: %w", err)
	}
	err = s.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var vs []Violation
	leaves(ve, &vs)
	slices.SortStableFunc(vs, func(a, b Violation) int {
		if c := strings.Compare(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return &Error{Violations: slices.Compact(vs)}
}

// leaves collects the errors at the bottom of the tree the validator
// returns: the nodes above them only say that a reference, an allOf or a
// conditional failed.
func leaves(e *jsonschema.ValidationError, out *[]Violation) {
	if len(e.Causes) == 0 {
		if _, ok := e.ErrorKind.(*kind.Schema); ok {
			return
		}
		// The basic output of an error without causes is its own message,
		// in English.
		msg := e.BasicOutput().Error.String()
		// Say what was found, not only what is allowed: "got "breeched";
		// value must be one of ...".
		switch k := e.ErrorKind.(type) {
		case *kind.Enum:
			msg = got(k.Got) + msg
		case *kind.Const:
			msg = got(k.Got) + msg
		}
		*out = append(*out, Violation{Pointer: pointer(e.InstanceLocation), Message: msg})
		return
	}
	for _, c := range e.Causes {
		leaves(c, out)
	}
}

func got(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return "got " + string(b) + "; "
}

// pointer writes a JSON pointer (RFC 6901).
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}
