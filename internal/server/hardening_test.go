package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)
	big := `{"text":"` + strings.Repeat("a", maxTextBody) + `"}`

	tests := []struct {
		name   string
		method string
		path   string
		body   string
		token  string
		want   string
	}{
		{"lookup_over_8_mib", "POST", "/api/v1/lookup", big, analystToken, "8 MiB"},
		{"extract_over_8_mib", "POST", "/api/v1/extract", big, analystToken, "8 MiB"},
		{"options_over_64_kib", "PUT", "/api/v1/options",
			`{"scannerName":"` + strings.Repeat("a", maxSmallBody) + `"}`, adminToken, "64 KiB"},
		{"scan_over_64_kib", "POST", "/api/v1/scans",
			`{"ip":"` + strings.Repeat("1", maxSmallBody) + `"}`, analystToken, "64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do(tt.method, tt.path, tt.token, tt.body)
			if got.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status = %d, want 413", got.status)
			}
			if msg, _ := got.json(t)["error"].(string); !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not name the limit %q", msg, tt.want)
			}
		})
	}
}

func TestInvalidUTF8(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)
	body := []byte("{\"text\":\"10.0.0.5 \xff\xfe\"}")

	got := e.do("POST", "/api/v1/extract", analystToken, body)
	if got.status != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400; body %s", got.status, got.body)
	}
	if msg, _ := got.json(t)["error"].(string); !strings.Contains(msg, "offset 18") {
		t.Errorf("error %q does not give the offset of the bad byte", msg)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), func(c *Config) {
		c.RateLimit, c.RateBurst = 0.001, 2
	})

	for i := range 2 {
		if got := e.do("GET", "/api/v1/me", analystToken, nil); got.status != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, got.status)
		}
	}

	got := e.do("GET", "/api/v1/me", analystToken, nil)
	if got.status != http.StatusTooManyRequests {
		t.Fatalf("third request: status %d, want 429", got.status)
	}
	if got.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}

	// Another token has its own bucket.
	if got := e.do("GET", "/api/v1/me", adminToken, nil); got.status != http.StatusOK {
		t.Errorf("admin after analyst's limit: status %d", got.status)
	}
}

func TestLimiterEvictsOldest(t *testing.T) {
	t.Parallel()

	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(1, 1, 2, func() time.Time { now = now.Add(time.Millisecond); return now })
	l.allow(1)
	l.allow(2)
	l.allow(3)

	if _, ok := l.buckets[1]; ok || len(l.buckets) != 2 {
		t.Errorf("buckets after overflow: %v, want 2 without the oldest", len(l.buckets))
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)
	want := map[string]string{
		"Content-Security-Policy": csp,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	}

	tests := []struct {
		name, method, path, token string
	}{
		{"healthz", "GET", "/healthz", ""},
		{"web_page", "GET", "/", ""},
		{"api_401", "GET", "/api/v1/me", ""},
		{"api_200", "GET", "/api/v1/me", analystToken},
		{"api_404", "GET", "/api/v1/nothing", analystToken},
		{"api_405", "DELETE", "/api/v1/options", adminToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do(tt.method, tt.path, tt.token, nil)
			have := map[string]string{}
			for k := range want {
				have[k] = got.header.Get(k)
			}
			if diff := cmp.Diff(want, have); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCrossOriginRefused(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name       string
		method     string
		site       string
		wantStatus int
	}{
		{"cross_site_post", "POST", "cross-site", http.StatusForbidden},
		{"same_origin_post", "POST", "same-origin", http.StatusOK},
		{"cross_site_get", "GET", "cross-site", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var body *strings.Reader
			path := "/api/v1/me"
			if tt.method == "POST" {
				path, body = "/api/v1/extract", strings.NewReader(`{"text":"x"}`)
			} else {
				body = strings.NewReader("")
			}
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, e.url+path, body)
			req.Header.Set("Authorization", "Bearer "+analystToken)
			req.Header.Set("Sec-Fetch-Site", tt.site)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("do: %v", err)
			}
			resp.Body.Close()

			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name   string
		sent   string
		echoed bool
	}{
		{"plain_id_echoed", "abc-123_X.y", true},
		{"unsafe_id_replaced", "bad id forged=1", false},
		{"long_id_replaced", strings.Repeat("a", 65), false},
		{"absent_id_generated", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			req, _ := http.NewRequestWithContext(t.Context(), "GET", e.url+"/healthz", nil)
			if tt.sent != "" {
				req.Header["X-Request-Id"] = []string{tt.sent}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("do: %v", err)
			}
			resp.Body.Close()

			got := resp.Header.Get("X-Request-Id")
			if tt.echoed && got != tt.sent {
				t.Errorf("X-Request-Id = %q, want %q echoed", got, tt.sent)
			}
			if !tt.echoed && (got == tt.sent || !validRequestID(got)) {
				t.Errorf("X-Request-Id = %q, want a fresh id", got)
			}
		})
	}
}
