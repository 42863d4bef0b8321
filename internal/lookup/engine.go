// Package lookup turns indicators into the fewest Qualys calls and gives each indicator exactly
// its own results: extract, plan, fetch, correlate, shape.
//
// Correlation uses exact keys only (host IP, IPv6, host id, QID, CVE to QID set), never a text
// search. Qualys answers are cached per key (per IP, per QID, per CVE, per domain, per host id)
// with a TTL per kind, keyed by subscription and credential, so a warm repeat of a batch makes
// no call and an overlapping batch fetches only what is new. A failing source marks only the
// entities that needed it.
package lookup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/qualys"
)

// ErrBadInput is wrapped by every error that blames the request rather than Qualys: an unknown
// entity type, a value that does not parse as its type, a launch target that is not one IPv4
// address. The server maps it to 400 and the CLI to exit code 2.
var ErrBadInput = errors.New("bad input")

// ErrLaunchDisabled is returned by LaunchScan when the options do not allow scan launches.
var ErrLaunchDisabled = errors.New("scan launch is disabled: an admin must set enableScanLaunch")

// ErrScanNotFound is returned by ScanStatus when Qualys lists no scan with that reference.
var ErrScanNotFound = errors.New("scan not found")

// Deps are what an Engine needs besides its options.
type Deps struct {
	Logger     *slog.Logger // nil: discard
	HTTPClient *http.Client // nil: default
	Cache      *Cache       // shared across engines so a reload of the options keeps it; nil: new

	// Observer, when set, is handed to the Qualys client and receives one event per HTTP
	// attempt and per wait (for metrics). It must be fast and safe for concurrent use.
	Observer func(qualys.Event)

	// CacheObserver, when set, receives per lookup and kind of answer (detections_ipv4, kb_cve,
	// scans, ...) how many keys the cache served and how many had to be fetched. It must be
	// fast and safe for concurrent use.
	CacheObserver func(kind string, hits, misses int)
}

// Engine answers lookups for one set of options. It is safe for concurrent use.
type Engine struct {
	opts          config.Options
	log           *slog.Logger
	client        *qualys.Client
	extractor     *extract.Extractor
	cache         *Cache
	ignore        IgnoreList
	tenant        string // cache key prefix: subscription and credential fingerprint
	cacheObserver func(kind string, hits, misses int)
	slots         chan struct{} // caps parallel Qualys calls at opts.Concurrency
}

// New builds an engine from validated options.
func New(opts config.Options, deps Deps) (*Engine, error) {
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	ignore, err := NewIgnoreList(opts.Ignore)
	if err != nil {
		return nil, err
	}

	ex, err := extract.New(extract.Options{
		CustomQIDPattern:      opts.CustomQIDRegex,
		CustomQIDValuePattern: opts.CustomQIDValueRegex,
	})
	if err != nil {
		return nil, fmt.Errorf("build extractor: %w", err)
	}

	client, err := qualys.New(qualys.Config{
		BaseURL:    opts.URL,
		Username:   opts.Username,
		Password:   qualys.Secret(opts.Password.Reveal()),
		HTTPClient: countingClient(deps.HTTPClient),
		Logger:     log,
		Timeout:    opts.RequestTimeout.Std(),
		MaxPages:   opts.MaxPages,
		PageSize:   opts.PageSize,
		Observer:   deps.Observer,
	})
	if err != nil {
		return nil, fmt.Errorf("build qualys client: %w", err)
	}

	cache := deps.Cache
	if cache == nil {
		cache = NewCache()
	}

	return &Engine{
		opts:      opts,
		log:       log,
		client:    client,
		extractor: ex,
		cache:     cache,
		ignore:    ignore,
		tenant:    tenantKey(opts),
		slots:     make(chan struct{}, max(opts.Concurrency, 1)),

		cacheObserver: deps.CacheObserver,
	}, nil
}

// tenantKey fingerprints the subscription and the credential. The password enters only as a
// hash inside a hash, so neither a cache key nor a memory dump of keys reveals it.
func tenantKey(opts config.Options) string {
	pw := sha256.Sum256([]byte(opts.Password.Reveal()))
	id := opts.URL + "\x00" + opts.Username + "\x00" + hex.EncodeToString(pw[:])
	sum := sha256.Sum256([]byte(id))

	return hex.EncodeToString(sum[:12])
}

// EntityRef names an entity to look up without text to extract it from.
type EntityRef struct {
	Type  extract.Type `json:"type"`
	Value string       `json:"value"`
}

// Request is one lookup: either Text, or Entities.
type Request struct {
	Text     string
	Entities []EntityRef
	Refresh  bool // bypass the cache
}

// Extract finds the entities of text with the engine's custom QID patterns and marks those no
// lookup is made for (Skip "ignored", or "invalid" for a QID that is none).
func (e *Engine) Extract(text []byte) []extract.Entity {
	ents := e.extractor.Extract(text)
	e.ignore.Mark(ents)

	return ents
}

// acquire takes one of the engine's call slots, waiting no longer than ctx allows.
func (e *Engine) acquire(ctx context.Context) error {
	select {
	case e.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) release() { <-e.slots }
