package qualys

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testPassword = "pa55-Wörd-s3cret"

// setup starts a 127.0.0.1 test server and returns a client pointed at it and the mux the
// test registers its handlers on. The username is unique per test so that no two tests
// share a governor.
func setup(t *testing.T, opts ...func(*Config)) (*Client, *http.ServeMux) {
	t.Helper()

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	cfg := Config{BaseURL: srv.URL, Username: "u-" + t.Name(), Password: testPassword}
	for _, o := range opts {
		o(&cfg)
	}

	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	return c, mux
}

// memClient returns a client whose transport calls h in memory (no sockets), for
// testing/synctest bubbles.
func memClient(t *testing.T, h http.Handler, opts ...func(*Config)) *Client {
	t.Helper()

	cfg := Config{BaseURL: "https://qualys.invalid", Username: "u-" + t.Name(),
		Password: testPassword, HTTPClient: &http.Client{Transport: handlerTransport{h}}}
	for _, o := range opts {
		o(&cfg)
	}

	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	return c
}

// firstThen answers the first request with first and every later one with then, counting
// requests in calls.
func firstThen(calls *atomic.Int32, first func(http.ResponseWriter), then string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			first(w)

			return
		}

		_, _ = io.WriteString(w, then)
	})
}

// handlerTransport is an http.RoundTripper that serves requests with a handler in memory.
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}

		r.Body = io.NopCloser(bytes.NewReader(body))
	}

	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, r)

	resp := rec.Result()
	resp.Request = r

	return resp, nil
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// expectForm returns a handler that checks method, basic auth, X-Requested-With and the
// given form values, then writes status and body.
func expectForm(t *testing.T, want map[string]string, status int, body string) http.HandlerFunc {
	t.Helper()

	return func(w http.ResponseWriter, r *http.Request) {
		if err := checkFO(r, want); err != nil {
			t.Error(err)
		}

		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// checkFO checks what every FO call must carry, plus wanted form values ("-" = absent).
func checkFO(r *http.Request, want map[string]string) error {
	if r.Method != http.MethodPost {
		return fmt.Errorf("method = %s, want POST", r.Method)
	}

	if r.Header.Get("X-Requested-With") == "" {
		return fmt.Errorf("X-Requested-With missing")
	}

	if _, pw, ok := r.BasicAuth(); !ok || pw != testPassword {
		return fmt.Errorf("basic auth missing or wrong")
	}

	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("parse form: %w", err)
	}

	if len(r.URL.RawQuery) > 0 {
		return fmt.Errorf("query string %q: lists must travel in the body", r.URL.RawQuery)
	}

	for k, v := range want {
		got, present := r.PostForm.Get(k), r.PostForm.Has(k)
		if v == "-" && present {
			return fmt.Errorf("form %s = %q, want absent", k, got)
		}

		if v != "-" && got != v {
			return fmt.Errorf("form %s = %q, want %q", k, got, v)
		}
	}

	return nil
}

// collect returns an emit function appending to a slice guarded by a mutex.
func collect[T any]() (func(T) error, func() []T) {
	var (
		mu  sync.Mutex
		got []T
	)

	return func(v T) error {
			mu.Lock()
			defer mu.Unlock()

			got = append(got, v)

			return nil
		}, func() []T {
			mu.Lock()
			defer mu.Unlock()

			return got
		}
}

// logCapture returns a debug-level JSON logger writing into a buffer.
func logCapture() (*slog.Logger, *lockedBuffer) {
	var buf lockedBuffer

	return slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		&buf
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.buf.String()
}

// noop is an emit that accepts anything.
func noop[T any](T) error { return nil }

var errDeadline = context.DeadlineExceeded

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	t.Helper()

	return context.WithTimeout(t.Context(), d)
}
