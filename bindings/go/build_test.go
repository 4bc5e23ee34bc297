package paperspace_test

// How the module builds for its users: from another module through a replace directive, fully
// static, relinked after `make lib`, and with one readable error when cgo or the library is
// missing. These tests run the go command; their names start with TestBuild so that a second
// test pass can leave them out.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const modulePath = "github.com/paperspace-client/paperspace/bindings/go"

// goTool runs the go command in dir with env added to this process's environment and returns
// its combined output. Module downloads are off: nothing here needs the network.
func goTool(t testing.TB, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command on PATH:", err)
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// errorLines are the lines of the go command's output that report a problem (not the "# pkg"
// headers; go vet may prefix its type errors with "vet: ").
func errorLines(out string) []string {
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "" && !strings.HasPrefix(line, "# ") {
			lines = append(lines, strings.TrimPrefix(line, "vet: "))
		}
	}
	return lines
}

// moduleDir is the absolute path of this module.
func moduleDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyModule copies the module's package sources (not the tests), header, go.mod and Makefile
// (not lib/ nor the generated digest file) into dir.
func copyModule(t testing.TB, dir string) {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		keep := name == "go.mod" || name == "Makefile" || strings.HasSuffix(name, ".h") ||
			(strings.HasSuffix(name, ".go") && !strings.HasPrefix(name, "zz_") && !strings.HasSuffix(name, "_test.go"))
		if e.IsDir() || !keep {
			continue
		}
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, dir, map[string]string{name: string(text)})
	}
}

// appModule writes a program in its own module that uses this one the way README.md says: a
// require and a replace to a local checkout.
func appModule(t testing.TB, binding string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod": "module example.com/app\n\ngo 1.24\n\nrequire " + modulePath + " v0.0.0\n\nreplace " +
			modulePath + " => " + binding + "\n",
		"main.go": `package main

import (
	"context"
	"fmt"
	"os"

	paperspace "` + modulePath + `"
)

func main() {
	client, err := paperspace.NewClient(paperspace.Config{})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer client.Close()
	users, err := client.ListUsers(context.Background(), paperspace.UserFilter{ID: paperspace.Match("uq8w3kz5")})
	if err != nil || len(users) != 1 {
		fmt.Println(users, err)
		os.Exit(1)
	}
	fmt.Println(paperspace.LibraryVersion(), users[0].Email)
}
`,
	})
	return dir
}

// runApp runs a built program against the shared emulator and checks what it prints.
func runApp(t testing.TB, emu *emulator, path string) {
	t.Helper()
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(), "PAPERSPACE_API_HOST="+emu.URL, "PAPERSPACE_API_KEY="+adminKey)
	out, err := cmd.CombinedOutput()
	if want := wantLibraryVersion + " admin@example.com\n"; err != nil || string(out) != want {
		t.Errorf("%s printed %q (%v), want %q", filepath.Base(path), out, err, want)
	}
}

// wantLibraryVersion is the library version the test programs print.
const wantLibraryVersion = "0.1.0"

// Without cgo (CGO_ENABLED=0, or cross-compiling, where Go turns cgo off) the build fails with
// exactly one error, which says what is needed.
func TestBuildWithoutCgo(t *testing.T) {
	want := "./nocgo.go:7:9: undefined: paperspace_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler_for_the_target"
	for name, env := range map[string][]string{
		"CGO_ENABLED=0": {"CGO_ENABLED=0"},
		"cross":         {"CGO_ENABLED=", "GOOS=windows", "GOARCH=amd64"},
	} {
		for _, verb := range []string{"build", "vet"} {
			out, err := goTool(t, ".", env, verb, ".")
			if lines := errorLines(out); err == nil || !slices.Equal(lines, []string{want}) {
				t.Errorf("%s: go %s: %v\n%s", name, verb, err, out)
			}
		}
	}
}

// Before `make lib` there is neither the library nor its digest file: the build (and go vet)
// stops with exactly one error naming what to run, not a linker error.
func TestBuildWithoutLibrary(t *testing.T) {
	dir := t.TempDir()
	copyModule(t, dir)
	want := "./link_static.go:12:27: undefined: requires_libpaperspace_a__run_make_lib_in_bindings_go"
	for _, verb := range []string{"build", "vet"} {
		out, err := goTool(t, dir, []string{"CGO_ENABLED=1"}, verb, ".")
		if lines := errorLines(out); err == nil || !slices.Equal(lines, []string{want}) {
			t.Errorf("go %s: %v\n%s", verb, err, out)
		}
	}
}

// The module's header is the library's: a stale copy would compile against the wrong ABI.
func TestBuildHeaderIsTheLibrarys(t *testing.T) {
	library, err := os.ReadFile("../../include/paperspace.h")
	if err != nil {
		t.Skip("not in the repository (no ../../include/paperspace.h):", err)
	}
	module, err := os.ReadFile("paperspace.h")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(module, library) {
		t.Error("bindings/go/paperspace.h differs from include/paperspace.h: copy it")
	}
}

// A program in another module, with a replace to this checkout, builds with a plain go build
// and runs; with the build tag paperspace_static it is a static executable and runs too.
func TestBuildSeparateModule(t *testing.T) {
	emu := needEmulator(t)
	app := appModule(t, moduleDir(t))
	bin := t.TempDir()

	dynamic := filepath.Join(bin, "app")
	if out, err := goTool(t, app, []string{"CGO_ENABLED=1"}, "build", "-o", dynamic, "."); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	runApp(t, emu, dynamic)
	if out, _ := exec.Command("ldd", dynamic).CombinedOutput(); strings.Contains(string(out), "libpaperspace") {
		t.Errorf("the program needs a shared libpaperspace:\n%s", out)
	}

	if runtime.GOOS != "linux" {
		return
	}
	static := filepath.Join(bin, "app-static")
	if out, err := goTool(t, app, []string{"CGO_ENABLED=1"}, "build", "-tags", "paperspace_static", "-o", static, "."); err != nil {
		t.Fatalf("go build -tags paperspace_static: %v\n%s", err, out)
	}
	out, _ := exec.Command("ldd", static).CombinedOutput()
	if got := strings.TrimSpace(string(out)); got != "not a dynamic executable" {
		t.Errorf("ldd of the static program: %q", got)
	}
	runApp(t, emu, static)
}

// After `make lib` installs a different library, a plain go build relinks the program (the
// digest file changed the package); with the same library it does not.
func TestBuildRelinksARebuiltLibrary(t *testing.T) {
	emu := needEmulator(t)
	platform := runtime.GOOS + "_" + runtime.GOARCH
	installed, err := filepath.Abs(filepath.Join("lib", platform))
	if err != nil {
		t.Fatal(err)
	}
	include, err := filepath.Abs("../../include")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(include, "paperspace.h")); err != nil {
		t.Skip("not in the repository:", err)
	}

	// A second library: the same archive plus one member outside its symbol index, which the
	// linker never reads. (Rebuilding the index with ar would need to read the archive's LLVM
	// bitcode members.)
	archive, err := os.ReadFile(filepath.Join(installed, "libpaperspace.a"))
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := t.TempDir()
	writeFiles(t, rebuilt, map[string]string{"libpaperspace.a": string(archive) + arMember("marker/", "paperspace test marker\n")})

	binding := t.TempDir()
	copyModule(t, binding)
	app := appModule(t, binding)
	bin := filepath.Join(t.TempDir(), "app")
	makeLib := func(libDir string) {
		t.Helper()
		cmd := exec.Command("make", "-s", "-C", binding, "lib", "LIB_DIR="+libDir, "INCLUDE_DIR="+include)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make lib LIB_DIR=%s: %v\n%s", libDir, err, out)
		}
	}
	buildID := func() string {
		t.Helper()
		if out, err := goTool(t, app, []string{"CGO_ENABLED=1"}, "build", "-o", bin, "."); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := goTool(t, app, nil, "tool", "buildid", bin)
		if err != nil {
			t.Fatalf("go tool buildid: %v\n%s", err, out)
		}
		return strings.TrimSpace(out)
	}

	makeLib(installed)
	first := buildID()
	if again := buildID(); again != first {
		t.Errorf("the same library relinked: build id %s, then %s", first, again)
	}
	makeLib(rebuilt)
	if second := buildID(); second == first {
		t.Errorf("the rebuilt library was not relinked: build id %s both times", first)
	}
	runApp(t, emu, bin)
}

// arMember is one member of a System V (GNU) ar archive: the 60-byte header, the data, and the
// padding to an even offset. Archives are always even-sized, so it can be appended.
func arMember(name, data string) string {
	header := fmt.Sprintf("%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, 0, 0, 0, "644", len(data))
	if len(data)%2 == 1 {
		data += "\n"
	}
	return header + data
}
