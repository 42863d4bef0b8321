package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qlens/qlens/internal/config"
)

// running is a server started with Run on 127.0.0.1 whose lookups block until released.
type running struct {
	url     string
	cancel  context.CancelFunc
	done    chan error
	addr    string
	factory *fakeFactory
}

func startRun(t *testing.T, shutdown time.Duration) *running {
	t.Helper()

	ff := newFakeFactory()
	ff.block, ff.started = make(chan struct{}), make(chan struct{})
	srv, err := New(Config{
		File: config.File{Options: validOptions()},
		Getenv: envOf(map[string]string{
			"QLENS_TOKENS": "alice:analyst:" + analystToken}),
		DataDir:         t.TempDir(),
		NewEngine:       ff.build,
		ShutdownTimeout: shutdown,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	r := &running{url: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1),
		addr: ln.Addr().String(), factory: ff}
	go func() { r.done <- srv.Run(ctx, ln) }()
	t.Cleanup(cancel)

	return r
}

// lookupAsync sends a lookup and delivers its status (0 on a transport error).
func (r *running) lookupAsync(t *testing.T) chan int {
	status := make(chan int, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.WithoutCancel(t.Context()), "POST",
			r.url+"/api/v1/lookup", strings.NewReader(`{"text":"10.0.0.5"}`))
		req.Header.Set("Authorization", "Bearer "+analystToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			status <- 0
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status <- resp.StatusCode
	}()

	return status
}

// waitClosed polls until the listener refuses connections, i.e. shutdown has begun.
func (r *running) waitClosed(t *testing.T) {
	t.Helper()

	for {
		c, err := net.Dial("tcp", r.addr)
		if err != nil {
			return
		}
		c.Close()
		select {
		case <-t.Context().Done():
			t.Fatal("listener never closed")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestRunFinishesLookupsOnShutdown checks that a lookup running when shutdown starts still gets
// its answer, and that Run then returns nil.
func TestRunFinishesLookupsOnShutdown(t *testing.T) {
	t.Parallel()

	r := startRun(t, time.Hour)
	status := r.lookupAsync(t)
	<-r.factory.started

	r.cancel()
	r.waitClosed(t)
	close(r.factory.block)

	if got := <-status; got != http.StatusOK {
		t.Errorf("running lookup: status %d, want 200", got)
	}
	if err := <-r.done; err != nil {
		t.Errorf("Run: %v, want nil", err)
	}
}

// TestRunShutdownBound checks that a lookup outliving the shutdown bound is cancelled and Run
// reports it.
func TestRunShutdownBound(t *testing.T) {
	t.Parallel()

	r := startRun(t, time.Nanosecond)
	status := r.lookupAsync(t)
	<-r.factory.started

	r.cancel()

	if err := <-r.done; err == nil {
		t.Errorf("Run: nil, want a shutdown error")
	}
	if got := <-status; got == http.StatusOK {
		t.Errorf("lookup past the bound answered 200")
	}
}

// TestServerTimeouts: every phase of a connection is bounded, and a write may last a whole
// lookup (lookupTimeout) plus the time to send its answer.
func TestServerTimeouts(t *testing.T) {
	t.Parallel()

	opts := validOptions()
	opts.LookupTimeout = config.Duration(10 * time.Minute)
	e := setup(t, opts, nil)

	hs := e.srv.httpServer(t.Context())
	got := map[string]bool{
		"readHeader": hs.ReadHeaderTimeout > 0 && hs.ReadHeaderTimeout <= 30*time.Second,
		"read":       hs.ReadTimeout > 0,
		"write":      hs.WriteTimeout >= 10*time.Minute+writeMargin,
		"idle":       hs.IdleTimeout > 0,
		"headers":    hs.MaxHeaderBytes > 0 && hs.MaxHeaderBytes <= 1<<20,
	}
	for k, ok := range got {
		if !ok {
			t.Errorf("%s bound missing or off: header %v, read %v, write %v, idle %v, %d bytes",
				k, hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout,
				hs.MaxHeaderBytes)
		}
	}
}
