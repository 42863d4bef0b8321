package qualys

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestLaunchMayHaveStarted: only an answer that proves the launch was refused is final; the
// failures shouldRetry will not re-send a launch after are left open.
func TestLaunchMayHaveStarted(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"no_error", nil, false},
		{"invalid_query_never_sent", fmt.Errorf("launch scan: %w", ErrInvalidQuery), false},
		{"refused_with_a_code", &APIError{Status: 400, Code: "1905"}, false},
		{"account_expired_with_200", &APIError{Status: 200, Code: "2001"}, false},
		{"blocked_1965", &APIError{Status: 409, Code: "1965"}, false},
		{"redirect_page", &APIError{Status: 301, Snippet: "<html>Moved</html>"}, false},
		{"not_found_page", &APIError{Status: 404}, false},
		{"internal_error_999", &APIError{Status: 200, Code: "999"}, true},
		{"bad_gateway_page", &APIError{Status: 502}, true},
		{"empty_409", &APIError{Status: 409}, true},
		{"429_from_a_proxy", &APIError{Status: 429}, true},
		{"transport", &transportError{errors.New("connection reset")}, true},
		{"attempt_timeout", fmt.Errorf("launch scan: %w", context.DeadlineExceeded), true},
		{"garbled_answer", errors.New("decode launch answer: unexpected EOF"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := LaunchMayHaveStarted(tt.err); got != tt.want {
				t.Errorf("LaunchMayHaveStarted(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
