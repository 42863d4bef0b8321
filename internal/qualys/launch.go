package qualys

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
)

// LaunchRequest describes a VM scan of one IP. Exactly one of OptionID or OptionTitle is set;
// an empty ScannerName means the default scanner.
type LaunchRequest struct {
	Title       string
	IP          string
	OptionID    int
	OptionTitle string
	ScannerName string
}

// LaunchResult is what Qualys answers to a launch.
type LaunchResult struct {
	ID  int64
	Ref string
}

func (r LaunchRequest) form() (url.Values, error) {
	var errs []error

	if trim(r.Title) == "" {
		errs = append(errs, errors.New("scan title is empty"))
	}

	if trim(r.IP) == "" {
		errs = append(errs, errors.New("ip is empty"))
	}

	if (r.OptionID > 0) == (trim(r.OptionTitle) != "") {
		errs = append(errs, errors.New("set exactly one of option id and option title"))
	}

	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidQuery, err)
	}

	f := url.Values{"action": {"launch"}, "scan_title": {trim(r.Title)}, "ip": {trim(r.IP)}}

	if r.OptionID > 0 {
		f.Set("option_id", strconv.Itoa(r.OptionID))
	} else {
		f.Set("option_title", trim(r.OptionTitle))
	}

	if name := trim(r.ScannerName); name != "" {
		f.Set("iscanner_name", name)
	} else {
		f.Set("default_scanner", "1")
	}

	return f, nil
}

// LaunchScan launches a VM scan. It is never retried unless Qualys refused it with 1960/1965.
// It calls the scan launch API (https://docs.qualys.com/en/vm/qweb-all-api/mergedProjects/qapi-scan/vm_scans/launch_vm_scan.htm);
// the answer is a SIMPLE_RETURN whose ITEMs are looked up by KEY (ID, REFERENCE).
// A timeout or transport error leaves it unknown whether the scan started: list scans by
// target before launching again.
//
// qualys: POST /api/2.0/fo/scan/ action=launch
func (c *Client) LaunchScan(ctx context.Context, r LaunchRequest) (LaunchResult, error) {
	form, err := r.form()
	if err != nil {
		return LaunchResult{}, fmt.Errorf("launch scan: %w", err)
	}

	var res LaunchResult

	path := "/api/" + c.cfg.Versions.ScanLaunch + "/fo/scan/"

	_, err = c.do(ctx, request{endpoint: "scan_launch", path: path, form: form},
		func(body io.Reader) error {
			var err error
			res, err = decodeLaunch(body)

			return err
		})
	if err != nil {
		return LaunchResult{}, fmt.Errorf("launch scan: %w", err)
	}

	c.log.InfoContext(ctx, "qualys scan launched", "scan_ref", res.Ref, "scan_id", res.ID)

	return res, nil
}

// LaunchMayHaveStarted reports whether a failed LaunchScan may still have started a scan,
// so that the caller looks for it before anyone launches again. Qualys's refusals with a
// CODE (but the 999 internal error), a 3xx or 4xx page, and a request that was never sent
// are final. A transport failure, a timeout, a cut or garbled answer, a 5xx, and an empty
// 409 or a 429 from a proxy leave it open: these are also why shouldRetry never re-sends a
// launch after them.
func LaunchMayHaveStarted(err error) bool {
	if err == nil || errors.Is(err, ErrInvalidQuery) {
		return false
	}

	var api *APIError
	if !errors.As(err, &api) {
		return true
	}

	switch {
	case api.Code == "999":
		return true
	case api.Code != "":
		return false
	}

	return api.Status >= 500 || api.Status == 409 || api.Status == 429
}

// decodeLaunch reads the launch SIMPLE_RETURN: a CODE is an error; otherwise ITEM ID and
// ITEM REFERENCE carry the scan.
func decodeLaunch(r io.Reader) (LaunchResult, error) {
	d := newDecoder(r)
	for {
		tok, err := d.Token()
		if err != nil {
			return LaunchResult{}, fmt.Errorf("decode launch answer: %w", err)
		}

		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}

		if start.Name.Local != "SIMPLE_RETURN" {
			return LaunchResult{}, checkRootElement(d, &start, "SIMPLE_RETURN")
		}

		var sr simpleReturn
		if err := d.DecodeElement(&sr, &start); err != nil {
			return LaunchResult{}, fmt.Errorf("decode launch answer: %w", err)
		}

		if err := sr.apiError(200); err != nil {
			return LaunchResult{}, err
		}

		items := sr.itemMap()

		ref := items["REFERENCE"]
		if ref == "" {
			return LaunchResult{}, fmt.Errorf("decode launch answer: no REFERENCE item "+
				"(text %q)", truncateRunes(trim(sr.Response.Text), 100))
		}

		return LaunchResult{ID: optInt64(items["ID"]), Ref: ref}, nil
	}
}
