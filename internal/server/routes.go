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

// route is one method on one path.
type route struct {
	method string
	h      http.Handler
}

// routes builds the mux and wraps it in the middleware every request goes through.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	s.handle(mux, "/api/v1/extract",
		route{"POST", limitBody(maxTextBody, s.require(RoleAnalyst, s.handleExtract))})
	s.handle(mux, "/api/v1/lookup",
		route{"POST", limitBody(maxTextBody, s.require(RoleAnalyst, s.handleLookup))})
	s.handle(mux, "/api/v1/scans",
		route{"POST", limitBody(maxSmallBody, s.require(RoleAnalyst, s.handleLaunchScan))},
		route{"GET", s.require(RoleAnalyst, s.handleScanStatus)})
	s.handle(mux, "/api/v1/me", route{"GET", s.require(RoleAnalyst, s.handleMe)})
	s.handle(mux, "/api/v1/options",
		route{"GET", s.require(RoleAdmin, s.handleGetOptions)},
		route{"PUT", limitBody(maxSmallBody, s.require(RoleAdmin, s.handlePutOptions))})
	s.handle(mux, "/api/v1/options/test",
		route{"POST", limitBody(maxSmallBody, s.require(RoleAdmin, s.handleTestOptions))})
	s.handle(mux, "/api/v1/audit", route{"GET", s.require(RoleAdmin, s.handleAudit)})
	s.handle(mux, "/healthz", route{"GET", http.HandlerFunc(handleHealth)})
	s.handle(mux, "/metrics", route{"GET", s.metricsHandler()})

	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNotFound)
	}))
	mux.Handle("/", s.webHandler())

	return securityHeaders(s.observe(s.recoverPanics(s.crossOrigin(mux))))
}

// handle registers each method of path, and a JSON 405 naming the allowed methods for any other.
func (s *Server) handle(mux *http.ServeMux, path string, routes ...route) {
	allow := make([]string, 0, len(routes)+1)
	for _, rt := range routes {
		mux.Handle(rt.method+" "+path, rt.h)
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
