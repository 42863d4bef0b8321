package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qlens.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	return path
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad_file_then_environment(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
url: https://qualysapi.qualys.eu
username: file-user
password: file-pass
enableScanLaunch: true
scanOptionProfile: "43165"
ignore: [10.9.0.0/16, internal.example]
cacheTtl:
  knowledgeBase: 48h
server:
  addr: 127.0.0.1:9000
  tokens:
    - {name: alice, role: analyst, sha256: abc}
`)

	f, err := Load(path, envOf(map[string]string{
		"QLENS_USERNAME":           "env-user",
		"QLENS_ENABLE_SCAN_LAUNCH": "false",
		"QLENS_DATA_DIR":           "/var/lib/qlens",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	want := Defaults()
	want.URL = "https://qualysapi.qualys.eu"
	want.Username = "env-user"
	want.Password = "file-pass"
	want.ScanOptionProfile = "43165"
	want.Ignore = []string{"10.9.0.0/16", "internal.example"}
	want.CacheTTL.KnowledgeBase = Duration(48 * time.Hour)
	if diff := cmp.Diff(want, f.Options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if f.Server.Addr != "127.0.0.1:9000" || f.Server.DataDir != "/var/lib/qlens" ||
		len(f.Server.Tokens) != 1 || f.Server.Tokens[0].Name != "alice" {
		t.Errorf("server = %+v", f.Server)
	}
}

func TestLoad_refuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		env  map[string]string
		want string
	}{
		{name: "unknown_key", body: "url: https://x.example\nusernme: typo\n", want: "usernme"},
		{name: "bad_duration", body: "cacheTtl: {scans: soon}\n", want: "90s or 24h"},
		{name: "bad_bool_env", env: map[string]string{"QLENS_ENABLE_SCAN_LAUNCH": "yes please"},
			want: "QLENS_ENABLE_SCAN_LAUNCH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := ""
			if tt.body != "" {
				path = writeConfig(t, tt.body)
			}
			_, err := Load(path, envOf(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLoad_missing_file(t *testing.T) {
	t.Parallel()
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), envOf(nil))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load error = %v, want ErrNotExist", err)
	}
}

func valid() Options {
	o := Defaults()
	o.URL = "https://qualysapi.qualys.com"
	o.Username = "u"
	o.Password = "p"

	return o
}

func TestValidate_every_bad_key_at_once(t *testing.T) {
	t.Parallel()
	o := Defaults()
	o.URL = "qualysapi.qualys.com/"
	o.EnableScanLaunch = true
	o.CustomQIDRegex = `(?<=TICKET-)\d+`
	o.MinSeverity = 9
	o.Ignore = []string{"not an entry"}

	err := o.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate = %v, want *ValidationError", err)
	}
	var keys []string
	for _, f := range ve.Fields {
		keys = append(keys, f.Key)
		if f.Message == "" {
			t.Errorf("key %s has no message", f.Key)
		}
	}
	want := []string{"url", "username", "password", "scanOptionProfile", "customQidRegex",
		"ignore", "minSeverity"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

func TestValidate_url_rules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, want string
	}{
		{name: "ok", url: "https://qualysapi.qg2.apps.qualys.com"},
		{name: "ok_http_for_local_simulators", url: "http://127.0.0.1:8081"},
		{name: "empty", url: "", want: "required"},
		{name: "no_scheme", url: "qualysapi.qualys.com", want: "https://"},
		{name: "trailing_slash", url: "https://qualysapi.qualys.com/", want: "slash"},
		{name: "ftp", url: "ftp://qualysapi.qualys.com", want: "https://"},
		{name: "query", url: "https://qualysapi.qualys.com?x=1", want: "query"},
		{name: "credentials_in_url", url: "https://api-user:hunter2-url@qualysapi.qualys.com",
			want: "user name or password"},
		{name: "unparsable_not_echoed", url: "https://qualys api.com/hunter2-url",
			want: "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := valid()
			o.URL = tt.url
			err := o.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want a url error mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("Validate = %v: the message repeats the URL's secret part", err)
			}
		})
	}
}

func TestParseIgnore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "10.0.0.1", want: "10.0.0.1/32"},
		{in: "10.1.2.3/16", want: "10.1.0.0/16"},
		{in: "2001:db8::1", want: "2001:db8::1/128"},
		{in: "Corp.Example.COM.", want: "corp.example.com"},
		{in: "localhost", wantErr: true},
		{in: "a b.example", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseIgnore(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseIgnore(%q) = %+v, want error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := got.Domain
			if got.Prefix.IsValid() {
				s = got.Prefix.String()
			}
			if s != tt.want {
				t.Errorf("ParseIgnore(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestSecret_never_prints(t *testing.T) {
	t.Parallel()
	o := valid()
	o.Password = "hunter2-very-secret"

	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("options", "password", o.Password, "opts", o)
	js, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	outputs := []string{
		fmt.Sprintf("%v", o), fmt.Sprintf("%+v", o), fmt.Sprintf("%#v", o),
		fmt.Sprint(o.Password), string(js), logged.String(),
	}
	for i, out := range outputs {
		if strings.Contains(out, "hunter2") {
			t.Errorf("output %d leaks the password: %s", i, out)
		}
	}
	if o.Password.Reveal() != "hunter2-very-secret" {
		t.Error("Reveal lost the value")
	}
}

// TestLoad_example_file keeps the README's example config loadable and valid with a password.
func TestLoad_example_file(t *testing.T) {
	t.Parallel()
	f, err := Load(filepath.Join("..", "..", "qlens.example.yaml"),
		envOf(map[string]string{"QLENS_PASSWORD": "p"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if err := f.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if diff := cmp.Diff(Defaults().CacheTTL, f.CacheTTL); diff != "" {
		t.Errorf("example TTLs drift from the defaults (-want +got):\n%s", diff)
	}
}
