package qualys

import (
	"testing"
	"time"
)

// FuzzScalarBytes checks that the byte-slice scalar parsers agree with the string ones.
//
//	go test ./internal/qualys/ -run '^$' -fuzz FuzzScalarBytes -fuzztime 30s
func FuzzScalarBytes(f *testing.F) {
	for _, seed := range []string{"", " 12 ", "+5", "-0", "-3", "007", "1_000", "x", "1",
		"9223372036854775807", "9223372036854775808", "999999999999999999", "\u00a0 5",
		"2025-03-01T08:15:00Z", " 2024-02-29T23:59:59Z\n", "2023-02-29T00:00:00Z",
		"2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
		"2024-01-01T00:00:60Z", "0000-01-01T00:00:00Z", "2024-01-01T00:00:00.5Z",
		"2024-01-01T00:00:00+02:00", "2024-01-01", "2024-01-01T00:00:00", "2024-1-01T00:00:00Z",
		"+024-01-01T00:00:00Z"} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)

		if got, want := optTimeBytes(b), optTime(s); !got.Equal(want) ||
			got.Location() != want.Location() {
			t.Errorf("optTimeBytes(%q) = %v, optTime says %v", s, got, want)
		}

		if got, want := optIntBytes(b), optInt(s); got != want {
			t.Errorf("optIntBytes(%q) = %d, optInt says %d", s, got, want)
		}

		if got, want := optInt64Bytes(b), optInt64(s); got != want {
			t.Errorf("optInt64Bytes(%q) = %d, optInt64 says %d", s, got, want)
		}

		got, gotErr := parseIDBytes("F", b)
		want, wantErr := parseID("F", s)

		if got != want || errString(gotErr) != errString(wantErr) {
			t.Errorf("parseIDBytes(%q) = %d, %v; parseID says %d, %v", s, got, gotErr, want,
				wantErr)
		}

		if got, want := flagBytes(b), flag(s); got != want {
			t.Errorf("flagBytes(%q) = %v, flag says %v", s, got, want)
		}

		if got, want := (interner{}).string(b), trim(s); got != want {
			t.Errorf("interner.string(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestOptTimeBytes_is_UTC(t *testing.T) {
	t.Parallel()

	got := optTimeBytes([]byte("2025-03-01T08:15:00Z"))
	if want := time.Date(2025, 3, 1, 8, 15, 0, 0, time.UTC); got != want {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func TestInterner_shares_and_is_bounded(t *testing.T) {
	t.Parallel()

	in := interner{}
	a, b := in.string([]byte(" Active ")), in.string([]byte("Active"))

	if a != "Active" || b != a || len(in) != 1 {
		t.Errorf("got %q and %q with %d entries", a, b, len(in))
	}

	for i := range internMaxEntries + 10 {
		in.string([]byte(time.Duration(i).String()))
	}

	if len(in) != internMaxEntries {
		t.Errorf("interner holds %d entries, want at most %d", len(in), internMaxEntries)
	}
}
