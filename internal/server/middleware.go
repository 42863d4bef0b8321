package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// csp is the Content-Security-Policy of every response: the page loads only its own files, no
// plugin, no frame, no <base> and no form posting elsewhere. internal/web's CSP is the same
// policy (a test keeps them equal), for when the page is mounted without this server.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; " +
	"form-action 'self'"

// securityHeaders sets the headers every response carries, the web page's included: the CSP,
// no MIME sniffing, no referrer (a pasted indicator never leaks in a Referer to NVD), no
// framing, a browsing-context group of its own, no cross-origin reads of its answers, and no
// powerful browser features.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")

		next.ServeHTTP(w, r)
	})
}

// reqInfo is per-request state that inner handlers fill in for the access log.
type reqInfo struct {
	id    string
	mu    sync.Mutex
	actor string
}

type reqInfoKey struct{}

func requestID(ctx context.Context) string {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		return ri.id
	}

	return ""
}

// setActor records who made the request, once authenticated.
func setActor(ctx context.Context, name string) {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		ri.mu.Lock()
		ri.actor = name
		ri.mu.Unlock()
	}
}

func (ri *reqInfo) who() string {
	ri.mu.Lock()
	defer ri.mu.Unlock()

	return ri.actor
}

// validRequestID accepts a caller's X-Request-Id only when it is short and plain, so it cannot
// forge log lines.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}

	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])

	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)

	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id (the caller's X-Request-Id when plain, else a new one),
// echoes it, and after the request logs one access line and counts it by route and status.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: r.Header.Get("X-Request-Id")}
		if !validRequestID(ri.id) {
			ri.id = newRequestID()
		}
		w.Header().Set("X-Request-Id", ri.id)

		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		next.ServeHTTP(sw, r)

		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.metrics.httpRequests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()

		s.log.Info("http request", "request_id", ri.id, "method", r.Method, "route", route,
			"status", sw.status, "bytes", sw.bytes, "actor", ri.who(),
			"duration_ms", time.Since(start).Milliseconds())
	})
}

// recoverPanics turns a panic into a 500 JSON answer; the stack goes to the log only.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.log.Error("panic in handler", "request_id", requestID(r.Context()),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.writeError(w, r, errors.New("panic"))
		}()

		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing browser requests from other origins (Sec-Fetch-Site and
// Origin checks), answering in JSON.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, apiError{
			Error:     "cross-origin request refused",
			RequestID: requestID(r.Context()),
		})
	}))

	return cop.Handler(next)
}

// limitBody bounds the request body; reading past n fails with *http.MaxBytesError (413).
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}
