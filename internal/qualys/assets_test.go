package qualys

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// serviceRequest is the part of a QPS ServiceRequest the fake server reads.
type serviceRequest struct {
	Limit    int `xml:"preferences>limitResults"`
	Criteria []struct {
		Field    string `xml:"field,attr"`
		Operator string `xml:"operator,attr"`
		Value    string `xml:",chardata"`
	} `xml:"filters>Criteria"`
}

func TestSearchHostAssets_pages_and_dedups(t *testing.T) {
	t.Parallel()

	c, mux := setup(t)

	var seen []string

	mux.HandleFunc("/qps/rest/2.0/search/am/hostasset", func(w http.ResponseWriter,
		r *http.Request) {
		body, _ := io.ReadAll(r.Body)

		var sr serviceRequest
		if err := xml.Unmarshal(body, &sr); err != nil {
			t.Errorf("request body is not a ServiceRequest: %v", err)
		}

		if _, pw, ok := r.BasicAuth(); r.Method != http.MethodPost || !ok || pw != testPassword {
			t.Errorf("method %s or basic auth wrong", r.Method)
		}

		var crit []string
		for _, cr := range sr.Criteria {
			crit = append(crit, cr.Field+" "+cr.Operator+" "+cr.Value)
		}

		seen = append(seen, strings.Join(crit, " & "))

		// Page one of dnsHostName has more; every search finds asset 501 again.
		switch {
		case len(crit) == 1 && sr.Criteria[0].Field == "dnsHostName":
			fmt.Fprintf(w, qpsOneAsset, "true", "<lastId>500</lastId>", 500, 4401)
		default:
			fmt.Fprintf(w, qpsOneAsset, "false", "", 501, 4402)
		}
	})

	emit, got := collect[Asset]()

	page, err := c.SearchHostAssets(t.Context(), AssetQuery{Name: `corp<"&>.example`,
		Fields: []string{"dnsHostName", "fqdn"}}, emit)
	if err != nil {
		t.Fatalf("SearchHostAssets: %v", err)
	}

	wantSeen := []string{
		`dnsHostName CONTAINS corp<"&>.example`,
		`dnsHostName CONTAINS corp<"&>.example & id GREATER 500`,
		`fqdn CONTAINS corp<"&>.example`,
	}
	if diff := cmp.Diff(wantSeen, seen); diff != "" {
		t.Errorf("criteria sent (-want +got):\n%s", diff)
	}

	asset := func(id, host int64) Asset {
		return Asset{ID: id, QWebHostID: host, Name: "web01", DNSHostName: "web01.corp.example",
			FQDN: "web01.corp.example", Address: "192.0.2.10"}
	}
	if diff := cmp.Diff([]Asset{asset(500, 4401), asset(501, 4402)}, got()); diff != "" {
		t.Errorf("assets (-want +got):\n%s", diff)
	}

	if page != (Page{Requests: 3}) {
		t.Errorf("page = %+v, want 3 requests", page)
	}
}

func TestSearchHostAssets_errors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		body   string
		target error
		text   string
	}{{
		name: "invalid_credentials_with_200", body: qpsBadCredentials,
		target: ErrUnauthorized, text: "Authentication failed Check user and password.",
	}, {
		name: "paging_loop", body: fmt.Sprintf(qpsOneAsset, "true", "<lastId>0</lastId>", 7, 1),
		text: "paging loop",
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/qps/rest/2.0/search/am/hostasset", func(w http.ResponseWriter,
				_ *http.Request) {
				_, _ = io.WriteString(w, tt.body)
			})

			_, err := c.SearchHostAssets(t.Context(), AssetQuery{Name: "web"}, noop[Asset])
			if err == nil || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.text)
			}

			if tt.target != nil && !errors.Is(err, tt.target) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.target)
			}
		})
	}
}

func TestSearchHostAssets_rejects_empty_name(t *testing.T) {
	t.Parallel()

	c, _ := setup(t)
	if _, err := c.SearchHostAssets(t.Context(), AssetQuery{Name: " "}, noop[Asset]); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("err = %v, want ErrInvalidQuery", err)
	}
}
