package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/qlens/qlens/internal/qualyssim"
)

func newSim(g *globals) *cobra.Command {
	var (
		addr string
		cfg  qualyssim.Config
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the Qualys simulator on its own",
		Long: `Serve a simulated Qualys subscription: host detections, host list, QPS asset search,
KnowledgeBase, scan list and scan launch, VM option profile and scanner appliance lists, with
Qualys's envelopes, errors, paging, rate and concurrency limits. The data is generated from
--seed, so the same seed gives the same subscription. Explore it with curl:

  curl -u demo:demo -H 'X-Requested-With: curl' \
    'http://127.0.0.1:8081/api/5.0/fo/asset/host/vm/detection/?action=list&ips=10.0.0.5'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Logger = g.logger()
			ready := func(url string) { fmt.Fprintln(cmd.OutOrStdout(), qualyssim.ListenMessage(url)) }

			return failed(qualyssim.Serve(cmd.Context(), addr, cfg, ready))
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8081", "listen address")
	f.StringVar(&cfg.Username, "username", qualyssim.DefaultUsername, "basic-auth user name")
	f.StringVar(&cfg.Password, "password", qualyssim.DefaultPassword, "basic-auth password")
	f.IntVar(&cfg.Hosts, "hosts", qualyssim.DefaultHosts, "number of hosts in the dataset")
	f.Int64Var(&cfg.Seed, "seed", 0, "dataset seed")
	f.DurationVar(&cfg.Latency, "latency", 0, "delay added to every response, e.g. 50ms")
	f.IntVar(&cfg.ConcurrencyLimit, "concurrency-limit", qualyssim.DefaultConcurrencyLimit,
		"calls allowed at once per API (409/1960 beyond)")
	f.IntVar(&cfg.RateLimit, "rate-limit", qualyssim.DefaultRateLimit,
		"calls allowed per rate window per API (409/1965 beyond)")
	f.DurationVar(&cfg.RateWindow, "rate-window", qualyssim.DefaultRateWindow, "rate window")

	return cmd
}
