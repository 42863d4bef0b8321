package server

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxLimiters bounds each limiter map; the least recently used bucket is dropped first. Tokens
// are a fixed set, so for them the bound only matters if the set is huge; for client addresses
// it keeps a scan from many addresses from growing the map without end.
const maxLimiters = 10000

// Failed authentications allowed per client address: a burst, then one a second. Past them the
// address gets 429 for every token, right or wrong, so guessing tokens gains nothing.
const (
	authFailRate  rate.Limit = 1
	authFailBurst            = 20
)

// limiter is an inbound token bucket per key (a caller, or a client address).
type limiter[K comparable] struct {
	limit rate.Limit
	burst int
	max   int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[K]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newLimiter[K comparable](limit rate.Limit, burst, max int,
	now func() time.Time) *limiter[K] {
	if limit <= 0 {
		limit = 10
	}
	if burst <= 0 {
		burst = 40
	}

	return &limiter[K]{limit: limit, burst: burst, max: max, now: now, buckets: map[K]*bucket{}}
}

// allow takes one request from the key's bucket. When the bucket is empty it returns how long
// until the next request would be allowed, and false.
func (l *limiter[K]) allow(key K) (time.Duration, bool) {
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()

	b := l.bucketOf(key, now)
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

// blocked reports, without taking anything, whether the key's bucket is empty, and how long
// until it holds one request again.
func (l *limiter[K]) blocked(key K) (time.Duration, bool) {
	now := l.now()

	l.mu.Lock()
	defer l.mu.Unlock()

	b, ok := l.buckets[key]
	if !ok {
		return 0, false
	}
	tokens := b.lim.TokensAt(now)
	if tokens >= 1 {
		return 0, false
	}

	return time.Duration((1 - tokens) / float64(l.limit) * float64(time.Second)), true
}

func (l *limiter[K]) bucketOf(key K, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.evictOldest()
		}
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.used = now

	return b
}

func (l *limiter[K]) evictOldest() {
	var oldest K
	first := true
	for k, b := range l.buckets {
		if first || b.used.Before(l.buckets[oldest].used) {
			oldest, first = k, false
		}
	}
	delete(l.buckets, oldest)
}

// clientKey is the address a request came from, as the failed-authentication limiter counts
// it: the TCP peer (never a header a client can set), IPv6 by its /64, since one host usually
// holds a whole /64.
//
// TODO: behind a reverse proxy every client shares the proxy's address, so one guesser slows
// everyone; a trusted-proxy option that reads X-Forwarded-For from known proxies removes this.
func clientKey(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	addr = addr.Unmap()
	if addr.Is6() {
		if p, err := addr.Prefix(64); err == nil {
			return p.Addr()
		}
	}

	return addr
}
