package lookup

import (
	"net/netip"
	"testing"
)

func TestTargetCovers(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		target string
		ip     string
		want   bool
	}{
		{"single_ip", "10.0.0.5", "10.0.0.5", true},
		{"single_ip_is_not_a_prefix", "10.0.0.1", "10.0.0.10", false},
		{"list_with_spaces", "10.0.0.1, 10.0.0.7 ,10.0.0.9", "10.0.0.7", true},
		{"range_inside", "10.0.0.1-10.0.0.20", "10.0.0.10", true},
		{"range_bounds_inclusive", "10.0.0.1-10.0.0.20", "10.0.0.20", true},
		{"range_outside", "10.0.0.1-10.0.0.20", "10.0.0.21", false},
		{"range_across_octets", "10.0.0.250-10.0.1.5", "10.0.1.2", true},
		{"cidr_inside", "192.168.0.0/16", "192.168.200.1", true},
		{"cidr_outside", "192.168.0.0/24", "192.168.1.1", false},
		{"unmasked_cidr", "10.1.2.3/24", "10.1.2.200", true},
		{"fqdn_elements_ignored", "abc.com, 10.0.0.3", "10.0.0.3", true},
		{"reversed_range_ignored", "10.0.0.9-10.0.0.1", "10.0.0.5", false},
		{"ipv6_range", "2001:db8::1-2001:db8::ff", "2001:db8::5", true},
		{"family_mismatch", "::-ffff::", "10.0.0.1", false},
		{"empty_target", "", "10.0.0.1", false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := targetCovers(parseTarget(tt.target), netip.MustParseAddr(tt.ip))
			if got != tt.want {
				t.Errorf("targetCovers(%q, %s) = %v, want %v", tt.target, tt.ip, got, tt.want)
			}
		})
	}
}
