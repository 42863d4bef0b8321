package qualys

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// opTwoProfiles: BASIC_INFO children in two different orders, a padded CDATA title, a
// missing IS_DEFAULT, a SCAN section with IDs of its own, a profile with nothing a launch
// could name, and comments around the root.
const opTwoProfiles = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE OPTION_PROFILES SYSTEM "https://qualysapi.example.test/api/2.0/fo/subscription/option_profile/option_profile_info.dtd">
<!-- test fixture -->
<OPTION_PROFILES>
  <OPTION_PROFILE>
    <SCAN>
      <VULNERABILITY_DETECTION><CUSTOM_LIST><CUSTOM><ID>9</ID></CUSTOM></CUSTOM_LIST>
      </VULNERABILITY_DETECTION>
    </SCAN>
    <BASIC_INFO>
      <GROUP_TYPE>user</GROUP_TYPE>
      <GROUP_NAME>
        <![CDATA[Weekly Internal]]>
      </GROUP_NAME>
      <IS_GLOBAL>1</IS_GLOBAL>
      <ID> 700101 </ID>
    </BASIC_INFO>
  </OPTION_PROFILE>
  <OPTION_PROFILE>
    <BASIC_INFO>
      <ID>700102</ID>
      <IS_DEFAULT>1</IS_DEFAULT>
      <GROUP_NAME><![CDATA[Light & Fast]]></GROUP_NAME>
    </BASIC_INFO>
  </OPTION_PROFILE>
  <OPTION_PROFILE><BASIC_INFO><GROUP_TYPE>user</GROUP_TYPE></BASIC_INFO></OPTION_PROFILE>
</OPTION_PROFILES>
<!-- end -->`

func TestOptionProfiles_decode(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		body string
		want []OptionProfile
	}{{
		name: "documented_shape_any_order",
		body: opTwoProfiles,
		want: []OptionProfile{{ID: 700101, Title: "Weekly Internal", Global: true},
			{ID: 700102, Title: "Light & Fast", Default: true}},
	}, {
		name: "wrapped_in_response",
		body: `<OPTION_PROFILES><RESPONSE><DATETIME>2025-03-04T10:00:00Z</DATETIME>` +
			`<OPTION_PROFILE><BASIC_INFO><ID>5</ID><GROUP_NAME>Only</GROUP_NAME></BASIC_INFO>` +
			`</OPTION_PROFILE></RESPONSE></OPTION_PROFILES>`,
		want: []OptionProfile{{ID: 5, Title: "Only"}},
	}, {
		name: "no_profiles",
		body: `<OPTION_PROFILES/>`,
	}, {
		name: "odd_id_keeps_the_title",
		body: `<OPTION_PROFILES><OPTION_PROFILE><BASIC_INFO><ID>n/a</ID>` +
			`<GROUP_NAME>Named</GROUP_NAME></BASIC_INFO></OPTION_PROFILE></OPTION_PROFILES>`,
		want: []OptionProfile{{Title: "Named"}},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/api/2.0/fo/subscription/option_profile/vm/",
				expectForm(t, map[string]string{"action": "list"}, http.StatusOK, tt.body))

			emit, got := collect[OptionProfile]()
			if err := c.OptionProfiles(t.Context(), emit); err != nil {
				t.Fatalf("OptionProfiles: %v", err)
			}

			if diff := cmp.Diff(tt.want, got()); diff != "" {
				t.Errorf("profiles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOptionProfiles_version_is_configurable(t *testing.T) {
	t.Parallel()

	c, mux := setup(t, func(cfg *Config) { cfg.Versions.OptionProfileList = "4.0" })
	mux.HandleFunc("/api/4.0/fo/subscription/option_profile/vm/",
		expectForm(t, nil, http.StatusOK, opTwoProfiles))

	emit, got := collect[OptionProfile]()
	if err := c.OptionProfiles(t.Context(), emit); err != nil || len(got()) != 2 {
		t.Fatalf("OptionProfiles on 4.0 = %d profiles, %v; want 2", len(got()), err)
	}
}

func TestOptionProfiles_errors_are_typed(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		status     int
		body       string
		wantStatus int
		wantCode   string
		wantUnauth bool
	}{
		{"forbidden", http.StatusForbidden, simpleError("2002", "not allowed"), 403, "2002",
			false},
		{"bad_login", http.StatusUnauthorized, simpleError("2000", "Bad Login/Password"), 401,
			"2000", true},
		{"code_with_200", http.StatusOK, simpleError("2001", "This account has expired."), 200,
			"2001", false},
		{"html_page", http.StatusOK, "<html><body><h1>Service Unavailable</h1></body></html>",
			200, "", false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/api/2.0/fo/subscription/option_profile/vm/",
				expectForm(t, nil, tt.status, tt.body))

			err := c.OptionProfiles(t.Context(), func(OptionProfile) error { return nil })

			apiErr, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("err = %v, want an *APIError", err)
			}

			if apiErr.Status != tt.wantStatus || apiErr.Code != tt.wantCode ||
				apiErr.Endpoint != "option_profile_list" {
				t.Errorf("APIError = %+v, want status %d code %q endpoint option_profile_list",
					apiErr, tt.wantStatus, tt.wantCode)
			}

			if errors.Is(err, ErrUnauthorized) != tt.wantUnauth {
				t.Errorf("errors.Is(err, ErrUnauthorized) = %v, want %v", !tt.wantUnauth,
					tt.wantUnauth)
			}
		})
	}
}

func TestOptionProfiles_emit_error_comes_back_as_is(t *testing.T) {
	t.Parallel()

	c, mux := setup(t)
	mux.HandleFunc("/api/2.0/fo/subscription/option_profile/vm/",
		expectForm(t, nil, http.StatusOK, opTwoProfiles))

	stop := errors.New("enough")
	calls := 0

	err := c.OptionProfiles(t.Context(), func(OptionProfile) error {
		calls++

		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err = %v after %d calls, want the emit error after 1", err, calls)
	}
}
