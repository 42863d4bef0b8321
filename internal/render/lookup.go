package render

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

	_, err := fmt.Fprintf(w, "\n%s · %s · %s · %d ms\n", plural(len(l.Results), "indicator"),
		plural(l.Stats.APICalls, "Qualys call"), plural(l.Stats.CacheHits, "cache hit"),
		l.Stats.ElapsedMs)
	if err != nil {
		return fmt.Errorf("write table: %w", err)
	}

	return nil
}

// plural is "1 call" or "2 calls".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}

	return strconv.Itoa(n) + " " + noun + "s"
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
		msg := "  nothing found in the subscription"
		if len(r.Truncated) > 0 {
			msg = "  nothing shown: a page limit cut the answer, so more may exist in Qualys"
		}
		_, err := fmt.Fprintln(w, msg)

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

	rows := make([][]string, 0, len(r.KnowledgeBaseRecords))
	sevs := make([]int, 0, len(r.KnowledgeBaseRecords))
	for _, k := range r.KnowledgeBaseRecords {
		rows = append(rows, []string{sevLabel(k.Severity), "QID " + strconv.Itoa(k.QID), k.Title,
			strings.Join(k.CVEs, ", ")})
		sevs = append(sevs, k.Severity)
	}
	if err := grid(w, "    ", rows, paintSeverity(sevs, opts)); err != nil {
		return err
	}
	if r.Truncated[model.ListKnowledgeBase] {
		fmt.Fprintln(w, "    … more KnowledgeBase records exist: the page limit cut this list")
	}

	return nil
}

func hosts(w io.Writer, r model.Result, opts TableOptions) error {
	if len(r.HostDetections) == 0 {
		return nil
	}
	fmt.Fprintln(w, "  Hosts")

	shown := mostSevereFirst(r.HostDetections)
	more := len(shown) - maxTableHosts
	if more > 0 {
		shown = shown[:maxTableHosts]
	}

	// One grid for the detections of every host shown, so columns line up from host to host.
	var rows [][]string
	var sevs []int
	for _, h := range shown {
		for _, d := range h.Detections {
			rows = append(rows, []string{sevLabel(d.Severity), "QID " + strconv.Itoa(d.QID),
				d.Type, d.Status, port(d), "last found " + stamp(d.LastFound),
				clip(d.Title, maxTableTitle)})
			sevs = append(sevs, d.Severity)
		}
	}
	cells := gridLines("      ", rows, paintSeverity(sevs, opts))

	for _, h := range shown {
		line := "    " + firstNonEmpty(h.IP, h.IPv6)
		for _, part := range []string{h.IPv6, h.DNS, h.NetBIOS, h.OS} {
			if part != "" && !strings.Contains(line, part) {
				line += "  " + part
			}
		}
		if _, err := fmt.Fprintf(w, "%s  (last scan %s)\n", line, stamp(h.LastScan)); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
		if len(h.Detections) == 0 {
			fmt.Fprintln(w, "      no open detections")
		}
		for range h.Detections {
			if _, err := io.WriteString(w, cells[0]); err != nil {
				return fmt.Errorf("write table: %w", err)
			}
			cells = cells[1:]
		}
	}
	if more > 0 {
		fmt.Fprintf(w, "    … %d more hosts: use --json or --format csv to see them all\n", more)
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

	rows := make([][]string, 0, len(r.Scans))
	for _, s := range r.Scans {
		state := s.State
		if s.SubState != "" {
			state += " (" + s.SubState + ")"
		}
		rows = append(rows, []string{s.Ref, state, stamp(s.Launched), s.Title})
	}
	if err := grid(w, "    ", rows, nil); err != nil {
		return err
	}
	if r.Truncated[model.ListScans] {
		fmt.Fprintln(w, "    … more scans exist: the page limit cut this list")
	}

	return nil
}

// mostSevereFirst orders hosts by their most severe detection, then by how many detections
// of that severity they carry, keeping Qualys's order among equals. It copies: the result's
// order (the JSON contract's) is left alone.
func mostSevereFirst(hosts []model.Host) []model.Host {
	top := func(h model.Host) (sev, n int) {
		for _, d := range h.Detections {
			switch {
			case d.Severity > sev:
				sev, n = d.Severity, 1
			case d.Severity == sev:
				n++
			}
		}

		return sev, n
	}

	out := slices.Clone(hosts)
	slices.SortStableFunc(out, func(a, b model.Host) int {
		sa, na := top(a)
		sb, nb := top(b)
		if c := cmp.Compare(sb, sa); c != 0 {
			return c
		}

		return cmp.Compare(nb, na)
	})

	return out
}

// paintSeverity colours the first cell of each row (its severity label) when opts allow.
func paintSeverity(sevs []int, opts TableOptions) func(row, col int, cell string) string {
	if !opts.Color {
		return nil
	}

	return func(row, col int, cell string) string {
		if col != 0 || sevs[row] < 1 || sevs[row] > 5 {
			return cell
		}

		return sevColor[sevs[row]] + cell + reset
	}
}

// grid writes rows as columns two spaces apart, each line after indent.
func grid(w io.Writer, indent string, rows [][]string,
	paint func(row, col int, cell string) string) error {
	for _, line := range gridLines(indent, rows, paint) {
		if _, err := io.WriteString(w, line); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}

	return nil
}

// gridLines lays rows out as columns two spaces apart. Widths are measured on the plain text,
// so colours (added by paint to a padded cell) cannot shift a column; empty trailing cells are
// dropped and no line ends in spaces.
func gridLines(indent string, rows [][]string,
	paint func(row, col int, cell string) string) []string {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}

	lines := make([]string, 0, len(rows))
	for r, row := range rows {
		for len(row) > 0 && row[len(row)-1] == "" {
			row = row[:len(row)-1]
		}

		var b strings.Builder
		b.WriteString(indent)
		for i, cell := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			padded := cell
			if i < len(row)-1 {
				padded += strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			}
			if paint != nil {
				padded = paint(r, i, padded)
			}
			b.WriteString(padded)
		}
		b.WriteString("\n")
		lines = append(lines, b.String())
	}

	return lines
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

// sevLabel names a severity so the eye finds it: sev1 to sev5.
func sevLabel(s int) string { return "sev" + strconv.Itoa(s) }

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
