package cli

import (
	"errors"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/model"
)

// lookupError marks an error of the engine: the user's (exit 2) when it blames the request or the
// options, a failure (exit 1) otherwise.
func lookupError(err error) error {
	var ve *config.ValidationError
	var oe *extract.OptionError
	switch {
	case errors.Is(err, lookup.ErrBadInput), errors.Is(err, lookup.ErrLaunchDisabled),
		errors.As(err, &ve), errors.As(err, &oe):
		return usage(err)
	default:
		return failed(err)
	}
}

func countErrors(results []model.Result) int {
	n := 0
	for _, r := range results {
		if len(r.Errors) > 0 {
			n++
		}
	}

	return n
}
