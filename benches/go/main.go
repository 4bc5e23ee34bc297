// Command gobench is the Go side of `make bench`: the binding (package paperspace, cgo) and
// what users would otherwise pick (net/http + encoding/json, decoding into the same types).
//
//	gobench run <binding|nethttp> <templates|create> URL SECONDS WARMUP
//	gobench threads <binding|nethttp> <templates|create> URL SECONDS GOROUTINES
//	gobench once URL   one client, one templates list, exit
//	gobench memory <binding|nethttp> URL REPEATS   peak RSS growth of one big templates list
//	gobench fleet URL MACHINES INTERVAL_MS   requests of waits for many machines (emulator)
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
	"strings"
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

// makeList returns a templates list of the chosen client that returns the number of templates:
// the big answer (?label=big, the memory rows) or the usual one.
func makeList(client, url string) func(big bool) int {
	ctx := context.Background()
	switch client {
	case "binding":
		c, err := paperspace.NewClient(paperspace.Config{APIKey: apiKey, BaseURL: url})
		if err != nil {
			fail(err)
		}
		return func(big bool) int {
			var filter paperspace.TemplateFilter
			if big {
				filter.Label = paperspace.Match("big")
			}
			ts, err := c.ListTemplates(ctx, filter)
			if err != nil {
				fail(err)
			}
			return len(ts)
		}
	case "nethttp":
		hc := &http.Client{Timeout: 60 * time.Second}
		return func(big bool) int {
			target := url + "/templates/getTemplates"
			if big {
				target += "?label=big"
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
			req.Header.Set("x-api-key", apiKey)
			resp, err := hc.Do(req)
			if err != nil {
				fail(err)
			}
			defer resp.Body.Close()
			var ts []paperspace.Template
			if err := json.NewDecoder(resp.Body).Decode(&ts); err != nil || resp.StatusCode != 200 {
				fail(fmt.Errorf("HTTP %d: %v", resp.StatusCode, err))
			}
			return len(ts)
		}
	}
	fail(fmt.Errorf("unknown client %q", client))
	return nil
}

func statusKiB(field string) int64 {
	text, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fail(err)
	}
	for _, line := range strings.Split(string(text), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kib, err := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			if err != nil {
				fail(err)
			}
			return kib
		}
	}
	fail(fmt.Errorf("no %s in /proc/self/status", field))
	return 0
}

// memory prints the peak RSS growth of one big call after a small one (the peak reset through
// /proc/self/clear_refs, as tests/hostile_memory.rs does), then the median time of more.
func memory(client, url string, repeats int) {
	list := makeList(client, url)
	if n := list(false); n != 10 {
		fail(fmt.Errorf("%d templates", n))
	}
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		fail(err)
	}
	before := statusKiB("VmHWM:")
	began := time.Now()
	items := list(true)
	firstMs := time.Since(began).Seconds() * 1e3
	growth := statusKiB("VmHWM:") - before
	ms := []float64{}
	for range repeats {
		began := time.Now()
		if list(true) != items {
			fail(fmt.Errorf("the big answer changed"))
		}
		ms = append(ms, time.Since(began).Seconds()*1e3)
	}
	sort.Float64s(ms)
	median := firstMs
	if len(ms) > 0 {
		median = ms[len(ms)/2]
	}
	fmt.Printf("{\"client\": \"go_%s\", \"items\": %d, \"growth_kib\": %d, \"first_ms\": %.2f, \"ms\": %.2f, \"repeats\": %d}\n",
		client, items, growth, firstMs, median, repeats)
}

// The fleet rows run against the emulator (its default scenario's administrator and template).
const (
	emulatorKey  = "emulator-admin-key"
	fleetTimeout = 2 * time.Minute
)

// routes reads the emulator's request counters by route ("GET /machines/getMachines": n).
func routes(url string) map[string]int {
	resp, err := http.Get(url + "/__emulator/stats")
	if err != nil {
		fail(err)
	}
	defer resp.Body.Close()
	var stats struct {
		Routes map[string]int `json:"routes"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&stats); err != nil || resp.StatusCode != 200 {
		fail(fmt.Errorf("emulator stats: HTTP %d: %v", resp.StatusCode, err))
	}
	return stats.Routes
}

// createMachines creates n machines in region, 16 at a time, and returns their ids.
func createMachines(c *paperspace.Client, n int, region paperspace.Region) []string {
	ids := make([]string, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				params := createParams
				params.Region = region
				params.MachineName = fmt.Sprintf("fleet-%d", i)
				m, err := c.CreateMachine(context.Background(), params)
				if err != nil {
					fail(fmt.Errorf("CreateMachine: %w", err))
				}
				ids[i] = m.ID
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return ids
}

// fleet creates n machines and waits until they are ready, twice: once with WaitForMachines
// (one list request per interval, however many machines) and once with one WaitForMachine per
// machine (one request per machine per interval), and prints the requests each cost, counted by
// the emulator. Each wait polls at once and then once per interval, so a wait of S seconds
// makes S/interval+1 rounds (rounded down); per_round is requests / rounds.
func fleet(url string, n int, interval time.Duration) {
	ctx := context.Background()
	c, err := paperspace.NewClient(paperspace.Config{APIKey: emulatorKey, BaseURL: url, MaxConcurrentCalls: n + 16})
	if err != nil {
		fail(err)
	}
	defer c.Close()
	for _, how := range []string{"wait_many", "wait_each"} {
		// two regions: each network holds 253 machines
		region := paperspace.RegionEastCoastNY2
		if how == "wait_each" {
			region = paperspace.RegionWestCoastCA1
		}
		ids := createMachines(c, n, region)
		before := routes(url)
		began := time.Now()
		ready := 0
		if how == "wait_many" {
			ms, err := c.WaitForMachines(ctx, paperspace.WaitManyParams{
				MachineIDs: ids, State: paperspace.StateReady, Interval: interval, Timeout: fleetTimeout})
			if err != nil {
				fail(fmt.Errorf("WaitForMachines: %w", err))
			}
			for _, m := range ms {
				if m.State == paperspace.StateReady {
					ready++
				}
			}
		} else {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for _, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m, err := c.WaitForMachine(ctx, paperspace.WaitParams{
						MachineID: id, State: paperspace.StateReady, Interval: interval, Timeout: fleetTimeout})
					if err != nil {
						fail(fmt.Errorf("WaitForMachine: %w", err))
					}
					if m.State == paperspace.StateReady {
						mu.Lock()
						ready++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
		}
		secs := time.Since(began).Seconds()
		if ready != n {
			fail(fmt.Errorf("%s: %d of %d machines ready", how, ready, n))
		}
		after := routes(url)
		used := map[string]int{}
		requests := 0
		for route, count := range after {
			if d := count - before[route]; d > 0 && !strings.Contains(route, "/__emulator/") {
				used[route] = d
				requests += d
			}
		}
		rounds := int(secs/interval.Seconds()) + 1
		text, _ := json.Marshal(used)
		fmt.Printf("{\"how\": \"%s\", \"machines\": %d, \"interval_ms\": %d, \"secs\": %.3f, \"requests\": %d, \"rounds\": %d, \"per_round\": %.2f, \"routes\": %s}\n",
			how, n, interval.Milliseconds(), secs, requests, rounds, float64(requests)/float64(rounds), text)
	}
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
	if len(a) == 4 && a[0] == "fleet" {
		n, err1 := strconv.Atoi(a[2])
		ms, err2 := strconv.Atoi(a[3])
		if err1 != nil || err2 != nil || n < 1 || ms < 1 {
			fail(fmt.Errorf("bad MACHINES or INTERVAL_MS"))
		}
		fleet(a[1], n, time.Duration(ms)*time.Millisecond)
		return
	}
	if len(a) == 4 && a[0] == "memory" {
		repeats, err := strconv.Atoi(a[3])
		if err != nil {
			fail(err)
		}
		memory(a[1], a[2], repeats)
		return
	}
	if len(a) != 6 || (a[0] != "run" && a[0] != "threads") {
		fmt.Fprintln(os.Stderr, "usage: gobench run|threads CLIENT OP URL SECONDS N | gobench once URL | gobench memory CLIENT URL REPEATS | gobench fleet URL MACHINES INTERVAL_MS")
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
