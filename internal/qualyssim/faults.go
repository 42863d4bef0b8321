package qualyssim

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// FaultKind names a failure the simulator can inject, each seen on the real platform
// (qualys-api.md §7, §14 item 8, §15).
type FaultKind int

// The injectable faults.
const (
	FaultNone           FaultKind = iota // no fault; SetFault with it clears the path's fault
	FaultMaintenance                     // HTML "Service Unavailable" page (Status 503, or 200)
	FaultServerError                     // 5xx with a GENERIC_RETURN "Internal error" body
	FaultSlowBody                        // the normal body, written in small chunks Delay apart
	FaultTruncatedBody                   // the normal body cut after TruncateAfter bytes
	FaultAccountExpired                  // HTTP 200 with SIMPLE_RETURN CODE 2001
	FaultUnauthorized                    // 401 with SIMPLE_RETURN CODE 2000, whatever the password
)

// Fault is a failure injected into responses whose URL path starts with Path ("" = every path).
type Fault struct {
	Kind          FaultKind
	Path          string        // path prefix, e.g. "/api/5.0/fo/asset/host/vm/detection/"
	Status        int           // HTTP status for FaultMaintenance (default 503), FaultServerError (500)
	Delay         time.Duration // FaultSlowBody: pause between 512-byte chunks (default 50 ms)
	TruncateAfter int           // FaultTruncatedBody: bytes sent before the connection drops
	Count         int           // responses affected before the fault clears itself; 0 = until cleared
}

// SetFault installs f for its Path, replacing any fault on the same Path; FaultNone removes it.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()

	kept := s.faults[:0]

	for _, old := range s.faults {
		if old.Path != f.Path {
			kept = append(kept, old)
		}
	}

	s.faults = kept

	if f.Kind != FaultNone {
		s.faults = append(s.faults, f)
	}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.faults = nil
}

// takeFault returns the fault for path, if any, and counts one use of it.
func (s *Server) takeFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	for i, f := range s.faults {
		if !strings.HasPrefix(path, f.Path) {
			continue
		}

		if f.Count > 0 {
			s.faults[i].Count--
			if s.faults[i].Count == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}

		return f, true
	}

	return Fault{}, false
}

// writeMaintenance writes the HTML page the platform serves during maintenance windows.
func writeMaintenance(w http.ResponseWriter, status int) {
	if status == 0 {
		status = http.StatusServiceUnavailable
	}

	w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n" +
		"<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n" +
		"<p>The service is down for scheduled maintenance. Please try again later.</p>\n" +
		"</body></html>\n"))
}

// writeGenericReturn writes the legacy GENERIC_RETURN body of an internal (999) error.
func writeGenericReturn(w http.ResponseWriter, base string, status int, now time.Time, user string) {
	if status == 0 {
		status = http.StatusInternalServerError
	}

	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)

	x := newXW(w)
	x.prolog("GENERIC_RETURN", base+"/generic_return.dtd")
	x.open(0, "GENERIC_RETURN")
	x.pad(1)
	x.raw("<API name=\"fo\" username=\"" + attrEscape(user) + "\" at=\"" +
		now.UTC().Format(qualysTime) + "\" />\n")
	x.pad(1)
	x.raw("<RETURN status=\"FAILED\" number=\"999\">Internal error. Please contact customer " +
		"support.</RETURN>\n")
	x.close(0, "GENERIC_RETURN")
	_ = x.flush()
}

// faultWriter wraps a ResponseWriter to slow or cut the body.
type faultWriter struct {
	http.ResponseWriter
	ctx      context.Context
	delay    time.Duration
	cutAfter int // < 0: never
	written  int
}

func (f *faultWriter) Write(p []byte) (int, error) {
	if f.cutAfter >= 0 {
		room := f.cutAfter - f.written
		if room <= 0 {
			panic(http.ErrAbortHandler)
		}

		if len(p) > room {
			n, _ := f.ResponseWriter.Write(p[:room])
			f.written += n
			if fl, ok := f.ResponseWriter.(http.Flusher); ok {
				fl.Flush()
			}

			panic(http.ErrAbortHandler) // drop the connection mid-body, as a hang-up does
		}
	}

	if f.delay <= 0 {
		n, err := f.ResponseWriter.Write(p)
		f.written += n

		return n, err
	}

	return f.slowWrite(p)
}

func (f *faultWriter) slowWrite(p []byte) (int, error) {
	total := 0

	for len(p) > 0 {
		chunk := p[:min(512, len(p))]

		n, err := f.ResponseWriter.Write(chunk)
		total += n
		f.written += n

		if err != nil {
			return total, err
		}

		if fl, ok := f.ResponseWriter.(http.Flusher); ok {
			fl.Flush()
		}

		p = p[len(chunk):]

		select {
		case <-f.ctx.Done():
			return total, f.ctx.Err()
		case <-time.After(f.delay):
		}
	}

	return total, nil
}
