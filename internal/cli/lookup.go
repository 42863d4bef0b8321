package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/render"
)

func newLookup(g *globals) *cobra.Command {
	var (
		asJSON  bool
		format  string
		demo    bool
		refresh bool
		files   []string
	)
	cmd := &cobra.Command{
		Use:   "lookup [TEXT... | -]",
		Short: "Find the indicators in text and look each up in Qualys",
		Long: `Extract indicators like "qlens extract", then ask Qualys about them with the fewest calls:
host detections for addresses, domains, CVEs and QIDs, KnowledgeBase records for CVEs and QIDs,
scan history for IPv4 addresses. Errors of one source are reported on the indicators they touch;
the others keep their data. Exit code 1 when any indicator has an error.`,
		Example: `  qlens lookup --demo "10.0.0.5 CVE-2021-44228 QID 38623"
  qlens lookup --format csv --file alert.txt > context.csv
  QLENS_URL=https://qualysapi.qualys.com QLENS_USERNAME=me QLENS_PASSWORD=... qlens lookup 10.1.2.3`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				if cmd.Flags().Changed("format") && format != "json" {
					return usagef("--json and --format %s contradict each other: give one", format)
				}
				format = "json"
			}
			if format != "table" && format != "json" && format != "csv" {
				return usagef("--format must be table, json or csv, got %q", format)
			}
			text, err := readInput(g, args, files)
			if err != nil {
				return err
			}

			eng, stop, err := connect(cmd.Context(), g, demo)
			if err != nil {
				return err
			}
			defer stop()

			return runLookup(cmd.Context(), g, eng, lookup.Request{Text: string(text),
				Refresh: refresh}, format, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the JSON contract (same as --format json)")
	cmd.Flags().StringVar(&format, "format", "table", "output: table, json or csv")
	cmd.Flags().BoolVar(&demo, "demo", false, "use the embedded Qualys simulator and its demo data")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "ignore cached answers")
	cmd.Flags().StringArrayVarP(&files, "file", "f", nil, "read text from this file (repeatable)")

	return cmd
}

func runLookup(ctx context.Context, g *globals, eng *lookup.Engine, req lookup.Request,
	format string, out io.Writer) error {
	done := progress(ctx, g, "looking up in Qualys…")
	res, err := eng.Lookup(ctx, req)
	done()
	if err != nil {
		return lookupError(err)
	}

	switch format {
	case "json":
		err = render.JSON(out, res)
	case "csv":
		err = render.LookupCSV(out, res)
	default:
		err = render.LookupTable(out, res, render.TableOptions{Color: g.terminal(out)})
	}
	if err != nil {
		return failed(err)
	}

	for _, r := range res.Results {
		if len(r.Errors) > 0 {
			return failed(fmt.Errorf("%d of %d indicators have errors (see above)",
				countErrors(res.Results), len(res.Results)))
		}
	}

	return nil
}

// progress prints a status line on stderr when stderr is a terminal and the work takes more
// than a moment; the returned func clears it.
func progress(ctx context.Context, g *globals, msg string) func() {
	if !g.terminal(g.env.Stderr) {
		return func() {}
	}

	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTimer(400 * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-stop:
			return
		case <-ctx.Done():
			return
		}
		fmt.Fprint(g.env.Stderr, "\r"+msg)
		select {
		case <-stop:
		case <-ctx.Done():
		}
		fmt.Fprint(g.env.Stderr, "\r\x1b[K")
	}()

	return func() {
		close(stop)
		<-finished
	}
}
