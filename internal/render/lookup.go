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

// LookupTable writes one block per entity: its summary and errors, then KnowledgeBase records,
// hosts with their detections, and scans.
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

// maxTableHosts bounds the hosts one entity shows in the table; JSON and CSV show them all.
const maxTableHosts = 15

func result(w io.Writer, r model.Result, opts TableOptions) error {
	head := fmt.Sprintf("%s %s", r.Entity.Type, r.Entity.Value)
	if opts.Color {
		head = "\x1b[1m" + head + reset
	}
	fmt.Fprintln(w, head)
	if r.Entity.Skip != "" {
		_, err := fmt.Fprintf(w, "  not looked up: %s\n", r.Entity.Skip)
		return err
	}
	if len(r.Summary) > 0 {
		fmt.Fprintf(w, "  %s\n", strings.Join(r.Summary, " · "))
	}

	for _, e := range r.Errors {
		code := ""
		if e.Code != "" {
			code = " [" + e.Code + "]"
		}
		fmt.Fprintf(w, "  ! %s%s: %s\n", e.Source, code, e.Message)
	}
	if len(r.Errors) == 0 && len(r.KnowledgeBaseRecords) == 0 && len(r.HostDetections) == 0 &&
		len(r.Scans) == 0 {
		_, err := fmt.Fprintln(w, "  nothing found in the subscription")
		return err
	}

	steps := []func(io.Writer, model.Result, TableOptions) error{kb, hosts, scans}
	for _, step := range steps {
		if err := step(w, r, opts); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}

	return nil
}

func kb(w io.Writer, r model.Result, opts TableOptions) error {
	if len(r.KnowledgeBaseRecords) == 0 {
		return nil
	}
	fmt.Fprintln(w, "  KnowledgeBase")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range r.KnowledgeBaseRecords {
		fmt.Fprintf(tw, "    %s\tQID %d\t%s", sev(k.Severity, opts), k.QID, k.Title)
		if len(k.CVEs) > 0 {
			fmt.Fprintf(tw, "\t%s", strings.Join(k.CVEs, ", "))
		}
		fmt.Fprintln(tw)
	}
	if r.Truncated[model.ListKnowledgeBase] {
		fmt.Fprintln(tw, "    … more KnowledgeBase records exist")
	}

	return tw.Flush()
}

func hosts(w io.Writer, r model.Result, opts TableOptions) error {
	if len(r.HostDetections) == 0 {
		return nil
	}
	fmt.Fprintln(w, "  Hosts")
	for i, h := range r.HostDetections {
		if i == maxTableHosts {
			fmt.Fprintf(w, "    … %d more hosts: use --json or --format csv to see them all\n",
				len(r.HostDetections)-maxTableHosts)
			break
		}
		line := "    " + firstNonEmpty(h.IP, h.IPv6)
		for _, part := range []string{h.IPv6, h.DNS, h.NetBIOS, h.OS} {
			if part != "" && !strings.Contains(line, part) {
				line += "  " + part
			}
		}
		fmt.Fprintf(w, "%s  (last scan %s)\n", line, stamp(h.LastScan))

		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, d := range h.Detections {
			fmt.Fprintf(tw, "      %s\tQID %d\t%s\t%s\t%s\tlast found %s",
				sev(d.Severity, opts), d.QID, d.Type, d.Status, port(d), stamp(d.LastFound))
			if d.Title != "" {
				fmt.Fprintf(tw, "\t%s", clip(d.Title, maxTableTitle))
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if r.Truncated[model.ListHostDetections] {
		fmt.Fprintln(w, "    … more hosts exist: the page limit cut this list")
	}

	return nil
}

func scans(w io.Writer, r model.Result, _ TableOptions) error {
	if len(r.Scans) == 0 {
		return nil
	}
	fmt.Fprintln(w, "  Scans")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range r.Scans {
		state := s.State
		if s.SubState != "" {
			state += " (" + s.SubState + ")"
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", s.Ref, state, stamp(s.Launched), s.Title)
	}
	if r.Truncated[model.ListScans] {
		fmt.Fprintln(tw, "    … more scans exist")
	}

	return tw.Flush()
}

// maxTableTitle bounds a detection's title in the table, in characters.
const maxTableTitle = 60

// clip cuts s to at most n characters, marking the cut with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}

	return strings.TrimRight(string(r[:n-1]), " ") + "…"
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

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}

	return ""
}
