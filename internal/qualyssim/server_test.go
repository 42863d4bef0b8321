package qualyssim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuthAndHeaders(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})
	hld := "/api/5.0/fo/asset/host/vm/detection/"
	list := url.Values{"action": {"list"}, "ips": {DemoIP}}

	tests := []struct {
		name       string
		c          call
		wantStatus int
		wantCode   string
	}{
		{"no_credentials", call{path: hld, form: list, user: "-"}, 401, "2000"},
		{"wrong_password", call{path: hld, form: list, user: "demo", pass: "nope"}, 401, "2000"},
		{"missing_x_requested_with", call{path: hld, form: list, noXRW: true}, 400, "1903"},
		{"missing_action", call{path: hld}, 400, "1903"},
		{"unknown_action", call{path: hld, form: url.Values{"action": {"purge_all"}}}, 400, "1905"},
		{"unknown_parameter", call{path: hld, form: url.Values{"action": {"list"}, "bogus": {"1"}}},
			400, "1901"},
		{"ok_get", call{path: hld, form: list}, 200, ""},
		{"ok_post", call{method: http.MethodPost, path: hld, form: list}, 200, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resp, body := do(t, ts, tt.c)
			mustWellFormed(t, body)

			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d\n%s", resp.StatusCode, tt.wantStatus, head(body))
			}

			if tt.wantCode != "" {
				if got := decodeSimpleReturn(t, body).Response.Code; got != tt.wantCode {
					t.Errorf("CODE = %q, want %q", got, tt.wantCode)
				}
			}

			if resp.StatusCode == 401 {
				if h := resp.Header.Get("X-RateLimit-Limit"); h != "" {
					t.Errorf("401 carries X-RateLimit-Limit %q", h)
				}

				return
			}

			if tt.name == "missing_x_requested_with" {
				return
			}

			for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Window-Sec",
				"X-RateLimit-Remaining", "X-RateLimit-ToWait-Sec", "X-Concurrency-Limit-Limit",
				"X-Concurrency-Limit-Running"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("header %s missing", h)
				}
			}
		})
	}
}

func TestMissingActionText(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})
	_, body := do(t, ts, call{path: "/api/2.0/fo/scan/"})

	if got, want := decodeSimpleReturn(t, body).Response.Text,
		"Missing required parameter(s): action"; got != want {
		t.Errorf("TEXT = %q, want %q", got, want)
	}
}

func TestRoutingRedirectAndNotFound(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	tests := []struct {
		name, path   string
		wantStatus   int
		wantLocation string
	}{
		{"scan_without_slash", "/api/2.0/fo/scan?action=list", 301, "/api/2.0/fo/scan/?action=list"},
		{"hld_without_slash", "/api/5.0/fo/asset/host/vm/detection", 301,
			"/api/5.0/fo/asset/host/vm/detection/"},
		{"kb_v5_does_not_exist", "/api/5.0/fo/knowledge_base/vuln/", 404, ""},
		{"scan_v4_does_not_exist", "/api/4.0/fo/scan/", 404, ""},
		{"unknown_path", "/api/2.0/fo/nothing/", 404, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resp, body := do(t, ts, call{path: tt.path})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}

			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("Content-Type = %q, want text/html", resp.Header.Get("Content-Type"))
			}

			if tt.wantLocation != "" {
				if diff := cmp.Diff(ts.URL+tt.wantLocation, resp.Header.Get("Location")); diff != "" {
					t.Errorf("Location (-want +got):\n%s", diff)
				}

				if !strings.Contains(string(body), "Moved Permanently") {
					t.Errorf("body is not the 301 page: %s", body)
				}
			}
		})
	}
}

func TestNewRejectsTooFewHosts(t *testing.T) {
	t.Parallel()

	if _, err := New(Config{Hosts: 10}); err == nil {
		t.Fatal("New(Hosts: 10) succeeded, want error")
	}
}
