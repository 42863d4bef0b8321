package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Token is an API bearer token from the config file, stored as the hex SHA-256 of its value.
type Token struct {
	Name   string `yaml:"name"`
	Role   string `yaml:"role"`
	SHA256 string `yaml:"sha256"`
}

// Server holds the settings of `qlens serve` that are not admin options.
type Server struct {
	Addr    string  `yaml:"addr"`
	DataDir string  `yaml:"dataDir"`
	Tokens  []Token `yaml:"tokens"`
}

// File is the whole YAML config file: the options at the top level, the server under `server`.
type File struct {
	Options `yaml:",inline"`
	Server  Server `yaml:"server"`
}

// maxConfigBytes bounds a config file; a real one is a few hundred bytes.
const maxConfigBytes = 1 << 20

// Load reads the YAML file at path (none when path is ""), then applies the QLENS_* environment
// variables read through getenv, which win. It does not validate: call Options.Validate.
func Load(path string, getenv func(string) string) (File, error) {
	f := File{Options: Defaults()}

	if path != "" {
		raw, err := readFile(path)
		if err != nil {
			return File{}, err
		}
		if err := decode(raw, &f); err != nil {
			return File{}, fmt.Errorf("read config %s: %w", path, err)
		}
	}

	if err := applyEnv(&f, getenv); err != nil {
		return File{}, err
	}

	return f, nil
}

func readFile(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open config: %w", err)
	}
	defer fh.Close()

	raw, err := io.ReadAll(io.LimitReader(fh, maxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	if len(raw) > maxConfigBytes {
		return nil, fmt.Errorf("read config %s: larger than %d bytes", path, maxConfigBytes)
	}

	return raw, nil
}

// decode is strict: an unknown key is an error that names it.
func decode(raw []byte, f *File) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)

	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("decode yaml: %w", err)
	}

	return nil
}

// envVars maps each QLENS_* variable to the option it sets.
var envVars = []struct {
	name string
	set  func(f *File, v string) error
}{
	{"QLENS_URL", func(f *File, v string) error { f.URL = v; return nil }},
	{"QLENS_USERNAME", func(f *File, v string) error { f.Username = v; return nil }},
	{"QLENS_PASSWORD", func(f *File, v string) error { f.Password = Secret(v); return nil }},
	{"QLENS_ENABLE_SCAN_LAUNCH", func(f *File, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("QLENS_ENABLE_SCAN_LAUNCH: want true or false, got %q", v)
		}
		f.EnableScanLaunch = b

		return nil
	}},
	{"QLENS_SCAN_OPTION_PROFILE", func(f *File, v string) error { f.ScanOptionProfile = v; return nil }},
	{"QLENS_SCANNER_NAME", func(f *File, v string) error { f.ScannerName = v; return nil }},
	{"QLENS_CUSTOM_QID_REGEX", func(f *File, v string) error { f.CustomQIDRegex = v; return nil }},
	{"QLENS_CUSTOM_QID_VALUE_REGEX", func(f *File, v string) error {
		f.CustomQIDValueRegex = v
		return nil
	}},
	{"QLENS_DATA_DIR", func(f *File, v string) error { f.Server.DataDir = v; return nil }},
}

func applyEnv(f *File, getenv func(string) string) error {
	for _, e := range envVars {
		v := getenv(e.name)
		if v == "" {
			continue
		}
		if err := e.set(f, v); err != nil {
			return fmt.Errorf("read environment: %w", err)
		}
	}

	return nil
}
