package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/qlens/qlens/internal/model"
)

// TableOptions tune the human-readable lookup table.
type TableOptions struct {
	Color bool // ANSI colours for severities; only for a terminal
}

// severity colours, from informational (1) to urgent (5).
var sevColor = [6]string{"", "\x1b[37m", "\x1b[36m", "\x1b[33m", "\x1b[31m", "\x1b[1;97;41m"}

const reset = "\x1b[0m"

// LookupTable writes one block per entity: its summary, then hosts with their detections (most
// severe first as Qualys ordered them is kept), KnowledgeBase records, scans and errors.
func LookupTable(w io.Writer, l model.Lookup, opts TableOptions) error {
	if len(l.Results) == 0 {
		_, err := fmt.Fprintln(w, "no indicators found")
		return err
	}

	for i, r := range l.Results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := result(w, r, opts); err != nil {
			return err
		}
	}

	_, err := fmt.Fprintf(w, "\n%d indicators · %d Qualys calls · %d cache hits · %d ms\n",
		len(l.Results), l.Stats.APICalls, l.Stats.CacheHits, l.Stats.ElapsedMs)

	return err
}

func result(w io.Writer, r model.Result, opts TableOptions) error {
	head := fmt.Sprintf("%s %s", r.Entity.Type, r.Entity.Value)
	if opts.Color {
		head = "\x1b[1m" + head + reset
	}
	fmt.Fprintln(w, head)
	if r.Entity.Skip != "" {
		fmt.Fprintf(w, "  not looked up: %s\n", r.Entity.Skip)
		return nil
	}
	if len(r.Summary) > 0 {
		fmt.Fprintf(w, "  %s\n", strings.Join(r.Summary, " · "))
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	hosts(tw, r, opts)
	kb(tw, r, opts)
	scans(tw, r)
	for _, e := range r.Errors {
		code := ""
		if e.Code != "" {
			code = " [" + e.Code + "]"
		}
		fmt.Fprintf(tw, "  ! %s%s: %s\n", e.Source, code, e.Message)
	}

	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}

	return nil
}

func hosts(tw *tabwriter.Writer, r model.Result, opts TableOptions) {
	for _, h := range r.HostDetections {
		name := firstNonEmpty(h.DNS, h.NetBIOS)
		addr := firstNonEmpty(h.IP, h.IPv6)
		fmt.Fprintf(tw, "  host %s\t%s\t%s\tlast scan %s\n", addr, dash(name), dash(h.OS),
			stamp(h.LastScan))
		if len(h.Detections) == 0 {
			continue
		}
		fmt.Fprintln(tw, "    SEV\tQID\tTYPE\tSTATUS\tPORT\tLAST FOUND")
		for _, d := range h.Detections {
			fmt.Fprintf(tw, "    %s\t%d\t%s\t%s\t%s\t%s\n", sev(d.Severity, opts), d.QID, d.Type,
				d.Status, port(d), stamp(d.LastFound))
		}
	}
	if r.Truncated[model.ListHostDetections] {
		fmt.Fprintln(tw, "  … more hosts exist: the page limit cut this list")
	}
}

func kb(tw *tabwriter.Writer, r model.Result, opts TableOptions) {
	for _, k := range r.KnowledgeBaseRecords {
		cves := ""
		if len(k.CVEs) > 0 {
			cves = "  " + strings.Join(k.CVEs, ", ")
		}
		fmt.Fprintf(tw, "  kb %s QID %d\t%s%s\n", sev(k.Severity, opts), k.QID, k.Title, cves)
	}
	if r.Truncated[model.ListKnowledgeBase] {
		fmt.Fprintln(tw, "  … more KnowledgeBase records exist")
	}
}

func scans(tw *tabwriter.Writer, r model.Result) {
	for _, s := range r.Scans {
		state := s.State
		if s.SubState != "" {
			state += " (" + s.SubState + ")"
		}
		fmt.Fprintf(tw, "  scan %s\t%s\t%s\t%s\n", s.Ref, state, stamp(s.Launched), s.Title)
	}
	if r.Truncated[model.ListScans] {
		fmt.Fprintln(tw, "  … more scans exist")
	}
}

func sev(s int, opts TableOptions) string {
	label := "sev" + strconv.Itoa(s)
	if opts.Color && s >= 1 && s <= 5 {
		return sevColor[s] + label + reset
	}

	return label
}

func port(d model.Detection) string {
	if d.Port == 0 {
		return "-"
	}
	p := strconv.Itoa(d.Port) + "/" + strings.ToLower(d.Protocol)
	if d.SSL {
		p += " ssl"
	}

	return p
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}

	return t.UTC().Format("2006-01-02 15:04")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}

	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}

	return ""
}
