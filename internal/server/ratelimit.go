package server

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxLimiters bounds the per-token limiter map. Tokens are a fixed set, so the bound only
// matters if the set is huge; the least recently used limiter is dropped first.
const maxLimiters = 10000

// limiter is an inbound token bucket per caller.
type limiter struct {
	limit rate.Limit
	burst int
	max   int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[int]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newLimiter(limit rate.Limit, burst, max int, now func() time.Time) *limiter {
	if limit <= 0 {
		limit = 10
	}
	if burst <= 0 {
		burst = 40
	}

	return &limiter{limit: limit, burst: burst, max: max, now: now, buckets: map[int]*bucket{}}
}

// allow takes one request from the caller's bucket. When the bucket is empty it returns how long
// until the next request would be allowed, and false.
func (l *limiter) allow(id int) (time.Duration, bool) {
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()

	b, ok := l.buckets[id]
	if !ok {
		if len(l.buckets) >= l.max {
			l.evictOldest()
		}
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[id] = b
	}
	b.used = now

	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Minute, false
	}
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)

		return wait, false
	}

	return 0, true
}

func (l *limiter) evictOldest() {
	oldest, first := 0, true
	for id, b := range l.buckets {
		if first || b.used.Before(l.buckets[oldest].used) {
			oldest, first = id, false
		}
	}
	delete(l.buckets, oldest)
}
