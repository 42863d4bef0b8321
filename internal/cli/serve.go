package cli

import (
	"github.com/spf13/cobra"
)

// TODO: wired to internal/server once it lands.
func newServe(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API and the web page",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("serve is not available yet")
		},
	}
}
