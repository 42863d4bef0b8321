package qualys

import (
	"bytes"
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

// The functions below are the byte-slice forms of the ones above, for the hand-written
// decoders: they parse the common case without allocating and hand anything unusual to
// the string form, so both always agree.

// trimBytes is trim for a byte slice.
func trimBytes(b []byte) []byte { return bytes.TrimSpace(b) }

// digits parses b as a plain decimal of at most 18 digits; ok is false for anything else
// (signs, spaces, empty, longer numbers), which the callers leave to strconv.
func digits(b []byte) (n int64, ok bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}

	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}

		n = n*10 + int64(c-'0')
	}

	return n, true
}

// parseIDBytes is parseID for a byte slice.
func parseIDBytes(field string, b []byte) (int64, error) {
	if n, ok := digits(trimBytes(b)); ok {
		return n, nil
	}

	return parseID(field, string(b))
}

// optIntBytes is optInt for a byte slice.
func optIntBytes(b []byte) int {
	if n, ok := digits(trimBytes(b)); ok {
		return int(n)
	}

	return optInt(string(b))
}

// optInt64Bytes is optInt64 for a byte slice.
func optInt64Bytes(b []byte) int64 {
	if n, ok := digits(trimBytes(b)); ok {
		return n
	}

	return optInt64(string(b))
}

// flagBytes is flag for a byte slice.
func flagBytes(b []byte) bool {
	b = trimBytes(b)

	return len(b) == 1 && b[0] == '1'
}

// optTimeBytes is optTime for a byte slice. It reads the form Qualys nearly always sends,
// 2006-01-02T15:04:05Z, by hand; every other form goes through optTime.
func optTimeBytes(b []byte) time.Time {
	b = trimBytes(b)
	if len(b) != len("2006-01-02T15:04:05Z") || b[4] != '-' || b[7] != '-' || b[10] != 'T' ||
		b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return optTime(string(b))
	}

	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])

	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 ||
		day > int64(daysIn(time.Month(month), int(year))) || hour > 23 || minute > 59 ||
		sec > 59 {
		return optTime(string(b)) // out of range: let time.Parse decide
	}

	return time.Date(int(year), time.Month(month), int(day), int(hour), int(minute), int(sec),
		0, time.UTC)
}

// daysIn is the number of days of month m in year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
