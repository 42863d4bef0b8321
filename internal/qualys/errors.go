package qualys

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrUnauthorized matches (errors.Is) an answer that refuses the credentials: HTTP 401,
// Qualys CODE 2000, or QPS INVALID_CREDENTIALS / UNAUTHORIZED. Qualys gives the same answer
// for a wrong password, an account without API access and a wrong platform URL.
var ErrUnauthorized = errors.New("qualys refused the credentials: check the username, " +
	"the password and the platform URL")

// ErrInvalidQuery is returned, wrapped, before any request is sent when a query cannot be
// sent as is (nothing to select, both option id and title, ...).
var ErrInvalidQuery = errors.New("invalid query")

// snippetMax is how many characters of a non-XML body an APIError keeps.
const snippetMax = 200

// APIError is an answer Qualys gave instead of data: a SIMPLE_RETURN with a CODE (whatever
// the HTTP status, since 2001 arrives with 200), a QPS responseCode other than SUCCESS, or
// a body that is not the expected XML (HTML maintenance page, 301, empty body).
type APIError struct {
	Status  int    // HTTP status code
	Code    string // Qualys CODE ("1965") or QPS responseCode; "" for non-XML bodies
	Text    string // Qualys TEXT, trimmed; or a description of the odd body
	Snippet string // short, sanitised start of a non-XML body; "" for XML errors

	// Endpoint names the call that failed ("detection", "knowledge_base", ...).
	Endpoint string

	items map[string]string // ITEM KEY → first VALUE (CALLS_TO_FINISH, SECONDS_TO_WAIT)
	wait  time.Duration     // server's wait hint (ToWait header, SECONDS_TO_WAIT, Retry-After)
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder

	fmt.Fprintf(&b, "qualys %s answered HTTP %d", e.Endpoint, e.Status)

	if e.Code != "" {
		fmt.Fprintf(&b, " code %s", e.Code)
	}

	if e.Text != "" {
		fmt.Fprintf(&b, ": %s", e.Text)
	}

	if e.Snippet != "" {
		fmt.Fprintf(&b, " (body: %q)", e.Snippet)
	}

	if e.unauthorized() {
		b.WriteString(": check the credentials and the platform URL")
	}

	return b.String()
}

// Is makes errors.Is(err, ErrUnauthorized) true for refused credentials.
func (e *APIError) Is(target error) bool {
	return target == ErrUnauthorized && e.unauthorized()
}

// Item returns the VALUE of the SIMPLE_RETURN ITEM whose KEY is key, looked up by KEY
// (never by position), and whether it was present.
func (e *APIError) Item(key string) (string, bool) {
	v, ok := e.items[key]

	return v, ok
}

func (e *APIError) unauthorized() bool {
	switch e.Code {
	case "2000", "INVALID_CREDENTIALS", "UNAUTHORIZED":
		return true
	}

	return e.Status == 401
}

// RateLimitError is returned when Qualys refused a call for the rate window (1965) and the
// wait it asks for is longer than Config.MaxWait, or the call ran out of blocked retries.
type RateLimitError struct {
	ToWait    time.Duration // how long Qualys asked to wait; 0 when unknown
	Remaining int           // last X-RateLimit-Remaining seen; -1 when unknown
	Err       *APIError     // the 409 answer; nil when refused locally from learned state
}

// Error implements error.
func (e *RateLimitError) Error() string {
	msg := fmt.Sprintf("qualys rate limit reached: next call allowed in %s", e.ToWait)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}

	return msg
}

// Unwrap returns the underlying *APIError.
func (e *RateLimitError) Unwrap() error {
	if e.Err == nil {
		return nil
	}

	return e.Err
}

// sanitizeSnippet turns the start of an odd body into one short, printable line: tags are
// dropped, whitespace collapsed, control characters removed and secrets replaced. Secrets
// are replaced in the whole body first, so that none is cut in half by the length bounds,
// and again at the end, in case collapsing whitespace rebuilt one.
func sanitizeSnippet(body []byte, secrets ...string) string {
	body = []byte(redactSecrets(string(body), secrets...))

	var b strings.Builder

	inTag, space := false, false
	for len(body) > 0 && b.Len() < 4*snippetMax {
		r, size := utf8.DecodeRune(body)
		body = body[size:]

		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag, space = false, true
		case inTag:
		case unicode.IsSpace(r):
			space = true
		case r == utf8.RuneError || !unicode.IsPrint(r):
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}

			space = false
			b.WriteRune(r)
		}
	}

	return truncateRunes(redactSecrets(b.String(), secrets...), snippetMax)
}

// redactSecrets replaces every non-empty secret in s.
func redactSecrets(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}

	return s
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}

	r := []rune(s)

	return string(r[:n]) + "…"
}
