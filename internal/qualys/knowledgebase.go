package qualys

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// KBQuery selects KnowledgeBase records by QID or by CVE (either or both); IDMin and IDMax
// select a QID range. At least one selector must be set.
type KBQuery struct {
	IDs  []int
	CVEs []string

	IDMin int // id_min; 0: unset
	IDMax int // id_max; 0: unset
}

// TODO: cve= on the vuln list is documented only by clients, not by Qualys (qualys-api.md §4);
// a server answering 1901 "Unrecognized parameter(s): cve" fails the call. A fallback
// (QVS cve→QIDs, or a client-side CVE_LIST filter over an id range) removes it.
func (q KBQuery) form() url.Values {
	f := url.Values{"action": {"list"}, "details": {"All"}}

	setList(f, "ids", joinInts(q.IDs))
	setList(f, "cve", strings.ToUpper(joinStrings(q.CVEs)))

	if q.IDMin > 0 {
		f.Set("id_min", strconv.Itoa(q.IDMin))
	}

	if q.IDMax > 0 {
		f.Set("id_max", strconv.Itoa(q.IDMax))
	}

	return f
}

// KnowledgeBase streams the matching VULN records to emit, with details=All. It calls the
// KnowledgeBase API (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-scan/kbase/knowledgebase.htm);
// version 4.0 is the default because it takes cve=. The KB has no paging of its own, but
// a WARNING/URL, should one come, is followed like the host lists' (by id_min).
//
// qualys: POST /api/4.0/fo/knowledge_base/vuln/ action=list
func (c *Client) KnowledgeBase(ctx context.Context, q KBQuery, emit func(Vuln) error) (
	Page, error) {
	if len(q.IDs)+len(q.CVEs) == 0 && q.IDMin == 0 && q.IDMax == 0 {
		return Page{}, fmt.Errorf("list knowledge base: %w: no ids, cves or id range",
			ErrInvalidQuery)
	}

	path := "/api/" + c.cfg.Versions.KnowledgeBase + "/fo/knowledge_base/vuln/"

	page, err := c.pull(ctx, "knowledge_base", q.form(),
		func(ctx context.Context, form url.Values) (pageInfo, int, error) {
			var info pageInfo

			sent, err := c.do(ctx, request{endpoint: "knowledge_base", path: path, form: form,
				idempotent: true}, func(r io.Reader) error {
				var err error
				info, err = decodeKBPage(ctx, r, emit)

				return err
			})

			return info, sent, err
		})
	if err != nil {
		return page, fmt.Errorf("list knowledge base: %w", err)
	}

	return page, nil
}

// decodeKBPage streams one KNOWLEDGE_BASE_VULN_LIST_OUTPUT to emit.
func decodeKBPage(ctx context.Context, r io.Reader, emit func(Vuln) error) (pageInfo, error) {
	var lastQID int64

	res, err := decodeStream(ctx, r, streamSpec{root: "KNOWLEDGE_BASE_VULN_LIST_OUTPUT",
		items: map[string]itemFunc{"VULN_LIST/VULN": func(d *xml.Decoder,
			start *xml.StartElement) error {
			var raw rawVuln
			if err := d.DecodeElement(&raw, start); err != nil {
				return fmt.Errorf("decode VULN after qid %d: %w", lastQID, err)
			}

			v, err := raw.vuln()
			if err != nil {
				return err
			}

			lastQID = max(lastQID, int64(v.QID))

			if err := emit(v); err != nil {
				return &emitError{err}
			}

			return nil
		}}})

	return pageInfo{warning: res.warning, lastID: lastQID}, err
}

// rawVuln is a VULN as encoding/xml sees it; order-insensitive, lists as slices.
type rawVuln struct {
	QID         string   `xml:"QID"`
	VulnType    string   `xml:"VULN_TYPE"`
	Severity    string   `xml:"SEVERITY_LEVEL"`
	Title       string   `xml:"TITLE"`
	Category    string   `xml:"CATEGORY"`
	Patchable   string   `xml:"PATCHABLE"`
	Published   string   `xml:"PUBLISHED_DATETIME"`
	Modified    string   `xml:"LAST_SERVICE_MODIFICATION_DATETIME"`
	CVEs        []string `xml:"CVE_LIST>CVE>ID"`
	CVSSBase    string   `xml:"CVSS>BASE"`
	CVSS3Base   string   `xml:"CVSS_V3>BASE"`
	ThreatIntel []string `xml:"THREAT_INTELLIGENCE>THREAT_INTEL"`
	Diagnosis   string   `xml:"DIAGNOSIS"`
	Consequence string   `xml:"CONSEQUENCE"`
	Solution    string   `xml:"SOLUTION"`
}

func (r *rawVuln) vuln() (Vuln, error) {
	qid, err := parseID("VULN/QID", r.QID)
	if err != nil {
		return Vuln{}, err
	}

	v := Vuln{
		QID:         int(qid),
		Title:       trim(r.Title),
		Severity:    optInt(r.Severity),
		VulnType:    trim(r.VulnType),
		Category:    trim(r.Category),
		Patchable:   flag(r.Patchable),
		Published:   optTime(r.Published),
		Modified:    optTime(r.Modified),
		CVEs:        []string{},
		CVSSBase:    optFloat(r.CVSSBase),
		CVSS3Base:   optFloat(r.CVSS3Base),
		ThreatIntel: []string{},
		Diagnosis:   trim(r.Diagnosis),
		Consequence: trim(r.Consequence),
		Solution:    trim(r.Solution),
	}

	for _, id := range r.CVEs {
		if id = strings.ToUpper(trim(id)); id != "" {
			v.CVEs = append(v.CVEs, id)
		}
	}

	for _, ti := range r.ThreatIntel {
		if ti = trim(ti); ti != "" {
			v.ThreatIntel = append(v.ThreatIntel, ti)
		}
	}

	return v, nil
}
