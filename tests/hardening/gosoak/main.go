// Soak of the Go binding (run by tests/hardening/run.sh stress): N mixed calls on one client
// against $PS_URL, RSS after warm-up and at the end; fails when it grew by more than 10 MiB.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

func rssKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB"))
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return -1
}

func one(c *paperspace.Client, k int) error {
	ctx := context.Background()
	switch k % 5 {
	case 0:
		_, err := c.ListTemplates(ctx, paperspace.TemplateFilter{})
		return err
	case 1:
		_, err := c.ListMachines(ctx, paperspace.MachineFilter{})
		return err
	case 2:
		_, err := c.ListUsers(ctx, paperspace.UserFilter{})
		return err
	case 3:
		if _, err := c.GetMachine(ctx, "psnone"); err == nil {
			return fmt.Errorf("show of a missing machine succeeded")
		}
		return nil
	default:
		if _, err := c.GetMachine(ctx, ""); err == nil {
			return fmt.Errorf("show without an id succeeded")
		}
		return nil
	}
}

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	key := os.Getenv("PS_API_KEY")
	if key == "" {
		key = "emulator-admin-key"
	}
	c, err := paperspace.NewClient(paperspace.Config{APIKey: key, BaseURL: os.Getenv("PS_URL")})
	if err != nil {
		fmt.Println("client:", err)
		fmt.Println("0 passed, 1 failed")
		os.Exit(1)
	}
	warm := min(n/10, 1000)
	failures := 0
	run := func(from, to int) {
		for k := from; k < to; k++ {
			if err := one(c, k); err != nil {
				failures++
				if failures <= 5 {
					fmt.Println("call", k, err)
				}
			}
		}
	}
	run(0, warm)
	runtime.GC()
	start := rssKiB()
	run(warm, n)
	runtime.GC()
	end := rssKiB()
	c.Close()
	fmt.Printf("soak go: calls=%d rss_start_kib=%d rss_end_kib=%d growth_kib=%d\n", n, start, end, end-start)
	passed, failed := 0, 0
	for _, ok := range []bool{failures == 0, end-start <= 10*1024} {
		if ok {
			passed++
		} else {
			failed++
		}
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}
