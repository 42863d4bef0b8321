package qualys

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// applianceTwo: two appliances with their children in different orders, padded values, a
// nested list carrying IDs of its own, and an entry with nothing a launch could name.
const applianceTwo = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE APPLIANCE_LIST_OUTPUT SYSTEM "https://qualysapi.example.test/api/2.0/fo/appliance/appliance_list_output.dtd">
<APPLIANCE_LIST_OUTPUT>
  <RESPONSE>
    <DATETIME>2025-03-04T10:00:00Z</DATETIME>
    <APPLIANCE_LIST>
      <APPLIANCE>
        <STATUS> Online </STATUS>
        <NAME>
          <![CDATA[dc-east-01]]>
        </NAME>
        <ASSET_GROUP_LIST><ASSET_GROUP><ID>4</ID><NAME>AG</NAME></ASSET_GROUP></ASSET_GROUP_LIST>
        <ID>880001</ID>
        <RUNNING_SCAN_COUNT>1</RUNNING_SCAN_COUNT>
      </APPLIANCE>
      <APPLIANCE>
        <ID>880002</ID>
        <UUID>6f1d2c3b-0000-4000-8000-00000000abcd</UUID>
        <NAME>lab scanner</NAME>
        <SOFTWARE_VERSION>3.1</SOFTWARE_VERSION>
        <STATUS>Offline</STATUS>
        <TYPE>virtual</TYPE>
      </APPLIANCE>
      <APPLIANCE><SOFTWARE_VERSION>2.9</SOFTWARE_VERSION></APPLIANCE>
    </APPLIANCE_LIST>
  </RESPONSE>
</APPLIANCE_LIST_OUTPUT>`

func TestAppliances_decode(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		body     string
		want     []Appliance
		wantMore bool
	}{{
		name: "documented_shape_any_order",
		body: applianceTwo,
		want: []Appliance{{ID: 880001, Name: "dc-east-01", Status: "Online"},
			{ID: 880002, UUID: "6f1d2c3b-0000-4000-8000-00000000abcd", Name: "lab scanner",
				Status: "Offline", Type: "virtual"}},
	}, {
		name: "no_appliance_list_is_zero",
		body: `<APPLIANCE_LIST_OUTPUT><RESPONSE><DATETIME>2025-03-04T10:00:00Z</DATETIME>` +
			`</RESPONSE></APPLIANCE_LIST_OUTPUT>`,
	}, {
		name: "warning_reports_more",
		body: `<APPLIANCE_LIST_OUTPUT><RESPONSE><APPLIANCE_LIST><APPLIANCE><NAME>a</NAME>` +
			`<ID>1</ID></APPLIANCE></APPLIANCE_LIST><WARNING><TEXT>1 record limit exceeded.` +
			`</TEXT><URL><![CDATA[https://qualysapi.example.test/api/2.0/fo/appliance/` +
			`?action=list&id_min=2]]></URL></WARNING></RESPONSE></APPLIANCE_LIST_OUTPUT>`,
		want:     []Appliance{{ID: 1, Name: "a"}},
		wantMore: true,
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/api/2.0/fo/appliance/", expectForm(t,
				map[string]string{"action": "list", "output_mode": "brief"}, http.StatusOK,
				tt.body))

			emit, got := collect[Appliance]()

			page, err := c.Appliances(t.Context(), emit)
			if err != nil {
				t.Fatalf("Appliances: %v", err)
			}

			if diff := cmp.Diff(tt.want, got()); diff != "" {
				t.Errorf("appliances (-want +got):\n%s", diff)
			}

			if page.Truncated != tt.wantMore || page.Requests != 1 {
				t.Errorf("page = %+v, want Truncated %v after 1 request", page, tt.wantMore)
			}
		})
	}
}

func TestAppliances_version_is_configurable(t *testing.T) {
	t.Parallel()

	c, mux := setup(t, func(cfg *Config) { cfg.Versions.ApplianceList = "3.0" })
	mux.HandleFunc("/api/3.0/fo/appliance/", expectForm(t, nil, http.StatusOK, applianceTwo))

	emit, got := collect[Appliance]()
	if _, err := c.Appliances(t.Context(), emit); err != nil || len(got()) != 2 {
		t.Fatalf("Appliances on 3.0 = %d appliances, %v; want 2", len(got()), err)
	}
}

func TestAppliances_errors_are_typed(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		status     int
		body       string
		wantStatus int
		wantCode   string
	}{
		{"forbidden", http.StatusForbidden, simpleError("2002", "not allowed"), 403, "2002"},
		{"code_inside_response", http.StatusOK, `<APPLIANCE_LIST_OUTPUT><RESPONSE>` +
			`<CODE>1905</CODE><TEXT>parameter ids has invalid value: x</TEXT></RESPONSE>` +
			`</APPLIANCE_LIST_OUTPUT>`, 200, "1905"},
		{"wrong_root", http.StatusOK, `<SCAN_LIST_OUTPUT/>`, 0, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/api/2.0/fo/appliance/", expectForm(t, nil, tt.status, tt.body))

			_, err := c.Appliances(t.Context(), func(Appliance) error { return nil })
			if err == nil {
				t.Fatal("Appliances succeeded, want an error")
			}

			apiErr, ok := errors.AsType[*APIError](err)
			if tt.wantStatus == 0 {
				if ok {
					t.Errorf("err = %v, want a decode error, not an *APIError", err)
				}

				return
			}

			if !ok || apiErr.Status != tt.wantStatus || apiErr.Code != tt.wantCode ||
				apiErr.Endpoint != "appliance_list" {
				t.Errorf("err = %v (%+v), want status %d code %q endpoint appliance_list", err,
					apiErr, tt.wantStatus, tt.wantCode)
			}
		})
	}
}
