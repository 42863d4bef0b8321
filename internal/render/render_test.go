package render

import (
	"bytes"
	"encoding/csv"
	"regexp"
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
		"3 indicators · 3 Qualys calls · 1 cache hit · 42 ms",
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

	// An empty list that a page limit cut is not "nothing found".
	in.Results = []model.Result{{
		Entity:    extract.Entity{Type: extract.QID, Value: "5000"},
		Summary:   []string{"KB Records: 0", "Host Detections: at least 0"},
		Truncated: map[string]bool{model.ListHostDetections: true},
	}}
	buf.Reset()
	if err := LookupTable(&buf, in, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "nothing found") ||
		!strings.Contains(out, "a page limit cut the answer") {
		t.Errorf("a cut empty answer reads as complete:\n%s", out)
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
		"10.0.0.5 truncated", "127.0.0.1 skipped", "CVE-2021-44228 error"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if got := rows[1][11]; !strings.HasSuffix(got, "longer than the table allows") {
		t.Errorf("detection title cell = %q, want the whole title", got)
	}
	if got := rows[3][11]; got != "'=cmd|' /C calc'!A0" {
		t.Errorf("formula cell not defused: %q", got)
	}
	if got := rows[4][16]; !strings.HasPrefix(got, "hostDetections: a page limit cut") {
		t.Errorf("truncated row message = %q", got)
	}
}

func TestDefuseFormula(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"-1", "-1"},
		{"+8443", "+8443"},
		{"38623", "38623"},
		{"Apache Log4j = bad", "Apache Log4j = bad"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := defuseFormula(tt.in); got != tt.want {
			t.Errorf("defuseFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLookupTable_most_severe_host_first_and_columns_aligned: the table leads with the host
// whose worst detection is the most severe, lines detection columns up across hosts, also
// with colours on, and leaves the result's own order alone.
func TestLookupTable_most_severe_host_first_and_columns_aligned(t *testing.T) {
	t.Parallel()
	in := model.Lookup{Results: []model.Result{{
		Entity:  extract.Entity{Type: extract.QID, Value: "38623"},
		Summary: []string{"Host Detections: 3"},
		HostDetections: []model.Host{
			{ID: 1, IP: "10.0.0.1", Detections: []model.Detection{
				{QID: 6, Severity: 1, Type: "Info", Status: "New"}}},
			{ID: 2, IP: "10.0.0.2", Detections: []model.Detection{
				{QID: 38623, Severity: 5, Type: "Confirmed", Status: "Re-Opened", Port: 8443,
					Protocol: "TCP", SSL: true, Title: "Weak"}}},
			{ID: 3, IP: "10.0.0.3"},
		},
	}}}

	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		if err := LookupTable(&buf, in, TableOptions{Color: color}); err != nil {
			t.Fatal(err)
		}
		out := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(buf.String(), "")

		first, second := strings.Index(out, "10.0.0.2"), strings.Index(out, "10.0.0.1")
		if first < 0 || second < 0 || first > second {
			t.Errorf("color %v: the severity 5 host does not lead:\n%s", color, out)
		}
		var cols []int
		for line := range strings.Lines(out) {
			if strings.Contains(line, "last found") {
				cols = append(cols, strings.Index(line, "last found"))
			}
		}
		if len(cols) != 2 || cols[0] != cols[1] {
			t.Errorf("color %v: columns do not line up across hosts (%v):\n%s", color, cols, out)
		}
		if !strings.Contains(out, "10.0.0.3  (last scan -)\n      no open detections") {
			t.Errorf("color %v: a host without detections does not say so:\n%s", color, out)
		}
		noTrailingSpace(t, out)
	}
	if in.Results[0].HostDetections[0].ID != 1 {
		t.Error("the table reordered the result's hosts")
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
