package qualys

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestErrors_answer_shapes(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name         string
		status       int
		header       map[string]string
		body         string
		wantAPI      *APIError // nil: not an APIError
		wantContains []string
		wantRequests int32
		unauthorized bool
	}{{
		name: "400_1903_missing_parameter", status: 400,
		body:         simpleError("1903", "Missing required parameter(s): action"),
		wantAPI:      &APIError{Status: 400, Code: "1903", Text: "Missing required parameter(s): action"},
		wantContains: []string{"HTTP 400 code 1903"}, wantRequests: 1,
	}, {
		name: "400_1905_invalid_value_without_prolog", status: 400,
		body: simpleError("1905", "parameter ids has invalid value: x1 (neither a positive "+
			"integer nor a range: x1)"),
		wantAPI: &APIError{Status: 400, Code: "1905", Text: "parameter ids has invalid value: x1 " +
			"(neither a positive integer nor a range: x1)"},
		wantRequests: 1,
	}, {
		name: "401_2000_bad_login", status: 401,
		body:         `<?xml version="1.0" encoding="UTF-8" ?>` + simpleError("2000", "Bad Login/Password"),
		wantAPI:      &APIError{Status: 401, Code: "2000", Text: "Bad Login/Password"},
		wantContains: []string{"check the credentials and the platform URL"},
		wantRequests: 1, unauthorized: true,
	}, {
		name: "200_2001_account_expired", status: 200,
		body:         simpleError("2001", "This account has expired."),
		wantAPI:      &APIError{Status: 200, Code: "2001", Text: "This account has expired."},
		wantRequests: 1,
	}, {
		name: "401_without_body_is_still_unauthorized", status: 401,
		wantAPI:      &APIError{Status: 401, Text: "empty body"},
		wantRequests: 1, unauthorized: true,
	}, {
		name: "503_html_maintenance_page_retried_then_reported", status: 503,
		header:       map[string]string{"Content-Type": "text/html"},
		body:         maintenanceHTML,
		wantAPI:      &APIError{Status: 503, Text: "Service Unavailable"},
		wantContains: []string{"The platform is down for planned maintenance"},
		wantRequests: DefaultMaxAttempts,
	}, {
		name: "200_html_page", status: 200, body: maintenanceHTML,
		wantAPI:      &APIError{Status: 200, Text: "HTML page instead of XML (maintenance page or wrong URL?)"},
		wantContains: []string{"Service Unavailable"}, wantRequests: 1,
	}, {
		name: "200_empty_body", status: 200, body: "  \n",
		wantAPI:      &APIError{Status: 200, Text: "empty body instead of XML"},
		wantRequests: 1,
	}, {
		name: "200_plain_text_body", status: 200, body: "OK then",
		wantAPI:      &APIError{Status: 200, Text: "body is not XML"},
		wantContains: []string{`"OK then"`}, wantRequests: 1,
	}, {
		name: "200_generic_return_999_is_retried", status: 200,
		body: `<GENERIC_RETURN><API name="list" username="x" at="2025"/><RETURN status="FAILED" ` +
			`number="999">Internal error. Please contact customer support.</RETURN></GENERIC_RETURN>`,
		wantAPI: &APIError{Status: 200, Code: "999", Text: "Internal error. Please contact " +
			"customer support."},
		wantRequests: DefaultMaxAttempts,
	}, {
		name: "200_code_inside_list_output", status: 200,
		body: `<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2025</DATETIME>` +
			`<CODE>1907</CODE><TEXT>combination not supported</TEXT></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`,
		wantAPI:      &APIError{Status: 200, Code: "1907", Text: "combination not supported"},
		wantRequests: 1,
	}, {
		name: "malformed_xml", status: 200,
		body:         `<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID></HOSTX>`,
		wantContains: []string{"decode HOST"}, wantRequests: 1,
	}, {
		// The body ends cleanly inside the document, before a HOST is complete: a cut
		// stream, re-sent like any transport failure.
		name: "truncated_document_is_retried", status: 200,
		body:         hldTwoHosts[:len(hldTwoHosts)/3],
		wantContains: []string{"unexpected EOF"}, wantRequests: DefaultMaxAttempts,
	}, {
		name: "wrong_root", status: 200, body: scanListEmpty,
		wantContains: []string{"unexpected root element <SCAN_LIST_OUTPUT>"}, wantRequests: 1,
	}, {
		name: "bad_host_id", status: 200,
		body:         strings.Replace(hldTwoHosts, "<ID>4401</ID>", "<ID>44x1</ID>", 1),
		wantContains: []string{`parse HOST/ID: "44x1"`}, wantRequests: 1,
	}, {
		name: "redirect_to_other_place", status: 301,
		header:       map[string]string{"Location": "https://login.example.test/portal/"},
		body:         moved301,
		wantAPI:      &APIError{Status: 301, Text: "redirect not followed (to https://login.example.test/portal/): check the platform URL"},
		wantContains: []string{"Moved Permanently"}, wantRequests: 1,
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32

				c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					calls.Add(1)

					for k, v := range tt.header {
						w.Header().Set(k, v)
					}

					w.WriteHeader(tt.status)
					_, _ = io.WriteString(w, tt.body)
				}))

				_, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{1}}, noop[Host])
				if err == nil {
					t.Fatal("no error")
				}

				var apiErr *APIError
				if isAPI := errors.As(err, &apiErr); isAPI != (tt.wantAPI != nil) {
					t.Fatalf("errors.As APIError = %v, want %v (err %v)", isAPI, tt.wantAPI != nil, err)
				}

				if tt.wantAPI != nil {
					if diff := cmp.Diff(tt.wantAPI, apiErr, cmpopts.IgnoreUnexported(APIError{}),
						cmpopts.IgnoreFields(APIError{}, "Snippet", "Endpoint")); diff != "" {
						t.Errorf("APIError (-want +got):\n%s", diff)
					}

					if apiErr.Endpoint != "detection" {
						t.Errorf("Endpoint = %q, want detection", apiErr.Endpoint)
					}

					if len(apiErr.Snippet) > snippetMax+3 || strings.ContainsAny(apiErr.Snippet, "<>\n") {
						t.Errorf("snippet not short and sanitised: %q", apiErr.Snippet)
					}
				}

				for _, s := range tt.wantContains {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}

				if got := errors.Is(err, ErrUnauthorized); got != tt.unauthorized {
					t.Errorf("errors.Is(err, ErrUnauthorized) = %v, want %v", got, tt.unauthorized)
				}

				if calls.Load() != tt.wantRequests {
					t.Errorf("requests = %d, want %d", calls.Load(), tt.wantRequests)
				}
			})
		})
	}
}

func TestRedirect_missing_trailing_slash_says_so(t *testing.T) {
	t.Parallel()

	c, err := New(Config{BaseURL: "https://qualysapi.example.test", Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}

	reqURL, _ := url.Parse("https://qualysapi.example.test/api/2.0/fo/scan")
	resp := &http.Response{StatusCode: 301, Request: &http.Request{URL: reqURL},
		Header: http.Header{"Location": {"https://qualysapi.example.test/api/2.0/fo/scan/"}},
		Body:   io.NopCloser(strings.NewReader(moved301))}

	_, err = c.openBody("scan_list", resp)
	if err == nil || !strings.Contains(err.Error(), "lacks its trailing slash") {
		t.Errorf("err = %v, want one that names the missing trailing slash", err)
	}
}

func TestErrors_transport_error_mid_body_is_retried(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32

		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			body := io.Reader(strings.NewReader(hldTwoHosts))
			if calls.Add(1) == 1 {
				// The connection drops before the first HOST is complete.
				body = io.MultiReader(strings.NewReader(hldTwoHosts[:300]),
					errReader{io.ErrUnexpectedEOF})
			}

			return &http.Response{StatusCode: 200, Header: http.Header{}, Request: r,
				Body: io.NopCloser(body)}, nil
		})

		c := memClient(t, nil, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: rt} })

		emit, got := collect[Host]()

		page, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{1}}, emit)
		if err != nil {
			t.Fatalf("HostDetections: %v", err)
		}

		if len(got()) != 2 || page.Requests != 2 {
			t.Errorf("got %d hosts in %d requests, want 2 in 2", len(got()), page.Requests)
		}
	})
}

// TestPaging_resumes_after_a_cut_body cuts the connection after the first item of a page:
// re-sending the page would emit that item twice, so host pulls ask again from just past
// it (hosts come in ID order), and the KB, whose order is not documented, fails instead.
func TestPaging_resumes_after_a_cut_body(t *testing.T) {
	t.Parallel()

	kbCut := strings.Index(kbTwoVulns,
		"<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT  -->\n      <VULN>")

	tests := []struct {
		name      string
		call      func(c *Client, t *testing.T) (int, error)
		body      string
		cutAt     int
		wantCalls int32
		wantMins  []string // id_min of each request
		wantItems int
		wantErr   bool
	}{{
		name: "host_detections_resume_past_the_last_host",
		call: func(c *Client, t *testing.T) (int, error) {
			emit, got := collect[Host]()
			_, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{1}}, emit)

			return len(got()), err
		},
		body: hldTwoHosts, cutAt: strings.Index(hldTwoHosts, "<!-- keep-alive"), wantCalls: 2,
		wantMins: []string{"", "4402"}, wantItems: 2,
	}, {
		name: "knowledge_base_is_not_resumed",
		call: func(c *Client, t *testing.T) (int, error) {
			emit, got := collect[Vuln]()
			_, err := c.KnowledgeBase(t.Context(), KBQuery{IDs: []int{1}}, emit)

			return len(got()), err
		},
		body: kbTwoVulns, cutAt: kbCut, wantCalls: 1, wantMins: []string{""}, wantItems: 1,
		wantErr: true,
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				var (
					calls atomic.Int32
					mins  []string
				)

				rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
					calls.Add(1)

					body, _ := io.ReadAll(r.Body)
					form, _ := url.ParseQuery(string(body))
					mins = append(mins, form.Get("id_min"))

					// The first answer breaks off; the resumed one is the document without
					// the hosts below id_min, as Qualys sends it.
					resp := io.MultiReader(strings.NewReader(tt.body[:tt.cutAt]),
						errReader{io.ErrUnexpectedEOF})
					if form.Get("id_min") == "4402" {
						first := strings.Index(tt.body, "<HOST>")
						resp = strings.NewReader(tt.body[:first] + tt.body[tt.cutAt:])
					}

					return &http.Response{StatusCode: 200, Header: http.Header{}, Request: r,
						Body: io.NopCloser(resp)}, nil
				})

				c := memClient(t, nil, func(cfg *Config) {
					cfg.HTTPClient = &http.Client{Transport: rt}
				})

				n, err := tt.call(c, t)
				if (err != nil) != tt.wantErr || n != tt.wantItems || calls.Load() != tt.wantCalls {
					t.Errorf("err = %v, %d items, %d calls; want error %v, %d, %d", err, n,
						calls.Load(), tt.wantErr, tt.wantItems, tt.wantCalls)
				}

				if tt.wantErr && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v, want the unexpected EOF", err)
				}

				if diff := cmp.Diff(tt.wantMins, mins); diff != "" {
					t.Errorf("id_min sent (-want +got):\n%s", diff)
				}
			})
		})
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
