package qualys

import (
	"strings"
	"testing"
)

func TestNew_validates_config(t *testing.T) {
	t.Parallel()

	good := Config{BaseURL: "https://qualysapi.qualys.com", Username: "u", Password: "p"}

	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr []string // substrings; nil means valid
	}{
		{"valid", func(*Config) {}, nil},
		{"valid_http_with_port_and_path", func(c *Config) { c.BaseURL = "http://127.0.0.1:8080/q" }, nil},
		{"valid_versions", func(c *Config) { c.Versions.KnowledgeBase = "3.0" }, nil},
		{"empty_url", func(c *Config) { c.BaseURL = "" }, []string{"base URL is empty"}},
		{"no_scheme", func(c *Config) { c.BaseURL = "qualysapi.qualys.com" }, []string{"no scheme"}},
		{"bad_scheme", func(c *Config) { c.BaseURL = "ftp://q.example" }, []string{"scheme must be"}},
		{"trailing_slash", func(c *Config) { c.BaseURL = "https://q.example/" }, []string{"slash"}},
		{"unparsable", func(c *Config) { c.BaseURL = "https://q.example/%zz" }, []string{"does not parse"}},
		{"credentials_in_url", func(c *Config) { c.BaseURL = "https://u:hunter2@q.example" },
			[]string{"must not carry credentials"}},
		// url.Parse reads these as the scheme "u" with opaque data: no User to redact.
		{"credentials_without_scheme", func(c *Config) { c.BaseURL = "u:hunter2@q.example" },
			[]string{"scheme must be", "not shown"}},
		{"credentials_without_scheme_with_port", func(c *Config) {
			c.BaseURL = "u:hunter2@q.example:443"
		}, []string{"scheme must be"}},
		{"token_in_query", func(c *Config) { c.BaseURL = "https://q.example?hunter2=1" },
			[]string{"query or fragment", `"https://q.example"`}},
		{"empty_username", func(c *Config) { c.Username = " " }, []string{"username is empty"}},
		{"empty_password", func(c *Config) { c.Password = "" }, []string{"password is empty"}},
		{"negative_numbers", func(c *Config) { c.MaxPages = -1 }, []string{"max pages is negative"}},
		{"bad_version", func(c *Config) { c.Versions.Detection = "v5" }, []string{`"v5"`}},
		{"bad_list_versions", func(c *Config) {
			c.Versions.OptionProfileList, c.Versions.ApplianceList = "2", "latest"
		}, []string{`option profile list version "2"`, `appliance list version "latest"`}},
		{"every_problem_at_once", func(c *Config) { c.BaseURL = ""; c.Username = ""; c.Password = "" },
			[]string{"base URL", "username", "password"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			cfg := good
			tt.mutate(&cfg)

			c, err := New(cfg)
			if tt.wantErr == nil {
				if err != nil || c == nil {
					t.Fatalf("New = %v, %v; want a client", c, err)
				}

				return
			}

			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}

			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}

			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the URL password: %v", err)
			}
		})
	}
}
