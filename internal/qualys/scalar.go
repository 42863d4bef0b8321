package qualys

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Qualys pads CDATA and even DATETIME with whitespace and newlines (qualys-api.md §15), so
// every scalar is trimmed before it is parsed.

func trim(s string) string { return strings.TrimSpace(s) }

// parseID parses a required integer key (host ID, QID). A missing or bad key is an error:
// correlation keys on it.
func parseID(field, s string) (int64, error) {
	s = trim(s)
	if s == "" {
		return 0, fmt.Errorf("parse %s: missing", field)
	}

	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("parse %s: %q is not a non-negative integer", field, truncateRunes(s, 40))
	}

	return n, nil
}

// optInt parses an optional integer; absent or odd values read as 0.
func optInt(s string) int {
	n, err := strconv.Atoi(trim(s))
	if err != nil {
		return 0
	}

	return n
}

// optInt64 parses an optional 64-bit integer; absent or odd values read as 0.
func optInt64(s string) int64 {
	n, err := strconv.ParseInt(trim(s), 10, 64)
	if err != nil {
		return 0
	}

	return n
}

// optFloat parses an optional decimal; absent or odd values read as 0.
func optFloat(s string) float64 {
	f, err := strconv.ParseFloat(trim(s), 64)
	if err != nil {
		return 0
	}

	return f
}

// flag reads Qualys's 0|1 booleans.
func flag(s string) bool { return trim(s) == "1" }

// optTime parses Qualys's UTC timestamps (2023-07-03T06:51:41Z, sometimes date only); absent
// or odd values read as the zero time.
func optTime(s string) time.Time {
	s = trim(s)
	if s == "" {
		return time.Time{}
	}

	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}

	return time.Time{}
}

// firstTime returns the first non-zero time of several candidate fields.
func firstTime(candidates ...string) time.Time {
	for _, c := range candidates {
		if t := optTime(c); !t.IsZero() {
			return t
		}
	}

	return time.Time{}
}

// joinInts renders ids as a comma list for a form value.
func joinInts[T int | int64](ids []T) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(int64(id), 10)
	}

	return strings.Join(parts, ",")
}

// joinStrings trims and drops empty values, then renders a comma list.
func joinStrings(vals []string) string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if v = trim(v); v != "" {
			out = append(out, v)
		}
	}

	return strings.Join(out, ",")
}
