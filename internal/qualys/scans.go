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
		items: map[string]itemFunc{"SCAN_LIST/SCAN": func(d *xml.Decoder,
			start *xml.StartElement) error {
			var raw rawScan
			if err := d.DecodeElement(&raw, start); err != nil {
				return fmt.Errorf("decode SCAN: %w", err)
			}

			if err := emit(raw.scan()); err != nil {
				return &emitError{err}
			}

			return nil
		}}})

	return err
}

// rawScan is a SCAN as encoding/xml sees it; STATUS, SUB_STATE and OPTION_PROFILE are
// optional.
type rawScan struct {
	Ref           string `xml:"REF"`
	Type          string `xml:"TYPE"`
	Title         string `xml:"TITLE"`
	User          string `xml:"USER_LOGIN"`
	Launched      string `xml:"LAUNCH_DATETIME"`
	Duration      string `xml:"DURATION"`
	State         string `xml:"STATUS>STATE"`
	SubState      string `xml:"STATUS>SUB_STATE"`
	Target        string `xml:"TARGET"`
	OptionProfile string `xml:"OPTION_PROFILE>TITLE"`
}

func (r *rawScan) scan() Scan {
	return Scan{
		Ref:           trim(r.Ref),
		Title:         trim(r.Title),
		State:         trim(r.State),
		SubState:      trim(r.SubState),
		Type:          trim(r.Type),
		Launched:      optTime(r.Launched),
		Duration:      trim(r.Duration),
		User:          trim(r.User),
		Target:        trim(r.Target),
		OptionProfile: trim(r.OptionProfile),
	}
}
