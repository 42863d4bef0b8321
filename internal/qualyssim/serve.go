package qualyssim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// DefaultAddr is where Serve listens when addr is empty: loopback, any free port.
const DefaultAddr = "127.0.0.1:0"

// ListenMessage is the one line a CLI prints once the simulator listens on url.
func ListenMessage(url string) string { return "qualys simulator listening on " + url }

// Serve runs a simulator for cfg on addr until ctx is done. Once it listens it calls ready, if
// not nil, with its base URL (http://HOST:PORT, no trailing slash).
func Serve(ctx context.Context, addr string, cfg Config, ready func(url string)) error {
	s, err := New(cfg)
	if err != nil {
		return fmt.Errorf("serve simulator: %w", err)
	}

	if addr == "" {
		addr = DefaultAddr
	}

	var lc net.ListenConfig

	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("serve simulator: listen on %s: %w", addr, err)
	}

	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})

	go func() {
		defer close(done)

		<-ctx.Done()

		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()

		_ = srv.Shutdown(shutdownCtx)
	}()

	url := "http://" + ln.Addr().String()
	if ready != nil {
		ready(url)
	}

	s.log.Info("qualys simulator listening", "url", url)

	err = srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-done

		return nil
	}

	return fmt.Errorf("serve simulator: %w", err)
}
