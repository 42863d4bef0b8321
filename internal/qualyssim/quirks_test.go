package qualyssim

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestLayoutQuirksOfRealBodies checks that the simulator reproduces the layout quirks the
// real bodies of shared/qualys-samples show (qualys-api.md §7, §10, §13, §15), since they
// are what a client's parser must survive.
func TestLayoutQuirksOfRealBodies(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	padded := regexp.MustCompile(`<(\w+)>\n\s+<!\[CDATA\[[^\]]*\]\]>\n\s+</(\w+)>`)
	inline := regexp.MustCompile(`<(OS|DNS|TITLE|TARGET|URL)><!\[CDATA\[`)

	tests := []struct {
		name       string
		c          call
		wantStatus int
		check      func(body string) string // "" when fine, else what is wrong
	}{{
		name: "1905_has_no_xml_declaration",
		c: call{path: "/api/5.0/fo/asset/host/vm/detection/",
			form: url.Values{"action": {"list"}, "ids": {"abc123"}}},
		wantStatus: 400,
		check: func(b string) string {
			if !strings.HasPrefix(b, "<!DOCTYPE SIMPLE_RETURN SYSTEM ") {
				return "want the DOCTYPE line first, no <?xml ?> (recorded 1905)"
			}

			return ""
		},
	}, {
		name:       "1903_keeps_its_declaration",
		c:          call{path: "/api/2.0/fo/scan/"},
		wantStatus: 400,
		check: func(b string) string {
			if !strings.HasPrefix(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<!DOCTYPE") {
				return "want the declaration and DOCTYPE (recorded 1903)"
			}

			return ""
		},
	}, {
		name: "hld_pages_carry_padded_and_inline_cdata",
		c: call{path: "/api/5.0/fo/asset/host/vm/detection/",
			form: url.Values{"action": {"list"}, "truncation_limit": {"20"}}},
		wantStatus: 200,
		check: func(b string) string {
			if !padded.MatchString(b) || !inline.MatchString(b) {
				return "want both CDATA layouts on one HLD page"
			}

			return ""
		},
	}, {
		name: "scan_list_3_0_pads_title_and_target",
		c: call{path: "/api/3.0/fo/scan/",
			form: url.Values{"action": {"list"}, "target": {DemoIP}}},
		wantStatus: 200,
		check: func(b string) string {
			if !strings.Contains(b, "<TITLE>\n") || !strings.Contains(b, "<TARGET>\n") {
				return "want padded TITLE and TARGET CDATA on 3.0 (guide sample)"
			}

			return ""
		},
	}, {
		name: "scan_list_2_0_is_inline",
		c: call{path: "/api/2.0/fo/scan/",
			form: url.Values{"action": {"list"}, "target": {DemoIP}}},
		wantStatus: 200,
		check: func(b string) string {
			if !strings.Contains(b, "<TITLE><![CDATA[") || strings.Contains(b, "<TARGET>\n") {
				return "want inline CDATA on 2.0 (recorded answer)"
			}

			return ""
		},
	}, {
		name: "host_list_warning_url_is_padded",
		c: call{path: "/api/5.0/fo/asset/host/",
			form: url.Values{"action": {"list"}, "truncation_limit": {"3"}}},
		wantStatus: 200,
		check: func(b string) string {
			if !regexp.MustCompile(`<URL>\n\s+<!\[CDATA\[http[^\]]+id_min=\d+\]\]>\n\s+</URL>`).
				MatchString(b) {
				return "want the WARNING URL CDATA on its own line (guide sample)"
			}

			return ""
		},
	}, {
		name: "empty_kb_has_keep_alive_after_root",
		c: call{path: "/api/4.0/fo/knowledge_base/vuln/",
			form: url.Values{"action": {"list"}, "ids": {"999999"}}},
		wantStatus: 200,
		check: func(b string) string {
			_, after, _ := strings.Cut(b, "</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>")
			if strings.Contains(b, "<VULN_LIST>") || !strings.Contains(after, "<!-- keep-alive") {
				return "want no VULN_LIST and a keep-alive comment after the root"
			}

			return ""
		},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resp, body := do(t, ts, tt.c)
			mustWellFormed(t, body)

			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, head(body))
			}

			if msg := tt.check(string(body)); msg != "" {
				t.Errorf("%s:\n%s", msg, head(body))
			}
		})
	}
}

// TestBlockedBodiesArePadded: the vendor's 1960 and 1965 examples pad DATETIME and TEXT,
// and a concurrency block carries no ToWait or Remaining header (qualys-api.md §10).
func TestBlockedBodiesArePadded(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{ConcurrencyLimit: 1})
	entered, release := make(chan struct{}), make(chan struct{})
	s.holdHook = func(string) { entered <- struct{}{}; <-release }

	c := call{path: "/api/5.0/fo/asset/host/", form: url.Values{"action": {"list"}}}

	var wg sync.WaitGroup

	wg.Go(func() { do(t, ts, c) })
	<-entered

	resp, body := do(t, ts, c)
	close(release)
	wg.Wait()

	if resp.StatusCode != http.StatusConflict || !bytes.Contains(body, []byte("Z </DATETIME>")) ||
		!bytes.Contains(body, []byte("<TEXT> This API cannot be run again until")) {
		t.Errorf("status %d, body %s; want a padded 409/1960", resp.StatusCode, head(body))
	}

	if resp.Header.Get("X-RateLimit-ToWait-Sec") != "" ||
		resp.Header.Get("X-Concurrency-Limit-Limit") != "1" {
		t.Errorf("headers %v; want the concurrency ones only", resp.Header)
	}
}

// TestFaultUnauthorizedOnQPS: QPS refuses credentials with 200 and a responseCode.
func TestFaultUnauthorizedOnQPS(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{})
	s.SetFault(Fault{Kind: FaultUnauthorized, Path: qpsHostAssetPath})

	resp, body := do(t, ts, call{method: http.MethodPost, path: qpsHostAssetPath, noXRW: true,
		body: qpsBody(1, 1, `<Criteria field="fqdn" operator="CONTAINS">corp</Criteria>`)})
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("<responseCode>INVALID_CREDENTIALS")) {
		t.Errorf("status %d, body %s; want 200 with INVALID_CREDENTIALS", resp.StatusCode, head(body))
	}
}
