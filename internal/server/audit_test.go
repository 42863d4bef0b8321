package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func decodeInto(t *testing.T, raw []byte, v any) {
	t.Helper()

	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func testAudit(t *testing.T) *auditLog {
	t.Helper()

	return &auditLog{
		path: filepath.Join(t.TempDir(), "audit.log"),
		now:  func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) },
	}
}

func appendRefs(t *testing.T, a *auditLog, refs ...string) {
	t.Helper()

	for _, ref := range refs {
		if err := a.append(AuditEntry{Actor: "alice", Action: ActionScanLaunch, Ref: ref,
			Result: "ok"}); err != nil {
			t.Fatalf("append: %v", err)
		}
	}
}

func refsOf(entries []AuditEntry) []string {
	refs := []string{}
	for _, e := range entries {
		refs = append(refs, e.Ref)
	}

	return refs
}

// TestAuditTornLastLine simulates a crash mid-write: the reader skips and counts the partial
// line, and the next record is still readable.
func TestAuditTornLastLine(t *testing.T) {
	t.Parallel()

	a := testAudit(t)
	appendRefs(t, a, "scan/1", "scan/2")

	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := f.WriteString(`{"time":"2026-03-01T12:00:00Z","actor":"al`); err != nil {
		t.Fatalf("write torn line: %v", err)
	}
	f.Close()

	got, skipped, err := a.read(10)
	if err != nil {
		t.Fatalf("read with a torn last line: %v", err)
	}
	if diff := cmp.Diff([]string{"scan/2", "scan/1"}, refsOf(got)); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	if skipped != 1 {
		t.Errorf("skipped = %d, want 1", skipped)
	}

	appendRefs(t, a, "scan/3")
	got, skipped, err = a.read(10)
	if err != nil {
		t.Fatalf("read after the next append: %v", err)
	}
	if diff := cmp.Diff([]string{"scan/3", "scan/2", "scan/1"}, refsOf(got)); diff != "" {
		t.Errorf("refs after append (-want +got):\n%s", diff)
	}
	if skipped != 1 {
		t.Errorf("skipped after append = %d, want 1", skipped)
	}
}

func TestAuditReadLimit(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		refs  []string
		limit int
		want  []string
	}{
		{"empty_log", nil, 5, []string{}},
		{"fewer_than_limit", []string{"a", "b"}, 5, []string{"b", "a"}},
		{"exactly_limit", []string{"a", "b", "c"}, 3, []string{"c", "b", "a"}},
		{"more_than_limit", []string{"a", "b", "c", "d", "e"}, 2, []string{"e", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			a := testAudit(t)
			appendRefs(t, a, tt.refs...)

			got, skipped, err := a.read(tt.limit)
			if err != nil || skipped != 0 {
				t.Fatalf("read: %v, skipped %d", err, skipped)
			}
			if diff := cmp.Diff(tt.want, refsOf(got)); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuditFileMode(t *testing.T) {
	t.Parallel()

	a := testAudit(t)
	appendRefs(t, a, "scan/1")

	st, err := os.Stat(a.path)
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
}

// TestAuditConcurrentAppends: writers racing on one log interleave whole lines only.
func TestAuditConcurrentAppends(t *testing.T) {
	t.Parallel()

	a := testAudit(t)
	const writers = 32

	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if err := a.append(AuditEntry{Actor: "alice", Action: ActionScanLaunch,
				Ref: fmt.Sprintf("scan/%d", i), Result: "ok",
				Message: strings.Repeat("x", 4096)}); err != nil {
				t.Errorf("append: %v", err)
			}
		})
	}
	wg.Wait()

	got, skipped, err := a.read(writers * 2)
	if err != nil || skipped != 0 {
		t.Fatalf("read: %v, skipped %d", err, skipped)
	}
	refs := refsOf(got)
	slices.Sort(refs)
	want := make([]string, 0, writers)
	for i := range writers {
		want = append(want, fmt.Sprintf("scan/%d", i))
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
}

// TestAuditCorruptMiddleLine: a damaged line inside the log costs that line only.
func TestAuditCorruptMiddleLine(t *testing.T) {
	t.Parallel()

	a := testAudit(t)
	appendRefs(t, a, "scan/1")
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := f.WriteString("{\"actor\":\x00garbage\n"); err != nil {
		t.Fatalf("write: %v", err)
	}
	f.Close()
	appendRefs(t, a, "scan/2")

	got, skipped, err := a.read(10)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if diff := cmp.Diff([]string{"scan/2", "scan/1"}, refsOf(got)); diff != "" || skipped != 1 {
		t.Errorf("refs (-want +got):\n%s\nskipped %d, want 1", diff, skipped)
	}
}

// TestAuditBoundsCallerInput: a refused launch of a huge "ip" keeps only a prefix of it.
func TestAuditBoundsCallerInput(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), launchOptions())
	huge := strings.Repeat("9", 20000)

	got := e.do("POST", "/api/v1/scans", analystToken, map[string]string{"ip": huge})
	if got.status != http.StatusBadRequest {
		t.Fatalf("launch of a huge ip: status %d", got.status)
	}

	var body struct {
		Entries []AuditEntry `json:"entries"`
	}
	decodeInto(t, e.do("GET", "/api/v1/audit", adminToken, nil).body, &body)
	if len(body.Entries) != 1 {
		t.Fatalf("%d audit entries, want 1", len(body.Entries))
	}
	entry := body.Entries[0]
	if len(entry.IP) > maxAuditIP+len("…") || len(entry.Message) > maxAuditMessage+len("…") ||
		!strings.HasPrefix(entry.IP, "999") || entry.Result != "refused" {
		t.Errorf("audit entry keeps %d bytes of ip and %d of message, result %q", len(entry.IP),
			len(entry.Message), entry.Result)
	}
}

func TestClip(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"10.0.0.5", 64, "10.0.0.5"},
		{"abcdef", 3, "abc…"},
		{"aé", 2, "a…"}, // never half a rune
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
