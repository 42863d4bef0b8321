package qualyssim

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	opListPath        = "/api/2.0/fo/subscription/option_profile/vm/"
	applianceListPath = "/api/2.0/fo/appliance/"
)

// opDoc is the decoded part of an option profile list.
type opDoc struct {
	Profiles []struct {
		ID      int    `xml:"BASIC_INFO>ID"`
		Title   string `xml:"BASIC_INFO>GROUP_NAME"`
		Default int    `xml:"BASIC_INFO>IS_DEFAULT"`
	} `xml:"OPTION_PROFILE"`
}

// applianceDoc is the decoded part of an appliance list.
type applianceDoc struct {
	Appliances []struct {
		ID     int64  `xml:"ID"`
		Name   string `xml:"NAME"`
		Status string `xml:"STATUS"`
		Type   string `xml:"TYPE"`
	} `xml:"RESPONSE>APPLIANCE_LIST>APPLIANCE"`
}

func TestOptionProfileList(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	for _, c := range []call{
		{path: opListPath, form: url.Values{"action": {"list"}}},
		{method: http.MethodPost, path: "/api/4.0/fo/subscription/option_profile/vm/",
			form: url.Values{"action": {"list"}}},
	} {
		resp, body := do(t, ts, c)
		mustWellFormed(t, body)

		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d\n%s", c.path, resp.StatusCode, head(body))
		}

		if resp.Header.Get("X-RateLimit-Remaining") == "" ||
			resp.Header.Get("X-Concurrency-Limit-Limit") == "" {
			t.Errorf("%s: rate or concurrency headers missing: %v", c.path, resp.Header)
		}

		want := []string{"OPTION_PROFILES", "OPTION_PROFILES/OPTION_PROFILE",
			"OPTION_PROFILES/OPTION_PROFILE/BASIC_INFO",
			"OPTION_PROFILES/OPTION_PROFILE/BASIC_INFO/GROUP_NAME",
			"OPTION_PROFILES/OPTION_PROFILE/BASIC_INFO/GROUP_TYPE",
			"OPTION_PROFILES/OPTION_PROFILE/BASIC_INFO/ID",
			"OPTION_PROFILES/OPTION_PROFILE/BASIC_INFO/IS_DEFAULT",
			"OPTION_PROFILES/OPTION_PROFILE/BASIC_INFO/IS_GLOBAL"}
		if diff := cmp.Diff(want, elementPaths(t, body)); diff != "" {
			t.Errorf("%s: element paths (-want +got):\n%s", c.path, diff)
		}

		var doc opDoc
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("decode: %v", err)
		}

		found := false

		for _, p := range doc.Profiles {
			if p.ID == DemoOptionProfileID {
				found = p.Title == DemoOptionProfile && p.Default == 1
			}
		}

		if !found || len(doc.Profiles) != len(optionProfiles) {
			t.Errorf("%s: profiles %+v, want all %d with %d %q as the default", c.path,
				doc.Profiles, len(optionProfiles), DemoOptionProfileID, DemoOptionProfile)
		}
	}
}

func TestApplianceList(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	tests := []struct {
		name      string
		form      url.Values
		wantNames []string
		wantType  bool
	}{
		{"brief_by_default", url.Values{}, []string{DemoScanner, "corp-scanner-01",
			DemoOfflineScanner}, false},
		{"full_adds_type", url.Values{"output_mode": {"full"}}, []string{DemoScanner,
			"corp-scanner-01", DemoOfflineScanner}, true},
		{"by_name", url.Values{"name": {DemoScanner}}, []string{DemoScanner}, false},
		{"by_id", url.Values{"ids": {"1062390"}}, []string{DemoOfflineScanner}, false},
		{"nothing_matches", url.Values{"name": {"nope"}}, nil, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			tt.form.Set("action", "list")
			resp, body := do(t, ts, call{method: http.MethodPost, path: applianceListPath,
				form: tt.form})
			mustWellFormed(t, body)

			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d\n%s", resp.StatusCode, head(body))
			}

			if resp.Header.Get("X-RateLimit-Limit") == "" ||
				resp.Header.Get("X-Concurrency-Limit-Running") == "" {
				t.Errorf("rate or concurrency headers missing: %v", resp.Header)
			}

			var doc applianceDoc
			if err := xml.Unmarshal(body, &doc); err != nil {
				t.Fatalf("decode: %v", err)
			}

			var names []string

			for _, a := range doc.Appliances {
				names = append(names, a.Name)

				if (a.Type != "") != tt.wantType {
					t.Errorf("%s TYPE = %q, want present %v", a.Name, a.Type, tt.wantType)
				}

				if a.ID == 0 || (a.Status != "Online" && a.Status != "Offline") {
					t.Errorf("appliance %+v: want an ID and Online or Offline", a)
				}
			}

			if diff := cmp.Diff(tt.wantNames, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLists_refuse_what_the_platform_refuses(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})
	list := url.Values{"action": {"list"}}

	tests := []struct {
		name       string
		c          call
		wantStatus int
		wantCode   string
	}{
		{"op_no_credentials", call{path: opListPath, form: list, user: "-"}, 401, "2000"},
		{"op_no_x_requested_with", call{path: opListPath, form: list, noXRW: true}, 400, "1903"},
		{"op_unknown_parameter", call{path: opListPath, form: url.Values{"action": {"list"},
			"title": {"x"}}}, 400, "1901"},
		{"op_unknown_action", call{path: opListPath, form: url.Values{"action": {"export"}}},
			400, "1905"},
		{"op_v5_does_not_exist", call{path: "/api/5.0/fo/subscription/option_profile/vm/",
			form: list}, 404, ""},
		{"appliance_wrong_password", call{path: applianceListPath, form: list, pass: "nope",
			user: "demo"}, 401, "2000"},
		{"appliance_bad_output_mode", call{path: applianceListPath,
			form: url.Values{"action": {"list"}, "output_mode": {"huge"}}}, 400, "1905"},
		{"appliance_bad_flag", call{path: applianceListPath,
			form: url.Values{"action": {"list"}, "busy": {"yes"}}}, 400, "1905"},
		{"appliance_bad_ids", call{path: applianceListPath,
			form: url.Values{"action": {"list"}, "ids": {"abc"}}}, 400, "1905"},
		{"appliance_v3_does_not_exist", call{path: "/api/3.0/fo/appliance/", form: list},
			404, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			resp, body := do(t, ts, tt.c)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d\n%s", resp.StatusCode, tt.wantStatus, head(body))
			}

			if tt.wantCode == "" {
				return
			}

			if got := decodeSimpleReturn(t, body).Response.Code; got != tt.wantCode {
				t.Errorf("CODE = %q, want %q", got, tt.wantCode)
			}
		})
	}
}

func TestLaunch_accepts_every_listed_appliance(t *testing.T) {
	t.Parallel()

	_, ts, _ := setup(t, Config{})

	for _, a := range appliances {
		form := url.Values{"action": {"launch"}, "ip": {DemoIP},
			"option_id": {"43165"}, "iscanner_name": {a.name}}

		resp, body := do(t, ts, call{method: http.MethodPost, path: "/api/2.0/fo/scan/",
			form: form})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("launch on %s: status %d\n%s", a.name, resp.StatusCode, head(body))
		}
	}
}
