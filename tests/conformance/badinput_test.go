package conformance

// Bad input and faults through the Go host, each answered by the packaged backend with a clear
// error (or a frame notice) and never a crash: Prometheus timing out, unknown models, the series
// and points limits, NaN/+Inf/-Inf and gaps in the data, and a corrupt stored model. The cases
// query_test.go already covers (invalid PromQL, Prometheus refusing connections, malformed query
// JSON, an empty result) are not repeated here.

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// blackHole accepts TCP connections and never answers: a Prometheus that hangs.
func blackHole(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never read or written
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

type badInputHost struct {
	h     *host
	data  grpcplugin.DataClient
	diag  grpcplugin.DiagnosticsClient
	res   grpcplugin.ResourceClient
	store map[string]any
}

func (b *badInputHost) pc(t *testing.T, extra ...map[string]any) *pluginv2.PluginContext {
	return pluginContext(t, append([]map[string]any{b.store}, extra...)...)
}

func (b *badInputHost) query(t *testing.T, headers map[string]string, pc *pluginv2.PluginContext, qs ...*pluginv2.DataQuery) *pluginv2.QueryDataResponse {
	t.Helper()
	res, err := b.data.QueryData(longCtx(t), &pluginv2.QueryDataRequest{PluginContext: pc, Headers: headers, Queries: qs})
	if err != nil {
		t.Fatalf("QueryData: %v (the plugin crashed?)\nplugin stderr:\n%s", err, b.h.stderr.String())
	}
	return res
}

// resource calls a CallResource route and returns its status and JSON object body.
func (b *badInputHost) resource(t *testing.T, method, path string) (int32, map[string]any) {
	t.Helper()
	stream, err := b.res.CallResource(longCtx(t), &pluginv2.CallResourceRequest{
		PluginContext: b.pc(t), Path: strings.SplitN(path, "?", 2)[0], Method: method,
		Url: "/api/datasources/uid/vigil-ds/resources/" + path,
	})
	if err != nil {
		t.Fatal(err)
	}
	var code int32
	var raw []byte
	for i := 0; ; i++ {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) && i > 0 {
			break
		}
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		if i == 0 {
			code = msg.Code
		}
		raw = append(raw, msg.Body...)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v (%s)", method, path, err, raw)
	}
	return code, body
}

// stillServes checks the plugin answers a normal query after a failure.
func (b *badInputHost) stillServes(t *testing.T) {
	t.Helper()
	r := b.query(t, nil, b.pc(t), fixtureQuery(t, "A", anomalyQuery("A", "vigil_load", "score"))).Responses["A"]
	if r.Status != 200 {
		t.Fatalf("after the failure: status %d, error %q", r.Status, r.Error)
	}
}

func startBadInputHost(t *testing.T) *badInputHost {
	prometheus(t)
	h := startPlugin(t)
	return &badInputHost{
		h:     h,
		data:  h.dispense(t, "data").(grpcplugin.DataClient),
		diag:  h.dispense(t, "diagnostics").(grpcplugin.DiagnosticsClient),
		res:   h.dispense(t, "resource").(grpcplugin.ResourceClient),
		store: map[string]any{"modelStorePath": filepath.Join(tempDir(t, "store-badinput"), "models.db")},
	}
}

func TestBadInputThroughHost(t *testing.T) {
	b := startBadInputHost(t)

	t.Run("Prometheus timing out: 504 downstream within the timeout, still serving", func(t *testing.T) {
		hang := blackHole(t)
		slow := map[string]any{"prometheusUrl": hang, "timeout": 1}
		start := time.Now()
		r := b.query(t, nil, b.pc(t, slow), fixtureQuery(t, "A", anomalyQuery("A", "vigil_load"))).Responses["A"]
		took := time.Since(start)
		if r.Status != 504 || r.ErrorSource != "downstream" {
			t.Errorf("status %d, errorSource %q; want 504 downstream", r.Status, r.ErrorSource)
		}
		if !strings.Contains(r.Error, "Prometheus at "+hang+" did not answer within 1 s") {
			t.Errorf("error %q", r.Error)
		}
		if took > 5*time.Second {
			t.Errorf("the query took %v with a 1 s timeout", took)
		}
		health, err := b.diag.CheckHealth(longCtx(t), &pluginv2.CheckHealthRequest{PluginContext: b.pc(t, slow)})
		if err != nil {
			t.Fatal(err)
		}
		if health.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(health.Message, "did not answer within 1 s") {
			t.Errorf("CheckHealth: %v %q", health.Status, health.Message)
		}
		b.stillServes(t)
	})

	t.Run("unknown model: 400 naming it and the known ones", func(t *testing.T) {
		model := []byte(`{"refId":"A","expr":"vigil_load","model":"prophet"}`)
		r := b.query(t, nil, b.pc(t), fixtureQuery(t, "A", model)).Responses["A"]
		if r.Status != 400 || r.ErrorSource != "plugin" {
			t.Errorf("status %d, errorSource %q; want 400 plugin", r.Status, r.ErrorSource)
		}
		if !strings.Contains(r.Error, `unknown model "prophet"`) || !strings.Contains(r.Error, "seasonal") {
			t.Errorf("error %q does not name the model and the known ones", r.Error)
		}
	})

	t.Run("too many series or points: 400 with the limit and the setting", func(t *testing.T) {
		q := fixtureQuery(t, "A", anomalyQuery("A", "vigil_load", "score"))
		r := b.query(t, nil, b.pc(t, map[string]any{"maxSeriesPerQuery": 1}), q).Responses["A"]
		if r.Status != 400 || !strings.Contains(r.Error, "too many series") ||
			!strings.Contains(r.Error, "more than 1 series") || !strings.Contains(r.Error, "maxSeriesPerQuery") {
			t.Errorf("series limit: %d %q", r.Status, r.Error)
		}
		r = b.query(t, nil, b.pc(t, map[string]any{"maxPointsPerQuery": 1000}), q).Responses["A"]
		if r.Status != 400 || !strings.Contains(r.Error, "too many points") ||
			!strings.Contains(r.Error, "the limit is 1000") || !strings.Contains(r.Error, "maxPointsPerQuery") {
			t.Errorf("points limit: %d %q", r.Status, r.Error)
		}
		r = b.query(t, nil, b.pc(t, map[string]any{"maxSeriesPerQuery": "lots"}), q).Responses["A"]
		if r.Status != 400 || !strings.Contains(r.Error, `invalid maxSeriesPerQuery "lots"`) {
			t.Errorf("invalid setting: %d %q", r.Status, r.Error)
		}
		// Limits at what the query needs: it runs.
		r = b.query(t, nil, b.pc(t, map[string]any{"maxSeriesPerQuery": 2, "maxPointsPerQuery": 2 * 2880}), q).Responses["A"]
		if r.Status != 200 {
			t.Errorf("limits the query fits in: %d %q", r.Status, r.Error)
		}
	})

	t.Run("NaN, +Inf, -Inf and gaps: carried in value, scores finite or null, every model", func(t *testing.T) {
		p := prometheus(t)
		for _, kind := range []string{"auto", "seasonal", "ets", "zscore", "adaptive", "iforest", "ensemble"} {
			t.Run(kind, func(t *testing.T) {
				raw, _ := json.Marshal(map[string]any{
					"refId": "A", "expr": "vigil_odd", "model": kind,
					"outputs": []string{"value", "expected", "band", "score"},
					"options": map[string]any{"trainingWindow": "2d", "seasonality": "daily"},
				})
				for _, headers := range []map[string]string{nil, {"FromAlert": "true"}} {
					r := b.query(t, headers, b.pc(t), fixtureQuery(t, "A", raw)).Responses["A"]
					if r.Status != 200 {
						t.Fatalf("headers %v: status %d, error %q", headers, r.Status, r.Error)
					}
					_, c := decodeTimeseries(t, r)
					checkOddSeries(t, p, c, headers != nil)
				}
			})
		}
	})

	t.Run("corrupt stored model: noticed, retrained, earlier versions kept", func(t *testing.T) {
		expr := "vigil_load * 3"
		q := fixtureQuery(t, "A", anomalyQuery("A", expr, "score"))
		if r := b.query(t, nil, b.pc(t), q).Responses["A"]; r.Status != 200 {
			t.Fatalf("training query: %d %q", r.Status, r.Error)
		}
		keys := modelKeys(t, b, expr)
		if len(keys) != 2 {
			t.Fatalf("want 2 model keys for %s, got %v", expr, keys)
		}
		dbPath := b.store["modelStorePath"].(string)

		// v1 (the only version) corrupt: the panel trains v2 and says so.
		corruptNewest(t, dbPath, keys)
		r := b.query(t, nil, b.pc(t), q).Responses["A"]
		frames, c := decodeTimeseries(t, r)
		if r.Status != 200 || len(c.Refs) != 2 {
			t.Fatalf("after corrupting v1: %d %q, %d refs", r.Status, r.Error, len(c.Refs))
		}
		notices := noticeTexts(frames)
		if !strings.Contains(notices, "[warning]") || !strings.Contains(notices, "version 1 is corrupt") ||
			!strings.Contains(notices, "trained version 2 now") {
			t.Errorf("notices: %s", notices)
		}

		// v2 corrupt too: an alert never trains, it says so and scores with a cold start.
		corruptNewest(t, dbPath, keys)
		r = b.query(t, map[string]string{"FromAlert": "true"}, b.pc(t), q).Responses["A"]
		frames, c = decodeTimeseries(t, r)
		if r.Status != 200 || len(c.Refs) != 2 {
			t.Fatalf("alert with corrupt versions: %d %q, %d refs", r.Status, r.Error, len(c.Refs))
		}
		notices = noticeTexts(frames)
		if !strings.Contains(notices, "version 2 is corrupt") || !strings.Contains(notices, "cold-start") {
			t.Errorf("alert notices: %s", notices)
		}
		for _, key := range keys {
			if v := versions(t, b, key); len(v) != 2 {
				t.Errorf("%s: versions %v after the alert, want [2 1] (an alert never trains)", key, v)
			}
		}

		// The panel trains v3; every earlier row is still in the store.
		r = b.query(t, nil, b.pc(t), q).Responses["A"]
		frames, _ = decodeTimeseries(t, r)
		if r.Status != 200 || !strings.Contains(noticeTexts(frames), "trained version 3 now") {
			t.Errorf("after corrupting v2: %d %q, notices %s", r.Status, r.Error, noticeTexts(frames))
		}
		for _, key := range keys {
			if v := versions(t, b, key); len(v) != 3 || v[0] != 3 || v[1] != 2 || v[2] != 1 {
				t.Errorf("%s: versions %v, want [3 2 1]", key, v)
			}
		}
		// Scored by v3 now: no notice at all.
		r = b.query(t, nil, b.pc(t), q).Responses["A"]
		frames, _ = decodeTimeseries(t, r)
		if r.Status != 200 || noticeTexts(frames) != "" {
			t.Errorf("with v3 stored: %d %q, notices %s", r.Status, r.Error, noticeTexts(frames))
		}
	})
}

// checkOddSeries: the value frame has every step of the range, +Inf/-Inf where Prometheus has
// them, null for NaN samples and inside gaps; the other outputs are null or finite (scores >= 0),
// and the model scores again after the oddities.
func checkOddSeries(t *testing.T, p promInfo, c timeseries.Collection, alert bool) {
	t.Helper()
	in := func(ts int64) bool { return ts >= p.From && ts <= p.To }
	want := map[int64]string{}
	for _, ts := range p.Odd.PosInf {
		if in(ts) {
			want[ts] = "+Inf"
		}
	}
	for _, ts := range p.Odd.NegInf {
		if in(ts) {
			want[ts] = "-Inf"
		}
	}
	for _, ts := range p.Odd.NaN {
		if in(ts) {
			want[ts] = "null"
		}
	}
	for _, g := range p.Odd.Gaps {
		for ts := g[0]; ts < g[1]; ts += 60_000 {
			switch {
			case !in(ts):
			case ts <= g[0]+p.Odd.LookbackMs:
				// Prometheus carries the last sample over its lookback (inclusive or not by version).
				want[ts] = "either"
			default:
				want[ts] = "null"
			}
		}
	}
	if len(want) < 30 {
		t.Fatalf("the fixture has too few oddities in the range (%d)", len(want))
	}
	outputs := map[string]bool{}
	for _, ref := range c.Refs {
		name := ref.GetMetricName()
		outputs[name] = true
		n, err := ref.Len()
		if err != nil || n != 721 {
			t.Fatalf("%s: %d points (%v), want 721", name, n, err)
		}
		scoredLate := 0
		for i := 0; i < n; i++ {
			ts, v, err := ref.NullableFloat64Point(i)
			if err != nil {
				t.Fatal(err)
			}
			ms := ts.UnixMilli()
			if name == "value" {
				if w, ok := want[ms]; ok && w != "either" && show(v) != w {
					t.Errorf("value at %s: %s, want %s", ts.UTC().Format(time.RFC3339), show(v), w)
				}
				if _, odd := want[ms]; !odd && (v == nil || math.IsInf(*v, 0) || math.IsNaN(*v)) {
					t.Errorf("value at %s: %s, want a finite number", ts.UTC().Format(time.RFC3339), show(v))
				}
				continue
			}
			if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
				t.Errorf("%s at %s: %s, want finite or null", name, ts.UTC().Format(time.RFC3339), show(v))
			}
			if name == "score" && v != nil && *v < 0 {
				t.Errorf("score at %s: %v < 0", ts.UTC().Format(time.RFC3339), *v)
			}
			if name == "score" && want[ms] == "null" && v != nil {
				t.Errorf("score at %s: %v where there is no observation", ts.UTC().Format(time.RFC3339), *v)
			}
			if name == "score" && ms > p.To-3600_000 && v != nil {
				scoredLate++
			}
		}
		if name == "score" && scoredLate < 55 {
			t.Errorf("only %d of the last hour's points scored: the oddities poisoned the model", scoredLate)
		}
	}
	wantOutputs := []string{"value", "expected", "lower", "upper", "score"}
	if alert {
		wantOutputs = []string{"score"}
	}
	if len(outputs) != len(wantOutputs) {
		t.Errorf("outputs %v, want %v", outputs, wantOutputs)
	}
}

func show(v *float64) string {
	switch {
	case v == nil:
		return "null"
	case math.IsInf(*v, 1):
		return "+Inf"
	case math.IsInf(*v, -1):
		return "-Inf"
	case math.IsNaN(*v):
		return "NaN"
	}
	return "finite"
}

func modelKeys(t *testing.T, b *badInputHost, expr string) []string {
	t.Helper()
	code, body := b.resource(t, "GET", "models?limit=1000")
	if code != 200 {
		t.Fatalf("GET /models: %d %v", code, body)
	}
	items, _ := body["items"].([]any)
	var keys []string
	for _, it := range items {
		item, _ := it.(map[string]any)
		parts, _ := item["parts"].(map[string]any)
		if key, _ := item["key"].(string); parts != nil && parts["expr"] == expr {
			keys = append(keys, key)
		}
	}
	return keys
}

// versions lists a key's stored versions, newest first, through GET /models/<key>.
func versions(t *testing.T, b *badInputHost, key string) []int {
	t.Helper()
	code, body := b.resource(t, "GET", "models/"+strings.ReplaceAll(url.PathEscape(key), "/", "%2F"))
	if code != 200 {
		t.Fatalf("GET /models/<key>: %d %v", code, body)
	}
	history, _ := body["history"].([]any)
	var out []int
	for _, h := range history {
		v, _ := h.(map[string]any)["version"].(float64)
		out = append(out, int(v))
	}
	return out
}

// corruptNewest cuts the model JSON of each key's newest version in half, in the SQLite file the
// running plugin has open (with Node's node:sqlite: no SQLite driver in this module).
func corruptNewest(t *testing.T, dbPath string, keys []string) {
	t.Helper()
	node, err := filepath.Abs(filepath.Join(repoRoot, "node_modules", ".bin", "node"))
	if err != nil {
		t.Fatal(err)
	}
	script := `
const { DatabaseSync } = require('node:sqlite');
const [db, keys] = [new DatabaseSync(process.argv[1]), JSON.parse(process.argv[2])];
db.exec('PRAGMA busy_timeout = 5000');
const cut = db.prepare("UPDATE model_versions SET model = substr(model, 1, length(model) / 2) " +
  "WHERE key = ? AND version = (SELECT max(version) FROM model_versions WHERE key = ?)");
for (const k of keys) { if (cut.run(k, k).changes !== 1) { throw new Error('no row for ' + k); } }
db.close();`
	keysJSON, _ := json.Marshal(keys)
	out, err := exec.Command(node, "--no-warnings", "-e", script, dbPath, string(keysJSON)).CombinedOutput()
	if err != nil {
		t.Fatalf("corrupting the store: %v\n%s", err, out)
	}
}
