package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/render"
)

// checkReport is what `qlens check --json` prints: the invalid options, each by its key, and
// the outcome of each capability test (none when the options are invalid).
type checkReport struct {
	Options []config.FieldError  `json:"options"`
	Checks  []lookup.CheckResult `json:"checks"`
}

func newCheck(g *globals) *cobra.Command {
	var demo, asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate the options and test the connection and the account's permissions",
		Long: `Validate every option (each problem is named by its key), then make one small call per
capability (host detections, KnowledgeBase, scan list, asset search) and report what the
account may do. With enableScanLaunch on, also confirm that scanOptionProfile (a title, or
digits for an id) and scannerName (blank: the default scanner) exist in the subscription.
Exit code 2 for invalid options, 1 when a check fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			report := checkReport{Options: []config.FieldError{}, Checks: []lookup.CheckResult{}}
			err := withEngine(cmd.Context(), g, demo, func(eng *lookup.Engine) (err error) {
				report.Checks, err = eng.Check(cmd.Context())

				return err
			})

			var invalid *config.ValidationError
			if errors.As(err, &invalid) {
				report.Options = invalid.Fields
			} else if err != nil {
				return err
			}

			if err := writeCheck(cmd.OutOrStdout(), report, asJSON); err != nil {
				return failed(err)
			}

			if n := len(report.Options); n > 0 {
				return usagef("%d invalid options (see above); the connection was not tested", n)
			}
			bad := 0
			for _, r := range report.Checks {
				if !r.OK {
					bad++
				}
			}
			if bad > 0 {
				return failed(fmt.Errorf("%d of %d checks failed", bad, len(report.Checks)))
			}

			return nil
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "check against the embedded Qualys simulator")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"options": [...], "checks": [...]}`)

	return cmd
}

// writeCheck prints the report: one line per invalid option, then one per check.
func writeCheck(w io.Writer, report checkReport, asJSON bool) error {
	if asJSON {
		return render.JSON(w, report)
	}

	width := 0
	for _, f := range report.Options {
		width = max(width, len(f.Key))
	}
	for _, r := range report.Checks {
		width = max(width, len(r.Name))
	}

	for _, f := range report.Options {
		if _, err := fmt.Fprintf(w, "FAIL  %-*s  %s\n", width, f.Key, f.Message); err != nil {
			return fmt.Errorf("write check: %w", err)
		}
	}
	for _, r := range report.Checks {
		mark := "ok  "
		if !r.OK {
			mark = "FAIL"
		}
		if _, err := fmt.Fprintf(w, "%s  %-*s  %s\n", mark, width, r.Name,
			r.Message); err != nil {
			return fmt.Errorf("write check: %w", err)
		}
	}

	return nil
}
