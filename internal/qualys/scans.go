package qualys

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"time"
)

// ScanQuery selects scans: by target IPs, or by one scan reference. With neither, Qualys
// lists the scans launched in the last 30 days.
type ScanQuery struct {
	Targets []string
	Ref     string

	// LaunchedAfter sends launched_after_datetime; zero keeps Qualys's 30-day default.
	LaunchedAfter time.Time
}

func (q ScanQuery) form() url.Values {
	f := url.Values{"action": {"list"}, "show_op": {"1"}, "show_status": {"1"}}

	setList(f, "target", joinStrings(q.Targets))
	setList(f, "scan_ref", trim(q.Ref))

	if !q.LaunchedAfter.IsZero() {
		f.Set("launched_after_datetime", q.LaunchedAfter.UTC().Format("2006-01-02T15:04:05Z"))
	}

	return f
}

// Scans streams the matching scans to emit. It calls the VM scan list API
// (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-scan/vm_scans/list_vm_scans.htm)
// with show_op=1 and show_status=1. The scan list is not paged. An empty SCAN_LIST (or
// none) is zero scans, not an error.
//
// qualys: POST /api/3.0/fo/scan/ action=list
func (c *Client) Scans(ctx context.Context, q ScanQuery, emit func(Scan) error) error {
	path := "/api/" + c.cfg.Versions.ScanList + "/fo/scan/"

	_, err := c.do(ctx, request{endpoint: "scan_list", path: path, form: q.form(),
		idempotent: true}, func(r io.Reader) error {
		return decodeScanList(ctx, r, emit)
	})
	if err != nil {
		return fmt.Errorf("list scans: %w", err)
	}

	return nil
}

// decodeScanList streams one SCAN_LIST_OUTPUT to emit.
func decodeScanList(ctx context.Context, r io.Reader, emit func(Scan) error) error {
	_, err := decodeStream(ctx, r, streamSpec{root: "SCAN_LIST_OUTPUT",
		items: map[string]itemFunc{"SCAN_LIST/SCAN": func(tr *tokenReader,
			_ xml.StartElement) error {
			s, err := readScan(tr)
			if err != nil {
				return fmt.Errorf("decode SCAN: %w", err)
			}

			if err := emit(s); err != nil {
				return &emitError{err}
			}

			return nil
		}}})

	return err
}

// readScan reads the SCAN element just opened on r without reflection, by the rules
// hostDecoder follows; STATUS, SUB_STATE and OPTION_PROFILE are optional.
func readScan(r *tokenReader) (Scan, error) {
	var s Scan

	err := r.each(func(start xml.StartElement) error {
		switch start.Name.Local {
		case "STATUS":
			return r.each(func(start xml.StartElement) error {
				switch start.Name.Local {
				case "STATE":
					return scanText(r, &s.State)
				case "SUB_STATE":
					return scanText(r, &s.SubState)
				}

				return r.skip()
			})
		case "OPTION_PROFILE":
			return r.each(func(start xml.StartElement) error {
				if start.Name.Local != "TITLE" {
					return r.skip()
				}

				return scanText(r, &s.OptionProfile)
			})
		case "LAUNCH_DATETIME":
			text, err := r.text()
			s.Launched = optTimeBytes(text)

			return err
		}

		if dst := s.field(start.Name.Local); dst != nil {
			return scanText(r, dst)
		}

		return r.skip()
	})

	return s, err
}

// field returns the string field of a SCAN child, or nil.
func (s *Scan) field(name string) *string {
	switch name {
	case "REF":
		return &s.Ref
	case "TYPE":
		return &s.Type
	case "TITLE":
		return &s.Title
	case "USER_LOGIN":
		return &s.User
	case "DURATION":
		return &s.Duration
	case "TARGET":
		return &s.Target
	}

	return nil
}

// scanText reads the text of the innermost open element, trimmed, into dst.
func scanText(r *tokenReader, dst *string) error {
	text, err := r.text()
	if err != nil {
		return err
	}

	*dst = string(trimBytes(text))

	return nil
}
