package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// HTTP server timeouts. Writes may take as long as a lookup (lookupTimeout defaults to 5 min).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute
	writeTimeout      = 6 * time.Minute
	idleTimeout       = 2 * time.Minute
)

// Run serves on ln until ctx is done, then shuts down gracefully: it stops accepting, lets the
// running requests (lookups included) finish within ShutdownTimeout, and then cancels what is
// left. It returns nil after a clean shutdown.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()

	srv := s.httpServer(base)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	s.log.Info("shutting down", "timeout", s.shutdown.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.shutdown)
	defer cancel()

	err := srv.Shutdown(sctx)
	if err != nil {
		cancelBase()
		_ = srv.Close()
		s.log.Warn("shutdown timed out; cancelled the running requests", "error", err)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}

	return nil
}

// httpServer is the http.Server Run serves with: every phase of a connection has a deadline,
// so a slow or silent client cannot hold a connection open, and headers are bounded.
func (s *Server) httpServer(base context.Context) *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      s.writeTimeout(),
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
}

// maxHeaderBytes bounds a request's headers; a bearer token and a request id fit many times.
const maxHeaderBytes = 64 << 10

// writeTimeout leaves a lookup its whole lookupTimeout plus a margin to write the answer. A
// lookupTimeout raised later through the API is honoured per request (extendWriteDeadline).
func (s *Server) writeTimeout() time.Duration {
	lt := s.engines.current().opts.LookupTimeout.Std()

	return max(writeTimeout, lt+writeMargin)
}

// writeMargin is the time left to write an answer after a lookup used its whole timeout.
const writeMargin = 30 * time.Second

// extendWriteDeadline gives this response the lookup timeout in force plus the write margin.
func extendWriteDeadline(w http.ResponseWriter, lookupTimeout time.Duration) {
	// An error means the writer cannot set deadlines (as in some tests); the server's
	// WriteTimeout then applies.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(lookupTimeout + writeMargin))
}
