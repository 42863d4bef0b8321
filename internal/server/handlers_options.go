package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/lookup"
)

// handleGetOptions answers the options in force, without the password.
func (s *Server) handleGetOptions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, viewOf(s.engines.current().opts, envLocked(s.getenv)))
}

// handlePutOptions validates every key at once, persists the options atomically, builds a new
// engine and swaps it in (running lookups finish on the old one), and audits the changed keys.
func (s *Server) handlePutOptions(w http.ResponseWriter, r *http.Request) {
	raw, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	s.optMu.Lock()
	defer s.optMu.Unlock()

	cur := s.engines.current().opts
	next, err := decodeOptions(raw, cur)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	changed := changedKeys(cur, next)
	err = validateWithLocks(next, changed, envLocked(s.getenv), passwordHome(raw, cur, next)...)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(changed) == 0 {
		writeJSON(w, http.StatusOK, viewOf(cur, envLocked(s.getenv)))
		return
	}

	if err := s.applyOptions(r, next, changed); err != nil {
		s.writeError(w, r, err)
		return
	}

	writeJSON(w, http.StatusOK, viewOf(next, envLocked(s.getenv)))
}

// validateWithLocks runs Options.Validate and adds the env-locked keys that a change touches and
// the problems the caller found before, answering every problem at once.
func validateWithLocks(next config.Options, changed []string, locked map[string]string,
	found ...config.FieldError) error {
	fields := append(found, lockErrors(changed, locked)...)

	var valid *config.ValidationError
	if err := next.Validate(); errors.As(err, &valid) {
		fields = append(fields, valid.Fields...)
	} else if err != nil {
		return fmt.Errorf("validate options: %w", err)
	}
	if len(fields) > 0 {
		return &config.ValidationError{Fields: fields}
	}

	return nil
}

// applyOptions builds the engine first (so a failure changes nothing), then persists (leaving
// out what the environment set), swaps and audits. The caller holds optMu.
func (s *Server) applyOptions(r *http.Request, next config.Options, changed []string) error {
	eng, err := s.engines.build(next)
	if err != nil {
		return fmt.Errorf("build engine for new options: %w", err)
	}
	if err := s.store.save(next, envLocked(s.getenv)); err != nil {
		return err
	}
	s.engines.swap(next, eng)

	actor := principalFrom(r.Context()).name
	msg := "changed " + strings.Join(changed, ", ")
	s.log.Info("options changed", "request_id", requestID(r.Context()), "actor", actor,
		"keys", changed)

	s.auditOrLog(r, AuditEntry{Actor: actor, Action: ActionOptionsChange, Keys: changed,
		Result: "ok", Message: msg})

	return nil
}

// auditOrLog appends e; a failure to write the audit log is logged at Error for an operator.
//
// TODO: an audit write failure does not fail the request that caused it (the change is already
// applied); a write-ahead audit record before the change would remove this gap.
func (s *Server) auditOrLog(r *http.Request, e AuditEntry) {
	e.RequestID = requestID(r.Context())
	if err := s.audit.append(e); err != nil {
		s.log.Error("write audit log", "request_id", e.RequestID, "action", e.Action, "error", err)
	}
}

// handleTestOptions runs the engine's connection and permission check on the options in force,
// or on the options in the body (laid over those in force and validated first).
func (s *Server) handleTestOptions(w http.ResponseWriter, r *http.Request) {
	raw, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	eng, err := s.engine()
	if len(bytes.TrimSpace(raw)) > 0 {
		eng, err = s.testEngine(raw)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	results, err := eng.Check(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if results == nil {
		results = []lookup.CheckResult{}
	}

	ok := true
	for _, c := range results {
		ok = ok && c.OK
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": ok, "results": results})
}

// testEngine builds a throw-away engine for the options of a test request. The stored password
// is only ever sent to the stored URL: a test against another URL must bring its own password,
// or an admin could read the password off a server of theirs without a trace in the audit log.
func (s *Server) testEngine(raw []byte) (Engine, error) {
	cur := s.engines.current().opts
	opts, err := decodeOptions(raw, cur)
	if err != nil {
		return nil, err
	}
	if err := validateWithLocks(opts, nil, nil, passwordHome(raw, cur, opts)...); err != nil {
		return nil, err
	}

	eng, err := s.engines.build(opts)
	if err != nil {
		return nil, fmt.Errorf("build engine for the options to test: %w", err)
	}

	return eng, nil
}

// passwordHome answers options that would send the stored password to another URL than the
// one it was saved for: the body must then bring the password, or an admin could read it off a
// server of theirs. The test endpoint and PUT share this rule.
func passwordHome(raw []byte, cur, next config.Options) []config.FieldError {
	if next.URL == cur.URL || cur.Password == "" || passwordGiven(raw) {
		return nil
	}

	return []config.FieldError{{Key: "password", Message: "enter the password again for the " +
		"new URL: the stored password is only sent to the URL it was saved for"}}
}

// passwordGiven reports whether an options object carries a non-empty password.
func passwordGiven(raw []byte) bool {
	var body struct {
		Password string `json:"password"`
	}

	return json.Unmarshal(raw, &body) == nil && body.Password != ""
}
