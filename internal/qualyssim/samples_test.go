package qualyssim

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// samplesDir holds real Qualys bodies (shared/qualys-samples), outside the module.
const samplesDir = "../../../shared/qualys-samples"

// TestStructureMatchesSamples compares the element paths of each response with a real sample of
// the same kind: same root, every path we emit is in the sample or in the documented extras, and
// the sample's core paths all appear.
func TestStructureMatchesSamples(t *testing.T) {
	t.Parallel()

	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("samples not available: %v", err)
	}

	_, ts, _ := setup(t, Config{})

	launch := url.Values{"action": {"launch"}, "ip": {DemoIP}, "option_id": {"43165"},
		"default_scanner": {"1"}}

	tests := []struct {
		name, sample string
		c            call
		extras       []string // documented elements the sample happens not to show
		minShare     int      // percent of the sample's paths we must emit; 0 = 60
	}{
		{"hld", "detection_qds_factors_truncation_warning__elastic.xml",
			call{path: "/api/5.0/fo/asset/host/vm/detection/", form: url.Values{"action": {"list"},
				"truncation_limit": {"2"}, "show_qds": {"1"}, "show_qds_factors": {"1"}}},
			[]string{"HOST/IPV6", "DETECTION/PORT", "DETECTION/PROTOCOL"}, 0},
		{"hld_ports", "detection_multi_host_results_cdata__xsoar.xml",
			call{path: "/api/2.0/fo/asset/host/vm/detection/", form: url.Values{"action": {"list"},
				"ips": {DemoIP}}},
			[]string{"DETECTION/UNIQUE_VULN_ID", "DNS_DATA/DOMAIN", "HOST/NETBIOS"}, 0},
		{"host_list_id_set", "host_list_id_set_details_none__jupiterone.xml",
			call{path: "/api/5.0/fo/asset/host/", form: url.Values{"action": {"list"}, "details": {"None"},
				"truncation_limit": {"0"}}}, nil, 0},
		{"host_list_warning", "host_list_ec2_host_truncation_warning__qualys_guide.xml",
			call{path: "/api/5.0/fo/asset/host/", form: url.Values{"action": {"list"}, "details": {"All"},
				"truncation_limit": {"5"}}},
			[]string{"HOST/DNS_DATA", "DNS_DATA/HOSTNAME", "DNS_DATA/DOMAIN", "DNS_DATA/FQDN",
				"HOST/NETBIOS", "HOST/IPV6", "HOST/FIRST_FOUND_DATE"}, 0},
		{"kb", "kb_vuln_single_cve_cdata_html_keepalive__jupiterone.xml",
			call{path: "/api/4.0/fo/knowledge_base/vuln/", form: url.Values{"action": {"list"},
				"ids": {"316760,376157"}}},
			[]string{"VULN/CVSS", "CVSS/BASE", "CVSS/TEMPORAL", "VULN/CVSS_V3", "CVSS_V3/BASE",
				"CVSS_V3/TEMPORAL", "CVSS_V3/VECTOR_STRING", "CVSS_V3/CVSS3_VERSION",
				"VULN/THREAT_INTELLIGENCE", "THREAT_INTELLIGENCE/THREAT_INTEL"}, 0},
		{"scan_list", "scan_list_finished_and_error__ruby_qualys.xml",
			call{path: "/api/3.0/fo/scan/", form: url.Values{"action": {"list"}, "target": {DemoIP}}},
			[]string{"STATUS/SUB_STATE"}, 0},
		{"scan_launch", "scan_launch_success_simple_return__qualys_docs.xml",
			call{method: http.MethodPost, path: "/api/2.0/fo/scan/", form: launch}, nil, 0},
		{"error_1905", "error_1905_invalid_param_http400__jupiterone.xml",
			call{path: "/api/5.0/fo/asset/host/vm/detection/", form: url.Values{"action": {"list"},
				"ids": {"abc123"}}}, nil, 0},
		{"qps", "qps_hostasset_search_ec2__jupiterone.xml",
			call{method: http.MethodPost, path: qpsHostAssetPath, noXRW: true,
				body: qpsBody(3, 1, `<Criteria field="fqdn" operator="CONTAINS">corp</Criteria>`)},
			[]string{"HostAsset/netbiosName", "ServiceResponse/lastId"}, 40},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			sample, err := os.ReadFile(filepath.Join(samplesDir, tt.sample))
			if err != nil {
				t.Skipf("sample %s: %v", tt.sample, err)
			}

			_, body := do(t, ts, tt.c)
			mustWellFormed(t, body)

			ours, theirs := elementPaths(t, body), elementPaths(t, sample)
			if ours[0] != theirs[0] {
				t.Fatalf("root %s, sample root %s", ours[0], theirs[0])
			}

			for _, p := range ours {
				if !slices.Contains(theirs, p) && !hasSuffixIn(p, tt.extras) {
					t.Errorf("we emit %s, absent from the sample and not a documented extra", p)
				}
			}

			core := 0

			for _, p := range theirs {
				if slices.Contains(ours, p) {
					core++
				}
			}

			share := tt.minShare
			if share == 0 {
				share = 60
			}

			// The QPS sample is an EC2 asset: its sourceInfo tree has no counterpart here.
			if core*100 < len(theirs)*share {
				t.Errorf("only %d of the sample's %d paths appear in ours", core, len(theirs))
			}
		})
	}
}

func hasSuffixIn(p string, suffixes []string) bool {
	for _, s := range suffixes {
		if p == s || strings.HasSuffix(p, "/"+s) {
			return true
		}
	}

	return false
}
