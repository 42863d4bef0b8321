package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/qlens/qlens/internal/qualys"
)

// Metrics are the server's Prometheus metrics, on a private registry. Labels are low-cardinality
// only: never an indicator, a token or a user name.
type Metrics struct {
	reg            *prometheus.Registry
	httpRequests   *prometheus.CounterVec
	lookupDuration prometheus.Histogram
	qualysRequests *prometheus.CounterVec
	qualysWaits    *prometheus.CounterVec
	cacheRequests  *prometheus.CounterVec
}

// NewMetrics registers qlens's metrics and the Go and process collectors on a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qlens_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		lookupDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "qlens_lookup_duration_seconds",
			Help:    "Time to answer one lookup request.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}),
		qualysRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qlens_qualys_requests_total",
			Help: "HTTP attempts to Qualys, by endpoint and outcome.",
		}, []string{"endpoint", "outcome"}),
		qualysWaits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qlens_qualys_waits_total",
			Help: "Waits before a Qualys call (concurrency or rate limit), by reason.",
		}, []string{"reason"}),
		cacheRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qlens_cache_requests_total",
			Help: "Cache look-ups of Qualys answers, by kind of answer and result (hit or miss).",
		}, []string{"kind", "result"}),
	}

	m.reg.MustRegister(m.httpRequests, m.lookupDuration, m.qualysRequests, m.qualysWaits,
		m.cacheRequests, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	return m
}

// ObserveQualys counts one event of the Qualys client; pass it as lookup.Deps.Observer.
func (m *Metrics) ObserveQualys(ev qualys.Event) {
	switch ev.Kind {
	case qualys.EventRequest:
		m.qualysRequests.WithLabelValues(label(ev.Endpoint), label(ev.Outcome)).Inc()
	case qualys.EventWait:
		m.qualysWaits.WithLabelValues(label(ev.Outcome)).Inc()
	}
}

// ObserveLookup records one lookup's duration.
func (m *Metrics) ObserveLookup(d time.Duration) {
	m.lookupDuration.Observe(d.Seconds())
}

// ObserveCache counts one lookup's cache look-ups of one kind of answer; pass it as
// lookup.Deps.CacheObserver.
func (m *Metrics) ObserveCache(kind string, hits, misses int) {
	if hits > 0 {
		m.cacheRequests.WithLabelValues(label(kind), "hit").Add(float64(hits))
	}
	if misses > 0 {
		m.cacheRequests.WithLabelValues(label(kind), "miss").Add(float64(misses))
	}
}

// label keeps an empty label value readable.
func label(v string) string {
	if v == "" {
		return "unknown"
	}

	return v
}
