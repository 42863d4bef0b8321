package qualys

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKnowledgeBase_decodes_pitfalls(t *testing.T) {
	t.Parallel()

	c, mux := setup(t)
	mux.HandleFunc("/api/4.0/fo/knowledge_base/vuln/", expectForm(t, map[string]string{
		"action": "list", "details": "All", "ids": "38173,105500", "cve": "CVE-2024-0001",
		"id_min": "-", "truncation_limit": "-",
	}, http.StatusOK, kbTwoVulns))

	emit, got := collect[Vuln]()

	page, err := c.KnowledgeBase(t.Context(), KBQuery{IDs: []int{38173, 105500},
		CVEs: []string{"cve-2024-0001"}}, emit)
	if err != nil {
		t.Fatalf("KnowledgeBase: %v", err)
	}

	want := []Vuln{{
		QID: 38173, Title: "TLS Certificate Has Expired", Severity: 2, VulnType: "Vulnerability",
		Category: "General remote services", Patchable: true,
		Published: ts("2019-05-06T07:08:09Z"), Modified: ts("2025-01-02T03:04:05Z"),
		CVEs: []string{"CVE-2024-0001", "CVE-2024-0002"}, CVSSBase: 5.4, CVSS3Base: 6.5,
		ThreatIntel: []string{"Exploit_Public", "No_Patch"},
		// HTML stays as Qualys sent it, entities inside CDATA included: the shape layer
		// sanitises it.
		Diagnosis: `The server's certificate is past its &quot;notAfter&quot; date.<P>See ` +
			`<A HREF="https://example.test/x" TARGET="_blank">x</A>`,
		Consequence: "Clients warn.", Solution: "Renew it.",
	}, {
		QID: 105500, Severity: 5, VulnType: "Potential Vulnerability",
		Published: ts("2020-01-01T00:00:00Z"), CVEs: []string{"CVE-2023-9999"},
		ThreatIntel: []string{},
	}}
	if diff := cmp.Diff(want, got()); diff != "" {
		t.Errorf("vulns (-want +got):\n%s", diff)
	}

	if page != (Page{Requests: 1}) {
		t.Errorf("page = %+v", page)
	}
}

func TestKnowledgeBase_validates_query(t *testing.T) {
	t.Parallel()

	c, mux := setup(t)
	mux.HandleFunc("/api/4.0/fo/knowledge_base/vuln/", expectForm(t, map[string]string{
		"id_min": "100", "id_max": "200", "ids": "-"}, http.StatusOK, kbTwoVulns))

	if _, err := c.KnowledgeBase(t.Context(), KBQuery{}, noop[Vuln]); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("empty query: err = %v, want ErrInvalidQuery", err)
	}

	if _, err := c.KnowledgeBase(t.Context(), KBQuery{IDMin: 100, IDMax: 200}, noop[Vuln]); err != nil {
		t.Errorf("range query: %v", err)
	}
}
