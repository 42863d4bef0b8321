package qualyssim

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type qpsDoc struct {
	Code    string `xml:"responseCode"`
	Count   int    `xml:"count"`
	More    bool   `xml:"hasMoreRecords"`
	LastID  int64  `xml:"lastId"`
	ErrMsg  string `xml:"responseErrorDetails>errorMessage"`
	Records []struct {
		ID         int64  `xml:"id"`
		QWebHostID int64  `xml:"qwebHostId"`
		DNS        string `xml:"dnsHostName"`
		FQDN       string `xml:"fqdn"`
		Address    string `xml:"address"`
	} `xml:"data>HostAsset"`
}

func qpsBody(limit int, offset int, criteria string) string {
	return "<ServiceRequest><preferences><limitResults>" + strconv.Itoa(limit) +
		"</limitResults><startFromOffset>" + strconv.Itoa(offset) + "</startFromOffset></preferences>" +
		"<filters>" + criteria + "</filters></ServiceRequest>"
}

func TestQPSHostAssetSearch(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{})
	corp := len(s.Dataset().HostsInDomain(DemoDomain))
	notcorp := len(s.Dataset().HostsInDomain(DemoConfusableDomain))
	demo, _ := s.Dataset().HostByIP(mustAddr(DemoIP))

	tests := []struct {
		name, body string
		user       string
		wantCode   string
		wantCount  int
	}{
		{"contains_matches_confusable_too", qpsBody(1000, 1,
			`<Criteria field="dnsHostName" operator="CONTAINS">corp.example.com</Criteria>`),
			"", "SUCCESS", corp + notcorp},
		{"equals_fqdn", qpsBody(100, 1,
			`<Criteria field="fqdn" operator="EQUALS">APP05.corp.example.com</Criteria>`), "", "SUCCESS", 1},
		{"qweb_host_id_in", qpsBody(100, 1, `<Criteria field="qwebHostId" operator="IN">`+
			strconv.FormatInt(demo.ID, 10)+`,1</Criteria>`), "", "SUCCESS", 1},
		{"address_equals", qpsBody(100, 1,
			`<Criteria field="address" operator="EQUALS">`+DemoIPv6+`</Criteria>`), "", "SUCCESS", 1},
		{"bad_xml", "<ServiceRequest><filters>", "", "INVALID_REQUEST", 0},
		{"unknown_field", qpsBody(10, 1, `<Criteria field="color" operator="EQUALS">x</Criteria>`),
			"", "INVALID_REQUEST", 0},
		{"bad_credentials", qpsBody(10, 1, ""), "mallory", "INVALID_CREDENTIALS", 0},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c := call{method: http.MethodPost, path: qpsHostAssetPath, body: tt.body, noXRW: true}
			if tt.user != "" {
				c.user, c.pass = tt.user, "wrong"
			}

			resp, body := do(t, ts, c)

			if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Limit") != "" {
				t.Fatalf("status %d, rate header %q; QPS answers 200 without limit headers",
					resp.StatusCode, resp.Header.Get("X-RateLimit-Limit"))
			}

			var doc qpsDoc
			if err := xml.Unmarshal(body, &doc); err != nil {
				t.Fatalf("decode: %v\n%s", err, head(body))
			}

			if doc.Code != tt.wantCode || doc.Count != tt.wantCount {
				t.Errorf("code %s count %d, want %s %d", doc.Code, doc.Count, tt.wantCode, tt.wantCount)
			}
		})
	}
}

func TestQPSPaging(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{})

	var got []int64

	for offset := 1; ; offset += 7 {
		_, body := do(t, ts, call{method: http.MethodPost, path: qpsHostAssetPath, noXRW: true,
			body: qpsBody(7, offset, `<Criteria field="dnsHostName" operator="CONTAINS">example.net</Criteria>`)})

		var doc qpsDoc
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("decode: %v", err)
		}

		for _, r := range doc.Records {
			got = append(got, r.QWebHostID)
		}

		if !doc.More {
			break
		}
	}

	var want []int64
	for _, h := range s.Dataset().HostsInDomain("prod.example.net") {
		want = append(want, h.ID)
	}

	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paged host ids (-want +got):\n%s", diff)
	}
}

type scanDoc struct {
	Scans []struct {
		Ref       string `xml:"REF"`
		Type      string `xml:"TYPE"`
		Title     string `xml:"TITLE"`
		Duration  string `xml:"DURATION"`
		Processed int    `xml:"PROCESSED"`
		State     string `xml:"STATUS>STATE"`
		SubState  string `xml:"STATUS>SUB_STATE"`
		Target    string `xml:"TARGET"`
		OpTitle   string `xml:"OPTION_PROFILE>TITLE"`
	} `xml:"RESPONSE>SCAN_LIST>SCAN"`
}

func decodeScans(t *testing.T, body []byte) scanDoc {
	t.Helper()

	var doc scanDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}

	return doc
}

func TestScanListFilters(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	tests := []struct {
		name       string
		form       url.Values
		wantTitles []string
	}{
		{"target_demo_ip", url.Values{"target": {DemoIP}},
			[]string{"Weekly corp internal (retry)", "Weekly corp internal", "Ad hoc 10.0.0.5", "Log4Shell sweep"}},
		{"target_and_state", url.Values{"target": {DemoIP}, "state": {"Finished"}},
			[]string{"Weekly corp internal", "Log4Shell sweep"}},
		{"show_last", url.Values{"target": {DemoIP}, "show_last": {"1"}},
			[]string{"Weekly corp internal (retry)"}},
		{"running", url.Values{"state": {"Running"}}, []string{"Nightly 10.1.0.0/24"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			tt.form.Set("action", "list")
			_, body := do(t, ts, call{path: "/api/3.0/fo/scan/", form: tt.form})
			mustWellFormed(t, body)
			doc := decodeScans(t, body)

			var titles []string
			for _, sc := range doc.Scans {
				titles = append(titles, strings.TrimSpace(sc.Title)) // 3.0 pads the CDATA
			}

			if diff := cmp.Diff(tt.wantTitles, titles); diff != "" {
				t.Errorf("scans (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanLaunchErrors(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	tests := []struct {
		name     string
		method   string
		form     url.Values
		wantCode string
	}{
		{"get_not_allowed", http.MethodGet, url.Values{"ip": {DemoIP}, "option_title": {DemoOptionProfile},
			"default_scanner": {"1"}}, "1908"},
		{"no_option_profile", "", url.Values{"ip": {DemoIP}, "default_scanner": {"1"}}, "1922"},
		{"both_option_fields", "", url.Values{"ip": {DemoIP}, "option_id": {"43165"},
			"option_title": {DemoOptionProfile}, "default_scanner": {"1"}}, "1904"},
		{"unknown_option_title", "", url.Values{"ip": {DemoIP}, "option_title": {"Nope"},
			"default_scanner": {"1"}}, "1905"},
		{"unknown_scanner", "", url.Values{"ip": {DemoIP}, "option_id": {"43165"},
			"iscanner_name": {"ghost"}}, "1905"},
		{"private_ip_needs_scanner", "", url.Values{"ip": {DemoIP}, "option_id": {"43165"}}, "1922"},
		{"no_target", "", url.Values{"option_id": {"43165"}, "default_scanner": {"1"}}, "1922"},
		{"bad_ip", "", url.Values{"ip": {"10.0.0.300"}, "option_id": {"43165"},
			"default_scanner": {"1"}}, "1905"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			method := tt.method
			if method == "" {
				method = http.MethodPost
			}

			tt.form.Set("action", "launch")
			resp, body := do(t, ts, call{method: method, path: "/api/2.0/fo/scan/", form: tt.form})

			if got := decodeSimpleReturn(t, body).Response.Code; resp.StatusCode != 400 || got != tt.wantCode {
				t.Errorf("status %d CODE %s, want 400 %s", resp.StatusCode, got, tt.wantCode)
			}
		})
	}
}

func TestScanLaunchProgression(t *testing.T) {
	t.Parallel()

	speed := ScanSpeed{Queued: 2 * time.Second, Running: 5 * time.Second, Loading: time.Second}
	_, ts, clock := setup(t, Config{ScanSpeed: speed})

	tests := []struct {
		name, ip, version string
		wantLastSub       string
	}{
		{"known_host_v2", DemoIP, "2.0", ""},
		{"unknown_host_v3", "198.51.100.250", "3.0", "No_Host"},
	}

	for _, tt := range tests {
		form := url.Values{"action": {"launch"}, "ip": {tt.ip}, "option_title": {DemoOptionProfile},
			"iscanner_name": {DemoScanner}, "scan_title": {"qlens " + tt.name}}
		resp, body := do(t, ts, call{method: http.MethodPost, path: "/api/" + tt.version + "/fo/scan/", form: form})
		sr := decodeSimpleReturn(t, body)

		if resp.StatusCode != 200 || sr.Response.Text != "New vm scan launched" || sr.item("ID") == "" {
			t.Fatalf("%s: launch answered %d %+v", tt.name, resp.StatusCode, sr)
		}

		ref := sr.item("REFERENCE")
		steps := []struct {
			advance              time.Duration
			state, sub, duration string
		}{
			{0, "Queued", "Launching", "Pending"},
			{2 * time.Second, "Running", "", "Pending"},
			{5 * time.Second, "Loading", "", "Pending"},
			{time.Second, "Finished", tt.wantLastSub, "00:00:08"},
		}

		for _, st := range steps {
			clock.Advance(st.advance)

			_, body := do(t, ts, call{path: "/api/3.0/fo/scan/", form: url.Values{"action": {"list"},
				"scan_ref": {ref}, "show_op": {"1"}}})
			doc := decodeScans(t, body)

			if len(doc.Scans) != 1 {
				t.Fatalf("%s: scan_ref %s listed %d scans", tt.name, ref, len(doc.Scans))
			}

			sc := doc.Scans[0]
			got := []string{sc.State, sc.SubState, sc.Duration, sc.Type, sc.OpTitle}
			want := []string{st.state, st.sub, st.duration, "API", DemoOptionProfile}

			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s at +%v (-want +got):\n%s", tt.name, st.advance, diff)
			}
		}
	}
}
