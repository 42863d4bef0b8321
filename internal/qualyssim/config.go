package qualyssim

import (
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Defaults applied by New to zero fields of Config. They mirror the Qualys "Standard API
// Service" level: 2 concurrent calls, 300 calls per rolling 3600 s window (qualys-api.md §10).
const (
	DefaultUsername         = "demo"
	DefaultPassword         = "demo"
	DefaultHosts            = 300
	DefaultConcurrencyLimit = 2
	DefaultRateLimit        = 300
	DefaultRateWindow       = 3600 * time.Second

	// MinHosts is the smallest dataset: the demo hosts live at fixed positions below it.
	MinHosts = 50
	// MaxHosts bounds memory: about 0.5 KiB of compact state per host.
	MaxHosts = 1_000_000
)

// ScanSpeed sets how long a launched scan spends in each state before it is Finished.
// The real platform takes minutes to hours; the simulator compresses that to seconds.
type ScanSpeed struct {
	Queued  time.Duration // Queued (SUB_STATE Launching) after launch; default 3 s
	Running time.Duration // Running, DURATION "Pending"; default 10 s
	Loading time.Duration // Loading (results being loaded); default 2 s
}

// Config configures a Server. The zero value is usable: New fills every zero field with its
// default.
type Config struct {
	Username string // basic-auth user; default "demo"
	Password string // basic-auth password; default "demo"
	Hosts    int    // number of hosts in the dataset; default 300, minimum 50
	Seed     int64  // dataset seed; the same seed (and start day) gives the same data

	// Latency delays every API response, so that concurrency builds up as on the real platform.
	Latency time.Duration

	ConcurrencyLimit int           // calls allowed to run at once per API; default 2
	RateLimit        int           // calls allowed per RateWindow per API; default 300
	RateWindow       time.Duration // rolling rate window; default 3600 s

	// Clock returns the current time; nil means time.Now. Scan states and rate windows follow it.
	Clock func() time.Time

	ScanSpeed ScanSpeed

	// AllowMissingRequestedWith turns off the X-Requested-With check on FO calls.
	AllowMissingRequestedWith bool

	Logger *slog.Logger // nil: discard
}

// withDefaults returns cfg with every zero field set, or an error for a value out of range.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Username == "" {
		cfg.Username = DefaultUsername
	}

	if cfg.Password == "" {
		cfg.Password = DefaultPassword
	}

	if cfg.Hosts == 0 {
		cfg.Hosts = DefaultHosts
	}

	if cfg.Hosts < MinHosts || cfg.Hosts > MaxHosts {
		return cfg, fmt.Errorf("check config: hosts %d outside %d..%d", cfg.Hosts, MinHosts, MaxHosts)
	}

	if cfg.ConcurrencyLimit == 0 {
		cfg.ConcurrencyLimit = DefaultConcurrencyLimit
	}

	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}

	if cfg.RateWindow == 0 {
		cfg.RateWindow = DefaultRateWindow
	}

	if cfg.ConcurrencyLimit < 0 || cfg.RateLimit < 0 || cfg.RateWindow < time.Second {
		return cfg, fmt.Errorf("check config: limits must be positive (window at least 1s)")
	}

	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}

	if cfg.ScanSpeed.Queued == 0 {
		cfg.ScanSpeed.Queued = 3 * time.Second
	}

	if cfg.ScanSpeed.Running == 0 {
		cfg.ScanSpeed.Running = 10 * time.Second
	}

	if cfg.ScanSpeed.Loading == 0 {
		cfg.ScanSpeed.Loading = 2 * time.Second
	}

	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}

	return cfg, nil
}
