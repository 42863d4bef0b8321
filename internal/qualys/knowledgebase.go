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

	// TODO: not resumable, as the KB does not document its order: a body cut after some
	// VULNs fails the call rather than risk a gap. Asking the same page again and skipping
	// the QIDs already emitted would remove this.
	page, err := pullList(ctx, c, "knowledge_base", path, q.form(), false, decodeKBPage, emit)
	if err != nil {
		return page, fmt.Errorf("list knowledge base: %w", err)
	}

	return page, nil
}

// decodeKBPage streams one KNOWLEDGE_BASE_VULN_LIST_OUTPUT to emit; minID is unused, as
// KB pulls are not resumed.
func decodeKBPage(ctx context.Context, r io.Reader, _ int64, emit func(Vuln) error) (pageInfo,
	error) {
	var (
		lastQID int64
		vd      = vulnDecoder{intern: interner{}}
	)

	res, err := decodeStream(ctx, r, streamSpec{root: "KNOWLEDGE_BASE_VULN_LIST_OUTPUT",
		items: map[string]itemFunc{"VULN_LIST/VULN": func(tr *tokenReader,
			_ xml.StartElement) error {
			f, err := vd.read(tr)
			if err != nil {
				return fmt.Errorf("decode VULN after qid %d: %w", lastQID, err)
			}

			v, err := f.vuln()
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

// vulnDecoder turns VULN elements into Vulns without reflection, by the rules hostDecoder
// follows (order-insensitive, last value wins, lists add up, unknown elements skipped).
type vulnDecoder struct{ intern interner }

// vulnFields is a VULN as read, before its QID is validated.
type vulnFields struct {
	v   Vuln
	qid string // as sent
}

// read reads the VULN element just opened on r; it returns only read and syntax errors.
func (vd *vulnDecoder) read(r *tokenReader) (vulnFields, error) {
	f := vulnFields{v: Vuln{CVEs: []string{}, ThreatIntel: []string{}}}

	err := r.each(func(start xml.StartElement) error {
		switch start.Name.Local {
		case "CVE_LIST":
			return vd.cves(r, &f.v)
		case "CVSS", "CVSS_V3":
			return vd.cvss(r, start.Name.Local, &f.v)
		case "THREAT_INTELLIGENCE":
			return r.each(func(start xml.StartElement) error {
				text, ok, err := r.textOf(start, "THREAT_INTEL")
				if ti := vd.intern.string(text); ok && ti != "" {
					f.v.ThreatIntel = append(f.v.ThreatIntel, ti)
				}

				return err
			})
		}

		return vd.field(r, start.Name.Local, &f)
	})

	return f, err
}

// field reads one scalar child of VULN into f; unknown ones are skipped.
func (vd *vulnDecoder) field(r *tokenReader, name string, f *vulnFields) error {
	switch name {
	case "QID", "VULN_TYPE", "SEVERITY_LEVEL", "TITLE", "CATEGORY", "PATCHABLE",
		"PUBLISHED_DATETIME", "LAST_SERVICE_MODIFICATION_DATETIME", "DIAGNOSIS", "CONSEQUENCE",
		"SOLUTION":
	default:
		return r.skip()
	}

	text, err := r.text()
	if err != nil {
		return err
	}

	switch v := &f.v; name {
	case "QID":
		f.qid = string(text)
	case "VULN_TYPE":
		v.VulnType = vd.intern.string(text)
	case "SEVERITY_LEVEL":
		v.Severity = optIntBytes(text)
	case "TITLE":
		v.Title = string(trimBytes(text))
	case "CATEGORY":
		v.Category = vd.intern.string(text)
	case "PATCHABLE":
		v.Patchable = flagBytes(text)
	case "PUBLISHED_DATETIME":
		v.Published = optTimeBytes(text)
	case "LAST_SERVICE_MODIFICATION_DATETIME":
		v.Modified = optTimeBytes(text)
	case "DIAGNOSIS":
		v.Diagnosis = string(trimBytes(text))
	case "CONSEQUENCE":
		v.Consequence = string(trimBytes(text))
	case "SOLUTION":
		v.Solution = string(trimBytes(text))
	}

	return nil
}

// cves reads CVE_LIST>CVE>ID into v.CVEs, upper-cased, leaving out empty IDs.
func (vd *vulnDecoder) cves(r *tokenReader, v *Vuln) error {
	return r.each(func(start xml.StartElement) error {
		if start.Name.Local != "CVE" {
			return r.skip()
		}

		return r.each(func(start xml.StartElement) error {
			text, ok, err := r.textOf(start, "ID")
			if id := strings.ToUpper(string(trimBytes(text))); ok && id != "" {
				v.CVEs = append(v.CVEs, id)
			}

			return err
		})
	})
}

// cvss reads the BASE score of CVSS or CVSS_V3.
func (vd *vulnDecoder) cvss(r *tokenReader, name string, v *Vuln) error {
	return r.each(func(start xml.StartElement) error {
		text, ok, err := r.textOf(start, "BASE")
		if !ok {
			return err
		}

		if name == "CVSS" {
			v.CVSSBase = optFloat(string(text))
		} else {
			v.CVSS3Base = optFloat(string(text))
		}

		return nil
	})
}

// vuln validates the VULN read into f.
func (f *vulnFields) vuln() (Vuln, error) {
	qid, err := parseID("VULN/QID", f.qid)
	if err != nil {
		return Vuln{}, err
	}

	f.v.QID = int(qid)

	return f.v, nil
}
