package qualys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestShouldRetry(t *testing.T) {
	t.Parallel()

	transport := &transportError{io.ErrUnexpectedEOF}
	api := func(status int, code string) error {
		return fmt.Errorf("list: %w", &APIError{Status: status, Code: code})
	}

	tests := []struct {
		name       string
		idempotent bool
		err        error
		want       bool
		reason     string
	}{
		{"nil", true, nil, false, ""},
		{"transport_idempotent", true, transport, true, reasonTransport},
		{"transport_launch", false, transport, false, ""},
		{"503_idempotent", true, api(503, ""), true, reasonServer},
		{"503_launch", false, api(503, ""), false, ""},
		{"501_not_implemented", true, api(501, ""), false, ""},
		{"999_generic_status", true, api(999, ""), true, reasonServer},
		{"409_1960_launch", false, api(409, "1960"), true, reasonConcurrency},
		{"409_1965_launch", false, api(409, "1965"), true, reasonRate},
		{"400_1965_doc_typo", true, api(400, "1965"), true, reasonRate},
		{"409_empty_body", true, api(409, ""), true, reasonConcurrency},
		{"409_1920_business_lock", true, api(409, "1920"), false, ""},
		{"409_2003_registration", true, api(409, "2003"), false, ""},
		{"429", true, api(429, ""), true, reasonRate},
		{"400_1905", true, api(400, "1905"), false, ""},
		{"401_2000", true, api(401, "2000"), false, ""},
		{"200_2001", true, api(200, "2001"), false, ""},
		{"canceled", true, fmt.Errorf("x: %w", context.Canceled), false, ""},
		{"attempt_timeout_idempotent", true, context.DeadlineExceeded, true, reasonTransport},
		{"attempt_timeout_launch", false, context.DeadlineExceeded, false, ""},
		{"409_empty_body_launch", false, api(409, ""), false, ""},
		{"429_launch", false, api(429, ""), false, ""},
		{"200_generic_return_999", true, api(200, "999"), true, reasonServer},
		{"200_generic_return_999_launch", false, api(200, "999"), false, ""},
		{"scrubbed_transport", true, &scrubbedError{"x", transport}, true, reasonTransport},
		{"emit_error", true, &emitError{errors.New("stop")}, false, ""},
		{"partial_transport", true, &partialError{transport}, false, ""},
		{"local_rate_refusal", true, &RateLimitError{ToWait: time.Hour}, false, ""},
		{"decode_error", true, errors.New("decode HOST: bad"), false, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, reason := shouldRetry(tt.idempotent, tt.err)
			if got != tt.want || reason != tt.reason {
				t.Errorf("shouldRetry = %v, %q; want %v, %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		reason  string
		attempt int
		hint    time.Duration
		rnd     float64
		want    time.Duration
	}{
		{"hint_wins_plus_slack", reasonRate, 1, 30 * time.Second, 0.9, 31 * time.Second},
		{"first_server_retry_low_jitter", reasonServer, 1, 0, 0, 500 * time.Millisecond},
		{"first_server_retry_high_jitter", reasonServer, 1, 0, 0.999999, time.Second},
		{"doubles", reasonTransport, 3, 0, 0, 2 * time.Second},
		{"capped", reasonServer, 20, 0, 0.5, 22500 * time.Millisecond},
		{"concurrency_starts_higher", reasonConcurrency, 1, 0, 0, 2500 * time.Millisecond},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := backoff(tt.reason, tt.attempt, tt.hint, tt.rnd)
			if diff := cmp.Diff(tt.want.Round(time.Millisecond), got.Round(time.Millisecond)); diff != "" {
				t.Errorf("backoff (-want +got):\n%s", diff)
			}
		})
	}
}
