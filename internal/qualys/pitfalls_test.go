package qualys

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
)

// Tests for pitfalls of qualys-api.md §15 that the endpoint tests do not reach.

// kbEmpty: nothing matched; keep-alive comments inside RESPONSE and after the root.
const kbEmpty = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE KNOWLEDGE_BASE_VULN_LIST_OUTPUT SYSTEM "https://qualysapi.example.test/api/2.0/fo/knowledge_base/vuln/knowledge_base_vuln_list_output.dtd">
<KNOWLEDGE_BASE_VULN_LIST_OUTPUT>
  <RESPONSE>
    <DATETIME>2025-03-04T10:00:00Z</DATETIME>
<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->
  </RESPONSE>
</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>
<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->
<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->
`

// hostListEmpty: the host list's empty answer, without prolog or DOCTYPE.
const hostListEmpty = `<HOST_LIST_OUTPUT><RESPONSE><DATETIME>2025-03-04T10:00:00Z</DATETIME>` +
	`</RESPONSE></HOST_LIST_OUTPUT>`

func TestEmptyResponse_is_zero_results_on_every_list(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, path, body string
		call             func(c *Client, t *testing.T) (int, error)
	}{{
		name: "knowledge_base", path: "/api/4.0/fo/knowledge_base/vuln/", body: kbEmpty,
		call: func(c *Client, t *testing.T) (int, error) {
			emit, got := collect[Vuln]()
			_, err := c.KnowledgeBase(t.Context(), KBQuery{IDs: []int{999999}}, emit)

			return len(got()), err
		},
	}, {
		name: "host_list", path: "/api/5.0/fo/asset/host/", body: hostListEmpty,
		call: func(c *Client, t *testing.T) (int, error) {
			emit, got := collect[HostRecord]()
			_, err := c.Hosts(t.Context(), HostListQuery{IPs: []string{"198.51.100.9"}}, emit)

			return len(got()), err
		},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc(tt.path, expectForm(t, nil, http.StatusOK, tt.body))

			if n, err := tt.call(c, t); n != 0 || err != nil {
				t.Errorf("got %d items, err %v; want none and no error", n, err)
			}
		})
	}
}

// TestHTML_is_judged_by_the_first_markup: an XML page whose first RESULTS (within the
// bytes peeked) holds an HTTP body with <html> is data; an HTML page behind comments or a
// processing instruction is still an HTML page.
func TestHTML_is_judged_by_the_first_markup(t *testing.T) {
	t.Parallel()

	xmlWithHTML := `<?xml version="1.0" encoding="UTF-8" ?>
<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>7</ID><DETECTION_LIST>
<DETECTION><QID>11827</QID><RESULTS><![CDATA[HTTP/1.1 200 OK
<html><body>It works</body></html>]]></RESULTS></DETECTION></DETECTION_LIST></HOST>
</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`

	tests := []struct {
		name     string
		body     string
		wantHTML bool
	}{
		{"xml_with_html_in_early_cdata", xmlWithHTML, false},
		{"html_after_a_comment", "<!-- edge -->\n<html><body><h1>Down</h1></body></html>", true},
		{"html_after_xml_declaration", `<?xml version="1.0"?><!DOCTYPE html><html></html>`, true},
		{"bare_heading", "<h1>Service Unavailable</h1>", true},
		{"apache_301", moved301, true},
		{"xml_doctype", hldEmpty, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, tt.body)
			}))

			emit, got := collect[Host]()
			_, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{7}}, emit)

			apiErr, isAPI := errors.AsType[*APIError](err)
			if gotHTML := isAPI && strings.HasPrefix(apiErr.Text, "HTML page"); gotHTML != tt.wantHTML {
				t.Fatalf("err = %v; want an HTML page error: %v", err, tt.wantHTML)
			}

			if tt.name == "xml_with_html_in_early_cdata" && (err != nil || len(got()) != 1 ||
				!strings.Contains(got()[0].Detections[0].Results, "<html>")) {
				t.Errorf("err = %v, hosts %+v; want the host with its RESULTS", err, got())
			}
		})
	}
}

func TestSimpleReturn_items_by_key_with_zero_or_many_values(t *testing.T) {
	t.Parallel()

	body := `<SIMPLE_RETURN><RESPONSE><DATETIME>2025-03-04T10:00:00Z</DATETIME>
<TEXT>New vm scan launched</TEXT><ITEM_LIST>
<ITEM><KEY>WARNINGS</KEY></ITEM>
<ITEM><KEY> REFERENCE </KEY><VALUE>scan/1741082400.00001</VALUE><VALUE>scan/1.2</VALUE></ITEM>
<ITEM><KEY>ID</KEY><VALUE>
  42
</VALUE></ITEM></ITEM_LIST></RESPONSE></SIMPLE_RETURN>`

	got, err := decodeLaunch(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(LaunchResult{ID: 42, Ref: "scan/1741082400.00001"}, got); diff != "" {
		t.Errorf("launch (-want +got):\n%s", diff)
	}

	var sr simpleReturn
	if err := xml.Unmarshal([]byte(body), &sr); err != nil {
		t.Fatal(err)
	}

	if v, ok := sr.itemMap()["WARNINGS"]; !ok || v != "" {
		t.Errorf("ITEM without VALUE: %q, %v; want present and empty", v, ok)
	}
}

// TestSecret_scrubbed_from_decoder_errors: encoding/xml quotes the body in some errors
// ("invalid character entity &...;"), so a server echoing the password into a broken body
// would carry it into the error; the client scrubs it and keeps the error chain.
func TestSecret_scrubbed_from_decoder_errors(t *testing.T) {
	t.Parallel()

	c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprintf(w, "<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST>"+
			"<ID>1</ID><OS>&%s;</OS></HOST></HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>",
			testPassword)
	}))

	_, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{1}}, noop[Host])
	if err == nil {
		t.Fatal("no error")
	}

	for _, out := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
		if strings.Contains(out, testPassword) || !strings.Contains(out, redacted) {
			t.Errorf("error not scrubbed: %s", out)
		}
	}

	if _, ok := errors.AsType[*xml.SyntaxError](err); !ok {
		t.Errorf("the syntax error is no longer in the chain: %v", err)
	}
}

func TestHostDetections_show_igs_only_with_qids(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		q    DetectionQuery
		want string
	}{
		{"qids_ask_for_information_gathered_too", DetectionQuery{QIDs: []int{6}}, "1"},
		{"ips_leave_the_default", DetectionQuery{IPs: []string{"192.0.2.1"}}, "-"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/api/5.0/fo/asset/host/vm/detection/",
				expectForm(t, map[string]string{"show_igs": tt.want}, http.StatusOK, hldEmpty))

			if _, err := c.HostDetections(t.Context(), tt.q, noop[Host]); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestErrors_409_codes_decide: a 409 is retried only for 1960 and 1965 (and a 400 1965, the
// Appendix D typo), never for 1920 or 2003.
func TestErrors_409_codes_decide(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, code string
		status     int
		wantCalls  int
	}{
		{"1920_business_lock", "1920", 409, 1},
		{"2003_registration", "2003", 409, 1},
		{"1965_as_400", "1965", 400, 2},
		{"1960", "1960", 409, 2},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				calls := 0
				c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					calls++
					if calls == 1 {
						w.WriteHeader(tt.status)
						_, _ = io.WriteString(w, simpleError(tt.code, "blocked"))

						return
					}

					_, _ = io.WriteString(w, hldEmpty)
				}))

				err := detect(c, t)
				if calls != tt.wantCalls || (err == nil) != (tt.wantCalls == 2) {
					t.Errorf("err = %v after %d calls, want %d calls", err, calls, tt.wantCalls)
				}
			})
		})
	}
}
