package main

import (
	"runtime/debug"
	"time"
)

// version is the release; the commit and build date come from the build
// itself (versionString), so a binary tells which source it was built from.
const version = "0.1.0"

// versionString is what --version prints after "iomt version": v, then
// the commit (short, "-dirty" when built with uncommitted changes) and
// the commit's date, which go build records from git. It is the date of
// the source, not of the build (vcs.time is the commit time), and says
// so with "of". go run, go test, -buildvcs=false and builds outside a
// checkout have none, and say so rather than print "()".
func versionString(v string, info *debug.BuildInfo) string {
	var rev, when string
	dirty := false
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			case "vcs.time":
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					when = t.UTC().Format(time.DateOnly)
				}
			}
		}
	}
	switch {
	case rev == "":
		return v + " (no commit information)"
	case dirty:
		rev = rev[:min(len(rev), 7)] + "-dirty"
	default:
		rev = rev[:min(len(rev), 7)]
	}
	if when == "" {
		return v + " (commit " + rev + ")"
	}
	return v + " (commit " + rev + " of " + when + ")"
}

// buildVersion is versionString for this binary.
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return versionString(version, info)
}
