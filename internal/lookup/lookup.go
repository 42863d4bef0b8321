package lookup

import (
	"context"
	"fmt"
	"time"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

// defaultLookupTimeout applies when the options carry none.
const defaultLookupTimeout = 5 * time.Minute

// Lookup extracts (when given text), plans, fetches, correlates and shapes. It fails only for
// bad input (wrapping ErrBadInput) or when ctx ends; a Qualys failure is reported on the
// entities that needed the failed source, and the others keep their data.
func (e *Engine) Lookup(ctx context.Context, req Request) (model.Lookup, error) {
	start := time.Now()

	ents, err := e.requestEntities(req)
	if err != nil {
		return model.Lookup{}, err
	}

	ctx, calls := withCallCounter(ctx)
	fetchCtx, cancel := context.WithTimeout(ctx, e.lookupTimeout())
	defer cancel()

	f := e.fetch(fetchCtx, newPlan(ents), req.Refresh)
	if err := ctx.Err(); err != nil {
		return model.Lookup{}, fmt.Errorf("look up %d entities: %w", len(ents), err)
	}

	out := model.Lookup{
		Results: e.results(ents, f),
		Stats: model.Stats{
			APICalls:  int(calls.Load()),
			CacheHits: int(f.hits.Load()),
			ElapsedMs: time.Since(start).Milliseconds(),
		},
	}
	e.log.Debug("lookup done", "entity_count", len(ents), "api_calls", out.Stats.APICalls,
		"cache_hits", out.Stats.CacheHits, "elapsed_ms", out.Stats.ElapsedMs)

	return out, nil
}

// requestEntities gives the entities of req: extracted from Text, or validated Entities.
func (e *Engine) requestEntities(req Request) ([]extract.Entity, error) {
	if req.Text != "" && len(req.Entities) > 0 {
		return nil, fmt.Errorf("%w: give either text or entities, not both", ErrBadInput)
	}
	if len(req.Entities) > 0 {
		return e.entitiesFromRefs(req.Entities)
	}

	return e.Extract([]byte(req.Text)), nil
}

func (e *Engine) lookupTimeout() time.Duration {
	if d := e.opts.LookupTimeout.Std(); d > 0 {
		return d
	}

	return defaultLookupTimeout
}
