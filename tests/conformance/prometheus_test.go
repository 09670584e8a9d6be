package conformance

// A real Prometheus (Debian's prometheus + promtool) holding known data, shared by the tests of this
// package: prometheus/start.ts (bundled with the repository's esbuild, run with its Node) backfills
// tests/prometheus/fixture.ts, starts the server and prints where it is.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const repoRoot = "../.."

type promInfo struct {
	URL     string `json:"url"`
	Version string `json:"version"`
	From    int64  `json:"from"`
	To      int64  `json:"to"`
	SpikeAt int64  `json:"spikeAt"`
	Odd     struct {
		NaN        []int64    `json:"nan"`
		PosInf     []int64    `json:"posInf"`
		NegInf     []int64    `json:"negInf"`
		Gaps       [][2]int64 `json:"gaps"`
		LookbackMs int64      `json:"lookbackMs"`
	} `json:"odd"`
}

var (
	promOnce  sync.Once
	promErr   error
	prom      promInfo
	promStdin io.WriteCloser
	promCmd   *exec.Cmd
	tempRoot  string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if promStdin != nil {
		_ = promStdin.Close() // start.ts stops Prometheus and exits
		done := make(chan struct{})
		go func() { _ = promCmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = promCmd.Process.Kill()
		}
	}
	if tempRoot != "" {
		_ = os.RemoveAll(tempRoot)
	}
	os.Exit(code)
}

// tempDir is a directory removed when the whole package's tests end (t.TempDir would be removed
// while the plugin, shared by subtests, may still hold the store open).
func tempDir(t *testing.T, name string) string {
	t.Helper()
	if tempRoot == "" {
		dir, err := os.MkdirTemp("", "vigil-conformance-")
		if err != nil {
			t.Fatal(err)
		}
		tempRoot = dir
	}
	dir := filepath.Join(tempRoot, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// prometheus starts the shared server on first use.
func prometheus(t *testing.T) promInfo {
	t.Helper()
	promOnce.Do(func() { promErr = startPrometheus(t) })
	if promErr != nil {
		t.Fatalf("starting Prometheus: %v", promErr)
	}
	return prom
}

func startPrometheus(t *testing.T) error {
	node, err := filepath.Abs(filepath.Join(repoRoot, "node_modules", ".bin", "node"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(node); err != nil {
		return errors.New("no Node at " + node + " (run `npm ci` in the repository root)")
	}
	esbuild := filepath.Join(repoRoot, "node_modules", "esbuild", "bin", "esbuild")
	bundle := filepath.Join(tempDir(t, "prometheus"), "start.cjs")
	build := exec.Command(node, esbuild, filepath.Join("prometheus", "start.ts"), "--bundle", "--platform=node",
		"--format=cjs", "--target=node22", "--log-level=warning", "--outfile="+bundle)
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("bundling prometheus/start.ts: %v\n%s", err, out)
	}
	cmd := exec.Command(node, bundle)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	promCmd, promStdin = cmd, stdin
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("prometheus/start.ts printed no address: %v", err)
	}
	if err := json.Unmarshal([]byte(line), &prom); err != nil || prom.URL == "" {
		return fmt.Errorf("prometheus/start.ts printed %q: %v", line, err)
	}
	return nil
}
