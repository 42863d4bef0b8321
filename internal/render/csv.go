package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/qlens/qlens/internal/model"
)

var csvHeader = []string{"entity_type", "entity_value", "record", "host_ip", "host_ipv6", "host_dns",
	"qid", "severity", "status", "port", "protocol", "title", "cves", "scan_ref", "scan_state",
	"launched", "message"}

// LookupCSV writes one row per detection, KnowledgeBase record, scan and error, each carrying its
// entity, so the file can be filtered and pivoted, and one row of kind "truncated" per list a
// page limit cut. An entity with nothing to show gets one row of kind "none" (or "skipped"), so
// no indicator disappears from the sheet.
func LookupCSV(w io.Writer, l model.Lookup) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}

	for _, r := range l.Results {
		for _, row := range csvRows(r) {
			for i, cell := range row {
				row[i] = defuseFormula(cell)
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}

	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}

	return nil
}

func csvRows(r model.Result) [][]string {
	t, v := string(r.Entity.Type), r.Entity.Value
	row := func(kind string) []string {
		out := make([]string, len(csvHeader))
		out[0], out[1], out[2] = t, v, kind
		return out
	}

	if r.Entity.Skip != "" {
		out := row("skipped")
		out[16] = r.Entity.Skip
		return [][]string{out}
	}

	var rows [][]string
	for _, h := range r.HostDetections {
		for _, d := range h.Detections {
			out := row("detection")
			out[3], out[4], out[5] = h.IP, h.IPv6, h.DNS
			out[6], out[7], out[8] = strconv.Itoa(d.QID), strconv.Itoa(d.Severity), d.Status
			if d.Port != 0 {
				out[9] = strconv.Itoa(d.Port)
			}
			out[10], out[11] = d.Protocol, d.Title
			rows = append(rows, out)
		}
	}
	for _, k := range r.KnowledgeBaseRecords {
		out := row("kb")
		out[6], out[7], out[11] = strconv.Itoa(k.QID), strconv.Itoa(k.Severity), k.Title
		out[12] = strings.Join(k.CVEs, " ")
		rows = append(rows, out)
	}
	for _, s := range r.Scans {
		out := row("scan")
		out[11], out[13], out[14], out[15] = s.Title, s.Ref, s.State, stamp(s.Launched)
		rows = append(rows, out)
	}
	for _, e := range r.Errors {
		out := row("error")
		out[16] = strings.TrimSpace(e.Source + " " + e.Code + ": " + e.Message)
		rows = append(rows, out)
	}
	// A cut list says so in the sheet too, or its rows would read as the whole answer.
	for _, list := range []string{model.ListHostDetections, model.ListKnowledgeBase,
		model.ListScans} {
		if r.Truncated[list] {
			out := row("truncated")
			out[16] = list + ": a page limit cut this list; more exist in Qualys"
			rows = append(rows, out)
		}
	}
	if len(rows) == 0 {
		rows = append(rows, row("none"))
	}

	return rows
}

// defuseFormula stops a spreadsheet from running a cell that starts like a formula: Qualys text
// (titles, results) is outside our control.
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s
		}
		return "'" + s
	}

	return s
}
