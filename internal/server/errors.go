package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/qualys"
)

// The server's own refusals.
var (
	errUnauthenticated = errors.New("missing bearer token: send Authorization: Bearer <token>")
	errBadToken        = errors.New("invalid token")
	errForbidden       = errors.New("this needs the admin role")
	errNotFound        = errors.New("no such API endpoint")
)

// inputError blames the request; its message is shown as is, with status 400.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// methodError is a known path called with a method it does not serve.
type methodError struct{ allow string }

func (e *methodError) Error() string { return "method not allowed; allowed: " + e.allow }

// rateLimitedError is a caller past its inbound rate limit, or (auth) a client address that
// sent too many wrong tokens.
type rateLimitedError struct {
	wait time.Duration
	auth bool
}

func (e *rateLimitedError) Error() string {
	if e.auth {
		return "too many invalid tokens from this address: retry after the Retry-After delay"
	}

	return "too many requests: slow down and retry after the Retry-After delay"
}

// apiError is the JSON body of every error answer.
type apiError struct {
	Error     string              `json:"error,omitempty"`
	Errors    []config.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"requestId,omitempty"`
}

// classify maps an error to its HTTP status and the message shown to the caller. It is the only
// place that does: handlers return or pass errors, never statuses. A message is the error's own
// text only for errors written to be shown (they carry no secret); anything unknown is a 500
// with a generic message, and its detail goes to the log only.
func classify(err error) (int, string) {
	var (
		maxBytes *http.MaxBytesError
		input    *inputError
		method   *methodError
		limited  *rateLimitedError
		valid    *config.ValidationError
		qRate    *qualys.RateLimitError
		qAPI     *qualys.APIError
	)

	switch {
	case errors.Is(err, errUnauthenticated), errors.Is(err, errBadToken):
		return http.StatusUnauthorized, err.Error()
	case errors.Is(err, errForbidden):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, lookup.ErrLaunchDisabled):
		return http.StatusForbidden, "scan launch is disabled: an admin must turn on " +
			"enableScanLaunch (and set scanOptionProfile) first"
	case errors.Is(err, errNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, lookup.ErrScanNotFound):
		return http.StatusNotFound, err.Error()
	case errors.As(err, &maxBytes):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"request body too large: the limit is %s", sizeText(maxBytes.Limit))
	case errors.As(err, &method):
		return http.StatusMethodNotAllowed, err.Error()
	case errors.As(err, &limited):
		return http.StatusTooManyRequests, err.Error()
	case errors.As(err, &valid):
		return http.StatusBadRequest, err.Error()
	case errors.As(err, &input), errors.Is(err, lookup.ErrBadInput):
		// "bad input: " says nothing the 400 does not; the rest is the engine's own sentence.
		return http.StatusBadRequest, strings.Replace(err.Error(),
			lookup.ErrBadInput.Error()+": ", "", 1)
	case errors.Is(err, errNoEngine):
		return http.StatusServiceUnavailable, err.Error()
	case errors.As(err, &qRate):
		return http.StatusServiceUnavailable, "qualys rate limit reached: " + err.Error()
	case errors.Is(err, qualys.ErrUnauthorized), errors.As(err, &qAPI):
		return http.StatusBadGateway, err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "qualys did not answer in time (lookupTimeout or " +
			"requestTimeout); try fewer indicators or ask an admin to raise the timeouts"
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "request cancelled"
	}

	return http.StatusInternalServerError, "internal error; the server log has the details"
}

// retryAfter returns the Retry-After seconds an error asks for, or 0.
func retryAfter(err error) int {
	var d time.Duration

	var limited *rateLimitedError
	var qRate *qualys.RateLimitError
	switch {
	case errors.As(err, &limited):
		d = limited.wait
	case errors.As(err, &qRate):
		d = qRate.ToWait
	default:
		return 0
	}

	return max(1, int(math.Ceil(d.Seconds())))
}

// writeError answers with the error's status and JSON body, and logs it: a 5xx at Error with
// the full error, the rest at Debug.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := classify(err)
	h := w.Header()

	switch status {
	case http.StatusUnauthorized:
		if errors.Is(err, errBadToken) {
			h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		} else {
			h.Set("WWW-Authenticate", `Bearer realm="qlens"`)
		}
	case http.StatusMethodNotAllowed:
		var method *methodError
		if errors.As(err, &method) {
			h.Set("Allow", method.allow)
		}
	}
	if sec := retryAfter(err); sec > 0 {
		h.Set("Retry-After", strconv.Itoa(sec))
	}

	body := apiError{Error: msg, RequestID: requestID(r.Context())}
	var valid *config.ValidationError
	if errors.As(err, &valid) {
		body = apiError{Errors: valid.Fields, RequestID: body.RequestID}
	}

	log := s.log.With("request_id", body.RequestID, "status", status)
	if status >= 500 {
		log.Error("request failed", "error", err)
	} else {
		log.Debug("request refused", "error", err)
	}

	writeJSON(w, status, body)
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		raw = []byte(`{"error":"internal error: could not encode the answer"}`)
	}

	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(raw, '\n'))
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}

	return fmt.Sprintf("%d bytes", n)
}
