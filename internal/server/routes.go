package server

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Body limits: lookups and extractions take whole documents; everything else is small.
const (
	maxTextBody  = 8 << 20
	maxSmallBody = 64 << 10
)

// route is one method on one path. limit bounds its body; 0 means maxSmallBody, so every
// route has a bound, even one that reads no body.
type route struct {
	method string
	h      http.Handler
	limit  int64
}

// routes builds the mux and wraps it in the middleware every request goes through.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	s.handle(mux, "/api/v1/extract",
		route{"POST", s.require(RoleAnalyst, s.handleExtract), maxTextBody})
	s.handle(mux, "/api/v1/lookup",
		route{"POST", s.require(RoleAnalyst, s.handleLookup), maxTextBody})
	s.handle(mux, "/api/v1/scans",
		route{"POST", s.require(RoleAnalyst, s.handleLaunchScan), 0},
		route{"GET", s.require(RoleAnalyst, s.handleScanStatus), 0})
	s.handle(mux, "/api/v1/me", route{"GET", s.require(RoleAnalyst, s.handleMe), 0})
	s.handle(mux, "/api/v1/options",
		route{"GET", s.require(RoleAdmin, s.handleGetOptions), 0},
		route{"PUT", s.require(RoleAdmin, s.handlePutOptions), 0})
	s.handle(mux, "/api/v1/options/test",
		route{"POST", s.require(RoleAdmin, s.handleTestOptions), 0})
	s.handle(mux, "/api/v1/audit", route{"GET", s.require(RoleAdmin, s.handleAudit), 0})
	s.handle(mux, "/healthz", route{"GET", http.HandlerFunc(handleHealth), 0})
	s.handle(mux, "/metrics", route{"GET", s.metricsHandler(), 0})

	mux.Handle("/api/", limitBody(maxSmallBody, http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, errNotFound) })))
	mux.Handle("/", limitBody(maxSmallBody, s.webHandler()))

	return securityHeaders(s.observe(s.recoverPanics(s.crossOrigin(mux))))
}

// handle registers each method of path, and a JSON 405 naming the allowed methods for any other.
func (s *Server) handle(mux *http.ServeMux, path string, routes ...route) {
	allow := make([]string, 0, len(routes)+1)
	for _, rt := range routes {
		limit := rt.limit
		if limit <= 0 {
			limit = maxSmallBody
		}
		mux.Handle(rt.method+" "+path, limitBody(limit, rt.h))
		allow = append(allow, rt.method)
		if rt.method == "GET" {
			allow = append(allow, "HEAD")
		}
	}
	allowed := strings.Join(allow, ", ")

	mux.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &methodError{allow: allowed})
	}))
}

func (s *Server) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	if s.openMet {
		return h
	}

	return s.require(RoleAdmin, h.ServeHTTP)
}

func (s *Server) webHandler() http.Handler {
	if s.web != nil {
		return s.web
	}

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the web page is not built into this binary", http.StatusNotFound)
	})
}

func handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
