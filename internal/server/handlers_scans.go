package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// launchTimeout bounds one scan launch, which outlives a caller that hangs up.
const launchTimeout = 2 * time.Minute

// Bounds of what a scan launch's audit record keeps of the caller's input.
const (
	maxAuditIP      = 64
	maxAuditMessage = 400
)

// clip returns s cut to at most n bytes at a rune boundary, marked with "…" when cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}

	return s[:cut] + "…"
}

type launchRequest struct {
	IP string `json:"ip"`
}

// handleLaunchScan launches a VM scan of one IPv4 under the engine's rules (launch enabled,
// valid and not skipped or ignored, dedup window) and audits the attempt, refused or not.
func (s *Server) handleLaunchScan(w http.ResponseWriter, r *http.Request) {
	var req launchRequest
	if err := decodeBody(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	ip := strings.TrimSpace(req.IP)
	if ip == "" {
		s.writeError(w, r, badInput(`"ip" is required: the IPv4 address to scan`))
		return
	}

	eng, err := s.engine()
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	// A launch changes the world: once asked, it runs to its answer even if the caller hangs
	// up, so the audit records what really happened.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), launchTimeout)
	defer cancel()

	actor := principalFrom(r.Context()).name
	res, err := eng.LaunchScan(ctx, ip, actor)

	// What the caller sent as "ip" may be anything up to the body limit: the audit log and
	// the log keep a bounded prefix, enough to see what was tried.
	entry := AuditEntry{Actor: actor, Action: ActionScanLaunch, IP: clip(ip, maxAuditIP),
		Ref: res.Ref, Result: "ok", Message: res.Message}
	if err != nil {
		status, msg := classify(err)
		entry.Result, entry.Message = "refused", clip(msg, maxAuditMessage)
		if status >= 500 {
			entry.Result = "error"
		}
	}
	s.auditOrLog(r, entry)
	s.log.Info("scan launch", "request_id", requestID(r.Context()), "actor", actor,
		"ip", entry.IP, "ref", res.Ref, "result", entry.Result)

	if err != nil {
		s.writeError(w, r, err)
		return
	}

	writeJSON(w, http.StatusOK, res)
}

// handleScanStatus answers the state of one scan by its reference.
func (s *Server) handleScanStatus(w http.ResponseWriter, r *http.Request) {
	ref := strings.TrimSpace(r.URL.Query().Get("ref"))
	if ref == "" {
		s.writeError(w, r, badInput(`query parameter "ref" is required, `+
			`e.g. ?ref=scan/1700000000.12345`))
		return
	}

	eng, err := s.engine()
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	scan, err := eng.ScanStatus(r.Context(), ref)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	writeJSON(w, http.StatusOK, scan)
}

// Audit list bounds.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// handleAudit answers the newest audit entries first; ?limit= caps them (1 to 1000).
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	limit := defaultAuditLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditLimit {
			s.writeError(w, r, badInput("limit must be a whole number from 1 to %d", maxAuditLimit))
			return
		}
		limit = n
	}

	entries, skipped, err := s.audit.read(limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if skipped > 0 {
		s.log.Warn("audit log has unreadable lines", "skipped", skipped)
	}

	writeJSON(w, http.StatusOK, map[string]any{"entries": entries, "skipped": skipped})
}
