package qualys

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
)

// qpsMaxResults is the largest limitResults QPS accepts.
const qpsMaxResults = 1000

// AssetQuery searches QPS host assets whose DNS host name (or another text field of
// Fields) contains Name.
type AssetQuery struct {
	Name string

	// Fields are the QPS fields searched with CONTAINS, one search each, results merged by
	// asset id. nil means {"dnsHostName"}, the documented DNS field; "fqdn" or "name" may
	// be added. Criteria of one QPS request are ANDed, hence one request per field.
	Fields []string
}

// SearchHostAssets streams matching host assets to emit. It calls the QPS Asset Management
// search (https://docs.qualys.com/en/ca/api/agents/list_agents.htm) with a ServiceRequest
// filter "<field> CONTAINS name", pages by "id GREATER lastId" while hasMoreRecords is
// true, and never emits one asset twice. CONTAINS matches substrings ("corp.com" also
// finds "notcorp.com"): callers match label boundaries on DNSHostName and FQDN themselves.
// QWebHostID is the VM host id that HostDetections takes as IDs.
//
// qualys: POST /qps/rest/2.0/search/am/hostasset
func (c *Client) SearchHostAssets(ctx context.Context, q AssetQuery, emit func(Asset) error) (
	Page, error) {
	if trim(q.Name) == "" {
		return Page{}, fmt.Errorf("search host assets: %w: empty name", ErrInvalidQuery)
	}

	fields := q.Fields
	if len(fields) == 0 {
		fields = []string{"dnsHostName"}
	}

	var page Page

	seen := map[int64]bool{}
	dedup := func(a Asset) error {
		if seen[a.ID] {
			return nil
		}

		seen[a.ID] = true

		return emit(a)
	}

	for _, field := range fields {
		p, err := c.searchField(ctx, field, trim(q.Name), dedup)
		page.Requests += p.Requests
		page.Truncated = page.Truncated || p.Truncated

		if err != nil {
			return page, fmt.Errorf("search host assets by %s: %w", field, err)
		}
	}

	return page, nil
}

// searchField runs the paged search of one field.
func (c *Client) searchField(ctx context.Context, field, name string,
	emit func(Asset) error) (Page, error) {
	var (
		page   Page
		lastID int64
	)

	for n := 1; ; n++ {
		var res qpsPage

		body := qpsSearchBody(field, name, lastID, min(c.cfg.PageSize, qpsMaxResults))

		sent, err := c.do(ctx, request{endpoint: "host_asset", path: "/qps/rest/2.0/search/am/hostasset",
			xmlBody: body, idempotent: true, ungoverned: true}, func(r io.Reader) error {
			var err error
			res, err = decodeAssetPage(ctx, r, emit)

			return err
		})
		page.Requests += sent

		if err != nil {
			return page, fmt.Errorf("page %d: %w", n, err)
		}

		if !res.more {
			return page, nil
		}

		if res.lastID <= lastID {
			return page, fmt.Errorf("page %d: lastId %d does not advance past %d: paging loop",
				n, res.lastID, lastID)
		}

		if n >= c.cfg.MaxPages {
			page.Truncated = true

			return page, nil
		}

		lastID = res.lastID
	}
}

// qpsSearchBody builds the ServiceRequest; name is XML-escaped so it cannot add criteria.
func qpsSearchBody(field, name string, afterID int64, limit int) []byte {
	var b bytes.Buffer

	b.WriteString("<ServiceRequest><preferences><limitResults>")
	b.WriteString(strconv.Itoa(limit))
	b.WriteString("</limitResults></preferences><filters><Criteria field=\"")
	_ = xml.EscapeText(&b, []byte(field))
	b.WriteString("\" operator=\"CONTAINS\">")
	_ = xml.EscapeText(&b, []byte(name))
	b.WriteString("</Criteria>")

	if afterID > 0 {
		b.WriteString(`<Criteria field="id" operator="GREATER">`)
		b.WriteString(strconv.FormatInt(afterID, 10))
		b.WriteString("</Criteria>")
	}

	b.WriteString("</filters></ServiceRequest>")

	return b.Bytes()
}

// qpsPage is what one QPS page told us besides its assets.
type qpsPage struct {
	more   bool
	lastID int64
}

// decodeAssetPage streams one QPS ServiceResponse to emit. A responseCode other than
// SUCCESS (QPS answers errors with HTTP 200) becomes an *APIError.
func decodeAssetPage(ctx context.Context, r io.Reader, emit func(Asset) error) (
	qpsPage, error) {
	var (
		page   qpsPage
		qe     qpsError
		more   string
		lastID string
		maxID  int64
	)

	text := func(dst *string) itemFunc {
		return func(tr *tokenReader, s xml.StartElement) error { return tr.decode(s, dst) }
	}

	_, err := decodeStream(ctx, r, streamSpec{root: "ServiceResponse",
		fields: map[string]itemFunc{
			"ServiceResponse/responseCode":   text(&qe.Code),
			"ServiceResponse/hasMoreRecords": text(&more),
			"ServiceResponse/lastId":         text(&lastID),
			"ServiceResponse/responseErrorDetails": func(tr *tokenReader,
				s xml.StartElement) error {
				return tr.decode(s, &struct {
					Message *string `xml:"errorMessage"`
					Resolve *string `xml:"errorResolution"`
				}{&qe.Message, &qe.Resolve})
			},
		},
		items: map[string]itemFunc{"data/HostAsset": func(tr *tokenReader,
			s xml.StartElement) error {
			var raw rawAsset
			if err := tr.decode(s, &raw); err != nil {
				return fmt.Errorf("decode HostAsset: %w", err)
			}

			a, err := raw.asset()
			if err != nil {
				return err
			}

			maxID = max(maxID, a.ID)

			if err := emit(a); err != nil {
				return &emitError{err}
			}

			return nil
		}}})
	if err != nil {
		return page, err
	}

	if err := qe.apiError(200); err != nil {
		return page, err
	}

	page.more = trim(more) == "true"
	page.lastID = optInt64(lastID)

	if page.lastID == 0 {
		page.lastID = maxID
	}

	return page, nil
}

// rawAsset is a HostAsset as encoding/xml sees it.
type rawAsset struct {
	ID          string `xml:"id"`
	QWebHostID  string `xml:"qwebHostId"`
	Name        string `xml:"name"`
	DNSHostName string `xml:"dnsHostName"`
	FQDN        string `xml:"fqdn"`
	Address     string `xml:"address"`
}

func (r *rawAsset) asset() (Asset, error) {
	id, err := parseID("HostAsset/id", r.ID)
	if err != nil {
		return Asset{}, err
	}

	return Asset{ID: id, QWebHostID: optInt64(r.QWebHostID), Name: trim(r.Name),
		DNSHostName: trim(r.DNSHostName), FQDN: trim(r.FQDN), Address: trim(r.Address)}, nil
}
