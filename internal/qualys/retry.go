package qualys

import (
	"context"
	"errors"
	"time"
)

// Reasons a call is retried; they also label wait events.
const (
	reasonConcurrency = "concurrency" // 409 CODE 1960 (or an empty 409)
	reasonRate        = "rate"        // 409 CODE 1965, or 429
	reasonServer      = "server"      // 5xx except 501
	reasonTransport   = "transport"   // connection refused, reset, timeout mid-body, ...
)

// Back-off bounds.
const (
	backoffBase        = time.Second
	backoffConcurrency = 5 * time.Second // 1960 from calls that are not ours: J1 waits 10 s
	backoffCap         = 30 * time.Second
	hintSlack          = time.Second // Qualys's ToWait is rounded; ask a little later
)

// transportError marks a failure to talk to the server (send, or read the body), as
// opposed to an answer the server gave or a body we could not decode.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// shouldRetry decides whether a failed attempt is sent again, and why. Blocked calls (1960,
// 1965, empty 409, 429) were not executed, so they are re-sent even when not idempotent
// (launch); transport errors and 5xx (but 501) only for idempotent calls. Errors of the
// caller's emit, failures after items were emitted, and context ends are final.
func shouldRetry(idempotent bool, err error) (bool, string) {
	var (
		apiErr  *APIError
		tErr    *transportError
		rateErr *RateLimitError
	)

	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false, ""
	case isEmitError(err), errors.As(err, new(*partialError)), errors.As(err, &rateErr):
		return false, ""
	case errors.As(err, &apiErr):
		return retryAPIError(idempotent, apiErr)
	case errors.As(err, &tErr):
		return idempotent, reasonIf(idempotent, reasonTransport)
	}

	return false, ""
}

func retryAPIError(idempotent bool, e *APIError) (bool, string) {
	switch {
	case e.Code == "1960", e.Status == 409 && e.Code == "":
		return true, reasonConcurrency
	case e.Code == "1965", e.Status == 429:
		return true, reasonRate
	case idempotent && e.Status >= 500 && e.Status != 501:
		return true, reasonServer
	}

	return false, ""
}

func reasonIf(ok bool, reason string) string {
	if ok {
		return reason
	}

	return ""
}

// backoff is the wait before retry number attempt (1-based) for reason. A server hint
// (X-RateLimit-ToWait-Sec, SECONDS_TO_WAIT, Retry-After) wins, plus a little slack;
// otherwise the delay doubles from a base, is capped, and is jittered by rnd in [0, 1)
// over its upper half so that concurrent callers spread out.
func backoff(reason string, attempt int, hint time.Duration, rnd float64) time.Duration {
	if hint > 0 {
		return hint + hintSlack
	}

	base := backoffBase
	if reason == reasonConcurrency {
		base = backoffConcurrency
	}

	d := base
	for i := 1; i < attempt && d < backoffCap; i++ {
		d *= 2
	}

	d = min(d, backoffCap)

	return d/2 + time.Duration(rnd*float64(d/2))
}
