package cli

import (
	"context"
	"fmt"
	"log/slog"

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

// withEngine connects, runs do, and stops what connect started; an error of do is mapped to
// its exit code.
func withEngine(ctx context.Context, g *globals, demo bool, do func(*lookup.Engine) error) error {
	eng, stop, err := connect(ctx, g, demo)
	if err != nil {
		return err
	}
	defer stop()

	if err := do(eng); err != nil {
		return lookupError(err)
	}

	return nil
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
	ctx, cancel := context.WithCancel(ctx)
	urls := make(chan string, 1)
	errc := make(chan error, 1)
	cfg := qualyssim.Config{RateLimit: 1_000_000, Logger: logger}
	go func() { errc <- qualyssim.Serve(ctx, "", cfg, func(url string) { urls <- url }) }()

	select {
	case url := <-urls:
		stop := func() {
			cancel()
			<-errc
		}
		return url, stop, nil
	case err := <-errc:
		cancel()
		return "", nil, fmt.Errorf("start simulator: %w", err)
	}
}
