package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// CSP is the Content-Security-Policy the page is written for. Handler sets it on every response
// that does not carry one already, so the page is protected even when mounted on a bare mux.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; " +
	"form-action 'self'"

//go:embed static
var staticFS embed.FS

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// contentTypes maps the extensions the embedded files use to their media types.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// routes maps the public paths of the page to the embedded files behind them.
var routes = map[string]string{
	"/":           "index.html",
	"/index.html": "index.html",
	"/admin":      "admin.html",
	"/admin.html": "admin.html",
}

// Handler serves the analyst page at /, the admin page at /admin and their files under /assets/.
// Any other path is a 404. Responses carry a strong ETag and must be revalidated (no-cache), so
// a new binary's files are picked up at once while unchanged ones cost a 304.
func Handler() http.Handler {
	assets, err := load(staticFS)
	if err != nil {
		// The files are compiled in; failing here means the binary itself is broken.
		panic(fmt.Sprintf("web: load embedded files: %v", err))
	}

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := routes[r.URL.Path]
		if !ok && strings.HasPrefix(r.URL.Path, "/assets/") {
			name, ok = r.URL.Path[1:], true
		}
		a, found := assets[name]
		if !ok || !found {
			http.NotFound(w, r)
			return
		}

		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}

		serve(w, r, a)
	})
}

func serve(w http.ResponseWriter, r *http.Request, a asset) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if h.Get("Content-Security-Policy") == "" {
		h.Set("Content-Security-Policy", CSP)
	}

	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// load reads every embedded file, keyed by its path below static/ (e.g. "assets/app.js").
func load(fsys fs.FS) (map[string]asset, error) {
	root, err := fs.Sub(fsys, "static")
	if err != nil {
		return nil, fmt.Errorf("open static dir: %w", err)
	}

	assets := map[string]asset{}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ct, known := contentTypes[path.Ext(p)]
		if !known {
			return fmt.Errorf("file %s: no content type for its extension", p)
		}
		body, err := fs.ReadFile(root, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		sum := sha256.Sum256(body)
		assets[p] = asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}

		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk static dir: %w", err)
	}

	return assets, nil
}
