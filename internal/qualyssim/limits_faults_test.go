package qualyssim

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRateLimitWindow(t *testing.T) {
	t.Parallel()

	_, ts, clock := setup(t, Config{RateLimit: 3, RateWindow: time.Minute})
	c := call{path: "/api/4.0/fo/knowledge_base/vuln/", form: url.Values{"action": {"list"}, "ids": {"6"}}}

	for i, want := range []string{"2", "1", "0"} {
		resp, _ := do(t, ts, c)
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != want {
			t.Fatalf("call %d: status %d remaining %q, want 200 %s", i, resp.StatusCode,
				resp.Header.Get("X-RateLimit-Remaining"), want)
		}

		clock.Advance(10 * time.Second)
	}

	resp, body := do(t, ts, c)
	sr := decodeSimpleReturn(t, body)

	if resp.StatusCode != 409 || sr.Response.Code != "1965" || sr.item("SECONDS_TO_WAIT") != "30" ||
		resp.Header.Get("X-RateLimit-ToWait-Sec") != "30" {
		t.Fatalf("blocked call: %d %+v towait %q", resp.StatusCode, sr, resp.Header.Get("X-RateLimit-ToWait-Sec"))
	}

	// The vendor's 409 examples pad TEXT with a leading space and DATETIME with a trailing one.
	const text = " This API cannot be run again for another 0 hours, 0 minutes and 30 seconds."
	if sr.Response.Text != text ||
		!strings.HasSuffix(string(body[:strings.Index(string(body), "</DATETIME>")]), "Z ") {
		t.Errorf("TEXT = %q, body %s", sr.Response.Text, head(body))
	}

	other, _ := do(t, ts, call{path: "/api/5.0/fo/asset/host/", form: url.Values{"action": {"list"}}})
	if other.StatusCode != 200 {
		t.Errorf("another API was blocked too: %d (limits are per API)", other.StatusCode)
	}

	clock.Advance(31 * time.Second)

	if resp, _ := do(t, ts, c); resp.StatusCode != 200 {
		t.Errorf("after the window moved: status %d, want 200", resp.StatusCode)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{ConcurrencyLimit: 2})
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	s.holdHook = func(api string) {
		if api == "detection" {
			entered <- struct{}{}
			<-release
		}
	}

	c := call{path: "/api/5.0/fo/asset/host/vm/detection/", form: url.Values{"action": {"list"},
		"ips": {DemoIP}}}

	var wg sync.WaitGroup

	for range 2 {
		wg.Go(func() { do(t, ts, c) })
	}

	<-entered
	<-entered

	resp, body := do(t, ts, c)
	sr := decodeSimpleReturn(t, body)

	close(release)
	wg.Wait()

	if resp.StatusCode != 409 || sr.Response.Code != "1960" || sr.item("CALLS_TO_FINISH") != "1" {
		t.Fatalf("third call: %d %+v", resp.StatusCode, sr)
	}

	if resp.Header.Get("X-Concurrency-Limit-Running") != "2" || resp.Header.Get("X-RateLimit-Remaining") != "" {
		t.Errorf("headers: running %q remaining %q; want 2 and none", resp.Header.Get("X-Concurrency-Limit-Running"),
			resp.Header.Get("X-RateLimit-Remaining"))
	}

	if resp, _ := do(t, ts, c); resp.StatusCode != 200 {
		t.Errorf("after release: %d, want 200", resp.StatusCode)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()

	hld := "/api/5.0/fo/asset/host/vm/detection/"
	list := url.Values{"action": {"list"}, "ips": {DemoIP}}

	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
		wantInBody string
	}{
		{"maintenance_503", Fault{Kind: FaultMaintenance}, 503, "Service Unavailable"},
		{"maintenance_200", Fault{Kind: FaultMaintenance, Status: 200}, 200, "<h1>Service Unavailable"},
		{"server_error", Fault{Kind: FaultServerError, Status: 502}, 502, `number="999"`},
		{"account_expired", Fault{Kind: FaultAccountExpired}, 200, "<CODE>2001</CODE>"},
		{"unauthorized", Fault{Kind: FaultUnauthorized}, 401, "<CODE>2000</CODE>"},
		{"slow_body", Fault{Kind: FaultSlowBody, Delay: time.Millisecond}, 200, "</HOST_LIST_VM_DETECTION_OUTPUT>"},
		{"other_path_unaffected", Fault{Kind: FaultMaintenance, Path: "/api/2.0/fo/scan/"}, 200, "<HOST_LIST>"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			s, ts, _ := setup(t, Config{Hosts: MinHosts})
			s.SetFault(tt.fault)

			resp, body := do(t, ts, call{path: hld, form: list})
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(body), tt.wantInBody) {
				t.Fatalf("status %d, body %s; want %d containing %q", resp.StatusCode, head(body),
					tt.wantStatus, tt.wantInBody)
			}

			s.SetFault(Fault{Kind: FaultNone, Path: tt.fault.Path})

			if resp, _ := do(t, ts, call{path: hld, form: list}); resp.StatusCode != 200 {
				t.Errorf("after clearing: %d", resp.StatusCode)
			}
		})
	}
}

func TestFaultTruncatedBodyAndCount(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{})
	s.SetFault(Fault{Kind: FaultTruncatedBody, TruncateAfter: 700, Count: 1})

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet,
		ts.URL+"/api/5.0/fo/asset/host/vm/detection/?action=list", nil)
	req.SetBasicAuth(DefaultUsername, DefaultPassword)
	req.Header.Set("X-Requested-With", "qlens-test")

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("request: %v", err)
	}

	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()

	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) || len(b) != 700 {
		t.Fatalf("read %d bytes, err %v; want 700 bytes and unexpected EOF", len(b), err)
	}

	if resp, _ := do(t, ts, call{path: "/api/5.0/fo/asset/host/vm/detection/",
		form: url.Values{"action": {"list"}}}); resp.StatusCode != 200 {
		t.Errorf("Count 1 fault still active: %d", resp.StatusCode)
	}
}
