package qualyssim

import (
	"net/http"
	"strings"
	"time"
)

// maxFormBytes bounds a form body; long ids/ips lists fit easily.
const maxFormBytes = 8 << 20

// request is one admitted FO call.
type request struct {
	r       *http.Request
	p       params
	version string
	base    string
	now     time.Time
}

// serveFO runs the common FO pipeline: faults, auth, X-Requested-With, limits, then the handler.
func (s *Server) serveFO(w http.ResponseWriter, r *http.Request, api, version string) {
	w, proceed := s.applyFault(w, r)
	if !proceed {
		return
	}

	if !s.authorized(r) {
		writeSimpleReturn(w, baseURL(r), s.now(), http.StatusUnauthorized, codeBadLogin,
			"Bad Login/Password", nil)

		return
	}

	s.setCommonHeaders(w.Header())

	// TODO: the real answer to a missing X-Requested-With is unverified (qualys-api.md §1);
	// a recorded response would replace this guess (400, CODE 1903).
	if !s.cfg.AllowMissingRequestedWith && r.Header.Get("X-Requested-With") == "" {
		s.writeAPIError(w, r, missingParam("X-Requested-With (HTTP header)"))

		return
	}

	adm := s.lim.admit(api, s.now())
	s.lim.setHeaders(w.Header(), adm)

	if adm.blocked != nil {
		s.writeAPIError(w, r, adm.blocked)

		return
	}

	defer s.lim.release(api)

	if !s.wait(r, s.cfg.Latency) {
		return
	}

	if s.holdHook != nil {
		s.holdHook(api)
	}

	if err := s.dispatch(w, r, api, version); err != nil {
		s.writeAPIError(w, r, err)
	}
}

// dispatch parses the parameters and runs the handler of api and action.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, api, version string) *apiError {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return &apiError{status: http.StatusBadRequest, code: codeInvalidValue,
			text: "Request body could not be parsed as form data"}
	}

	req := &request{r: r, p: params{v: r.Form}, version: version, base: baseURL(r), now: s.now()}

	action := req.p.get("action")
	if action == "" {
		return missingParam("action")
	}

	switch {
	case api == "detection" && action == "list":
		return s.serveDetections(w, req)
	case api == "host" && action == "list":
		return s.serveHostList(w, req)
	case api == "kb" && action == "list":
		return s.serveKB(w, req)
	case api == "scan" && action == "list":
		return s.serveScanList(w, req)
	case api == "scan" && action == "launch":
		return s.serveScanLaunch(w, req)
	case api == "option_profile" && action == "list":
		return s.serveOptionProfiles(w, req)
	case api == "appliance" && action == "list":
		return s.serveAppliances(w, req)
	default:
		// TODO: other actions (scan cancel/pause, host update/purge, KB edit, option profile
		// and appliance create/update/delete) and the session API (/api/2.0/fo/session/) are
		// not simulated; adding their handlers here removes this.
		return invalidValue("action", action, "")
	}
}

// applyFault serves an injected fault; it returns the writer to use and whether to go on.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, bool) {
	f, ok := s.takeFault(r.URL.Path)
	if !ok {
		return w, true
	}

	switch f.Kind {
	case FaultMaintenance:
		writeMaintenance(w, f.Status)
	case FaultServerError:
		writeGenericReturn(w, baseURL(r), f.Status, s.now(), s.cfg.Username)
	case FaultAccountExpired:
		writeSimpleReturn(w, baseURL(r), s.now(), http.StatusOK, codeAccountExpired,
			"This account has expired.", nil)
	case FaultUnauthorized:
		if strings.HasPrefix(r.URL.Path, "/qps/") {
			// QPS refuses credentials with HTTP 200 and a responseCode (§7, §11).
			writeQPSError(w, "INVALID_CREDENTIALS", "Authentication failed",
				"Verify both, user and password credentials.")

			break
		}

		writeSimpleReturn(w, baseURL(r), s.now(), http.StatusUnauthorized, codeBadLogin,
			"Bad Login/Password", nil)
	case FaultSlowBody:
		delay := f.Delay
		if delay <= 0 {
			delay = 50 * time.Millisecond
		}

		return &faultWriter{ResponseWriter: w, ctx: r.Context(), delay: delay, cutAfter: -1}, true
	case FaultTruncatedBody:
		return &faultWriter{ResponseWriter: w, ctx: r.Context(), cutAfter: f.TruncateAfter}, true
	default:
		return w, true
	}

	return w, false
}

// wait sleeps d unless the request is cancelled first; it reports whether to go on.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}

	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-r.Context().Done():
		return false
	case <-t.C:
		return true
	}
}
