package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/qlens/qlens/internal/config"
)

func optionsPath(dir string) string { return filepath.Join(dir, "options.json") }

// storedOptions is the file format of options.json. The options' JSON leaves the password out,
// so it is stored beside them; the file is 0600 for that reason. FromEnv lists the keys a QLENS_*
// variable set when the file was written: their values are not saved (a secret given to the
// process stays out of the data directory), and on load they come from the config file's layer.
type storedOptions struct {
	Version  int            `json:"version"`
	Options  config.Options `json:"options"`
	Password string         `json:"password"`
	FromEnv  []string       `json:"fromEnv,omitempty"`
}

// optionStore persists the options an admin saved through the API.
type optionStore struct {
	path string
}

// load returns the saved options, with the keys listed in FromEnv taken from below (the config
// file's options), and true; or false when none were saved.
func (st *optionStore) load(below config.Options) (config.Options, bool, error) {
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
	for _, eo := range envOptions {
		if slices.Contains(so.FromEnv, eo.key) {
			eo.copy(&so.Options, below)
		}
	}

	return so.Options, true, nil
}

// save writes the options atomically: a temporary file in the same directory, fsync, rename over
// the old file, fsync of the directory. A crash leaves either the old file or the new one. The
// keys in locked (set by the environment) are written empty and listed in FromEnv.
func (st *optionStore) save(opts config.Options, locked map[string]string) error {
	var fromEnv []string
	for _, eo := range envOptions {
		if _, ok := locked[eo.key]; ok {
			eo.copy(&opts, config.Options{})
			fromEnv = append(fromEnv, eo.key)
		}
	}

	raw, err := json.MarshalIndent(storedOptions{
		Version:  1,
		Options:  opts,
		Password: opts.Password.Reveal(),
		FromEnv:  fromEnv,
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
