package server

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/web"
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
		{"options_test_over_64_kib", "POST", "/api/v1/options/test",
			`{"url":"` + strings.Repeat("a", maxSmallBody) + `"}`, adminToken, "64 KiB"},
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
	l := newLimiter[int](1, 1, 2, func() time.Time { now = now.Add(time.Millisecond); return now })
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
		"Content-Security-Policy":      csp,
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "no-referrer",
		"X-Frame-Options":              "DENY",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
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

// TestStrictJSONBodies checks what encoding/json alone would let through: data after the object
// (even a lone "}" or "]"), a body that is not an object, a key given twice, a key spelt with
// other letter case, at the top or nested. None of them reaches the engine.
func TestStrictJSONBodies(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), launchOptions())

	tests := []struct {
		name string
		path string
		body string
		want string
	}{
		{"trailing_brace", "/api/v1/scans", `{"ip":"10.0.0.5"}}`, "data after"},
		{"trailing_bracket", "/api/v1/scans", `{"ip":"10.0.0.5"}]`, "data after"},
		{"second_object", "/api/v1/extract", `{"text":"a"} {"text":"b"}`, "data after"},
		{"null_body", "/api/v1/extract", `null`, "must be a JSON object"},
		{"array_body", "/api/v1/lookup", `[{"text":"a"}]`, "must be a JSON object"},
		{"empty_body", "/api/v1/extract", ``, "is empty"},
		{"cut_short", "/api/v1/extract", `{"text":"a"`, "ends before"},
		{"duplicate_key", "/api/v1/scans", `{"ip":"127.0.0.1","ip":"10.0.0.5"}`,
			`"ip" is given more than once`},
		{"key_case", "/api/v1/scans", `{"IP":"10.0.0.5"}`, `is spelt "ip"`},
		{"nested_key_case", "/api/v1/lookup", `{"entities":[{"Type":"qid","value":"1"}]}`,
			`has the key "Type", which is spelt "type"`},
		{"nested_duplicate", "/api/v1/lookup",
			`{"entities":[{"type":"qid","value":"1","value":"2"}]}`, `"value" more than once`},
		{"unknown_key", "/api/v1/extract", `{"text":"a","txt":"b"}`, "unknown field"},
		{"deep_nesting", "/api/v1/extract", `{"text":` + strings.Repeat("[", 4<<20) + `}`,
			"nests deeper than"},
	}
	// The group returns once its parallel cases are done, so the check after it sees them all.
	t.Run("bodies", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()

				got := e.do("POST", tt.path, analystToken, tt.body)
				if got.status != http.StatusBadRequest {
					t.Fatalf("status = %d, want 400; body %s", got.status, got.body)
				}
				if msg, _ := got.json(t)["error"].(string); !strings.Contains(msg, tt.want) {
					t.Errorf("error %q does not contain %q", msg, tt.want)
				}
			})
		}
	})

	e.factory.mu.Lock()
	defer e.factory.mu.Unlock()
	if n := len(e.factory.launches); n != 0 {
		t.Errorf("%d scans launched from refused bodies", n)
	}
}

// TestStrictJSONOptions checks the same rules on PUT /api/v1/options, answered per key.
func TestStrictJSONOptions(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name     string
		body     string
		wantKeys []string
	}{
		{"duplicate_key", `{"scannerName":"a","scannerName":"b"}`, []string{"scannerName"}},
		{"key_case", `{"URL":"https://evil.example.test"}`, []string{"URL"}},
		{"nested_key_case", `{"cacheTtl":{"KnowledgeBase":"1h"}}`, []string{"cacheTtl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do("PUT", "/api/v1/options", adminToken, tt.body)
			if got.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", got.status, got.body)
			}
			var body struct {
				Errors []struct{ Key, Message string } `json:"errors"`
			}
			decodeInto(t, got.body, &body)
			var keys []string
			for _, fe := range body.Errors {
				keys = append(keys, fe.Key)
			}
			if diff := cmp.Diff(tt.wantKeys, keys); diff != "" {
				t.Errorf("error keys (-want +got):\n%s", diff)
			}
		})
	}

	got := e.do("PUT", "/api/v1/options", adminToken, `{"scannerName":"a"}}`)
	if msg, _ := got.json(t)["error"].(string); got.status != 400 ||
		!strings.Contains(msg, "data after") {
		t.Errorf("trailing brace: status %d, body %s", got.status, got.body)
	}
	if n := len(e.factory.builds); n != 1 {
		t.Errorf("%d engines built, want only the first: a refused PUT applied options", n)
	}
}

// TestAuthFailuresLimitedPerAddress: past a burst of wrong tokens, an address gets 429 for any
// token, so that guessing learns nothing; a request without a token is not a guess.
func TestAuthFailuresLimitedPerAddress(t *testing.T) {
	t.Parallel()

	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := setup(t, validOptions(), func(c *Config) {
		c.AuthFailBurst = 3
		c.Clock = func() time.Time {
			mu.Lock()
			defer mu.Unlock()

			return now
		}
	})

	for i := range 3 {
		if got := e.do("GET", "/api/v1/me", "guess-"+strconv.Itoa(i), nil); got.status != 401 {
			t.Fatalf("wrong token %d: status %d, want 401", i+1, got.status)
		}
	}
	for _, token := range []string{"guess-3", analystToken} {
		got := e.do("GET", "/api/v1/me", token, nil)
		if got.status != http.StatusTooManyRequests || got.header.Get("Retry-After") == "" {
			t.Errorf("token %q after the burst: status %d, Retry-After %q; want 429 with it",
				token, got.status, got.header.Get("Retry-After"))
		}
	}
	if got := e.do("GET", "/api/v1/me", "", nil); got.status != 401 {
		t.Errorf("no token after the burst: status %d, want 401", got.status)
	}

	mu.Lock()
	now = now.Add(2 * time.Second)
	mu.Unlock()
	if got := e.do("GET", "/api/v1/me", analystToken, nil); got.status != 200 {
		t.Errorf("valid token once the bucket refilled: status %d, want 200", got.status)
	}
}

// TestCSPMatchesWebPackage keeps the two copies of the page's policy the same.
func TestCSPMatchesWebPackage(t *testing.T) {
	t.Parallel()

	if csp != web.CSP {
		t.Errorf("server CSP and web.CSP differ:\n%s\n%s", csp, web.CSP)
	}
	for _, directive := range []string{"script-src 'self'", "object-src 'none'",
		"frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("CSP lacks %q", directive)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("CSP allows an unsafe source: %s", csp)
	}
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()

	type inner struct {
		Name string `json:"name"`
	}
	type outer struct {
		ID    int               `json:"id"`
		Items []inner           `json:"items"`
		Tags  map[string]string `json:"tags"`
		Skip  string            `json:"-"`
	}

	tests := []struct {
		name string
		body string
		want []jsonProblem
	}{
		{"fine", `{"id":1,"items":[{"name":"a"}],"tags":{"A":"x","a":"y"}}`, nil},
		{"whitespace_after", "{\"id\":1}\n\t ", nil},
		{"map_keys_are_free_but_unique", `{"tags":{"a":"x","a":"y"}}`,
			[]jsonProblem{{"tags", `has the key "a" more than once`}}},
		{"folded_nested", `{"items":[{"NAME":"a"}]}`,
			[]jsonProblem{{"items", `has the key "NAME", which is spelt "name"`}}},
		{"dash_field_is_no_name", `{"Skip":"x"}`, nil},
		{"syntax", `{"id":}`, []jsonProblem{{"", "is not valid JSON (at byte 6)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := checkJSON([]byte(tt.body), reflect.TypeFor[outer]())
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(jsonProblem{})); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
