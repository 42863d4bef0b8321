package qualyssim

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is the simulator: an http.Handler serving the Qualys API over one Dataset.
type Server struct {
	cfg       Config
	data      *Dataset
	lim       *limiter
	scans     *scanBook
	log       *slog.Logger
	poweredBy string

	mu     sync.Mutex
	faults []Fault

	// holdHook, when set (tests only), runs inside every admitted FO call before it is handled.
	holdHook func(api string)
}

// New builds a Server and its dataset. Dates in the data are relative to the start of the
// (UTC) day of cfg.Clock, so the same Seed gives the same data on the same day.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new simulator: %w", err)
	}

	anchor := cfg.Clock().UTC().Truncate(24 * time.Hour)
	data := buildDataset(cfg.Seed, cfg.Hosts, anchor)

	s := &Server{
		cfg:   cfg,
		data:  data,
		lim:   newLimiter(cfg.ConcurrencyLimit, cfg.RateLimit, cfg.RateWindow),
		scans: newScanBook(data, cfg.Seed),
		log:   cfg.Logger,
		poweredBy: fmt.Sprintf("Qualys:SIMPOD1:%08x-51a1-4c0e-8000-%012x:%08x-0d5e-4e11-9000-%012x",
			uint32(cfg.Seed), uint64(cfg.Seed)&0xffffffffffff, uint32(cfg.Hosts), cfg.Hosts),
	}

	s.log.Info("qualys simulator ready", "hosts", cfg.Hosts, "seed", cfg.Seed,
		"qids", len(data.kb.qids), "scans", len(s.scans.scans))

	return s, nil
}

// Dataset returns the data the simulator serves.
func (s *Server) Dataset() *Dataset { return s.data }

func (s *Server) now() time.Time { return s.cfg.Clock() }

// foAPIs lists the FO endpoints: path under /api/N.0/fo/ and the versions that serve it.
var foAPIs = []struct {
	api, path  string
	minV, maxV byte
}{
	{"detection", "asset/host/vm/detection/", '2', '5'},
	{"host", "asset/host/", '2', '5'},
	{"kb", "knowledge_base/vuln/", '2', '4'},
	{"scan", "scan/", '2', '3'},
	{"option_profile", "subscription/option_profile/vm/", '2', '4'},
	{"appliance", "appliance/", '2', '2'},
}

const qpsHostAssetPath = "/qps/rest/2.0/search/am/hostasset"

// ServeHTTP routes one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}

	defer func() {
		s.log.Debug("qualys simulator request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "elapsed_ms", time.Since(start).Milliseconds())
	}()

	path := strings.TrimSuffix(r.URL.Path, "/")
	if path == qpsHostAssetPath {
		s.serveQPS(rec, r)

		return
	}

	api, version, ok := s.routeFO(rec, r)
	if !ok {
		return
	}

	s.serveFO(rec, r, api, version)
}

// routeFO maps the path to an FO API, answering 301 (no trailing slash) or 404 itself.
func (s *Server) routeFO(w http.ResponseWriter, r *http.Request) (api, version string, ok bool) {
	rest, found := strings.CutPrefix(r.URL.Path, "/api/")
	if found && len(rest) > 7 && rest[1] == '.' && rest[2] == '0' && rest[3] == '/' {
		version = rest[:3]
		tail, isFO := strings.CutPrefix(rest[4:], "fo/")
		tail = strings.TrimSuffix(tail, "index.php")

		for _, a := range foAPIs {
			if !isFO || version[0] < a.minV || version[0] > a.maxV {
				continue
			}

			if tail == a.path {
				return a.api, version, true
			}

			if tail+"/" == a.path {
				redirectSlash(w, r)

				return "", "", false
			}
		}
	}

	w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n" +
		"<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n" +
		"<p>The requested URL was not found on this server.</p>\n</body></html>\n"))

	return "", "", false
}

// redirectSlash answers a path without its trailing slash with Apache's 301 page (§1).
func redirectSlash(w http.ResponseWriter, r *http.Request) {
	loc := baseURL(r) + r.URL.Path + "/"
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}

	w.Header().Set("Location", loc)
	w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
	w.WriteHeader(http.StatusMovedPermanently)
	_, _ = w.Write([]byte("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n" +
		"<title>301 Moved Permanently</title>\n</head><body>\n<h1>Moved Permanently</h1>\n" +
		"<p>The document has moved <a href=\"" + attrEscape(loc) + "\">here</a>.</p>\n" +
		"</body></html>\n"))
}

// baseURL is the simulator's own scheme://host as the client reached it.
func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}

	return "http://" + r.Host
}

// authorized checks basic-auth credentials in constant time.
func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}

	u := subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.Username))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.Password))

	return u&p == 1
}

// setCommonHeaders writes the headers every authenticated response carries (§1).
func (s *Server) setCommonHeaders(h http.Header) {
	h.Set("Server", "Qualys")
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-XSS-Protection", "1; mode=block")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Powered-By", s.poweredBy)
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
