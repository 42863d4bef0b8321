package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/render"
)

func newCheck(g *globals) *cobra.Command {
	var demo, asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate the options and test the connection and the account's permissions",
		Long: `Validate every option (each problem is named by its key), then make one small call per
capability (host detections, KnowledgeBase, scan list, asset search) and report what the
account may do. Exit code 2 for invalid options, 1 when a check fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var results []lookup.CheckResult
			err := withEngine(cmd.Context(), g, demo, func(eng *lookup.Engine) (err error) {
				results, err = eng.Check(cmd.Context())
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				if err := render.JSON(cmd.OutOrStdout(), map[string]any{"checks": results}); err != nil {
					return failed(err)
				}
			}

			bad := 0
			for _, r := range results {
				mark := "ok  "
				if !r.OK {
					mark = "FAIL"
					bad++
				}
				if !asJSON {
					fmt.Fprintf(cmd.OutOrStdout(), "%s  %-16s %s\n", mark, r.Name, r.Message)
				}
			}
			if bad > 0 {
				return failed(fmt.Errorf("%d of %d checks failed", bad, len(results)))
			}

			return nil
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "check against the embedded Qualys simulator")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	return cmd
}
