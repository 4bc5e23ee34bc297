// Command gobench is the Go side of `make bench`: the binding (package paperspace, cgo) and
// what users would otherwise pick (net/http + encoding/json, decoding into the same types).
//
//	gobench run <binding|nethttp> <templates|create> URL SECONDS WARMUP
//	gobench threads <binding|nethttp> <templates|create> URL SECONDS GOROUTINES
//	gobench once URL   one client, one templates list, exit
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

const (
	maxCalls = 5_000_000
	apiKey   = "bench-key"
)

var createParams = paperspace.CreateMachineParams{
	Region:      "East Coast (NY2)",
	MachineType: "C4",
	Size:        50,
	BillingType: "hourly",
	MachineName: "bench",
	TemplateID:  "tgdcijpo",
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gobench:", err)
	os.Exit(1)
}

// makeCall returns one call of the chosen client and operation (safe for concurrent use).
func makeCall(client, op, url string) func() {
	ctx := context.Background()
	switch client {
	case "binding":
		c, err := paperspace.NewClient(paperspace.Config{APIKey: apiKey, BaseURL: url})
		if err != nil {
			fail(err)
		}
		if op == "templates" {
			return func() {
				ts, err := c.ListTemplates(ctx, paperspace.TemplateFilter{})
				if err != nil || len(ts) != 10 {
					fail(fmt.Errorf("ListTemplates: %v (%d)", err, len(ts)))
				}
			}
		}
		return func() {
			m, err := c.CreateMachine(ctx, createParams)
			if err != nil || m.ID == "" {
				fail(fmt.Errorf("CreateMachine: %v", err))
			}
		}
	case "nethttp":
		hc := &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64},
		}
		do := func(req *http.Request, out any) {
			req.Header.Set("x-api-key", apiKey)
			req.Header.Set("accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				fail(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				fail(fmt.Errorf("HTTP %d: %v", resp.StatusCode, err))
			}
			if err := json.Unmarshal(body, out); err != nil {
				fail(err)
			}
		}
		if op == "templates" {
			return func() {
				req, _ := http.NewRequestWithContext(ctx, "GET", url+"/templates/getTemplates", nil)
				var ts []paperspace.Template
				do(req, &ts)
				if len(ts) != 10 {
					fail(fmt.Errorf("got %d templates", len(ts)))
				}
			}
		}
		return func() {
			body, err := json.Marshal(createParams)
			if err != nil {
				fail(err)
			}
			req, _ := http.NewRequestWithContext(ctx, "POST", url+"/machines/createSingleMachinePublic", bytes.NewReader(body))
			req.Header.Set("content-type", "application/json")
			var m paperspace.Machine
			do(req, &m)
			if m.ID == "" {
				fail(fmt.Errorf("no machine id"))
			}
		}
	}
	fail(fmt.Errorf("unknown client %q", client))
	return nil
}

func pct(sorted []uint32, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(float64(len(sorted)-1)*p+0.5)]) / 1000
}

func run(client, op, url string, secs float64, warmup int) {
	call := makeCall(client, op, url)
	for i := 0; i < warmup; i++ {
		call()
	}
	lat := make([]uint32, 0, 1<<20)
	limit := time.Duration(secs * float64(time.Second))
	c0 := cpuSeconds()
	began := time.Now()
	t := began
	for len(lat) < maxCalls {
		call()
		now := time.Now()
		lat = append(lat, uint32(min(now.Sub(t).Nanoseconds(), 1<<32-1)))
		t = now
		if now.Sub(began) >= limit {
			break
		}
	}
	wall := time.Since(began).Seconds()
	cpu := cpuSeconds() - c0
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	n := len(lat)
	fmt.Printf("{\"client\": \"go_%s\", \"op\": \"%s\", \"calls\": %d, \"secs\": %.3f, \"calls_per_s\": %.1f, \"p50_us\": %.1f, \"p99_us\": %.1f, \"cpu_us\": %.2f}\n",
		client, op, n, wall, float64(n)/wall, pct(lat, 0.5), pct(lat, 0.99), cpu*1e6/float64(n))
}

func threads(client, op, url string, secs float64, count int) {
	call := makeCall(client, op, url) // one client shared by every goroutine
	for i := 0; i < count*20; i++ {
		call()
	}
	deadline := time.Now().Add(time.Duration(secs * float64(time.Second)))
	counts := make([]int, count)
	var wg sync.WaitGroup
	c0 := cpuSeconds()
	began := time.Now()
	for i := 0; i < count; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			call()
			n := 0
			for time.Now().Before(deadline) && n < maxCalls {
				call()
				n++
			}
			counts[i] = n
		}(i)
	}
	wg.Wait()
	wall := time.Since(began).Seconds()
	cpu := cpuSeconds() - c0
	total := 0
	for _, n := range counts {
		total += n
	}
	fmt.Printf("{\"client\": \"go_%s\", \"op\": \"%s\", \"threads\": %d, \"calls\": %d, \"secs\": %.3f, \"calls_per_s\": %.1f, \"cpu_us\": %.2f}\n",
		client, op, count, total, wall, float64(total)/wall, cpu*1e6/float64(max(total, 1)))
}

func main() {
	a := os.Args[1:]
	if len(a) == 2 && a[0] == "once" {
		c, err := paperspace.NewClient(paperspace.Config{APIKey: apiKey, BaseURL: a[1]})
		if err != nil {
			fail(err)
		}
		if ts, err := c.ListTemplates(context.Background(), paperspace.TemplateFilter{}); err != nil || len(ts) != 10 {
			fail(fmt.Errorf("ListTemplates: %v", err))
		}
		c.Close()
		return
	}
	if len(a) != 6 || (a[0] != "run" && a[0] != "threads") {
		fmt.Fprintln(os.Stderr, "usage: gobench run|threads CLIENT OP URL SECONDS N | gobench once URL")
		os.Exit(2)
	}
	secs, err1 := strconv.ParseFloat(a[4], 64)
	n, err2 := strconv.Atoi(a[5])
	if err1 != nil || err2 != nil {
		fail(fmt.Errorf("bad SECONDS or N"))
	}
	if a[0] == "run" {
		run(a[1], a[2], a[3], secs, n)
	} else {
		threads(a[1], a[2], a[3], secs, n)
	}
}
