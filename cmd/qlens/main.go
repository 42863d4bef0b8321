// Command qlens finds indicators in text and answers, per indicator, what a Qualys subscription
// knows about it. See `qlens --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/qlens/qlens/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Env{
		Args:   os.Args[1:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	})
	stop()
	os.Exit(code)
}
