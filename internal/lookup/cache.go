package lookup

import (
	"context"
	"slices"
	"sync"
	"time"
)

// maxCacheEntries bounds the cache; past it, expired entries are swept and then arbitrary ones
// dropped.
//
// TODO: the eviction past maxCacheEntries is arbitrary, not LRU; an LRU or W-TinyLFU cache
// (e.g. otter) removes this when a busy deployment shows the difference.
const maxCacheEntries = 200_000

// Cache holds Qualys answers per kind with TTLs, keyed by subscription and credential. One
// entry holds the answer for one key (one IP, one QID, one CVE, one domain, one host id), so
// a batch that overlaps an earlier one fetches only the new keys. Identical concurrent
// requests share one fetch. It also remembers recent scan launches for de-duplication.
type Cache struct {
	now func() time.Time

	mu       sync.Mutex
	entries  map[string]cacheEntry
	inflight map[string]*flight
	max      int

	launchMu sync.Mutex
	launches map[string]*launchRecord
}

type cacheEntry struct {
	val     any
	expires time.Time
}

// flight is one fetch in progress for a key; done closes when val or err is set.
type flight struct {
	done chan struct{}
	val  any
	err  error
}

// NewCache returns an empty cache.
func NewCache() *Cache { return newCache(time.Now) }

func newCache(now func() time.Time) *Cache {
	return &Cache{
		now:      now,
		entries:  make(map[string]cacheEntry),
		inflight: make(map[string]*flight),
		max:      maxCacheEntries,
		launches: make(map[string]*launchRecord),
	}
}

// outcome is the answer for one key: a value or the error of the fetch that should have
// produced it.
type outcome[V any] struct {
	val V
	err error
}

// cacheQuery says where a kind of answer lives and how long it stays.
type cacheQuery struct {
	prefix  string        // kind and tenant, e.g. "detections_ipv4|<tenant>|"
	ttl     time.Duration // how long a fetched answer is reused
	refresh bool          // skip cached answers (a fresh fetch still refreshes the cache)
	timeout time.Duration // bounds a fetch shared with other callers
}

// fetchFunc fetches the answers for ids. An id missing from the result gets V's zero value.
type fetchFunc[V any] func(ctx context.Context, ids []string) map[string]outcome[V]

// cached returns the answer for each of ids (distinct), from the cache when fresh, else by
// fetching all missing ids in one call of fetch. A key another caller is already fetching is
// waited for, not fetched twice. The fetch runs detached from ctx's cancellation (bounded by
// q.timeout) so that one caller giving up does not fail the others sharing it. hits counts the
// answers served without a fetch of this call. The error is ctx's, when ctx ends first.
func cached[V any](ctx context.Context, c *Cache, q cacheQuery, ids []string,
	fetch fetchFunc[V]) (res map[string]outcome[V], hits int, err error) {
	res = make(map[string]outcome[V], len(ids))
	waits := make(map[string]*flight)
	mine := make(map[string]*flight)

	now := c.now()
	c.mu.Lock()
	for _, id := range ids {
		key := q.prefix + id
		if e, ok := c.entries[key]; ok && !q.refresh && now.Before(e.expires) {
			res[id] = outcome[V]{val: e.val.(V)}
			hits++

			continue
		}
		if f, ok := c.inflight[key]; ok {
			waits[id] = f

			continue
		}
		f := &flight{done: make(chan struct{})}
		c.inflight[key] = f
		mine[id], waits[id] = f, f
	}
	c.mu.Unlock()

	if len(mine) > 0 {
		go runFetch(context.WithoutCancel(ctx), c, q, mine, fetch)
	}

	for id, f := range waits {
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, hits, ctx.Err()
		}

		if f.err != nil {
			res[id] = outcome[V]{err: f.err}

			continue
		}
		res[id] = outcome[V]{val: f.val.(V)}
		if mine[id] == nil {
			hits++
		}
	}

	return res, hits, nil
}

// runFetch fetches the ids of mine, stores the answers and releases their waiters.
func runFetch[V any](ctx context.Context, c *Cache, q cacheQuery, mine map[string]*flight,
	fetch fetchFunc[V]) {
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()

	ids := make([]string, 0, len(mine))
	for id := range mine {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	got := fetch(ctx, ids)

	expires := c.now().Add(q.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()

	for id, f := range mine {
		o := got[id]
		f.val, f.err = o.val, o.err
		if o.err == nil {
			c.putLocked(q.prefix+id, o.val, expires)
		}
		delete(c.inflight, q.prefix+id)
		close(f.done)
	}
}

// put stores one answer outside a fetch, e.g. the KB records a CVE query brought along.
func (c *Cache) put(key string, val any, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.putLocked(key, val, c.now().Add(ttl))
}

func (c *Cache) putLocked(key string, val any, expires time.Time) {
	if len(c.entries) >= c.max {
		c.sweepLocked()
	}

	c.entries[key] = cacheEntry{val: val, expires: expires}
}

// sweepLocked drops expired entries, then arbitrary ones until a tenth of the room is free.
func (c *Cache) sweepLocked() {
	now := c.now()
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}

	for k := range c.entries {
		if len(c.entries) < c.max-c.max/10 {
			break
		}
		delete(c.entries, k)
	}
}

// Len reports how many answers the cache holds, expired ones included until swept.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()

	return len(c.entries)
}
