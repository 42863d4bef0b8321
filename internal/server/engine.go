package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/model"
)

// Engine is what the server asks of the lookup engine; *lookup.Engine implements it. Tests may
// inject another through Config.NewEngine.
type Engine interface {
	Extract(text []byte) []extract.Entity
	Lookup(ctx context.Context, req lookup.Request) (model.Lookup, error)
	LaunchScan(ctx context.Context, ip, actor string) (model.ScanLaunch, error)
	ScanStatus(ctx context.Context, ref string) (model.Scan, error)
	Check(ctx context.Context) ([]lookup.CheckResult, error)
}

// defaultFactory builds real engines that all share one cache, so an option change keeps the
// answers already fetched (the cache is keyed by subscription and credential).
func defaultFactory(log *slog.Logger, client *http.Client, cache *lookup.Cache,
	m *Metrics) func(config.Options) (Engine, error) {
	return func(opts config.Options) (Engine, error) {
		e, err := lookup.New(opts, lookup.Deps{Logger: log, HTTPClient: client, Cache: cache,
			Observer: m.ObserveQualys, CacheObserver: m.ObserveCache})
		if err != nil {
			return nil, err
		}

		return e, nil
	}
}

// engineState is one generation of options and the engine built from them. engine is nil when
// the options do not validate.
type engineState struct {
	opts   config.Options
	engine Engine
}

// engineHolder swaps engines atomically: a request takes the current state once and finishes on
// it, so in-flight lookups complete on the engine they started with.
type engineHolder struct {
	factory func(config.Options) (Engine, error)
	cur     atomic.Pointer[engineState]
}

// newEngineHolder builds the first engine. Invalid options or a failing factory leave the server
// up without an engine, so an admin can fix the options through the API.
func newEngineHolder(factory func(config.Options) (Engine, error), opts config.Options,
	log *slog.Logger) *engineHolder {
	h := &engineHolder{factory: factory}
	st := &engineState{opts: opts}

	if err := opts.Validate(); err != nil {
		log.Warn("options are not valid; lookups are off until an admin fixes them", "error", err)
	} else if e, err := factory(opts); err != nil {
		log.Error("build lookup engine", "error", err)
	} else {
		st.engine = e
	}
	h.cur.Store(st)

	return h
}

// current returns the state in force.
func (h *engineHolder) current() *engineState { return h.cur.Load() }

// build returns an engine for opts without installing it.
func (h *engineHolder) build(opts config.Options) (Engine, error) { return h.factory(opts) }

// swap installs opts and their engine.
func (h *engineHolder) swap(opts config.Options, e Engine) {
	h.cur.Store(&engineState{opts: opts, engine: e})
}

// engine returns the current engine or errNoEngine.
func (s *Server) engine() (Engine, error) {
	st := s.engines.current()
	if st.engine == nil {
		return nil, errNoEngine
	}

	return st.engine, nil
}
