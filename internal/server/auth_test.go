package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qlens/qlens/internal/config"
)

// TestRoleMatrix checks every route against no token, a wrong token, an analyst and an admin.
func TestRoleMatrix(t *testing.T) {
	t.Parallel()

	opts := validOptions()
	opts.EnableScanLaunch = true
	opts.ScanOptionProfile = "Initial Options"
	e := setup(t, opts, nil)

	type want struct{ none, bad, analyst, admin int }
	analystOK := want{401, 401, 200, 200}
	adminOnly := want{401, 401, 403, 200}
	open := want{200, 200, 200, 200}

	tests := []struct {
		name   string
		method string
		path   string
		body   any
		want   want
	}{
		{"extract", "POST", "/api/v1/extract", map[string]string{"text": "10.0.0.5"}, analystOK},
		{"lookup", "POST", "/api/v1/lookup", map[string]string{"text": "10.0.0.5"}, analystOK},
		{"scan_launch", "POST", "/api/v1/scans", map[string]string{"ip": "10.0.0.9"}, analystOK},
		{"scan_status", "GET", "/api/v1/scans?ref=scan/1.2", nil, analystOK},
		{"me", "GET", "/api/v1/me", nil, analystOK},
		{"options_get", "GET", "/api/v1/options", nil, adminOnly},
		{"options_put", "PUT", "/api/v1/options", map[string]string{"scannerName": "x"}, adminOnly},
		{"options_test", "POST", "/api/v1/options/test", nil, adminOnly},
		{"options_head", "HEAD", "/api/v1/options", nil, adminOnly},
		{"audit", "GET", "/api/v1/audit", nil, adminOnly},
		{"audit_head", "HEAD", "/api/v1/audit", nil, adminOnly},
		{"metrics", "GET", "/metrics", nil, adminOnly},
		{"metrics_head", "HEAD", "/metrics", nil, adminOnly},
		{"healthz", "GET", "/healthz", nil, open},
		{"web_page", "GET", "/", nil, open},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := want{
				none:    e.do(tt.method, tt.path, "", tt.body).status,
				bad:     e.do(tt.method, tt.path, "not-a-token", tt.body).status,
				analyst: e.do(tt.method, tt.path, analystToken, tt.body).status,
				admin:   e.do(tt.method, tt.path, adminToken, tt.body).status,
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnauthorizedAnswer(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name      string
		token     string
		wantAuthn string
	}{
		{"no_token", "", `Bearer realm="qlens"`},
		{"wrong_token", "wrong", `Bearer error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do("GET", "/api/v1/me", tt.token, nil)
			if got.status != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401", got.status)
			}
			if diff := cmp.Diff(tt.wantAuthn, got.header.Get("WWW-Authenticate")); diff != "" {
				t.Errorf("WWW-Authenticate (-want +got):\n%s", diff)
			}
			if msg, _ := got.json(t)["error"].(string); msg == "" {
				t.Errorf("body %s has no error message", got.body)
			}
		})
	}
}

// TestTokenSources checks that each source of tokens names the caller with its role.
func TestTokenSources(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), func(c *Config) {
		c.Tokens = []Token{{Name: "demo-analyst", Role: RoleAnalyst, Value: "demo-token-1"}}
	})

	tests := []struct {
		name  string
		token string
		want  map[string]any
	}{
		{"config_file_hash", adminToken,
			map[string]any{"name": "root", "role": "admin", "scanLaunch": false}},
		{"qlens_tokens_env", analystToken,
			map[string]any{"name": "alice", "role": "analyst", "scanLaunch": false}},
		{"extra_token", "demo-token-1",
			map[string]any{"name": "demo-analyst", "role": "analyst", "scanLaunch": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do("GET", "/api/v1/me", tt.token, nil)
			if got.status != http.StatusOK {
				t.Fatalf("status = %d, body %s", got.status, got.body)
			}
			if diff := cmp.Diff(tt.want, got.json(t)); diff != "" {
				t.Errorf("me (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBadTokenConfig checks that a malformed token source stops New with an error that does
// not repeat the token's value.
func TestBadTokenConfig(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		hashed   []config.Token
		envValue string
		wantErr  string
	}{
		{"env_missing_part", nil, "alice:sekrit-value-1", "want name:role:token"},
		{"env_bad_role", nil, "alice:root:sekrit-value-1", "role must be"},
		{"hash_not_hex", []config.Token{{Name: "x", Role: RoleAdmin, SHA256: "zz"}}, "", "64 hex"},
		{"hash_no_name", []config.Token{{Role: RoleAdmin, SHA256: sha("a")}}, "", "no name"},
		{"env_empty_value", nil, "alice:analyst:", "want name:role:token"},
		{"same_value_twice", nil, "alice:analyst:sekrit-value-1,bob:admin:sekrit-value-1",
			"same value"},
		{"same_value_file_and_env", []config.Token{{Name: "root", Role: RoleAdmin,
			SHA256: sha("sekrit-value-1")}}, "alice:analyst:sekrit-value-1", "same value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := New(Config{
				File:    config.File{Options: validOptions(), Server: config.Server{Tokens: tt.hashed}},
				Getenv:  envOf(map[string]string{"QLENS_TOKENS": tt.envValue}),
				DataDir: t.TempDir(),
			})
			if err == nil {
				t.Fatal("New: want an error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "sekrit-value-1") {
				t.Errorf("error %q reveals the token", err)
			}
		})
	}
}

func TestBearerParsing(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		header string
		want   string
		wantOK bool
	}{
		{"bearer", "Bearer abc", "abc", true},
		{"lower_case_scheme", "bearer abc", "abc", true},
		{"basic_scheme", "Basic abc", "", false},
		{"empty_token", "Bearer  ", "", false},
		{"no_header", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			r, _ := http.NewRequestWithContext(t.Context(), "GET", "/", nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			got, ok := bearer(r)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("bearer(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestMeSaysWhetherScanLaunchIsOn lets the page hide the Launch Scan button up front.
func TestMeSaysWhetherScanLaunchIsOn(t *testing.T) {
	t.Parallel()

	opts := validOptions()
	opts.EnableScanLaunch = true
	opts.ScanOptionProfile = "Initial Options"
	e := setup(t, opts, nil)

	got := e.do("GET", "/api/v1/me", analystToken, nil)
	if on, _ := got.json(t)["scanLaunch"].(bool); got.status != http.StatusOK || !on {
		t.Errorf("me = %d %s, want scanLaunch true", got.status, got.body)
	}
}
