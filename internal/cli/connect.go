package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/qualyssim"
)

// demoProfile is an option profile the simulator knows, so demo scan launches work.
const demoProfile = "Initial Options"

// connect builds the lookup engine from the options, or, with demo, starts the embedded
// simulator on loopback and points the engine at it. The returned func stops what was started.
func connect(ctx context.Context, g *globals, demo bool) (*lookup.Engine, func(), error) {
	f, err := config.Load(g.configPath, g.env.Getenv)
	if err != nil {
		return nil, nil, usage(err)
	}

	stop := func() {}
	if demo {
		url, stopSim, err := startSimulator(ctx, g.logger())
		if err != nil {
			return nil, nil, failed(err)
		}
		f.Options = demoOptions(f.Options, url)
		stop = stopSim
	}

	if err := f.Validate(); err != nil {
		stop()
		return nil, nil, usage(err)
	}

	eng, err := lookup.New(f.Options, lookup.Deps{Logger: g.logger()})
	if err != nil {
		stop()
		return nil, nil, lookupError(err)
	}

	return eng, stop, nil
}

// demoOptions points opts at the simulator with its demo account, and allows scan launches.
func demoOptions(opts config.Options, url string) config.Options {
	opts.URL = url
	opts.Username = qualyssim.DefaultUsername
	opts.Password = config.Secret(qualyssim.DefaultPassword)
	opts.EnableScanLaunch = true
	opts.ScanOptionProfile = demoProfile
	opts.ScannerName = ""

	return opts
}

// startSimulator serves the simulator on a loopback port until ctx ends or stop is called.
// Its rate window is generous so a long demo session never hits it.
func startSimulator(ctx context.Context, logger *slog.Logger) (string, func(), error) {
	sim, err := qualyssim.New(qualyssim.Config{
		RateLimit: 1_000_000,
		Logger:    logger,
	})
	if err != nil {
		return "", nil, fmt.Errorf("start simulator: %w", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("start simulator: %w", err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("simulator stopped", "error", err)
		}
	}()

	stop := func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}

	return "http://" + ln.Addr().String(), stop, nil
}
