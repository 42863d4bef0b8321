package cli

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// MaxInput bounds the text one run reads: arguments, files and stdin together.
const MaxInput = 64 << 20

// errTooLarge says the input passed MaxInput; nothing is silently cut.
var errTooLarge = fmt.Errorf("input is larger than %d MiB: split it into smaller runs", MaxInput>>20)

// readInput gathers the text to scan: the arguments joined by newlines, each --file, and stdin
// when an argument is "-" or when there is nothing else and stdin is not a terminal.
func readInput(g *globals, args, files []string) ([]byte, error) {
	var buf []byte
	useStdin := len(args) == 0 && len(files) == 0

	for _, a := range args {
		if a == "-" {
			useStdin = true
			continue
		}
		buf = appendPart(buf, []byte(a))
	}
	for _, path := range files {
		b, err := readFileBounded(path, MaxInput-len(buf))
		if err != nil {
			return nil, err
		}
		buf = appendPart(buf, b)
	}
	if len(buf) > MaxInput {
		return nil, usage(errTooLarge)
	}

	if useStdin {
		if f, ok := g.env.Stdin.(*os.File); ok && len(args) == 0 && term.IsTerminal(int(f.Fd())) {
			return nil, usagef("no input: give text as arguments, --file PATH, or pipe it on stdin")
		}
		b, err := readBounded(g.env.Stdin, MaxInput-len(buf))
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		buf = appendPart(buf, b)
	}

	return buf, nil
}

func appendPart(buf, part []byte) []byte {
	if len(buf) > 0 {
		buf = append(buf, '\n')
	}

	return append(buf, part...)
}

func readFileBounded(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usage(fmt.Errorf("open input: %w", err))
	}
	defer f.Close()

	b, err := readBounded(f, limit)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}

	return b, nil
}

// readBounded reads all of r, or fails with errTooLarge past limit bytes (exit 2). A failed
// read is a failure of the run, not of its usage (exit 1).
func readBounded(r io.Reader, limit int) ([]byte, error) {
	if limit < 0 {
		limit = 0
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, failed(err)
	}
	if len(b) > limit {
		return nil, usage(errTooLarge)
	}

	return b, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}

	return term.IsTerminal(int(f.Fd()))
}
