package main

// The benchmark's Prometheus: `series` gauges at 60 s over the training window plus the queried
// day, written as OpenMetrics, backfilled with promtool, served by the Debian prometheus binary.
// The backfilled TSDB is kept in a cache directory keyed by its parameters, so reruns (profiling)
// skip the minutes of generation and backfill.

import (
	"bufio"
	"fmt"
	"math"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	metricName = "bench_value"
	sampleStep = 60 * time.Second
)

type dataset struct {
	series  int
	from    time.Time // first sample
	to      time.Time // last sample (the end of the queried day)
	cacheIn string    // directory holding the backfilled TSDB
}

func (d dataset) dir() string {
	return filepath.Join(d.cacheIn, fmt.Sprintf("tsdb-%d-%d-%d", d.series, d.from.Unix(), d.to.Unix()))
}

// writeOpenMetrics writes one series after another, each a daily cycle with its own level,
// amplitude and phase, a slow trend and noise, rounded to 2 decimals (a short file for promtool).
func (d dataset) writeOpenMetrics(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewSource(7))
	fmt.Fprintf(w, "# TYPE %s gauge\n", metricName)
	day := (24 * time.Hour).Seconds()
	buf := make([]byte, 0, 64)
	for s := 0; s < d.series; s++ {
		level := 50 + rng.Float64()*950
		amp := level * (0.1 + 0.4*rng.Float64())
		phase := rng.Float64() * 2 * math.Pi
		noise := amp * (0.02 + 0.08*rng.Float64())
		head := fmt.Sprintf(`%s{instance="host-%04d",job="bench",zone="z%d"} `, metricName, s, s%4)
		for t := d.from; !t.After(d.to); t = t.Add(sampleStep) {
			sec := float64(t.Unix())
			v := level + amp*math.Sin(2*math.Pi*sec/day+phase) + noise*rng.NormFloat64() + level*0.01*(sec-float64(d.from.Unix()))/day
			buf = buf[:0]
			buf = append(buf, head...)
			buf = strconv.AppendFloat(buf, math.Round(v*100)/100, 'f', -1, 64)
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, t.Unix(), 10)
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(w, "# EOF")
	return w.Flush()
}

// ensureTSDB backfills the TSDB unless the cache already holds it.
func (d dataset) ensureTSDB() (string, error) {
	dir := d.dir()
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		logf("using the backfilled TSDB in %s", dir)
		return dir, nil
	}
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	om := filepath.Join(d.cacheIn, "data.om")
	started := time.Now()
	if err := d.writeOpenMetrics(om); err != nil {
		return "", err
	}
	defer os.Remove(om)
	st, _ := os.Stat(om)
	logf("wrote %s (%.0f MB) in %.1fs", om, float64(st.Size())/1e6, time.Since(started).Seconds())
	started = time.Now()
	// One block as long as promtool allows: it re-reads the whole input for every block.
	cmd := exec.Command("promtool", "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=486h", "-q", om, filepath.Join(dir, "data"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("promtool backfill: %v\n%s", err, out)
	}
	logf("promtool backfill in %.1fs", time.Since(started).Seconds())
	return dir, os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644)
}

type promServer struct {
	url  string
	cmd  *exec.Cmd
	tmp  string
	done chan struct{}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startPrometheus serves a copy of the backfilled TSDB (Prometheus writes into its data directory).
func startPrometheus(tsdb string) (*promServer, error) {
	tmp, err := os.MkdirTemp("", "vigil-bench-prom-")
	if err != nil {
		return nil, err
	}
	if out, err := exec.Command("cp", "-a", filepath.Join(tsdb, "data"), filepath.Join(tmp, "data")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("copying the TSDB: %v\n%s", err, out)
	}
	config := filepath.Join(tmp, "prometheus.yml")
	if err := os.WriteFile(config, []byte("global:\n  scrape_interval: 1m\n"), 0o644); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(tmp, "prometheus.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("prometheus",
		"--config.file="+config,
		"--storage.tsdb.path="+filepath.Join(tmp, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--storage.tsdb.retention.time=20y",
	)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &promServer{url: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, tmp: tmp, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case <-p.done:
			b, _ := os.ReadFile(filepath.Join(tmp, "prometheus.log"))
			return nil, fmt.Errorf("prometheus exited:\n%s", tail(string(b)))
		default:
		}
		if r, err := http.Get(p.url + "/-/ready"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("prometheus not ready in 2 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (p *promServer) pid() int { return p.cmd.Process.Pid }

func (p *promServer) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	_ = os.RemoveAll(p.tmp)
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}
