package server

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// jsonProblem is one thing wrong with a request body: key is the top-level key it sits under
// ("" for the body as a whole), msg says what, without echoing any value.
type jsonProblem struct {
	key string
	msg string
}

// checkJSON walks raw once and reports, for the Go type t it will be decoded into, what
// encoding/json would silently accept: anything but exactly one JSON object, data after it
// (including a stray "}" or "]", which json.Decoder.More does not see), a key given twice at any
// depth (the last would win, so two readers of one body could disagree), and a key that matches
// a field only case-insensitively. Unknown keys are left to DisallowUnknownFields and the
// options decoder, which name them; values of the wrong type to json.Unmarshal.
func checkJSON(raw []byte, t reflect.Type) []jsonProblem {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()

	tok, err := dec.Token()
	if err != nil {
		return []jsonProblem{{msg: syntaxMessage(err)}}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return []jsonProblem{{msg: "must be a JSON object"}}
	}

	w := &jsonWalker{dec: dec}
	w.object(deref(t), "")
	if w.fatal != nil {
		return append(w.problems, *w.fatal)
	}

	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		w.problems = append(w.problems, jsonProblem{msg: "has data after the JSON object"})
	}

	return w.problems
}

// maxJSONDepth bounds the nesting the walker follows. Request bodies nest a few levels; a body
// of 8 MiB of "[" must not become 8 million nested calls (a stack overflow is fatal, not a
// recoverable panic). encoding/json stops at 10000 levels itself.
const maxJSONDepth = 64

// jsonWalker reads the tokens of one value after another. fatal is set on a syntax error or too
// deep a nesting, after which nothing more is read.
type jsonWalker struct {
	dec      *json.Decoder
	problems []jsonProblem
	fatal    *jsonProblem
	depth    int
}

func (w *jsonWalker) fail(err error) {
	if w.fatal == nil {
		w.fatal = &jsonProblem{msg: syntaxMessage(err)}
	}
}

// value reads one value whose expected Go type is t (nil: anything goes).
func (w *jsonWalker) value(t reflect.Type, top string) {
	tok, err := w.dec.Token()
	if err != nil {
		w.fail(err)
		return
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return
	}

	w.depth++
	defer func() { w.depth-- }()
	if w.depth > maxJSONDepth {
		if w.fatal == nil {
			w.fatal = &jsonProblem{msg: fmt.Sprintf("nests deeper than %d levels", maxJSONDepth)}
		}
		return
	}

	t = deref(t)
	if t != nil && opaque(t) {
		t = nil
	}
	switch d {
	case '{':
		w.object(t, top)
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for w.fatal == nil && w.dec.More() {
			w.value(elem, top)
		}
		w.closing()
	}
}

// object reads the members of an object whose '{' was just read. At the top level (top == "")
// each member's problems are filed under its own key.
func (w *jsonWalker) object(t reflect.Type, top string) {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = jsonFields(t)
	case t.Kind() == reflect.Map:
		elem = t.Elem()
	}

	seen := map[string]bool{}
	for w.fatal == nil && w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			w.fail(err)
			return
		}
		key, _ := tok.(string)
		under := top
		if under == "" {
			under = key
		}

		if seen[key] {
			msg := fmt.Sprintf("has the key %q more than once", key)
			if top == "" {
				msg = "is given more than once"
			}
			w.problems = append(w.problems, jsonProblem{key: under, msg: msg})
		}
		seen[key] = true

		ft := elem
		if fields != nil {
			var exact bool
			ft, exact = fields[key]
			if !exact {
				if name, ok := foldMatch(fields, key); ok {
					msg := fmt.Sprintf("has the key %q, which is spelt %q", key, name)
					if top == "" {
						msg = fmt.Sprintf("is spelt %q (keys are case-sensitive)", name)
					}
					w.problems = append(w.problems, jsonProblem{key: under, msg: msg})
				}
			}
		}
		w.value(ft, under)
	}
	w.closing()
}

// closing reads the '}' or ']' that ends the current object or array.
func (w *jsonWalker) closing() {
	if w.fatal != nil {
		return
	}
	if _, err := w.dec.Token(); err != nil {
		w.fail(err)
	}
}

// jsonFields maps the JSON names of a struct's fields to their types, with embedded structs'
// fields promoted as encoding/json does. Fields tagged "-" have no name.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && name == "" && deref(f.Type).Kind() == reflect.Struct {
			for k, v := range jsonFields(deref(f.Type)) {
				if _, shadowed := out[k]; !shadowed {
					out[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}

	return out
}

func foldMatch(fields map[string]reflect.Type, key string) (string, bool) {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return name, true
		}
	}

	return "", false
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}

	return t
}

// opaque reports whether t decodes itself, so its inside is not walked by field names.
func opaque(t reflect.Type) bool {
	pt := reflect.PointerTo(t)

	return pt.Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		pt.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) ||
		t == reflect.TypeFor[json.RawMessage]()
}

// syntaxMessage says where a body stops being JSON, without quoting it.
func syntaxMessage(err error) string {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "is empty or ends before the JSON is complete"
	case errors.As(err, &syn):
		return fmt.Sprintf("is not valid JSON (at byte %d)", syn.Offset)
	}

	return "is not valid JSON"
}

// problemsText joins problems into one sentence for an {"error": ...} answer.
func problemsText(problems []jsonProblem) string {
	parts := make([]string, 0, len(problems))
	for _, p := range problems {
		if p.key == "" {
			parts = append(parts, "the body "+p.msg)
		} else {
			parts = append(parts, fmt.Sprintf("%q %s", p.key, p.msg))
		}
	}

	return strings.Join(parts, "; ")
}
