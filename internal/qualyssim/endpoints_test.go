package qualyssim

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHostList(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{})
	hosts := s.Dataset().Hosts()

	tests := []struct {
		name    string
		form    url.Values
		wantN   int
		wantIDs bool // ID_SET instead of HOST_LIST
		warning bool
	}{
		{"basic_by_ip", url.Values{"ips": {DemoIP}}, 1, false, false},
		{"details_none_id_set", url.Values{"details": {"None"}, "truncation_limit": {"0"}},
			len(hosts), true, false},
		{"details_all_paged", url.Values{"details": {"All"}, "truncation_limit": {"10"}}, 10, false, true},
		{"ids_range", url.Values{"ids": {"1-" + strconv.FormatInt(hosts[4].ID, 10)}}, 5, false, false},
		{"os_pattern", url.Values{"os_pattern": {"^Ubuntu 20"}, "ips": {"10.0.0.0/24"}}, 1, false, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			tt.form.Set("action", "list")
			resp, body := do(t, ts, call{path: "/api/5.0/fo/asset/host/", form: tt.form})
			mustWellFormed(t, body)

			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, head(body))
			}

			doc := decodeHLD(t, body)
			n := len(doc.Hosts)

			if tt.wantIDs {
				n = len(doc.IDs)
			}

			if n != tt.wantN || (doc.Warning != nil) != tt.warning {
				t.Errorf("records = %d, warning = %v; want %d, %v", n, doc.Warning != nil, tt.wantN, tt.warning)
			}
		})
	}
}

type kbDoc struct {
	Vulns []struct {
		QID       int      `xml:"QID"`
		Title     string   `xml:"TITLE"`
		CVEs      []string `xml:"CVE_LIST>CVE>ID"`
		Diagnosis string   `xml:"DIAGNOSIS"`
		Solution  string   `xml:"SOLUTION"`
		CVSS3     string   `xml:"CVSS_V3>BASE"`
		Intel     []string `xml:"THREAT_INTELLIGENCE>THREAT_INTEL"`
	} `xml:"RESPONSE>VULN_LIST>VULN"`
	IDs []int `xml:"RESPONSE>ID_SET>ID"`
}

func TestKnowledgeBase(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	tests := []struct {
		name, path string
		form       url.Values
		wantStatus int
		wantQIDs   []int
	}{
		{"ids_v2", "/api/2.0/fo/knowledge_base/vuln/", url.Values{"ids": {"38623,376157"}}, 200,
			[]int{38623, 376157}},
		{"cve_v4", "/api/4.0/fo/knowledge_base/vuln/", url.Values{"cve": {DemoCVE}}, 200,
			[]int{376157, 376160, 730297}},
		{"cve_lowercase_v3", "/api/3.0/fo/knowledge_base/vuln/", url.Values{"cve": {"cve-2014-0160"}}, 200,
			[]int{42430}},
		{"cve_rejected_on_v2", "/api/2.0/fo/knowledge_base/vuln/", url.Values{"cve": {DemoCVE}}, 400, nil},
		{"index_php", "/api/4.0/fo/knowledge_base/vuln/index.php", url.Values{"ids": {"38623"},
			"details": {"All"}}, 200, []int{38623}},
		{"id_range", "/api/4.0/fo/knowledge_base/vuln/", url.Values{"id_min": {"90000"},
			"id_max": {"92000"}}, 200, []int{90043, 91345, 91541, 91688, 91785}},
		{"unknown_qid_empty", "/api/4.0/fo/knowledge_base/vuln/", url.Values{"ids": {"999999"}}, 200, nil},
		{"truncation_not_supported", "/api/4.0/fo/knowledge_base/vuln/",
			url.Values{"truncation_limit": {"10"}}, 400, nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			tt.form.Set("action", "list")
			resp, body := do(t, ts, call{method: http.MethodPost, path: tt.path, form: tt.form})
			mustWellFormed(t, body)

			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tt.wantStatus, head(body))
			}

			var doc kbDoc
			if err := xml.Unmarshal(body, &doc); err != nil {
				t.Fatalf("decode: %v", err)
			}

			var got []int
			for _, v := range doc.Vulns {
				got = append(got, v.QID)
			}

			if diff := cmp.Diff(tt.wantQIDs, got); diff != "" {
				t.Errorf("QIDs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKnowledgeBaseContent(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})
	_, body := do(t, ts, call{path: "/api/4.0/fo/knowledge_base/vuln/",
		form: url.Values{"action": {"list"}, "ids": {"11827,376160"}}})

	if !strings.Contains(string(body), "<!-- keep-alive for KNOWLEDGE_BASE_VULN_LIST_OUTPUT") {
		t.Error("keep-alive comment missing")
	}

	var doc kbDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}

	if len(doc.Vulns) != 2 {
		t.Fatalf("vulns = %d, want 2", len(doc.Vulns))
	}

	if !strings.Contains(doc.Vulns[0].Diagnosis, "<script>") ||
		!strings.Contains(doc.Vulns[0].Solution, "onclick=") {
		t.Errorf("QID 11827 lacks the <script>/onclick sanitiser fodder: %q", doc.Vulns[0].Diagnosis)
	}

	if diff := cmp.Diff([]string{"CVE-2021-45046", "CVE-2021-44228"}, doc.Vulns[1].CVEs); diff != "" {
		t.Errorf("CVE_LIST (-want +got):\n%s", diff)
	}

	if doc.Vulns[1].CVSS3 != "9.0" || len(doc.Vulns[1].Intel) == 0 {
		t.Errorf("CVSS_V3 %q, intel %v", doc.Vulns[1].CVSS3, doc.Vulns[1].Intel)
	}

	_, none := do(t, ts, call{path: "/api/4.0/fo/knowledge_base/vuln/",
		form: url.Values{"action": {"list"}, "details": {"None"}, "ids": {"6-45038"}}})

	var ids kbDoc
	if err := xml.Unmarshal(none, &ids); err != nil {
		t.Fatalf("decode: %v", err)
	}

	if !slices.Contains(ids.IDs, 38623) || len(ids.Vulns) != 0 {
		t.Errorf("details=None: IDs %v, vulns %d", ids.IDs, len(ids.Vulns))
	}
}
