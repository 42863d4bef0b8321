package lookup

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

func host(id int64, ip string, dets ...model.Detection) model.Host {
	return model.Host{ID: id, IP: ip, Detections: dets}
}

func det(qid, sev, port int) model.Detection {
	return model.Detection{QID: qid, Severity: sev, Port: port, QDSFactors: []model.QDSFactor{}}
}

func TestResultCorrelation(t *testing.T) {
	t.Parallel()

	f := &fetched{
		det4: map[string]outcome[hostSet]{
			"10.0.0.1": {val: hostSet{hosts: []model.Host{host(1, "10.0.0.1", det(11, 5, 0), det(12, 1, 0))},
				truncated: true}},
		},
		detQID: map[string]outcome[hostSet]{
			"11": {val: hostSet{hosts: []model.Host{host(1, "10.0.0.1", det(11, 5, 0)),
				host(3, "10.0.0.3", det(11, 5, 443), det(11, 5, 8443))}}},
			"12": {val: hostSet{hosts: []model.Host{host(1, "10.0.0.1", det(12, 1, 0))}}},
		},
		kbCVE: map[string]outcome[cveEntry]{
			"CVE-2024-0001": {val: cveEntry{recs: []model.KBRecord{{QID: 11}, {QID: 12}}}},
			"CVE-2024-0002": {err: errors.New("boom")},
			"CVE-2024-0003": {val: cveEntry{recs: []model.KBRecord{{QID: 12}}, truncated: true}},
		},
		kbQID: map[string]outcome[kbEntry]{"13": {val: kbEntry{truncated: true}}},
		scans: map[string]outcome[scanSet]{"10.0.0.1": {err: errors.New("scan list down")}},
	}

	tests := []struct {
		name        string
		ent         extract.Entity
		minSev      int
		wantHosts   []model.Host
		wantSummary []string
		wantErrors  []string
	}{
		{
			name:   "cve_merges_its_qids_per_host",
			ent:    extract.Entity{Type: extract.CVE, Value: "CVE-2024-0001"},
			minSev: 1,
			wantHosts: []model.Host{host(1, "10.0.0.1", det(11, 5, 0), det(12, 1, 0)),
				host(3, "10.0.0.3", det(11, 5, 443), det(11, 5, 8443))},
			wantSummary: []string{"KB Records: 2", "Host Detections: 2", "Detections: 4", "Sev 4-5: 3"},
		},
		{
			name:        "min_severity_drops_detections_and_empty_qid_hosts",
			ent:         extract.Entity{Type: extract.QID, Value: "12"},
			minSev:      3,
			wantHosts:   []model.Host{},
			wantSummary: []string{"KB Records: 0", "Host Detections: 0", "Detections: 0"},
		},
		{
			name:      "address_keeps_its_host_and_says_at_least_when_truncated",
			ent:       extract.Entity{Type: extract.IPv4, Value: "10.0.0.1"},
			minSev:    3,
			wantHosts: []model.Host{host(1, "10.0.0.1", det(11, 5, 0))},
			wantSummary: []string{"Host Detections: at least 1", "Detections: at least 1",
				"Sev 4-5: at least 1", "Failed: scans"},
			wantErrors: []string{"scans"},
		},
		{
			// Some of the CVE's QIDs may be in the part of the KB answer that was cut.
			name:      "cut_cve_answer_makes_its_hosts_at_least_too",
			ent:       extract.Entity{Type: extract.CVE, Value: "CVE-2024-0003"},
			minSev:    1,
			wantHosts: []model.Host{host(1, "10.0.0.1", det(12, 1, 0))},
			wantSummary: []string{"KB Records: at least 1", "Host Detections: at least 1",
				"Detections: at least 1"},
		},
		{
			// Missing from a cut KB answer is not "unknown to Qualys".
			name:        "qid_missing_from_a_cut_kb_answer_is_at_least_0",
			ent:         extract.Entity{Type: extract.QID, Value: "13"},
			minSev:      1,
			wantHosts:   []model.Host{},
			wantSummary: []string{"KB Records: at least 0", "Host Detections: 0", "Detections: 0"},
		},
		{
			name:        "failed_cve_says_so_for_kb_and_hosts",
			ent:         extract.Entity{Type: extract.CVE, Value: "CVE-2024-0002"},
			minSev:      1,
			wantHosts:   []model.Host{},
			wantSummary: []string{"Failed: detections, knowledgeBase"},
			wantErrors:  []string{"knowledgeBase", "detections"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			e := &Engine{opts: config.Options{MinSeverity: tt.minSev}}
			got := e.result(tt.ent, f)

			if diff := cmp.Diff(tt.wantHosts, got.HostDetections); diff != "" {
				t.Errorf("hosts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSummary, got.Summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			var sources []string
			for _, se := range got.Errors {
				sources = append(sources, se.Source)
			}
			if diff := cmp.Diff(tt.wantErrors, sources); diff != "" {
				t.Errorf("error sources (-want +got):\n%s", diff)
			}
		})
	}
}
