package qualys

import (
	"encoding/xml"
	"errors"
	"io"
)

// tokenReader reads a response document with Decoder.RawToken, which is about a third
// cheaper than Token: it skips the namespace bookkeeping and does not box every element
// token a second time. RawToken does not check that an end tag closes the innermost open
// element, so tokenReader keeps its own stack of open elements and reports a mismatch as
// the same *xml.SyntaxError that Token would. Well-formedness is therefore checked exactly
// as before; only the namespace translation is gone, and no decoder of this package
// matches on namespaces.
//
// The hand-written item decoders walk the tree with child, text and skip. Small and rare
// elements (warnings, error envelopes, QPS assets) still go through encoding/xml's
// reflection with decode.
type tokenReader struct {
	d    *xml.Decoder
	open []xml.Name // open elements, outermost first
	buf  []byte     // text's result, reused
}

func newTokenReader(r io.Reader) *tokenReader {
	return &tokenReader{d: newDecoder(r), open: make([]xml.Name, 0, 16)}
}

// depth is the number of open elements.
func (r *tokenReader) depth() int { return len(r.open) }

// next returns the next raw token and keeps the stack of open elements. At the end of the
// input it returns io.EOF whatever is still open: the caller knows what that means. The
// bytes of a CharData token are valid only until the next call.
func (r *tokenReader) next() (xml.Token, error) {
	tok, err := r.d.RawToken()
	if err != nil {
		return nil, err
	}

	switch t := tok.(type) {
	case xml.StartElement:
		r.open = append(r.open, t.Name)
	case xml.EndElement:
		if err := r.close(t.Name); err != nil {
			return nil, err
		}
	}

	return tok, nil
}

// close pops the innermost open element, which the end tag name must match (prefix and
// local name, as written).
func (r *tokenReader) close(name xml.Name) error {
	if len(r.open) == 0 {
		return r.syntaxError("unexpected end element </" + name.Local + ">")
	}

	top := r.open[len(r.open)-1]

	switch {
	case top.Local != name.Local:
		return r.syntaxError("element <" + top.Local + "> closed by </" + name.Local + ">")
	case top.Space != name.Space:
		return r.syntaxError("element <" + top.Local + "> in space " + top.Space +
			" closed by </" + name.Local + "> in space " + name.Space)
	}

	r.open = r.open[:len(r.open)-1]

	return nil
}

func (r *tokenReader) syntaxError(msg string) error {
	line, _ := r.d.InputPos()

	return &xml.SyntaxError{Msg: msg, Line: line}
}

// inner is next for callers inside an element, where the end of the input is an error.
func (r *tokenReader) inner() (xml.Token, error) {
	tok, err := r.next()
	if errors.Is(err, io.EOF) {
		return nil, r.syntaxError("unexpected EOF")
	}

	return tok, err
}

// child reads on to the next child element of the innermost open element and returns its
// start tag, which is then the innermost open element; the caller must consume it (with
// text, skip, decode or its own child loop) before it asks for the next child. ok is
// false once the parent's end tag has been read. Text, comments, processing instructions
// and directives between children are skipped.
func (r *tokenReader) child() (start xml.StartElement, ok bool, err error) {
	for {
		tok, err := r.inner()
		if err != nil {
			return xml.StartElement{}, false, err
		}

		switch t := tok.(type) {
		case xml.StartElement:
			return t, true, nil
		case xml.EndElement:
			return xml.StartElement{}, false, nil
		}
	}
}

// each calls fn with every child element of the innermost open element, up to that
// element's end tag; fn must consume the child.
func (r *tokenReader) each(fn func(start xml.StartElement) error) error {
	for {
		start, ok, err := r.child()
		if err != nil || !ok {
			return err
		}

		if err := fn(start); err != nil {
			return err
		}
	}
}

// textOf is text for a child that each has just handed over, when its name is want;
// other children are skipped and leave ok false.
func (r *tokenReader) textOf(start xml.StartElement, want string) (text []byte, ok bool,
	err error) {
	if start.Name.Local != want {
		return nil, false, r.skip()
	}

	text, err = r.text()

	return text, err == nil, err
}

// text reads to the end of the innermost open element and returns its character data, as
// encoding/xml gives it to a string field: the CharData directly inside the element (CDATA
// sections included, entities outside CDATA decoded), concatenated, while nested elements
// are skipped. The result is valid until the next call of text.
func (r *tokenReader) text() ([]byte, error) {
	r.buf = r.buf[:0]
	depth := len(r.open)

	for {
		tok, err := r.inner()
		if err != nil {
			return nil, err
		}

		switch t := tok.(type) {
		case xml.CharData:
			if len(r.open) == depth {
				r.buf = append(r.buf, t...)
			}
		case xml.EndElement:
			if len(r.open) < depth {
				return r.buf, nil
			}
		}
	}
}

// skip reads to the end of the innermost open element, checking what it skips.
func (r *tokenReader) skip() error {
	depth := len(r.open)

	for {
		tok, err := r.inner()
		if err != nil {
			return err
		}

		if _, ok := tok.(xml.EndElement); ok && len(r.open) < depth {
			return nil
		}
	}
}

// decode unmarshals the innermost open element, whose start tag was just read, into v with
// encoding/xml's reflection rules (DecodeElement).
func (r *tokenReader) decode(start xml.StartElement, v any) error {
	d, se := r.subtree(start)

	return d.DecodeElement(v, se)
}

// subtree returns a Decoder that reads only the innermost open element, with its start tag
// already read, for code written against DecodeElement.
func (r *tokenReader) subtree(start xml.StartElement) (*xml.Decoder, *xml.StartElement) {
	d := xml.NewTokenDecoder(&subtreeTokens{r: r, start: &start, depth: len(r.open)})

	// The Decoder must read the start tag itself, or it would not accept the end tag.
	tok, _ := d.Token()
	se := tok.(xml.StartElement) //nolint:forcetypeassert // subtreeTokens returns it first

	return d, &se
}

// subtreeTokens is the xml.TokenReader behind subtree: the start tag, then the tokens up to
// and including its end tag, then io.EOF.
type subtreeTokens struct {
	r     *tokenReader
	start *xml.StartElement // returned first, then nil
	depth int               // depth of the element
	done  bool
}

func (s *subtreeTokens) Token() (xml.Token, error) {
	if s.start != nil {
		t := *s.start
		s.start = nil

		return t, nil
	}

	if s.done {
		return nil, io.EOF
	}

	tok, err := s.r.inner()
	if err != nil {
		return nil, err
	}

	if _, ok := tok.(xml.EndElement); ok && len(s.r.open) < s.depth {
		s.done = true
	}

	return xml.CopyToken(tok), nil
}
