// Package cli implements the qlens command line: extract, lookup, scan, check, serve, sim and
// version. It parses flags, reads input and maps errors to exit codes; the work is done by the
// extract, lookup, server and qualyssim packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes of the qlens command (DESIGN.md §5).
const (
	ExitOK     = 0 // success
	ExitFailed = 1 // a lookup or a call to Qualys failed
	ExitUsage  = 2 // bad usage or invalid options
)

// Env is everything a run of qlens reads from and writes to its process.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// IsTerminal tells whether a writer is a terminal (colours, progress); nil: never.
	IsTerminal func(w io.Writer) bool
}

// exitError carries the exit code of a failure. Errors without one come from cobra's own
// checks of flags and arguments, and are usage errors.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usagef is a usage error: exit code 2.
func usagef(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// failed marks err as a failed lookup or Qualys call: exit code 1. A nil err stays nil.
func failed(err error) error {
	if err == nil {
		return nil
	}

	return &exitError{code: ExitFailed, err: err}
}

// usage marks err as the user's: exit code 2. A nil err stays nil.
func usage(err error) error {
	if err == nil {
		return nil
	}

	return &exitError{code: ExitUsage, err: err}
}

// globals are the flags every command shares.
type globals struct {
	configPath string
	logLevel   string
	logFormat  string
	env        Env
}

func (g *globals) logger() *slog.Logger {
	level := slog.LevelWarn
	switch strings.ToLower(g.logLevel) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "error":
		level = slog.LevelError
	}

	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(g.logFormat, "json") {
		return slog.New(slog.NewJSONHandler(g.env.Stderr, opts))
	}

	return slog.New(slog.NewTextHandler(g.env.Stderr, opts))
}

func (g *globals) terminal(w io.Writer) bool {
	return g.env.IsTerminal != nil && g.env.IsTerminal(w)
}

// Run executes one qlens command line and returns its exit code.
func Run(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.IsTerminal == nil {
		env.IsTerminal = isTerminal
	}
	g := &globals{env: env}
	root := newRoot(g)
	root.SetArgs(env.Args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)

	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}

	fmt.Fprintln(env.Stderr, "qlens: "+err.Error())

	return exitCode(err)
}

// exitCode maps an error to the process exit code; the one place that does.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}

	return ExitUsage
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "qlens",
		Short: "Qualys vulnerability context for the indicators in any text",
		Long: `qlens finds IPv4/IPv6 addresses, domains, CVE IDs and Qualys QIDs in text, asks a Qualys
subscription about them and answers per indicator: host detections, KnowledgeBase records and
scan history. Every command that talks to Qualys takes --demo to use an embedded simulator.

Options come from --config FILE (YAML) and QLENS_* environment variables, which win:
QLENS_URL, QLENS_USERNAME, QLENS_PASSWORD, QLENS_ENABLE_SCAN_LAUNCH, QLENS_SCAN_OPTION_PROFILE,
QLENS_SCANNER_NAME, QLENS_CUSTOM_QID_REGEX, QLENS_CUSTOM_QID_VALUE_REGEX.

Exit codes: 0 success, 1 a lookup or Qualys call failed, 2 bad usage or invalid options.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usagef("%w (see --help)", err)
	})
	root.PersistentFlags().StringVar(&g.configPath, "config", "", "YAML options file")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn",
		"log level on stderr: debug, info, warn, error (serve: info)")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text",
		"log format on stderr: text or json")

	root.AddCommand(newVersion(g), newExtract(g), newLookup(g), newScan(g), newCheck(g),
		newServe(g), newSim(g))

	return root
}
