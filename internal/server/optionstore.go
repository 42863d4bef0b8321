package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qlens/qlens/internal/config"
)

func optionsPath(dir string) string { return filepath.Join(dir, "options.json") }

// storedOptions is the file format of options.json. The options' JSON leaves the password out,
// so it is stored beside them; the file is 0600 for that reason.
type storedOptions struct {
	Version  int            `json:"version"`
	Options  config.Options `json:"options"`
	Password string         `json:"password"`
}

// optionStore persists the options an admin saved through the API.
type optionStore struct {
	path string
}

// load returns the saved options and true, or false when none were saved.
func (st *optionStore) load() (config.Options, bool, error) {
	raw, err := os.ReadFile(st.path)
	if errors.Is(err, os.ErrNotExist) {
		return config.Options{}, false, nil
	}
	if err != nil {
		return config.Options{}, false, fmt.Errorf("read saved options: %w", err)
	}

	var so storedOptions
	if err := json.Unmarshal(raw, &so); err != nil {
		return config.Options{}, false, fmt.Errorf("decode saved options %s: %w", st.path, err)
	}
	if so.Version != 1 {
		return config.Options{}, false, fmt.Errorf("saved options %s: unknown version %d",
			st.path, so.Version)
	}
	so.Options.Password = config.Secret(so.Password)

	return so.Options, true, nil
}

// save writes the options atomically: a temporary file in the same directory, fsync, rename over
// the old file, fsync of the directory. A crash leaves either the old file or the new one.
func (st *optionStore) save(opts config.Options) error {
	raw, err := json.MarshalIndent(storedOptions{
		Version:  1,
		Options:  opts,
		Password: opts.Password.Reveal(),
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode options: %w", err)
	}

	dir := filepath.Dir(st.path)
	tmp, err := os.CreateTemp(dir, ".options-*.tmp")
	if err != nil {
		return fmt.Errorf("create temporary options file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed

	if err := writeSynced(tmp, raw); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), st.path); err != nil {
		return fmt.Errorf("replace options file: %w", err)
	}

	return syncDir(dir)
}

// writeSynced writes raw to f (0600), flushes it to disk and closes it.
func writeSynced(f *os.File, raw []byte) error {
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("protect options file: %w", err)
	}
	if _, err := f.Write(append(raw, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write options file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync options file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close options file: %w", err)
	}

	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open data directory: %w", err)
	}
	defer d.Close()

	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync data directory: %w", err)
	}

	return nil
}
