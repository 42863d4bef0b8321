package qualyssim

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDetectionHostFilters(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	tests := []struct {
		name    string
		form    url.Values
		wantIPs []string
	}{
		{"single_ip", url.Values{"ips": {DemoIP}}, []string{DemoIP}},
		{"ip_is_not_a_prefix", url.Values{"ips": {DemoIPFirst}}, []string{DemoIPFirst}},
		{"hyphen_range", url.Values{"ips": {"10.0.0.1-10.0.0.10"}},
			[]string{DemoIPFirst, DemoIP, DemoIPTen}},
		{"cidr", url.Values{"ips": {"10.0.0.0/27"}},
			[]string{DemoIPFirst, DemoIP, DemoIPTen, "10.0.0.20"}},
		{"list_with_spaces", url.Values{"ips": {"10.0.0.10, 10.0.0.1"}}, []string{DemoIPFirst, DemoIPTen}},
		{"ipv6", url.Values{"ipv6": {DemoIPv6}}, []string{DemoIPv6}},
		{"ipv6_non_canonical", url.Values{"ipv6": {"2001:0db8:0000:0010:0000:0000:0000:0005"}},
			[]string{DemoIPv6}},
		{"unknown_ip_is_empty", url.Values{"ips": {"10.255.255.1"}}, nil},
		{"version_2", url.Values{"ips": {DemoIP}}, []string{DemoIP}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			tt.form.Set("action", "list")
			path := "/api/5.0/fo/asset/host/vm/detection/"
			if tt.name == "version_2" {
				path = "/api/2.0/fo/asset/host/vm/detection/"
			}

			resp, body := do(t, ts, call{method: http.MethodPost, path: path, form: tt.form})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, head(body))
			}

			got := decodeHLD(t, body).hostIPs()
			if diff := cmp.Diff(tt.wantIPs, got); diff != "" {
				t.Errorf("hosts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectionDetectionFilters(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{})

	tests := []struct {
		name      string
		form      url.Values
		wantQIDs  []int
		wantPorts []int
	}{
		{"default_hides_info_and_fixed", url.Values{},
			[]int{11827, 38623, 38623, 42430, 105943, 376157, 730297}, nil},
		{"qid_on_two_ports", url.Values{"qids": {"38623"}}, []int{38623, 38623}, []int{443, 8443}},
		{"show_igs", url.Values{"qids": {"1-50000"}, "show_igs": {"1"}},
			[]int{6, 11827, 38623, 38623, 42430, 45017, 45038}, nil},
		{"status_fixed", url.Values{"status": {"Fixed"}}, []int{38628}, nil},
		{"severities_range", url.Values{"severities": {"4-5"}}, []int{42430, 105943, 376157, 730297}, nil},
		{"potential_only", url.Values{"include_vuln_type": {"potential"}}, []int{11827}, nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			tt.form.Set("action", "list")
			tt.form.Set("ips", DemoIP)
			_, body := do(t, ts, call{path: "/api/5.0/fo/asset/host/vm/detection/", form: tt.form})
			doc := decodeHLD(t, body)

			if len(doc.Hosts) != 1 {
				t.Fatalf("hosts = %d, want 1\n%s", len(doc.Hosts), head(body))
			}

			var qids, ports []int
			for _, d := range doc.Hosts[0].Detections {
				qids = append(qids, d.QID)
				ports = append(ports, d.Port)
			}

			slices.Sort(qids)

			if diff := cmp.Diff(tt.wantQIDs, qids); diff != "" {
				t.Errorf("QIDs (-want +got):\n%s", diff)
			}

			if tt.wantPorts != nil {
				if diff := cmp.Diff(tt.wantPorts, ports); diff != "" {
					t.Errorf("ports (-want +got):\n%s", diff)
				}
			}
		})
	}

	_ = s
}

func TestDetectionOptionalElements(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})
	form := url.Values{"action": {"list"}, "ips": {DemoIP}, "show_asset_id": {"1"}, "show_qds": {"1"},
		"show_qds_factors": {"1"}, "show_results": {"0"}, "qids": {"376157"}}
	_, body := do(t, ts, call{path: "/api/4.0/fo/asset/host/vm/detection/", form: form})
	doc := decodeHLD(t, body)

	if len(doc.Hosts) != 1 || len(doc.Hosts[0].Detections) != 1 {
		t.Fatalf("want one host with one detection:\n%s", head(body))
	}

	h, d := doc.Hosts[0], doc.Hosts[0].Detections[0]
	if h.AssetID == 0 {
		t.Error("ASSET_ID missing with show_asset_id=1")
	}

	if d.QDS == nil || d.QDS.Severity != "CRITICAL" || d.QDS.Value < 90 {
		t.Errorf("QDS = %+v, want CRITICAL >= 90", d.QDS)
	}

	if len(d.Factors) < 4 {
		t.Errorf("QDS_FACTORS = %v, want at least 4", d.Factors)
	}

	if d.Results != "" {
		t.Errorf("RESULTS present with show_results=0: %q", d.Results)
	}

	_, plain := do(t, ts, call{path: "/api/5.0/fo/asset/host/vm/detection/",
		form: url.Values{"action": {"list"}, "ips": {DemoIP}}})
	for _, el := range []string{"<ASSET_ID>", "<QDS ", "<QDS_FACTORS>"} {
		if strings.Contains(string(plain), el) {
			t.Errorf("%s present without its show_ flag", el)
		}
	}
}

func TestDetectionInvalidValues(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	tests := []struct {
		name, param, value, wantText string
	}{
		{"ids_not_a_number", "ids", "abc123",
			"parameter ids has invalid value: abc123 (neither a positive integer nor a range: abc123)"},
		{"ips_garbage", "ips", "10.0.0.999", ""},
		{"ipv6_range_not_allowed", "ipv6", "2001:db8::1-2001:db8::9", ""},
		{"status_unknown", "status", "Open", ""},
		{"truncation_negative", "truncation_limit", "-1", ""},
		{"flag_not_binary", "show_qds", "yes", ""},
		{"id_min_zero", "id_min", "0", ""},
		{"csv_output", "output_format", "CSV", ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			form := url.Values{"action": {"list"}, tt.param: {tt.value}}
			resp, body := do(t, ts, call{method: http.MethodPost,
				path: "/api/2.0/fo/asset/host/vm/detection/", form: form})

			sr := decodeSimpleReturn(t, body)
			if resp.StatusCode != 400 || sr.Response.Code != "1905" {
				t.Fatalf("status %d CODE %s, want 400/1905", resp.StatusCode, sr.Response.Code)
			}

			if tt.wantText != "" && sr.Response.Text != tt.wantText {
				t.Errorf("TEXT = %q, want %q", sr.Response.Text, tt.wantText)
			}
		})
	}
}

var idMinRE = regexp.MustCompile(`id_min=(\d+)`)

// TestDetectionPagingWalk follows WARNING/URL pages to the end: every expected host once.
func TestDetectionPagingWalk(t *testing.T) {
	t.Parallel()

	s, ts, _ := setup(t, Config{Hosts: 500})

	var want []int64

	for _, h := range s.Dataset().Hosts() {
		for _, d := range h.Detections {
			if d.Type != TypeInfo && d.Status != StatusFixed {
				want = append(want, h.ID)

				break
			}
		}
	}

	var got []int64

	form := url.Values{"action": {"list"}, "truncation_limit": {"37"}, "show_results": {"0"}}
	pages := 0

	for {
		pages++

		_, body := do(t, ts, call{path: "/api/5.0/fo/asset/host/vm/detection/", form: form})
		doc := decodeHLD(t, body)

		if len(doc.Hosts) > 37 {
			t.Fatalf("page %d has %d hosts, limit 37", pages, len(doc.Hosts))
		}

		for _, h := range doc.Hosts {
			got = append(got, h.ID)
		}

		if doc.Warning == nil {
			break
		}

		if doc.Warning.Code != "1980" || !strings.HasPrefix(strings.TrimSpace(doc.Warning.URL), ts.URL+"/api/5.0/") {
			t.Fatalf("WARNING = %+v", doc.Warning)
		}

		m := idMinRE.FindStringSubmatch(doc.Warning.URL)
		if m == nil {
			t.Fatalf("no id_min in %q", doc.Warning.URL)
		}

		if _, err := strconv.ParseInt(m[1], 10, 64); err != nil {
			t.Fatalf("id_min %q: %v", m[1], err)
		}

		form.Set("id_min", m[1])
	}

	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hosts over %d pages (-want +got):\n%s", pages, diff)
	}

	if wantPages := (len(want) + 36) / 37; pages != wantPages {
		t.Errorf("pages = %d, want %d", pages, wantPages)
	}
}

func TestDetectionTruncationZeroReturnsAll(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})
	_, body := do(t, ts, call{path: "/api/5.0/fo/asset/host/vm/detection/",
		form: url.Values{"action": {"list"}, "truncation_limit": {"0"}, "show_results": {"0"}}})
	doc := decodeHLD(t, body)

	if doc.Warning != nil || len(doc.Hosts) < 150 {
		t.Errorf("hosts = %d, warning %v; want all hosts, no warning", len(doc.Hosts), doc.Warning)
	}
}
