package server

import (
	"encoding/json"
	"os"
	"path/filepath"
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
