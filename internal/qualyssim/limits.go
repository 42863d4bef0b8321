package qualyssim

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter enforces the per-API concurrency and rolling-window rate limits of qualys-api.md §10:
// concurrency is checked first; a blocked call is not executed and does not count.
type limiter struct {
	mu      sync.Mutex
	conc    int
	rate    int
	window  time.Duration
	running map[string]int
	calls   map[string][]time.Time // executed calls per API, oldest first
}

func newLimiter(conc, rate int, window time.Duration) *limiter {
	return &limiter{conc: conc, rate: rate, window: window,
		running: map[string]int{}, calls: map[string][]time.Time{}}
}

// admission is the outcome of limiter.admit: the headers to send and, when blocked, the error.
type admission struct {
	running   int
	remaining int
	toWait    int
	blocked   *apiError
}

// admit decides whether one call of api may run at now. When it may, the caller must call
// release(api) once the response is written.
func (l *limiter) admit(api string, now time.Time) admission {
	l.mu.Lock()
	defer l.mu.Unlock()

	calls := l.prune(api, now)

	if l.running[api] >= l.conc {
		toFinish := l.running[api] - l.conc + 1

		return admission{running: l.running[api], blocked: &apiError{
			status: http.StatusConflict, code: codeConcurrency,
			text: "This API cannot be run again until " + strconv.Itoa(toFinish) +
				" currently running API instance has finished.",
			items: []item{{"CALLS_TO_FINISH", strconv.Itoa(toFinish)}},
			style: srStyle{padded: true},
		}}
	}

	if len(calls) >= l.rate {
		wait := max(int(calls[0].Add(l.window).Sub(now).Seconds()+0.999), 1)

		return admission{running: l.running[api], toWait: wait, blocked: &apiError{
			status: http.StatusConflict, code: codeRateLimit,
			text:  "This API cannot be run again for another " + waitText(wait) + ".",
			items: []item{{"SECONDS_TO_WAIT", strconv.Itoa(wait)}},
			style: srStyle{padded: true},
		}}
	}

	l.calls[api] = append(calls, now)
	l.running[api]++

	return admission{running: l.running[api], remaining: l.rate - len(l.calls[api])}
}

// release ends one running call of api.
func (l *limiter) release(api string) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if l.running[api] > 0 {
		l.running[api]--
	}
}

// prune drops calls older than the window and returns the rest.
func (l *limiter) prune(api string, now time.Time) []time.Time {
	calls := l.calls[api]
	cut := 0

	for cut < len(calls) && !calls[cut].Add(l.window).After(now) {
		cut++
	}

	calls = calls[cut:]
	l.calls[api] = calls

	return calls
}

// setHeaders writes the X-RateLimit-* and X-Concurrency-Limit-* headers of a. A call blocked by
// concurrency carries no ToWait/Remaining, as the vendor guide shows (qualys-api.md §10).
func (l *limiter) setHeaders(h http.Header, a admission) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.rate))
	h.Set("X-RateLimit-Window-Sec", strconv.Itoa(int(l.window/time.Second)))
	h.Set("X-Concurrency-Limit-Limit", strconv.Itoa(l.conc))
	h.Set("X-Concurrency-Limit-Running", strconv.Itoa(a.running))

	if a.blocked != nil && a.blocked.code == codeConcurrency {
		return
	}

	h.Set("X-RateLimit-ToWait-Sec", strconv.Itoa(a.toWait))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(a.remaining))
}
