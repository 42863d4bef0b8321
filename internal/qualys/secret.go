package qualys

import (
	"fmt"
	"log/slog"
)

// redacted is what every rendering of a Secret prints.
const redacted = "REDACTED"

// Secret holds a password; it never prints. Every formatting path (fmt verbs, slog, JSON,
// text marshalling) yields "REDACTED". Use Reveal only to build the Authorization header.
type Secret string

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, so %#v stays redacted.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter: every verb, flag and width prints "REDACTED".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (YAML and XML encoders use it too).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Reveal returns the secret itself. Call it only where the value leaves the process on
// purpose, such as the Basic authorization header.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty, without revealing it.
func (s Secret) IsSet() bool { return s != "" }

// scrubbedError is an error whose message had a secret replaced; Unwrap keeps the chain for
// errors.Is and errors.As.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
