package cli

import (
	"github.com/spf13/cobra"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/render"
)

func newExtract(g *globals) *cobra.Command {
	var asJSON bool
	var files []string
	cmd := &cobra.Command{
		Use:   "extract [TEXT... | -]",
		Short: "Print the indicators found in text",
		Long: `Print the IPv4/IPv6 addresses, domains, CVE IDs and QIDs found in the text given as
arguments, in --file PATHs, or on stdin ("-", or no arguments with piped input). Defanged forms
such as 10.0.0[.]1 and hxxp://evil[.]example are understood. With QLENS_CUSTOM_QID_REGEX set,
the organisation's own QID format is found too.`,
		Example: `  qlens extract "alert on 10.0.0.5: QID 38623 (CVE-2021-44228) via evil[.]example.com"
  qlens extract --json --file ticket.txt
  cat alert.log | qlens extract`,
		RunE: func(cmd *cobra.Command, args []string) error {
			x, ignore, err := extractor(g)
			if err != nil {
				return err
			}
			text, err := readInput(g, args, files)
			if err != nil {
				return err
			}

			entities := x.Extract(text)
			ignore.Mark(entities)
			if entities == nil {
				entities = []extract.Entity{}
			}

			if asJSON {
				return render.JSON(cmd.OutOrStdout(), map[string]any{"entities": entities})
			}

			return render.Entities(cmd.OutOrStdout(), entities)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"entities": [...]} as JSON`)
	cmd.Flags().StringArrayVarP(&files, "file", "f", nil, "read text from this file (repeatable)")

	return cmd
}

// extractor builds the extractor and the ignore list from the options; extraction needs no
// connection settings, so those are not validated here.
func extractor(g *globals) (*extract.Extractor, lookup.IgnoreList, error) {
	f, err := config.Load(g.configPath, g.env.Getenv)
	if err != nil {
		return nil, nil, usage(err)
	}

	x, err := extract.New(extract.Options{
		CustomQIDPattern:      f.CustomQIDRegex,
		CustomQIDValuePattern: f.CustomQIDValueRegex,
	})
	if err != nil {
		return nil, nil, usage(err)
	}
	ignore, err := lookup.NewIgnoreList(f.Ignore)
	if err != nil {
		return nil, nil, usage(err)
	}

	return x, ignore, nil
}
