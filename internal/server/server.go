// Package server is qlens's HTTP face: the JSON API of DESIGN.md §5, bearer-token
// authentication with the analyst and admin roles, admin options that are persisted and applied
// without a restart, a durable audit log of scan launches and option changes, Prometheus metrics
// and the web page, all behind one handler with security headers, body limits and rate limits.
//
// Option precedence at start: the config file, then the options an admin saved through the API
// (DataDir/options.json), then the QLENS_* environment variables, which win. A key set by the
// environment cannot be changed through the API; GET /api/v1/options lists such keys as envLocked.
package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/lookup"
	"golang.org/x/time/rate"
)

// Config is what New needs. Only File is required.
type Config struct {
	// File is the loaded config file, with the environment already applied (config.Load).
	File config.File
	// Getenv reads QLENS_TOKENS and the QLENS_* option variables; nil: os.Getenv.
	Getenv func(string) string
	// DataDir holds options.json and audit.log; "" means DataDirFor("", File). The CLI
	// resolves it with DataDirFor and the config file's path.
	DataDir string
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// HTTPClient is the client the default engine factory gives the lookup engine; nil: default.
	HTTPClient *http.Client
	// NewEngine builds an engine for a set of options; nil: lookup.New with one cache shared
	// across option changes.
	NewEngine func(config.Options) (Engine, error)
	// Tokens are extra tokens with their plain values, such as the random ones of --demo.
	Tokens []Token
	// Web serves the page and its assets at "/"; nil answers 404 there.
	Web http.Handler
	// Clock returns the current time; nil: time.Now.
	Clock func() time.Time
	// RateLimit is the sustained number of API requests per second per token; 0: 10.
	RateLimit rate.Limit
	// RateBurst is how many API requests a token may make at once; 0: 40.
	RateBurst int
	// AuthFailBurst is how many wrong tokens one client address may send before it gets 429
	// for every token (then one more a second); 0: 20.
	AuthFailBurst int
	// OpenMetrics serves /metrics without a token; by default it needs an admin token.
	OpenMetrics bool
	// ShutdownTimeout bounds how long Run waits for running requests on shutdown; 0: 30s.
	ShutdownTimeout time.Duration
}

// Server is the HTTP API and web page of qlens. Build it with New.
type Server struct {
	log      *slog.Logger
	getenv   func(string) string
	now      func() time.Time
	dataDir  string
	web      http.Handler
	auth     *authenticator
	limiter  *limiter[int]
	authFail *limiter[netip.Addr]
	metrics  *Metrics
	audit    *auditLog
	store    *optionStore
	engines  *engineHolder
	handler  http.Handler
	openMet  bool
	shutdown time.Duration

	// optMu serialises option changes, so two admins' PUTs cannot interleave.
	optMu sync.Mutex
}

// New builds a server: it reads the tokens, loads the persisted options over the file's (the
// environment still wins) and builds the lookup engine. Options that do not validate are not
// fatal: the API answers 503 until an admin saves valid ones.
func New(cfg Config) (*Server, error) {
	s := &Server{
		log:      cfg.Logger,
		getenv:   cfg.Getenv,
		now:      cfg.Clock,
		dataDir:  cfg.DataDir,
		web:      cfg.Web,
		openMet:  cfg.OpenMetrics,
		shutdown: cfg.ShutdownTimeout,
	}
	s.setDefaults()
	if s.dataDir == "" {
		s.dataDir = DataDirFor("", cfg.File)
	}

	if err := os.MkdirAll(s.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}

	auth, err := newAuthenticator(cfg.File.Server.Tokens, s.getenv("QLENS_TOKENS"), cfg.Tokens)
	if err != nil {
		return nil, err
	}
	if auth.empty() {
		s.log.Warn("no API tokens configured: every API call will be refused")
	}
	s.auth = auth

	s.limiter = newLimiter[int](cfg.RateLimit, cfg.RateBurst, maxLimiters, s.now)
	failBurst := cfg.AuthFailBurst
	if failBurst <= 0 {
		failBurst = authFailBurst
	}
	s.authFail = newLimiter[netip.Addr](authFailRate, failBurst, maxLimiters, s.now)
	s.metrics = NewMetrics()
	s.audit = &auditLog{path: auditPath(s.dataDir), now: s.now}
	s.store = &optionStore{path: optionsPath(s.dataDir)}

	opts, err := s.startOptions(cfg.File.Options)
	if err != nil {
		return nil, err
	}

	factory := cfg.NewEngine
	if factory == nil {
		factory = defaultFactory(s.log, cfg.HTTPClient, lookup.NewCache(), s.metrics)
	}
	s.engines = newEngineHolder(factory, opts, s.log)

	s.handler = s.routes()

	return s, nil
}

func (s *Server) setDefaults() {
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.getenv == nil {
		s.getenv = os.Getenv
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.shutdown <= 0 {
		s.shutdown = 30 * time.Second
	}
}

// startOptions lays the persisted options over the file's and then the environment over both.
func (s *Server) startOptions(file config.Options) (config.Options, error) {
	saved, ok, err := s.store.load(file)
	if err != nil {
		return config.Options{}, err
	}
	if !ok {
		return file, nil
	}
	s.log.Info("loaded options saved through the API", "path", s.store.path)

	opts, err := applyEnvOverrides(saved, s.getenv)
	if err != nil {
		return config.Options{}, err
	}

	return opts, nil
}

// DataDirFor resolves the data directory: QLENS_DATA_DIR or the config file's server.dataDir
// (config.Load puts either in f.Server.DataDir), else qlens-data beside the config file, else
// ./qlens-data when there is no config file.
func DataDirFor(configPath string, f config.File) string {
	switch {
	case f.Server.DataDir != "":
		return f.Server.DataDir
	case configPath != "":
		return filepath.Join(filepath.Dir(configPath), "qlens-data")
	}

	return "qlens-data"
}

// Handler returns the server's whole HTTP handler (API, metrics, health and web page).
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics returns the server's metrics, to wire as the lookup/qualys observer.
func (s *Server) Metrics() *Metrics { return s.metrics }

// errNoEngine is returned while the options do not validate.
var errNoEngine = errors.New("qlens is not configured yet: an admin must set valid options " +
	"(url, username, password) on the admin page or in the config file")
