package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/lookup"
)

// readBody reads the whole (size-limited) body and refuses invalid UTF-8 with 400, so no byte of
// the analyst's text is silently replaced.
func readBody(r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(raw) {
		return nil, badInput("the body is not valid UTF-8 (first bad byte at offset %d); "+
			"send text as UTF-8", firstInvalid(raw))
	}

	return raw, nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}

	return -1
}

// decodeBody reads the body into v strictly: one JSON object and nothing after it, no key twice,
// keys spelt exactly (encoding/json alone would match them case-insensitively) and none unknown.
func decodeBody(r *http.Request, v any) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}

	if problems := checkJSON(raw, reflect.TypeOf(v)); len(problems) > 0 {
		return badInput("the body is not the expected JSON: %s", problemsText(problems))
	}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := err.Error()
		if after, ok := strings.CutPrefix(msg, "json: "); ok {
			msg = after
		}

		return badInput("the body is not the expected JSON: %s", msg)
	}

	return nil
}

type textRequest struct {
	Text string `json:"text"`
}

// handleExtract answers the entities of a text, without any Qualys call.
func (s *Server) handleExtract(w http.ResponseWriter, r *http.Request) {
	var req textRequest
	if err := decodeBody(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}

	eng, err := s.engine()
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	ents := eng.Extract([]byte(req.Text))
	if ents == nil {
		ents = []extract.Entity{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entities": ents})
}

type lookupRequest struct {
	Text     *string            `json:"text"`
	Entities []lookup.EntityRef `json:"entities"`
	Refresh  bool               `json:"refresh"`
}

// handleLookup extracts (when given text) and looks up, answering model.Lookup.
func (s *Server) handleLookup(w http.ResponseWriter, r *http.Request) {
	var req lookupRequest
	if err := decodeBody(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if (req.Text == nil) == (req.Entities == nil) {
		s.writeError(w, r, badInput(`send either "text" or "entities", not both or neither`))
		return
	}
	lr := lookup.Request{Entities: req.Entities, Refresh: req.Refresh}
	if req.Text != nil {
		lr.Text = *req.Text
	}

	st := s.engines.current()
	if st.engine == nil {
		s.writeError(w, r, errNoEngine)
		return
	}
	eng := st.engine
	extendWriteDeadline(w, st.opts.LookupTimeout.Std())

	start := time.Now()
	res, err := eng.Lookup(r.Context(), lr)
	s.metrics.ObserveLookup(time.Since(start))
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	writeJSON(w, http.StatusOK, res)
}

// handleMe tells the page who the caller is, so it can show or hide the admin link.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	p := principalFrom(r.Context())
	st := s.engines.current()
	writeJSON(w, http.StatusOK, map[string]any{"name": p.name, "role": p.role,
		"scanLaunch": st.opts.EnableScanLaunch})
}
