package server

import (
	"path/filepath"
	"testing"

	"github.com/qlens/qlens/internal/config"
)

func TestDataDirFor(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		configPath string
		dataDir    string
		want       string
	}{
		{"env_or_file_setting_wins", filepath.Join("etc", "qlens.yaml"), "var-data", "var-data"},
		{"beside_the_config_file", filepath.Join("etc", "qlens.yaml"), "",
			filepath.Join("etc", "qlens-data")},
		{"no_config_file", "", "", "qlens-data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			f := config.File{Server: config.Server{DataDir: tt.dataDir}}
			if got := DataDirFor(tt.configPath, f); got != tt.want {
				t.Errorf("DataDirFor(%q) = %q, want %q", tt.configPath, got, tt.want)
			}
		})
	}
}
