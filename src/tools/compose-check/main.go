// Validates docker-compose.yml with compose-go, the loader `docker compose config` uses (no Docker engine needed),
// and enforces the exposure rule of docs/security.md: only the `api` service publishes a port beyond the host's
// loopback; every other published port binds 127.0.0.1 (or ::1).
package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

// publicServices may publish ports on every interface.
var publicServices = map[string]bool{"api": true}

func main() {
	opts, err := cli.NewProjectOptions([]string{os.Args[1]}, cli.WithOsEnv, cli.WithDotEnv, cli.WithName("lifeline"))
	if err != nil {
		fmt.Println("options:", err)
		os.Exit(1)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		fmt.Println("invalid:", err)
		os.Exit(1)
	}
	names := make([]string, 0, len(p.Services))
	for name := range p.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	exposed := []string{}
	for _, name := range names {
		for _, port := range p.Services[name].Ports {
			loopback := port.HostIP == "127.0.0.1" || port.HostIP == "::1"
			if !loopback && !publicServices[name] {
				exposed = append(exposed, fmt.Sprintf("%s publishes %s on %q", name, port.Published, port.HostIP))
			}
		}
	}
	if len(exposed) > 0 {
		fmt.Println("exposed beyond loopback (bind them to 127.0.0.1 or drop the ports):")
		for _, e := range exposed {
			fmt.Println("  -", e)
		}
		os.Exit(1)
	}
	fmt.Printf("valid: %d services: %v; only %v published beyond loopback\n", len(names), names, []string{"api"})
}
