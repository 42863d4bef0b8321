// Package web serves qlens's browser face: the analyst page, where pasted text comes back with its
// indicators highlighted and one card of Qualys context per indicator, and the admin options page.
//
// Everything is plain HTML, CSS and JavaScript embedded in the binary. The page talks only to the
// JSON API of the same origin and is written to run under a strict Content-Security-Policy: no
// inline script, no inline style attribute, no external asset.
package web
