package lookup

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/config"
)

// fakeClock is a settable clock for cache tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()

	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// countingFetch answers every id with "v<n>" where n counts the fetches made.
func countingFetch(n *atomic.Int64) fetchFunc[string] {
	return func(_ context.Context, ids []string) map[string]outcome[string] {
		k := n.Add(1)
		out := map[string]outcome[string]{}
		for _, id := range ids {
			out[id] = outcome[string]{val: id + "@" + string(rune('0'+k))}
		}

		return out
	}
}

func TestCacheTTLAndRefresh(t *testing.T) {
	t.Parallel()

	clock := &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := newCache(clock.Now)
	q := cacheQuery{prefix: "k|", ttl: time.Minute, timeout: time.Second}
	var fetches atomic.Int64
	fetch := countingFetch(&fetches)

	steps := []struct {
		name     string
		advance  time.Duration
		refresh  bool
		ids      []string
		wantVals map[string]string
		wantHits int
	}{
		{"cold", 0, false, []string{"a", "b"}, map[string]string{"a": "a@1", "b": "b@1"}, 0},
		{"warm_within_ttl", 59 * time.Second, false, []string{"a", "b"},
			map[string]string{"a": "a@1", "b": "b@1"}, 2},
		{"overlap_fetches_only_new", 0, false, []string{"a", "c"},
			map[string]string{"a": "a@1", "c": "c@2"}, 1},
		{"expired_after_ttl", 2 * time.Second, false, []string{"a"}, map[string]string{"a": "a@3"}, 0},
		{"refresh_bypasses", 0, true, []string{"a"}, map[string]string{"a": "a@4"}, 0},
		{"refresh_updated_cache", 0, false, []string{"a"}, map[string]string{"a": "a@4"}, 1},
	}

	for _, s := range steps {
		clock.Advance(s.advance)
		q.refresh = s.refresh

		res, hits, err := cached(t.Context(), c, q, s.ids, fetch)
		if err != nil {
			t.Fatalf("%s: cached: %v", s.name, err)
		}
		got := map[string]string{}
		for id, o := range res {
			got[id] = o.val
		}
		if diff := cmp.Diff(s.wantVals, got); diff != "" {
			t.Errorf("%s: values (-want +got):\n%s", s.name, diff)
		}
		if hits != s.wantHits {
			t.Errorf("%s: hits = %d, want %d", s.name, hits, s.wantHits)
		}
	}
}

func TestCacheSingleflight(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		c := NewCache()
		q := cacheQuery{prefix: "k|", ttl: time.Minute, timeout: 10 * time.Second}
		release := make(chan struct{})
		var fetches atomic.Int64
		fetch := func(_ context.Context, ids []string) map[string]outcome[string] {
			fetches.Add(1)
			<-release

			return map[string]outcome[string]{"x": {val: "shared"}}
		}

		const callers = 8
		var wg sync.WaitGroup
		results := make([]string, callers)
		for i := range callers {
			wg.Go(func() {
				res, _, err := cached(t.Context(), c, q, []string{"x"}, fetch)
				if err != nil {
					t.Errorf("cached: %v", err)
				}
				results[i] = res["x"].val
			})
		}
		synctest.Wait() // every caller now waits on the one flight
		close(release)
		wg.Wait()

		if n := fetches.Load(); n != 1 {
			t.Errorf("fetches = %d, want 1", n)
		}
		for i, r := range results {
			if r != "shared" {
				t.Errorf("caller %d got %q, want shared", i, r)
			}
		}
	})
}

func TestCacheErrorsAreNotCached(t *testing.T) {
	t.Parallel()

	c := NewCache()
	q := cacheQuery{prefix: "k|", ttl: time.Minute, timeout: time.Second}
	var fetches atomic.Int64
	failing := func(_ context.Context, ids []string) map[string]outcome[string] {
		fetches.Add(1)

		return failAll[string](ids, context.DeadlineExceeded)
	}

	for range 2 {
		res, _, err := cached(t.Context(), c, q, []string{"a"}, failing)
		if err != nil || res["a"].err == nil {
			t.Fatalf("cached = %v, %v; want a per-key error", res, err)
		}
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("fetches = %d, want 2 (errors are retried)", n)
	}
}

func TestTenantKeySeparatesCredentials(t *testing.T) {
	t.Parallel()

	base := config.Options{URL: "https://qualysapi.qualys.com", Username: "alice", Password: "pw1"}
	otherPW, otherUser, otherURL := base, base, base
	otherPW.Password = "pw2"
	otherUser.Username = "bob"
	otherURL.URL = "https://qualysapi.qg2.apps.qualys.com"

	keys := map[string]bool{}
	for _, o := range []config.Options{base, otherPW, otherUser, otherURL} {
		k := tenantKey(o)
		if keys[k] {
			t.Errorf("tenant key %q repeats for %s/%s", k, o.URL, o.Username)
		}
		keys[k] = true
		if k == "" || strings.Contains(k, "pw") || strings.Contains(k, "alice") {
			t.Errorf("tenant key %q is empty or reveals a credential", k)
		}
	}
	if tenantKey(base) != tenantKey(base) {
		t.Error("tenant key is not stable")
	}
}

func TestCacheSharedAcrossCredentialsStaysSeparate(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	opts := fake.start(t)
	cache := NewCache()
	alice, err := New(opts, Deps{Cache: cache})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	opts.Password = config.Secret("another-password")
	other, err := New(opts, Deps{Cache: cache})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	req := Request{Entities: []EntityRef{{"qid", "1234"}}}
	if _, err := alice.Lookup(t.Context(), req); err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	got, err := other.Lookup(t.Context(), req)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if got.Stats.CacheHits != 0 || got.Stats.APICalls == 0 {
		t.Errorf("other credential's stats = %+v, want a fresh fetch", got.Stats)
	}
}
