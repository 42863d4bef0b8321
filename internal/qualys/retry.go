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
	reasonServer      = "server"      // 5xx except 501, GENERIC_RETURN 999
	reasonTransport   = "transport"   // connection refused, reset, timeout mid-body, ...
)

// Back-off bounds.
const (
	backoffBase        = time.Second
	backoffConcurrency = 5 * time.Second // 1960 from calls that are not ours: J1 waits 10 s
	backoffCap         = 30 * time.Second
	hintSlack          = time.Second // Qualys's ToWait is rounded; ask a little later
)

// transportError marks a failure to talk to the server (send, or read the body, or a body
// that ends before its document does), as opposed to an answer the server gave or a body
// that is complete but wrong.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// shouldRetry decides whether a failed attempt is sent again, and why. Calls refused with
// 1960 or 1965 were not executed, so they are re-sent even when not idempotent (launch).
// Everything else is re-sent only for idempotent calls: transport errors (including an
// attempt's own timeout and a body cut short), 5xx but 501, GENERIC_RETURN internal errors,
// empty 409s and 429s. Errors of the caller's emit, failures after items were emitted, local
// rate refusals and the end of the caller's context (which do checks first) are final.
func shouldRetry(idempotent bool, err error) (bool, string) {
	var (
		apiErr  *APIError
		tErr    *transportError
		rateErr *RateLimitError
	)

	switch {
	case err == nil:
		return false, ""
	case isEmitError(err), errors.As(err, new(*partialError)), errors.As(err, &rateErr):
		return false, ""
	case errors.As(err, &apiErr):
		return retryAPIError(idempotent, apiErr)
	case errors.As(err, &tErr):
		return idempotent, reasonIf(idempotent, reasonTransport)
	case errors.Is(err, context.DeadlineExceeded):
		// do has already returned if the caller's context ended, so this deadline is the
		// attempt's own Config.Timeout: the server stalled, which is a transport failure.
		return idempotent, reasonIf(idempotent, reasonTransport)
	}

	return false, ""
}

func retryAPIError(idempotent bool, e *APIError) (bool, string) {
	switch {
	case e.Code == "1960":
		return true, reasonConcurrency
	case e.Code == "1965":
		return true, reasonRate
	case !idempotent:
		// A launch is re-sent only when Qualys says it was blocked (1960, 1965); an empty
		// 409 or a 429 from a proxy does not prove that the scan did not start.
		return false, ""
	case e.Status == 409 && e.Code == "":
		return true, reasonConcurrency
	case e.Status == 429:
		return true, reasonRate
	case e.Status >= 500 && e.Status != 501, e.Code == "999":
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
