package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/qualys"
)

func TestJSONErrors(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name       string
		method     string
		path       string
		body       any
		wantStatus int
		wantAllow  string
	}{
		{"unknown_api_path", "GET", "/api/v1/nothing", nil, 404, ""},
		{"wrong_method", "DELETE", "/api/v1/options", nil, 405, "GET, HEAD, PUT"},
		{"wrong_method_post_only", "GET", "/api/v1/lookup", nil, 405, "POST"},
		{"not_json", "POST", "/api/v1/lookup", "text=1", 400, ""},
		{"text_and_entities", "POST", "/api/v1/lookup",
			`{"text":"a","entities":[{"type":"qid","value":"1"}]}`, 400, ""},
		{"neither_text_nor_entities", "POST", "/api/v1/lookup", `{"refresh":true}`, 400, ""},
		{"trailing_data", "POST", "/api/v1/extract", `{"text":"a"} {}`, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do(tt.method, tt.path, adminToken, tt.body)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			if msg, _ := got.json(t)["error"].(string); msg == "" {
				t.Errorf("no error message in %s", got.body)
			}
			if got.header.Get("Allow") != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got.header.Get("Allow"), tt.wantAllow)
			}
		})
	}
}

func TestPanicRecovered(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	got := e.do("POST", "/api/v1/extract", analystToken, `{"text":"PANIC"}`)
	if got.status != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", got.status)
	}
	for _, leak := range []string{"goroutine", "fake engine", ".go:"} {
		if bytes.Contains(got.body, []byte(leak)) {
			t.Errorf("500 body leaks %q: %s", leak, got.body)
		}
	}
	if !strings.Contains(e.logs.String(), "panic in handler") {
		t.Errorf("panic not logged")
	}

	// The server still serves.
	if got := e.do("GET", "/api/v1/me", analystToken, nil); got.status != http.StatusOK {
		t.Errorf("after panic: status %d", got.status)
	}
}

// TestClassify is the table of the one error-to-status mapping.
func TestClassify(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		err  error
		want int
	}{
		{"bad_input_wrapped", fmt.Errorf("launch: %w", lookup.ErrBadInput), 400},
		{"server_input", badInput("x"), 400},
		{"validation", &config.ValidationError{}, 400},
		{"unauthenticated", errUnauthenticated, 401},
		{"launch_disabled", fmt.Errorf("x: %w", lookup.ErrLaunchDisabled), 403},
		{"scan_not_found", lookup.ErrScanNotFound, 404},
		{"too_large", &http.MaxBytesError{Limit: 10}, 413},
		{"rate_limited", &rateLimitedError{wait: time.Second}, 429},
		{"qualys_unauthorized", fmt.Errorf("x: %w", qualys.ErrUnauthorized), 502},
		{"qualys_api_error", &qualys.APIError{Status: 500, Endpoint: "detection"}, 502},
		{"qualys_rate_limit", &qualys.RateLimitError{ToWait: time.Minute}, 503},
		{"not_configured", errNoEngine, 503},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), 504},
		{"unknown", errors.New("disk on fire at /secret/path"), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, msg := classify(tt.err)
			if got != tt.want {
				t.Errorf("classify(%v) = %d, want %d", tt.err, got, tt.want)
			}
			if got == 500 && strings.Contains(msg, "/secret/path") {
				t.Errorf("500 message %q leaks the error", msg)
			}
		})
	}
}
