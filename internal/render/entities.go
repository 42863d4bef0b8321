// Package render prints extraction and lookup results for people: aligned tables, CSV, and the
// JSON contract. It does no I/O besides writing to the given writer.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/qlens/qlens/internal/extract"
)

// JSON writes v as indented JSON followed by a newline.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)

	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}

	return nil
}

// Entities writes one line per entity: type, value, how often it occurs, where it first occurs,
// and why it is skipped when it is.
func Entities(w io.Writer, entities []extract.Entity) error {
	if len(entities) == 0 {
		_, err := fmt.Fprintln(w, "no indicators found")
		return err
	}

	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tVALUE\tCOUNT\tFIRST AT\tAS WRITTEN\tNOTE")
	for _, e := range entities {
		raw := e.Raw
		if raw == e.Value {
			raw = "="
		}
		note := ""
		if e.Skip != "" {
			note = "not looked up: " + e.Skip
		}
		first := "-"
		if len(e.Spans) > 0 {
			first = strconv.Itoa(e.Spans[0][0])
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", e.Type, e.Value, len(e.Spans), first,
			quoteRaw(raw), note)
	}

	tw.Flush() // into memory: cannot fail

	// An entity without a note would end in the padding of the AS WRITTEN column.
	for line := range strings.Lines(buf.String()) {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}

	return nil
}

// quoteRaw keeps control characters and invalid UTF-8 from reaching a terminal.
func quoteRaw(s string) string {
	q := strconv.Quote(s)
	if q[1:len(q)-1] == s {
		return s
	}

	return q
}
