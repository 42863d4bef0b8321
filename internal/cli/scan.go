package cli

import (
	"fmt"
	"os/user"

	"github.com/spf13/cobra"

	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/render"
)

func newScan(g *globals) *cobra.Command {
	var demo, asJSON bool
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Launch a Qualys VM scan of an IP, or follow one",
		Long: `Launch a Qualys VM scan of one IPv4 address, under the same rules as the HTTP API: only when
enableScanLaunch is on, with the configured option profile and scanner; a second launch for the
same IP within scanDedupWindow returns the first scan.`,
	}
	cmd.PersistentFlags().BoolVar(&demo, "demo", false, "use the embedded Qualys simulator")
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON")

	launch := &cobra.Command{
		Use:     "launch IP",
		Short:   "Launch a VM scan of one IPv4 address",
		Example: "  qlens scan launch --demo 10.0.0.5",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var res model.ScanLaunch
			err := withEngine(cmd.Context(), g, demo, func(eng *lookup.Engine) (err error) {
				res, err = eng.LaunchScan(cmd.Context(), args[0], actor())
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				return failed(render.JSON(cmd.OutOrStdout(), res))
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\nref %s (id %d): %s\n", res.Title, res.Ref,
				res.ID, res.Message)

			return failed(err)
		},
	}

	status := &cobra.Command{
		Use:     "status REF",
		Short:   "Show the state of a scan by its reference",
		Example: "  qlens scan status scan/1733253000.12345",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var s model.Scan
			err := withEngine(cmd.Context(), g, demo, func(eng *lookup.Engine) (err error) {
				s, err = eng.ScanStatus(cmd.Context(), args[0])
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				return failed(render.JSON(cmd.OutOrStdout(), s))
			}
			state := s.State
			if s.SubState != "" {
				state += " (" + s.SubState + ")"
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s  %s  %s  target %s\n", s.Ref, state,
				s.Title, s.Target)

			return failed(err)
		},
	}

	cmd.AddCommand(launch, status)

	return cmd
}

// actor names the person at the terminal for the scan title.
func actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username + " (cli)"
	}

	return "cli"
}
