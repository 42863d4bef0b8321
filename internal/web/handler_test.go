package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func get(t *testing.T, h http.Handler, method, target string,
	header map[string]string) *http.Response {
	t.Helper()

	req := httptest.NewRequestWithContext(t.Context(), method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	return rec.Result()
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()

	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}

	return string(b)
}

// embeddedFiles lists every file under static/, as paths below it.
func embeddedFiles(t *testing.T) []string {
	t.Helper()

	var files []string
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, strings.TrimPrefix(p, "static/"))
		}
		return err
	})
	if err != nil {
		t.Fatalf("walk embedded files: %v", err)
	}
	if len(files) < 5 {
		t.Fatalf("embedded files = %v, want the pages and their assets", files)
	}

	return files
}

func TestHandler_servesEveryEmbeddedFile(t *testing.T) {
	t.Parallel()
	h := Handler()

	wantType := map[string]string{
		".html": "text/html; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".svg":  "image/svg+xml",
	}
	for _, name := range embeddedFiles(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			resp := get(t, h, http.MethodGet, "/"+name, nil)
			body := readBody(t, resp)
			want, err := fs.ReadFile(staticFS, "static/"+name)
			if err != nil {
				t.Fatalf("read embedded %s: %v", name, err)
			}

			got := map[string]string{
				"status":        resp.Status,
				"content-type":  resp.Header.Get("Content-Type"),
				"cache-control": resp.Header.Get("Cache-Control"),
				"nosniff":       resp.Header.Get("X-Content-Type-Options"),
			}
			wantHeaders := map[string]string{
				"status":        "200 OK",
				"content-type":  wantType[path.Ext(name)],
				"cache-control": "no-cache",
				"nosniff":       "nosniff",
			}
			if diff := cmp.Diff(wantHeaders, got); diff != "" {
				t.Errorf("GET /%s headers (-want +got):\n%s", name, diff)
			}
			if body != string(want) {
				t.Errorf("GET /%s body differs from the embedded file", name)
			}
			if resp.Header.Get("ETag") == "" {
				t.Errorf("GET /%s has no ETag", name)
			}
		})
	}
}

func TestHandler_routes(t *testing.T) {
	t.Parallel()
	h := Handler()

	tests := []struct {
		name       string
		method     string
		target     string
		wantStatus int
		wantIn     string
	}{
		{"root_is_analyst_page", "GET", "/", 200, `src="/assets/app.js"`},
		{"index_html_alias", "GET", "/index.html", 200, `src="/assets/app.js"`},
		{"admin_page", "GET", "/admin", 200, `src="/assets/admin.js"`},
		{"admin_html_alias", "GET", "/admin.html", 200, `src="/assets/admin.js"`},
		{"head_is_allowed", "HEAD", "/", 200, ""},
		{"unknown_path", "GET", "/nope", 404, ""},
		{"unknown_asset", "GET", "/assets/nope.js", 404, ""},
		{"assets_dir_listing", "GET", "/assets/", 404, ""},
		{"static_prefix_not_exposed", "GET", "/static/index.html", 404, ""},
		{"dot_dot_escape", "GET", "/assets/../index.html", 404, ""},
		{"api_path_not_served", "GET", "/api/v1/me", 404, ""},
		{"post_refused", "POST", "/", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resp := get(t, h, tt.method, tt.target, nil)
			body := readBody(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.target, resp.StatusCode, tt.wantStatus)
			}
			if !strings.Contains(body, tt.wantIn) {
				t.Errorf("%s %s body lacks %q", tt.method, tt.target, tt.wantIn)
			}
		})
	}
}

func TestHandler_revalidationAnswers304(t *testing.T) {
	t.Parallel()
	h := Handler()

	first := get(t, h, http.MethodGet, "/assets/app.css", nil)
	etag := first.Header.Get("ETag")

	tests := []struct {
		name       string
		ifNoneMtch string
		want       int
	}{
		{"same_etag", etag, http.StatusNotModified},
		{"other_etag", `"stale"`, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resp := get(t, h, http.MethodGet, "/assets/app.css",
				map[string]string{"If-None-Match": tt.ifNoneMtch})
			if resp.StatusCode != tt.want {
				t.Errorf("If-None-Match %s: status %d, want %d", tt.ifNoneMtch, resp.StatusCode, tt.want)
			}
		})
	}
}

func TestHandler_contentSecurityPolicy(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		preset string
		want   string
	}{
		{"set_when_absent", "", CSP},
		{"outer_policy_kept", "default-src 'none'", "default-src 'none'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.preset != "" {
					w.Header().Set("Content-Security-Policy", tt.preset)
				}
				Handler().ServeHTTP(w, r)
			})
			resp := get(t, h, http.MethodGet, "/", nil)
			if got := resp.Header.Get("Content-Security-Policy"); got != tt.want {
				t.Errorf("CSP = %q, want %q", got, tt.want)
			}
		})
	}
}
