package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func launchOptions() func(*Config) {
	return func(c *Config) {
		c.File.Options.EnableScanLaunch = true
		c.File.Options.ScanOptionProfile = "Initial Options"
	}
}

func TestScanLaunch(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		enabled    bool
		body       any
		wantStatus int
		wantInBody string
	}{
		{"launch_disabled", false, map[string]string{"ip": "10.0.0.5"}, 403, "enableScanLaunch"},
		{"invalid_ip", true, map[string]string{"ip": "10.0.0.300"}, 400, "not an IPv4"},
		{"loopback_ip", true, map[string]string{"ip": "127.0.0.1"}, 400, "not an IPv4"},
		{"missing_ip", true, map[string]string{}, 400, `\"ip\" is required`},
		{"unknown_field", true, map[string]string{"ip": "10.0.0.5", "x": "y"}, 400, "unknown field"},
		{"launched", true, map[string]string{"ip": "10.0.0.5"}, 200, "scan/1700000000.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var mod func(*Config)
			if tt.enabled {
				mod = launchOptions()
			}
			e := setup(t, validOptions(), mod)

			got := e.do("POST", "/api/v1/scans", analystToken, tt.body)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if !strings.Contains(string(got.body), tt.wantInBody) {
				t.Errorf("body %s does not contain %q", got.body, tt.wantInBody)
			}
		})
	}
}

// TestScanLaunchDedupAndAudit checks that a second launch returns the first scan and that both
// attempts, and a refused one, are in the audit log.
func TestScanLaunchDedupAndAudit(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), launchOptions())

	first := e.do("POST", "/api/v1/scans", analystToken, `{"ip":"10.0.0.5"}`).json(t)
	second := e.do("POST", "/api/v1/scans", adminToken, `{"ip":"10.0.0.5"}`).json(t)
	if first["ref"] == nil || first["ref"] != second["ref"] {
		t.Errorf("refs %v and %v, want the same scan", first["ref"], second["ref"])
	}
	e.do("POST", "/api/v1/scans", analystToken, `{"ip":"127.0.0.1"}`)

	got := e.do("GET", "/api/v1/audit?limit=10", adminToken, nil)
	if got.status != http.StatusOK {
		t.Fatalf("audit status = %d, body %s", got.status, got.body)
	}
	var body struct {
		Entries []AuditEntry `json:"entries"`
		Skipped int          `json:"skipped"`
	}
	decodeInto(t, got.body, &body)

	want := []AuditEntry{
		{Actor: "alice", Action: ActionScanLaunch, IP: "127.0.0.1", Result: "refused"},
		{Actor: "root", Action: ActionScanLaunch, IP: "10.0.0.5", Ref: "scan/1700000000.1",
			Result: "ok"},
		{Actor: "alice", Action: ActionScanLaunch, IP: "10.0.0.5", Ref: "scan/1700000000.1",
			Result: "ok"},
	}
	ignore := cmpopts.IgnoreFields(AuditEntry{}, "Time", "Message", "RequestID")
	if diff := cmp.Diff(want, body.Entries, ignore); diff != "" {
		t.Errorf("audit entries, newest first (-want +got):\n%s", diff)
	}
}

func TestScanStatus(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name       string
		query      string
		wantStatus int
	}{
		{"known_ref", "?ref=scan/1700000000.1", 200},
		{"missing_ref", "", 400},
		{"unknown_ref", "?ref=scan/missing", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do("GET", "/api/v1/scans"+tt.query, analystToken, nil)
			if got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
		})
	}
}

// TestAuditOptionChanges checks that an option change records the keys and never a secret.
func TestAuditOptionChanges(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	e.do("PUT", "/api/v1/options", adminToken, map[string]any{"password": newPass,
		"scannerName": "scanner-eu-1"})

	raw, err := os.ReadFile(filepath.Join(e.dataDir, "audit.log"))
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	for _, secret := range []string{newPass, qualysPass, adminToken} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("audit log contains a secret: %s", raw)
		}
	}

	var body struct {
		Entries []AuditEntry `json:"entries"`
	}
	decodeInto(t, e.do("GET", "/api/v1/audit", adminToken, nil).body, &body)
	want := []AuditEntry{{Actor: "root", Action: ActionOptionsChange,
		Keys: []string{"password", "scannerName"}, Result: "ok"}}
	ignore := cmpopts.IgnoreFields(AuditEntry{}, "Time", "Message", "RequestID")
	if diff := cmp.Diff(want, body.Entries, ignore); diff != "" {
		t.Errorf("audit entries (-want +got):\n%s", diff)
	}
}

func TestAuditLimit(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name       string
		query      string
		wantStatus int
	}{
		{"default", "", 200},
		{"one", "?limit=1", 200},
		{"zero", "?limit=0", 400},
		{"too_many", "?limit=5000", 400},
		{"not_a_number", "?limit=ten", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := e.do("GET", "/api/v1/audit"+tt.query, adminToken, nil); got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
		})
	}
}
