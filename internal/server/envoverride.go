package server

import (
	"fmt"

	"github.com/qlens/qlens/internal/config"
)

// envOption ties a QLENS_* variable to the option key it sets. The parsing stays in
// config.Load; this table only says which field to copy from its result.
type envOption struct {
	env  string
	key  string
	copy func(dst *config.Options, src config.Options)
}

var envOptions = []envOption{
	{"QLENS_URL", "url", func(d *config.Options, s config.Options) { d.URL = s.URL }},
	{"QLENS_USERNAME", "username", func(d *config.Options, s config.Options) {
		d.Username = s.Username
	}},
	{"QLENS_PASSWORD", "password", func(d *config.Options, s config.Options) {
		d.Password = s.Password
	}},
	{"QLENS_ENABLE_SCAN_LAUNCH", "enableScanLaunch", func(d *config.Options, s config.Options) {
		d.EnableScanLaunch = s.EnableScanLaunch
	}},
	{"QLENS_SCAN_OPTION_PROFILE", "scanOptionProfile", func(d *config.Options, s config.Options) {
		d.ScanOptionProfile = s.ScanOptionProfile
	}},
	{"QLENS_SCANNER_NAME", "scannerName", func(d *config.Options, s config.Options) {
		d.ScannerName = s.ScannerName
	}},
	{"QLENS_CUSTOM_QID_REGEX", "customQidRegex", func(d *config.Options, s config.Options) {
		d.CustomQIDRegex = s.CustomQIDRegex
	}},
	{"QLENS_CUSTOM_QID_VALUE_REGEX", "customQidValueRegex",
		func(d *config.Options, s config.Options) {
			d.CustomQIDValueRegex = s.CustomQIDValueRegex
		}},
}

// applyEnvOverrides lays the QLENS_* variables that are set over opts: the environment wins
// over both the config file and the options saved through the API.
func applyEnvOverrides(opts config.Options, getenv func(string) string) (config.Options, error) {
	fromEnv, err := config.Load("", getenv)
	if err != nil {
		return config.Options{}, fmt.Errorf("read option overrides from the environment: %w", err)
	}

	for _, eo := range envOptions {
		if getenv(eo.env) != "" {
			eo.copy(&opts, fromEnv.Options)
		}
	}

	return opts, nil
}

// envLocked maps each option key set by the environment to its variable.
func envLocked(getenv func(string) string) map[string]string {
	locked := map[string]string{}
	for _, eo := range envOptions {
		if getenv(eo.env) != "" {
			locked[eo.key] = eo.env
		}
	}

	return locked
}
