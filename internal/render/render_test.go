package render

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

func sample() model.Lookup {
	seen := time.Date(2026, 11, 30, 8, 15, 0, 0, time.UTC)

	return model.Lookup{
		Results: []model.Result{
			{
				Entity:  extract.Entity{Type: extract.IPv4, Value: "10.0.0.5", Raw: "10.0.0[.]5"},
				Summary: []string{"Host Detections: 2", "Scans: 1"},
				HostDetections: []model.Host{{
					ID: 7, IP: "10.0.0.5", DNS: "web01.corp.example.com",
					Detections: []model.Detection{
						{QID: 38623, Severity: 5, Title: "SSL/TLS Server Certificate Signed Using " +
							"Weak Hashing Algorithm, with a title longer than the table allows",
							Type: "Confirmed", Status: "Active", Port: 443,
							Protocol: "TCP", SSL: true, LastFound: &seen},
						{QID: 6, Severity: 1, Type: "Info", Status: "New"},
					},
				}},
				KnowledgeBaseRecords: []model.KBRecord{},
				Scans: []model.Scan{{Ref: "scan/1.2", Title: "=cmd|' /C calc'!A0",
					State: "Finished"}},
				Truncated: map[string]bool{model.ListHostDetections: true},
				Errors:    []model.SourceError{},
			},
			{
				Entity: extract.Entity{Type: extract.IPv4, Value: "127.0.0.1", Raw: "127.0.0.1",
					Skip: extract.SkipLoopback},
			},
			{
				Entity: extract.Entity{Type: extract.CVE, Value: "CVE-2021-44228"},
				Errors: []model.SourceError{{Source: model.SourceKnowledgeBase, Code: "1965",
					Message: "rate limit"}},
			},
		},
		Stats: model.Stats{APICalls: 3, CacheHits: 1, ElapsedMs: 42},
	}
}

func TestLookupTable(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := LookupTable(&buf, sample(), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()

	for _, want := range []string{
		"IPv4 10.0.0.5", "Host Detections: 2 · Scans: 1", "web01.corp.example.com",
		"sev5", "38623", "443/tcp ssl", "2026-11-30 08:15", "the page limit cut this list",
		"SSL/TLS Server Certificate Signed Using Weak Hashing Algori…",
		"not looked up: loopback", "! knowledgeBase [1965]: rate limit",
		"3 indicators · 3 Qualys calls · 1 cache hits · 42 ms",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes without Color")
	}
	noTrailingSpace(t, out)

	buf.Reset()
	if err := LookupTable(&buf, sample(), TableOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), sevColor[5]+"sev5") {
		t.Error("severity 5 is not coloured with Color on")
	}
}

func TestLookupTable_says_when_nothing_was_found(t *testing.T) {
	t.Parallel()
	in := sample()
	in.Results = append(in.Results, model.Result{
		Entity:  extract.Entity{Type: extract.Domain, Value: "unknown.example.org"},
		Summary: []string{"Host Detections: 0"},
	})

	var buf bytes.Buffer
	if err := LookupTable(&buf, in, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()

	if n := strings.Count(out, "nothing found in the subscription"); n != 1 {
		t.Errorf("%d 'nothing found' lines, want 1 (the empty domain only; the failed CVE "+
			"shows its error instead):\n%s", n, out)
	}
	if !strings.Contains(out, "unknown.example.org\n  Host Detections: 0\n  nothing found") {
		t.Errorf("the empty domain does not say so:\n%s", out)
	}
}

func TestLookupCSV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := LookupCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}

	var kinds []string
	for _, r := range rows[1:] {
		kinds = append(kinds, r[1]+" "+r[2])
	}
	want := []string{"10.0.0.5 detection", "10.0.0.5 detection", "10.0.0.5 scan",
		"127.0.0.1 skipped", "CVE-2021-44228 error"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if got := rows[1][11]; !strings.HasSuffix(got, "longer than the table allows") {
		t.Errorf("detection title cell = %q, want the whole title", got)
	}
	if got := rows[3][11]; got != "'=cmd|' /C calc'!A0" {
		t.Errorf("formula cell not defused: %q", got)
	}
}

func TestEntities(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := Entities(&buf, []extract.Entity{
		{Type: extract.Domain, Value: "evil.example", Raw: "evil[.]example",
			Spans: []extract.Span{{4, 18}, {30, 42}}},
		{Type: extract.IPv4, Value: "0.0.0.0", Raw: "0.0.0.0", Spans: []extract.Span{{0, 7}},
			Skip: extract.SkipUnspecified},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"domain  evil.example", "evil[.]example", "not looked up: unspecified"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	noTrailingSpace(t, out)

	buf.Reset()
	if err := Entities(&buf, nil); err != nil || buf.String() != "no indicators found\n" {
		t.Errorf("empty = %q, %v", buf.String(), err)
	}
}

// noTrailingSpace fails when a line of a table ends in padding.
func noTrailingSpace(t *testing.T, out string) {
	t.Helper()
	for line := range strings.Lines(out) {
		if l := strings.TrimSuffix(line, "\n"); strings.HasSuffix(l, " ") {
			t.Errorf("line ends in spaces: %q", l)
		}
	}
}
