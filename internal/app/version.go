package app

import "runtime/debug"

// version is set at link time (-ldflags "-X tunebase/internal/app.version=v1.2.3").
var version = ""

// Version returns the build's version: the linked one, else the module
// version or VCS revision from the build info, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
