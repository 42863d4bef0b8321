package lookup

import (
	"context"
	"net/http"
	"sync/atomic"
)

// callCounterKey is the context key of the counter of HTTP requests made for one lookup.
type callCounterKey struct{}

// withCallCounter returns ctx carrying a fresh request counter.
func withCallCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)

	return context.WithValue(ctx, callCounterKey{}, n), n
}

// countingTransport counts every HTTP request (retries and pages included) against the
// counter its request's context carries, so Stats.APICalls is what Qualys really saw.
type countingTransport struct {
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if n, ok := r.Context().Value(callCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}

	return t.base.RoundTrip(r)
}

// countingClient returns a copy of hc (or of a default client) whose transport counts requests.
func countingClient(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	}

	base := c.Transport
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	c.Transport = countingTransport{base: base}

	return &c
}
