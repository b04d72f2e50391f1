package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionString(t *testing.T) {
	settings := func(kv ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{}
		for i := 0; i < len(kv); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return info
	}
	const rev = "abc1234def5678abc1234def5678abc1234def56"
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"clean", settings("vcs.revision", rev, "vcs.time", "2026-11-30T14:57:01Z", "vcs.modified", "false"), "0.1.0 (commit abc1234 of 2026-11-30)"},
		{"dirty", settings("vcs.revision", rev, "vcs.time", "2026-11-30T14:57:01Z", "vcs.modified", "true"), "0.1.0 (commit abc1234-dirty of 2026-11-30)"},
		{"no time", settings("vcs.revision", rev), "0.1.0 (commit abc1234)"},
		{"bad time", settings("vcs.revision", rev, "vcs.time", "yesterday"), "0.1.0 (commit abc1234)"},
		{"short revision", settings("vcs.revision", "abc"), "0.1.0 (commit abc)"},
		{"no vcs", settings("GOOS", "linux"), "0.1.0 (no commit information)"},
		{"time alone", settings("vcs.time", "2026-11-30T14:57:01Z"), "0.1.0 (no commit information)"},
		{"no build info", nil, "0.1.0 (no commit information)"},
	} {
		if got := versionString("0.1.0", tc.info); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestVersionFlag: a test binary has no VCS data; --version says so
// rather than printing empty parentheses or nothing.
func TestVersionFlag(t *testing.T) {
	code, out, _ := runCLI(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "iomt version "+version+" (") || strings.Contains(out, "()") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if !strings.Contains(out, "(no commit information)") && !strings.Contains(out, "(commit ") {
		t.Errorf("--version says nothing of the commit: %q", out)
	}
}
