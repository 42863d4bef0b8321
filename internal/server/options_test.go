package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qlens/qlens/internal/config"
)

func TestOptionsGetHidesPassword(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	got := e.do("GET", "/api/v1/options", adminToken, nil)
	if got.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", got.status, got.body)
	}
	if strings.Contains(string(got.body), qualysPass) {
		t.Fatalf("GET /api/v1/options returned the password: %s", got.body)
	}

	body := got.json(t)
	if _, ok := body["password"]; ok {
		t.Errorf("body has a password key: %s", got.body)
	}
	want := map[string]any{"passwordSet": true, "url": "https://qualysapi.example.test",
		"username": "api-user"}
	gotSome := map[string]any{"passwordSet": body["passwordSet"], "url": body["url"],
		"username": body["username"]}
	if diff := cmp.Diff(want, gotSome); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

// TestOptionsPutValidation checks that every bad key is answered at once.
func TestOptionsPutValidation(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name     string
		body     string
		wantKeys []string
	}{
		{"every_bad_value", `{"url":"ftp://x/","minSeverity":9,"enableScanLaunch":true,
			"customQidRegex":"(?<=x)\\d+"}`,
			[]string{"password", "url", "scanOptionProfile", "customQidRegex", "minSeverity"}},
		{"unknown_keys", `{"bogus":1,"other":"x","url":"https://a.example"}`,
			[]string{"bogus", "other"}},
		{"wrong_types", `{"minSeverity":"high","enableScanLaunch":"yes","requestTimeout":90}`,
			[]string{"enableScanLaunch", "minSeverity", "requestTimeout"}},
		{"bad_duration", `{"lookupTimeout":"soon"}`, []string{"lookupTimeout"}},
		{"nested_unknown", `{"cacheTtl":{"forever":"1h"}}`, []string{"cacheTtl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do("PUT", "/api/v1/options", adminToken, tt.body)
			if got.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", got.status, got.body)
			}
			errs, _ := got.json(t)["errors"].([]any)
			var keys []string
			for _, fe := range errs {
				m, _ := fe.(map[string]any)
				keys = append(keys, m["key"].(string))
				if msg, _ := m["message"].(string); msg == "" {
					t.Errorf("key %v has no message", m["key"])
				}
			}
			if diff := cmp.Diff(tt.wantKeys, keys); diff != "" {
				t.Errorf("error keys (-want +got):\n%s", diff)
			}
		})
	}

	// Nothing was saved.
	if _, err := os.Stat(filepath.Join(e.dataDir, "options.json")); !os.IsNotExist(err) {
		t.Errorf("options.json exists after refused PUTs: %v", err)
	}
}

// TestOptionsPutPersists checks the atomic save, the restart and the password rules.
func TestOptionsPutPersists(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	// Change two keys and the password.
	got := e.do("PUT", "/api/v1/options", adminToken, map[string]any{
		"scannerName": "scanner-eu-1", "minSeverity": 3, "password": newPass,
		"passwordSet": false, "envLocked": []string{"ignored"},
	})
	if got.status != http.StatusOK {
		t.Fatalf("PUT status = %d, body %s", got.status, got.body)
	}
	if strings.Contains(string(got.body), newPass) {
		t.Fatalf("PUT answer returned the password: %s", got.body)
	}
	if pw := e.factory.last().Password.Reveal(); pw != newPass {
		t.Errorf("engine built with password %q, want the new one", pw)
	}

	// The file is private and holds no leftover temporary file.
	path := filepath.Join(e.dataDir, "options.json")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stat options.json: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("options.json mode = %v, want 0600", st.Mode().Perm())
	}
	names, _ := filepath.Glob(filepath.Join(e.dataDir, ".options-*"))
	if len(names) != 0 {
		t.Errorf("temporary files left: %v", names)
	}

	// A PUT with an empty password keeps the stored one.
	got = e.do("PUT", "/api/v1/options", adminToken, `{"scannerName":"scanner-eu-2","password":""}`)
	if got.status != http.StatusOK {
		t.Fatalf("second PUT status = %d, body %s", got.status, got.body)
	}
	if pw := e.factory.last().Password.Reveal(); pw != newPass {
		t.Errorf("empty password changed the stored one")
	}

	// A new server on the same data directory starts from the saved options.
	restarted := setup(t, validOptions(), func(c *Config) { c.DataDir = e.dataDir })
	body := restarted.do("GET", "/api/v1/options", adminToken, nil).json(t)
	gotSome := map[string]any{"scannerName": body["scannerName"], "minSeverity": body["minSeverity"]}
	want := map[string]any{"scannerName": "scanner-eu-2", "minSeverity": float64(3)}
	if diff := cmp.Diff(want, gotSome); diff != "" {
		t.Errorf("options after restart (-want +got):\n%s", diff)
	}
	if pw := restarted.factory.last().Password.Reveal(); pw != newPass {
		t.Errorf("restarted engine has another password")
	}
}

// TestOptionsEnvWins checks that the environment beats saved options and locks its keys.
func TestOptionsEnvWins(t *testing.T) {
	t.Parallel()

	dir := t.TempDir()
	saved := validOptions()
	saved.ScannerName = "saved-scanner"
	if err := (&optionStore{path: optionsPath(dir)}).save(saved, nil); err != nil {
		t.Fatalf("save: %v", err)
	}

	e := setup(t, validOptions(), func(c *Config) {
		c.DataDir = dir
		c.Getenv = envOf(map[string]string{"QLENS_SCANNER_NAME": "env-scanner",
			"QLENS_TOKENS": "alice:analyst:" + analystToken})
	})

	body := e.do("GET", "/api/v1/options", adminToken, nil).json(t)
	got := map[string]any{"scannerName": body["scannerName"], "envLocked": body["envLocked"]}
	want := map[string]any{"scannerName": "env-scanner", "envLocked": []any{"scannerName"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}

	resp := e.do("PUT", "/api/v1/options", adminToken, `{"scannerName":"other"}`)
	if resp.status != http.StatusBadRequest || !strings.Contains(string(resp.body), "QLENS_SCANNER_NAME") {
		t.Errorf("PUT of an env-locked key: status %d, body %s", resp.status, resp.body)
	}
}

// TestOptionsSaveLeavesEnvValuesOut: a value a QLENS_* variable gave is not written to the
// data directory, and once the variable is gone the config file's value is back.
func TestOptionsSaveLeavesEnvValuesOut(t *testing.T) {
	t.Parallel()

	const envPass, envURL = "env-only-secret", "https://qualysapi.qg2.apps.qualys.com"
	e := setup(t, validOptions(), func(c *Config) {
		c.Getenv = envOf(map[string]string{"QLENS_PASSWORD": envPass, "QLENS_URL": envURL,
			"QLENS_TOKENS": "alice:analyst:" + analystToken})
		// As config.Load gives it: the file's options with the environment applied.
		c.File.Options.Password, c.File.Options.URL = config.Secret(envPass), envURL
	})
	if pw := e.factory.last().Password.Reveal(); pw != envPass {
		t.Fatalf("engine password is not the environment's")
	}

	resp := e.do("PUT", "/api/v1/options", adminToken, map[string]any{
		"scannerName": "scanner-eu-1"})
	if resp.status != http.StatusOK {
		t.Fatalf("PUT: status %d, body %s", resp.status, resp.body)
	}
	raw, err := os.ReadFile(optionsPath(e.dataDir))
	if err != nil {
		t.Fatalf("read options.json: %v", err)
	}
	for _, leaked := range []string{envPass, "qg2"} {
		if strings.Contains(string(raw), leaked) {
			t.Errorf("options.json holds the environment's %q:\n%s", leaked, raw)
		}
	}

	restarted := setup(t, validOptions(), func(c *Config) { c.DataDir = e.dataDir })
	got := restarted.factory.last()
	want := validOptions()
	if got.ScannerName != "scanner-eu-1" || got.URL != want.URL ||
		got.Password.Reveal() != want.Password.Reveal() {
		t.Errorf("after a restart without the variables: scanner %q, url %q, password from the "+
			"file: %v; want the saved scanner and the file's url and password", got.ScannerName,
			got.URL, got.Password.Reveal() == want.Password.Reveal())
	}
}

func TestOptionsTest(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	tests := []struct {
		name       string
		body       any
		wantStatus int
	}{
		{"stored_options", nil, http.StatusOK},
		{"body_options", map[string]any{"username": "other-user"}, http.StatusOK},
		{"invalid_body_options", map[string]any{"url": "nope"}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := e.do("POST", "/api/v1/options/test", adminToken, tt.body)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if tt.wantStatus == http.StatusOK && got.json(t)["ok"] != true {
				t.Errorf("check answer %s, want ok", got.body)
			}
		})
	}
}

// TestUnconfigured checks that a server without valid options starts, refuses lookups with
// 503 and starts looking up once an admin saves valid options.
func TestUnconfigured(t *testing.T) {
	t.Parallel()

	e := setup(t, config.Defaults(), nil)

	if got := e.do("POST", "/api/v1/lookup", analystToken, `{"text":"10.0.0.5"}`); got.status != 503 {
		t.Fatalf("lookup before configuration: status %d, body %s", got.status, got.body)
	}

	put := e.do("PUT", "/api/v1/options", adminToken, map[string]any{
		"url": "https://qualysapi.example.test", "username": "u", "password": newPass})
	if put.status != http.StatusOK {
		t.Fatalf("PUT status = %d, body %s", put.status, put.body)
	}

	if got := e.do("POST", "/api/v1/lookup", analystToken, `{"text":"10.0.0.5"}`); got.status != 200 {
		t.Errorf("lookup after configuration: status %d, body %s", got.status, got.body)
	}
}

// TestChangedKeysTreatsUnsetAndEmptyListsAlike keeps an untouched ignore list out of the audit.
func TestChangedKeysTreatsUnsetAndEmptyListsAlike(t *testing.T) {
	t.Parallel()

	old, next := validOptions(), validOptions()
	old.Ignore = nil
	next.Ignore = []string{}
	next.MaxPages = old.MaxPages + 1

	if diff := cmp.Diff([]string{"maxPages"}, changedKeys(old, next)); diff != "" {
		t.Errorf("changed keys (-want +got):\n%s", diff)
	}
}

// TestOptionsTestKeepsThePasswordHome: the stored password is only sent to the stored URL. A
// test against another URL must bring its own password; the same URL may reuse it.
func TestOptionsTestKeepsThePasswordHome(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)
	const elsewhere = "https://collector.example.test"

	refused := e.do("POST", "/api/v1/options/test", adminToken, map[string]any{"url": elsewhere})
	if refused.status != http.StatusBadRequest ||
		!strings.Contains(string(refused.body), `"key":"password"`) {
		t.Errorf("test of another URL without a password: status %d, body %s", refused.status,
			refused.body)
	}

	withOwn := e.do("POST", "/api/v1/options/test", adminToken,
		map[string]any{"url": elsewhere, "password": newPass})
	if withOwn.status != http.StatusOK {
		t.Errorf("test of another URL with its password: status %d, body %s", withOwn.status,
			withOwn.body)
	}
	sameURL := e.do("POST", "/api/v1/options/test", adminToken,
		map[string]any{"username": "other-user"})
	if sameURL.status != http.StatusOK {
		t.Errorf("test of the saved URL: status %d, body %s", sameURL.status, sameURL.body)
	}

	e.factory.mu.Lock()
	defer e.factory.mu.Unlock()
	for _, b := range e.factory.builds {
		if b.URL == elsewhere && b.Password.Reveal() == qualysPass {
			t.Errorf("an engine was built to send the stored password to %s", elsewhere)
		}
	}
	for _, r := range []response{refused, withOwn, sameURL} {
		if strings.Contains(string(r.body), qualysPass) || strings.Contains(string(r.body), newPass) {
			t.Errorf("test answer holds a password: %s", r.body)
		}
	}
}

// TestOptionsPutKeepsThePasswordHome: a saved URL change must bring the password, or the
// stored one would go to a server the admin chose; the same URL keeps it.
func TestOptionsPutKeepsThePasswordHome(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)
	const elsewhere = "https://collector.example.test"

	refused := e.do("PUT", "/api/v1/options", adminToken, map[string]any{"url": elsewhere})
	if refused.status != http.StatusBadRequest ||
		!strings.Contains(string(refused.body), `"key":"password"`) {
		t.Fatalf("URL change without a password: status %d, body %s", refused.status,
			refused.body)
	}
	if got := e.do("GET", "/api/v1/options", adminToken, nil); strings.Contains(
		string(got.body), elsewhere) {
		t.Fatalf("the refused URL was applied: %s", got.body)
	}

	moved := e.do("PUT", "/api/v1/options", adminToken,
		map[string]any{"url": elsewhere, "password": newPass})
	if moved.status != http.StatusOK {
		t.Fatalf("URL change with a password: status %d, body %s", moved.status, moved.body)
	}
	if b := e.factory.last(); b.URL != elsewhere || b.Password.Reveal() != newPass {
		t.Errorf("engine built for %s with the wrong password", b.URL)
	}

	again := e.do("PUT", "/api/v1/options", adminToken, map[string]any{"scannerName": "eu-2"})
	if again.status != http.StatusOK {
		t.Errorf("change on the same URL: status %d, body %s", again.status, again.body)
	}
}

// TestOptionsURLWithCredentials is answered on the url key, never with a 500 or the secret.
func TestOptionsURLWithCredentials(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)

	got := e.do("PUT", "/api/v1/options", adminToken,
		map[string]any{"url": "https://api-user:url-Secret-1@qualysapi.example.test"})
	if got.status != http.StatusBadRequest || !strings.Contains(string(got.body), `"key":"url"`) {
		t.Errorf("status %d, body %s; want 400 on url", got.status, got.body)
	}
	if strings.Contains(string(got.body)+e.logs.String(), "url-Secret-1") {
		t.Errorf("the URL's password is in the answer or the log")
	}
}
