// Validates docker-compose.yml with compose-go, the loader `docker compose config` uses (no Docker engine needed).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

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
	fmt.Printf("valid: %d services:", len(p.Services))
	for name := range p.Services {
		fmt.Print(" ", name)
	}
	fmt.Println()
}
