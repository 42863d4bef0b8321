package lookup

import "testing"

func TestSanitizeHTML(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{"keeps_allowed_markup", "<P>Run <B>patch</B><BR>now</P><UL><LI>a</LI></UL>",
			"<p>Run <b>patch</b><br>now</p><ul><li>a</li></ul>"},
		{"drops_script", `<p>x<script>alert(1)</script></p>`, "<p>x</p>"},
		{"drops_event_handlers", `<p onclick="steal()">x</p>`, "<p>x</p>"},
		{"drops_javascript_links", `<a href="javascript:alert(1)">x</a>`, "x"},
		{"drops_http_links", `<a href="http://example.com/">x</a>`, "x"},
		{"https_link_gets_nofollow_and_blank", `<A HREF="https://example.com/fix">fix</A>`,
			`<a href="https://example.com/fix" rel="nofollow noopener" target="_blank">fix</a>`},
		{"drops_images_and_style", `<img src="https://x/y.png"><style>p{}</style><p style="color:red">t</p>`,
			"<p>t</p>"},
		{"keeps_tables_and_code", "<table><tr><th>a</th><td><code>b</code></td></tr></table>",
			"<table><tr><th>a</th><td><code>b</code></td></tr></table>"},
		{"escapes_text_entities", "a &lt; b &quot;q&quot;", "a &lt; b &#34;q&#34;"},
		{"empty", "", ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := sanitizeHTML(tt.in); got != tt.want {
				t.Errorf("sanitizeHTML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
