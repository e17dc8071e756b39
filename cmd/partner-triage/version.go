package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is set at build time:
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/partner-triage
var version = "dev"

// versionLine describes the build in one line, e.g.
// "partner-triage v1.2.3 (commit 1a2b3c4d5e6f, modified; go1.26.0 linux/amd64)".
func versionLine() string {
	v := version
	var extra []string
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version // go install …@vX.Y.Z
		}
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = "modified"
				}
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			extra = append(extra, "commit "+rev)
		}
		if modified != "" {
			extra = append(extra, modified)
		}
	}
	tail := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if len(extra) > 0 {
		tail = strings.Join(extra, ", ") + "; " + tail
	}
	return fmt.Sprintf("partner-triage %s (%s)", v, tail)
}

func runVersion(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("version")
	help := fs.BoolP("help", "h", false, "")
	if code, done := parseFlags(fs, args, "version", stderr); done {
		return code
	}
	if *help {
		io.WriteString(stdout, helpText("version", getenv))
		return exitOK
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "version", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	fmt.Fprintln(stdout, versionLine())
	return exitOK
}
