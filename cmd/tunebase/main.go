// Command tunebase is the AI Music Platform backend: run "tunebase serve".
package main

import (
	"os"

	"tunebase/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
