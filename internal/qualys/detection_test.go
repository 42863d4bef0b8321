package qualys

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}

	return t
}

func TestHostDetections_decodes_pitfalls(t *testing.T) {
	t.Parallel()

	c, mux := setup(t)
	mux.HandleFunc("/api/5.0/fo/asset/host/vm/detection/", expectForm(t, map[string]string{
		"action": "list", "ips": "192.0.2.10,192.0.2.20-192.0.2.30", "ipv6": "2001:db8::7",
		"ids": "4401,4402", "qids": "38173,105500", "status": "New,Active",
		"show_asset_id": "1", "show_results": "1", "show_qds": "1", "show_qds_factors": "1",
		"truncation_limit": "1000", "id_min": "-",
	}, http.StatusOK, hldTwoHosts))

	emit, got := collect[Host]()

	page, err := c.HostDetections(t.Context(), DetectionQuery{
		IPs: []string{"192.0.2.10", " 192.0.2.20-192.0.2.30"}, IPv6: []string{"2001:db8::7"},
		IDs: []int64{4401, 4402}, QIDs: []int{38173, 105500}, Status: []string{"New", "Active"},
	}, emit)
	if err != nil {
		t.Fatalf("HostDetections: %v", err)
	}

	want := []Host{{
		ID: 4401, AssetID: 9901, IP: "192.0.2.10", DNS: "web01.corp.example",
		FQDN: "web01.corp.example", NetBIOS: "WEB01", OS: "Ubuntu 22.04 LTS",
		TrackingMethod: "DNS", LastScan: ts("2025-03-01T08:15:00Z"),
		Detections: []Detection{{
			QID: 38173, Type: "Confirmed", Severity: 2, Status: "Active", Port: 443,
			Protocol: "tcp", SSL: true, Results: `Certificate subject: CN="web01" & expired`,
			QDS: 47, QDSSeverity: "MEDIUM", QDSFactors: []QDSFactor{
				{Name: "CVSS_version", Value: "v3.x"}, {Name: "exploit_maturity", Value: "poc"}},
			FirstFound: ts("2024-11-02T01:02:03Z"), LastFound: ts("2025-03-01T08:15:00Z"),
			TimesFound: 12,
		}},
	}, {
		ID: 4402, IPv6: "2001:db8::7", TrackingMethod: "Cloud Agent",
		Detections: []Detection{{
			QID: 105500, Type: "Potential", Severity: 5, Status: "Re-Opened",
			FirstFound: ts("2025-02-20T00:00:00Z"), LastFound: ts("2025-01-10T00:00:00Z"),
			TimesFound: 1, Ignored: true,
		}, {QID: 6, Type: "Info", Severity: 1, Status: "New", Disabled: true}},
	}}
	if diff := cmp.Diff(want, got()); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff(Page{Requests: 1}, page); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
}

func TestHostDetections_empty_response_is_zero_hosts(t *testing.T) {
	t.Parallel()

	c, mux := setup(t)
	mux.HandleFunc("/api/5.0/fo/asset/host/vm/detection/",
		expectForm(t, map[string]string{"ips": "198.51.100.1"}, http.StatusOK, hldEmpty))

	emit, got := collect[Host]()

	page, err := c.HostDetections(t.Context(), DetectionQuery{IPs: []string{"198.51.100.1"}}, emit)
	if err != nil {
		t.Fatalf("HostDetections: %v", err)
	}

	if len(got()) != 0 || page.Truncated || page.Requests != 1 {
		t.Errorf("got %d hosts, page %+v; want none, 1 request, not truncated", len(got()), page)
	}
}

func TestHostDetections_rejects_empty_query(t *testing.T) {
	t.Parallel()

	c, _ := setup(t)

	_, err := c.HostDetections(t.Context(), DetectionQuery{Status: []string{"New"}}, noop[Host])
	if !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("err = %v, want ErrInvalidQuery", err)
	}
}

// hostPage renders one detection page with hosts ids and, when next > 0, a WARNING whose
// URL points at another host and carries parameters we never sent.
func hostPage(ids []int64, next int64) string {
	var b strings.Builder

	b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>` + "\n" +
		"<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2025-03-04T10:00:00Z</DATETIME>")

	if len(ids) > 0 {
		b.WriteString("<HOST_LIST>")

		for _, id := range ids {
			fmt.Fprintf(&b, "<HOST><ID>%d</ID><IP>10.0.0.%d</IP><DETECTION_LIST><DETECTION>"+
				"<QID>6</QID><TYPE>Info</TYPE></DETECTION></DETECTION_LIST></HOST>", id, id%250)
		}

		b.WriteString("</HOST_LIST>")
	}

	if next > 0 {
		fmt.Fprintf(&b, "<WARNING><CODE>1980</CODE><TEXT>2 record limit exceeded. Use URL to "+
			"get next batch of results.</TEXT><URL>\n   <![CDATA[https://elsewhere.example.test/"+
			"api/2.0/fo/asset/host/vm/detection/?action=list&details=None&truncation_limit=2"+
			"&id_min=%d]]>\n  </URL></WARNING>", next)
	}

	b.WriteString("</RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>")

	return b.String()
}

func TestHostDetections_paging(t *testing.T) {
	t.Parallel()

	type pageSpec struct {
		ids  []int64
		next int64
	}

	tests := []struct {
		name      string
		pages     map[string]pageSpec // by id_min sent ("" for the first)
		maxPages  int
		wantIDs   []int64
		wantPage  Page
		wantError string
	}{{
		name: "follows_id_min_to_the_last_page",
		pages: map[string]pageSpec{"": {[]int64{1, 2}, 3}, "3": {[]int64{3, 5}, 8},
			"8": {[]int64{8}, 0}},
		wantIDs:  []int64{1, 2, 3, 5, 8},
		wantPage: Page{Requests: 3},
	}, {
		name:     "stops_at_max_pages_and_marks_truncated",
		pages:    map[string]pageSpec{"": {[]int64{1, 2}, 3}, "3": {[]int64{3, 5}, 8}},
		maxPages: 2,
		wantIDs:  []int64{1, 2, 3, 5},
		wantPage: Page{Requests: 2, Truncated: true},
	}, {
		name:      "same_id_min_twice_is_a_loop",
		pages:     map[string]pageSpec{"": {[]int64{1, 2}, 3}, "3": {[]int64{3, 4}, 3}},
		wantIDs:   []int64{1, 2, 3, 4},
		wantPage:  Page{Requests: 2},
		wantError: "paging loop",
	}, {
		name:      "id_min_behind_hosts_already_seen_is_a_loop",
		pages:     map[string]pageSpec{"": {[]int64{10, 20}, 15}},
		wantIDs:   []int64{10, 20},
		wantPage:  Page{Requests: 1},
		wantError: "paging loop",
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t, func(cfg *Config) { cfg.MaxPages = tt.maxPages; cfg.PageSize = 2 })
			mux.HandleFunc("/api/5.0/fo/asset/host/vm/detection/",
				func(w http.ResponseWriter, r *http.Request) {
					if err := checkFO(r, map[string]string{"truncation_limit": "2",
						"ips": "10.0.0.0/24", "details": "-"}); err != nil {
						t.Error(err)
					}

					p, ok := tt.pages[r.PostForm.Get("id_min")]
					if !ok {
						t.Errorf("unexpected id_min %q", r.PostForm.Get("id_min"))
					}

					_, _ = w.Write([]byte(hostPage(p.ids, p.next)))
				})

			emit, got := collect[Host]()

			page, err := c.HostDetections(t.Context(),
				DetectionQuery{IPs: []string{"10.0.0.0/24"}}, emit)
			if tt.wantError == "" && err != nil || tt.wantError != "" &&
				(err == nil || !strings.Contains(err.Error(), tt.wantError)) {
				t.Fatalf("err = %v, want %q", err, tt.wantError)
			}

			var ids []int64
			for _, h := range got() {
				ids = append(ids, h.ID)
			}

			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}

			if diff := cmp.Diff(tt.wantPage, page); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHostDetections_emit_error_stops_and_is_returned(t *testing.T) {
	t.Parallel()

	c, mux := setup(t)

	var calls atomic.Int32

	mux.HandleFunc("/api/5.0/fo/asset/host/vm/detection/",
		func(w http.ResponseWriter, _ *http.Request) {
			calls.Add(1)
			_, _ = w.Write([]byte(hldTwoHosts))
		})

	stop := errors.New("enough")
	n := 0

	_, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{1}}, func(Host) error {
		n++

		return stop
	})
	if !errors.Is(err, stop) || n != 1 || calls.Load() != 1 {
		t.Errorf("err = %v after %d emits and %d calls; want the emit error, 1, 1", err, n,
			calls.Load())
	}
}
