package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"

	"github.com/spf13/cobra"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/server"
	"github.com/qlens/qlens/internal/web"
)

const defaultAddr = "127.0.0.1:8080"

func newServe(g *globals) *cobra.Command {
	var (
		addr string
		demo bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API and the web page",
		Long: `Serve the JSON API (DESIGN.md §5) and the web page from one process. API calls carry
"Authorization: Bearer TOKEN"; tokens come from the config file (server.tokens, as SHA-256
hashes) and from QLENS_TOKENS ("name:role:token,..."; roles analyst and admin).

Options saved by an admin through the API are kept in the data directory (QLENS_DATA_DIR,
server.dataDir, or qlens-data beside the config file) and applied without a restart;
QLENS_* environment variables win over both the file and saved options.

With --demo, qlens starts its Qualys simulator, allows scan launches against it, and prints
the page's address with a demo analyst token and a demo admin token.`,
		Example: `  qlens serve --demo
  QLENS_TOKENS=alice:analyst:$(openssl rand -hex 16) qlens serve --config qlens.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("log-level") {
				g.logLevel = "info" // a service logs its requests
			}
			f, err := config.Load(g.configPath, g.env.Getenv)
			if err != nil {
				return usage(err)
			}
			cfg := server.Config{
				File:    f,
				Getenv:  g.env.Getenv,
				DataDir: server.DataDirFor(g.configPath, f),
				Logger:  g.logger(),
				Web:     web.Handler(),
			}
			if addr == "" {
				addr = firstNonEmpty(f.Server.Addr, defaultAddr)
			}

			if demo {
				stop, err := demoServer(cmd, g, &cfg)
				if err != nil {
					return err
				}
				defer stop()
			}

			srv, err := server.New(cfg)
			if err != nil {
				return usage(err)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return failed(fmt.Errorf("listen: %w", err))
			}
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(cmd.OutOrStdout(), "qlens listening on %s\n", base)
			if demo {
				fmt.Fprintf(cmd.OutOrStdout(), "demo: open %s/ and sign in with the analyst "+
					"token; admin page %s/admin\n", base, base)
			}

			return failed(srv.Run(cmd.Context(), ln))
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address (default server.addr, else "+
		defaultAddr+")")
	cmd.Flags().BoolVar(&demo, "demo", false,
		"use the embedded Qualys simulator and print demo tokens")

	return cmd
}

// demoServer starts the simulator, points cfg at it with scan launches allowed, keeps the data
// in a temporary directory, and adds two random tokens that it prints.
func demoServer(cmd *cobra.Command, g *globals, cfg *server.Config) (func(), error) {
	url, stopSim, err := startSimulator(cmd.Context(), g.logger())
	if err != nil {
		return nil, failed(err)
	}
	dir, err := os.MkdirTemp("", "qlens-demo-")
	if err != nil {
		stopSim()
		return nil, failed(fmt.Errorf("create demo data directory: %w", err))
	}

	cfg.File.Options = demoOptions(cfg.File.Options, url)
	cfg.DataDir = dir
	// The demo's options are fixed: QLENS_* option variables must not point it elsewhere.
	cfg.Getenv = func(k string) string {
		if k == "QLENS_TOKENS" {
			return g.env.Getenv(k)
		}
		return ""
	}
	analyst, admin := randomToken(), randomToken()
	cfg.Tokens = []server.Token{
		{Name: "demo-analyst", Role: server.RoleAnalyst, Value: config.Secret(analyst)},
		{Name: "demo-admin", Role: server.RoleAdmin, Value: config.Secret(admin)},
	}

	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "demo: Qualys simulator at %s (user demo, password demo)\n", url)
	fmt.Fprintf(out, "demo: analyst token %s\n", analyst)
	fmt.Fprintf(out, "demo: admin token   %s\n", admin)

	return func() {
		stopSim()
		_ = os.RemoveAll(dir)
	}, nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms

	return hex.EncodeToString(b)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}

	return ""
}
