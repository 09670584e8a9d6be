// Package conformance loads Vigil's packaged backend executable exactly as Grafana does (hashicorp
// go-plugin with Grafana's handshake and the SDK's grpcplugin clients) and checks every call it makes.
//
// It builds nothing: run `node scripts/build-backend.mjs` first (scripts/test-all.sh does), or point
// VIGIL_PLUGIN_EXE at the executable.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Grafana's handshake: the same values for every backend plugin type.
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  2,
	MagicCookieKey:   "grafana_plugin_type",
	MagicCookieValue: "datasource",
}

// pluginExe is the executable Grafana would run: gpx_vigil_<goos>_<goarch> from dist/datasource,
// installed into a plugin directory outside the checkout (installedPlugin).
func pluginExe(t *testing.T) string {
	t.Helper()
	exe, err := filepath.Abs(installedPlugin(t))
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(exe)
	if err != nil {
		t.Fatalf("plugin executable %s: %v", exe, err)
	}
	if info.Mode()&0o111 == 0 {
		t.Fatalf("plugin executable %s is not executable (Grafana needs the exec bit)", exe)
	}
	return exe
}

// syncBuffer is a bytes.Buffer safe for the go-plugin goroutines that write to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type host struct {
	client  *plugin.Client
	cmd     *exec.Cmd
	stderr  *syncBuffer // the plugin's raw stderr lines
	hostLog *syncBuffer // go-plugin's own log (what Grafana would log)
}

// startPlugin starts the executable as Grafana does: environment without the host's (Grafana's
// pluginsSkipHostEnvVars: no PATH), go-plugin adds the magic cookie, PLUGIN_PROTOCOL_VERSIONS and the
// port range; gRPC only, no AutoMTLS.
func startPlugin(t *testing.T) *host {
	t.Helper()
	cmd := exec.Command(pluginExe(t))
	cmd.Env = []string{"GF_VERSION=12.3.0", "GF_EDITION=Open Source", "GF_PLUGIN_APP_CLIENT_ID=vigil"}
	h := &host{cmd: cmd, stderr: &syncBuffer{}, hostLog: &syncBuffer{}}
	logger := hclog.New(&hclog.LoggerOptions{Name: "grafana", Level: hclog.Trace, Output: h.hostLog})
	h.client = plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: handshake,
		VersionedPlugins: map[int]plugin.PluginSet{
			2: {
				"data":        &grpcplugin.DataGRPCPlugin{},
				"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
				"resource":    &grpcplugin.ResourceGRPCPlugin{},
			},
		},
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           logger,
		Stderr:           h.stderr,
		StartTimeout:     time.Minute,
	})
	t.Cleanup(h.client.Kill) // no-op once the test has killed it
	return h
}

func (h *host) dispense(t *testing.T, name string) any {
	t.Helper()
	rpc, err := h.client.Client()
	if err != nil {
		t.Fatalf("handshake failed: %v\nplugin stderr:\n%s\nhost log:\n%s", err, h.stderr.String(), h.hostLog.String())
	}
	raw, err := rpc.Dispense(name)
	if err != nil {
		t.Fatalf("dispense %s: %v", name, err)
	}
	return raw
}

// pluginContext is a request's context for the Vigil data source instance whose jsonData is
// {"timeout":30, "prometheusUrl": <the test Prometheus>, "modelStorePath": <a temp file>} with
// `extra` merged over it.
func pluginContext(t *testing.T, extra ...map[string]any) *pluginv2.PluginContext {
	t.Helper()
	jsonData := map[string]any{
		"timeout":        30,
		"prometheusUrl":  prometheus(t).URL,
		"modelStorePath": filepath.Join(tempDir(t, "store"), "models.db"),
	}
	for _, e := range extra {
		for k, v := range e {
			jsonData[k] = v
		}
	}
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatal(err)
	}
	return &pluginv2.PluginContext{
		OrgId:         1,
		PluginId:      "vigil-anomaly-datasource",
		User:          &pluginv2.User{Login: "admin", Name: "Admin", Email: "admin@localhost", Role: "Admin"},
		PluginVersion: "0.1.0",
		UserAgent:     "Grafana/12.3.0 (linux; amd64)",
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id:                      7,
			Uid:                     "vigil-ds",
			Name:                    "Vigil",
			Url:                     "http://127.0.0.1:9090",
			JsonData:                raw,
			DecryptedSecureJsonData: map[string]string{"bearerToken": "secret"},
			LastUpdatedMS:           time.Now().UnixMilli(),
		},
		GrafanaConfig: map[string]string{"GF_SQL_MAX_ROWS": "100000"},
	}
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second*timeoutScale())
	t.Cleanup(cancel)
	return ctx
}

func TestPluginAsGrafanaLoadsIt(t *testing.T) {
	h := startPlugin(t)

	t.Run("handshake and health", func(t *testing.T) {
		rpc, err := h.client.Client()
		if err != nil {
			t.Fatalf("handshake failed: %v\nplugin stderr:\n%s", err, h.stderr.String())
		}
		if got := h.client.NegotiatedVersion(); got != 2 {
			t.Fatalf("negotiated protocol version %d, want 2", got)
		}
		if proto := h.client.Protocol(); proto != plugin.ProtocolGRPC {
			t.Fatalf("protocol %q, want grpc", proto)
		}
		// go-plugin's Ping is grpc.health.v1.Health/Check for service "plugin".
		if err := rpc.Ping(); err != nil {
			t.Fatalf("health check (service plugin): %v", err)
		}
	})

	t.Run("CheckHealth", func(t *testing.T) {
		diag := h.dispense(t, "diagnostics").(grpcplugin.DiagnosticsClient)
		res, err := diag.CheckHealth(ctxTimeout(t), &pluginv2.CheckHealthRequest{
			PluginContext: pluginContext(t),
			Headers:       map[string]string{"X-Grafana-Org-Id": "1"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != pluginv2.CheckHealthResponse_OK {
			t.Fatalf("status %v, want OK (message %q)", res.Status, res.Message)
		}
		if res.Message == "" {
			t.Fatal("empty health message")
		}
	})

	t.Run("QueryData keyed by refId", func(t *testing.T) {
		data := h.dispense(t, "data").(grpcplugin.DataClient)
		now := time.Now()
		tr := &pluginv2.TimeRange{FromEpochMS: now.Add(-time.Hour).UnixMilli(), ToEpochMS: now.UnixMilli()}
		res, err := data.QueryData(ctxTimeout(t), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t),
			Headers:       map[string]string{"FromAlert": "true"},
			Queries: []*pluginv2.DataQuery{
				{RefId: "A", MaxDataPoints: 1000, IntervalMS: 15000, TimeRange: tr, Json: []byte(`{"refId":"A","expr":"up"}`)},
				{RefId: "B", MaxDataPoints: 43200, IntervalMS: 1000, TimeRange: tr, Json: []byte(`{"refId":"B"}`), QueryType: "anomaly"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Responses) != 2 {
			t.Fatalf("got %d responses (%v), want exactly A and B", len(res.Responses), keys(res.Responses))
		}
		// A: `up` has no samples in the test Prometheus (no self-scrape): 200 with a no-data frame.
		// B: no expression: 400 saying so.
		for refID, want := range map[string]int32{"A": 200, "B": 400} {
			r, ok := res.Responses[refID]
			if !ok {
				t.Fatalf("no response for refId %s (got %v)", refID, keys(res.Responses))
			}
			if r.Status != want {
				t.Errorf("refId %s: status %d, want %d (error %q)", refID, r.Status, want, r.Error)
			}
			if (r.Error != "") != (want != 200) {
				t.Errorf("refId %s: error %q", refID, r.Error)
			}
			if r.Format != pluginv2.DataFrameFormat_ARROW {
				t.Errorf("refId %s: format %v, want ARROW", refID, r.Format)
			}
		}
		if e := res.Responses["B"].Error; !strings.Contains(e, "expr") {
			t.Errorf("refId B: error %q does not name the missing expr", e)
		}
	})

	t.Run("QueryData larger than gRPC's 4 MB default", func(t *testing.T) {
		data := h.dispense(t, "data").(grpcplugin.DataClient)
		big := []byte(`{"refId":"A","note":"` + strings.Repeat("x", 8<<20) + `"}`)
		res, err := data.QueryData(ctxTimeout(t), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t),
			Queries:       []*pluginv2.DataQuery{{RefId: "A", Json: big}},
		})
		if err != nil {
			t.Fatalf("8 MB request refused (message size limit not raised?): %v", err)
		}
		// Received and validated (no expr: 400), not refused by the transport.
		if r := res.Responses["A"]; r == nil || r.Status != 400 || !strings.Contains(r.Error, "expr") {
			t.Fatalf("unexpected response %v", res.Responses)
		}
	})

	t.Run("CallResource", func(t *testing.T) {
		resource := h.dispense(t, "resource").(grpcplugin.ResourceClient)
		call := func(method, path string) (int32, map[string]*pluginv2.StringList, []byte) {
			stream, err := resource.CallResource(ctxTimeout(t), &pluginv2.CallResourceRequest{
				PluginContext: pluginContext(t),
				Path:          path,
				Method:        method,
				Url:           "/api/datasources/uid/vigil-ds/resources/" + path,
				Headers:       map[string]*pluginv2.StringList{"Accept": {Values: []string{"application/json"}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			// As Grafana reads it: status and headers from the first message, body chunks appended.
			var code int32
			var headers map[string]*pluginv2.StringList
			var body []byte
			for i := 0; ; i++ {
				msg, err := stream.Recv()
				if errors.Is(err, io.EOF) && i > 0 {
					break
				}
				if err != nil {
					t.Fatalf("%s %s: stream ended after %d messages: %v", method, path, i, err)
				}
				if i == 0 {
					code, headers = msg.Code, msg.Headers
				}
				body = append(body, msg.Body...)
			}
			return code, headers, body
		}

		code, headers, body := call("GET", "ping")
		if code != 200 {
			t.Fatalf("GET /ping: code %d, want 200 (body %s)", code, body)
		}
		if ct := headers["Content-Type"]; ct == nil || len(ct.Values) != 1 || ct.Values[0] != "application/json" {
			t.Errorf("GET /ping: Content-Type %v, want application/json", ct)
		}
		var ping map[string]any
		if err := json.Unmarshal(body, &ping); err != nil {
			t.Fatalf("GET /ping: body is not JSON: %v (%s)", err, body)
		}
		if ping["message"] != "pong" {
			t.Errorf("GET /ping: body %s", body)
		}

		code, _, body = call("GET", "no/such/route")
		if code != 404 {
			t.Fatalf("GET /no/such/route: code %d, want 404 (body %s)", code, body)
		}
		var notFound map[string]any
		if err := json.Unmarshal(body, &notFound); err != nil || notFound["message"] == nil {
			t.Fatalf("404 body is not a JSON error: %v (%s)", err, body)
		}
	})

	t.Run("CollectMetrics", func(t *testing.T) {
		diag := h.dispense(t, "diagnostics").(grpcplugin.DiagnosticsClient)
		res, err := diag.CollectMetrics(ctxTimeout(t), &pluginv2.CollectMetricsRequest{PluginContext: pluginContext(t)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Metrics == nil {
			t.Fatal("no metrics payload")
		}
		text := string(res.Metrics.Prometheus)
		for _, want := range []string{
			"# TYPE process_start_time_seconds gauge",
			"# TYPE vigil_backend_uptime_seconds gauge",
			`vigil_backend_requests_total{method="QueryData",outcome="ok"} 2`,
			`vigil_backend_requests_total{method="CheckHealth",outcome="ok"} 1`,
			`vigil_backend_requests_total{method="CallResource",outcome="ok"} 2`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %q:\n%s", want, text)
			}
		}
		// Every sample line is `name{labels} value`.
		sample := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfNa]+$`)
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			if !strings.HasPrefix(line, "#") && !sample.MatchString(line) {
				t.Errorf("not a Prometheus sample line: %q", line)
			}
		}
		// Prometheus' own parser accepts it, and the plugin's metrics have their types. The parser
		// drops families without samples: score and store metrics appear once a query scored points.
		parser := expfmt.NewTextParser(model.LegacyValidation)
		families, err := parser.TextToMetricFamilies(strings.NewReader(text))
		if err != nil {
			t.Fatalf("Prometheus' text parser rejects the metrics: %v\n%s", err, text)
		}
		for _, name := range []string{"vigil_errors_total", "vigil_query_duration_seconds"} {
			if families[name] == nil {
				t.Errorf("metric %s missing:\n%s", name, text)
			}
		}
		for name, typ := range map[string]dto.MetricType{
			"vigil_score":                     dto.MetricType_HISTOGRAM,
			"vigil_scored_points_total":       dto.MetricType_COUNTER,
			"vigil_anomalous_points_total":    dto.MetricType_COUNTER,
			"vigil_models":                    dto.MetricType_GAUGE,
			"vigil_model_versions":            dto.MetricType_GAUGE,
			"vigil_model_age_seconds":         dto.MetricType_HISTOGRAM,
			"vigil_model_versions_total":      dto.MetricType_COUNTER,
			"vigil_training_duration_seconds": dto.MetricType_HISTOGRAM,
			"vigil_trainings_total":           dto.MetricType_COUNTER,
			"vigil_query_duration_seconds":    dto.MetricType_HISTOGRAM,
			"vigil_errors_total":              dto.MetricType_COUNTER,
		} {
			if f := families[name]; f != nil && f.GetType() != typ {
				t.Errorf("metric %s is a %v, want %v", name, f.GetType(), typ)
			}
		}
		for _, want := range []string{"# TYPE vigil_score histogram", "# TYPE vigil_models gauge"} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})

	t.Run("graceful shutdown on Kill", func(t *testing.T) {
		start := time.Now()
		h.client.Kill() // go-plugin: GRPCController/Shutdown, then SIGKILL if not exited within 2 s
		elapsed := time.Since(start)
		log := h.hostLog.String()
		t.Logf("Kill took %v; host log:\n%s", elapsed, log)
		if strings.Contains(log, "plugin failed to exit gracefully") {
			t.Fatalf("plugin was SIGKILLed after Shutdown (took %v)\nhost log:\n%s", elapsed, log)
		}
		if elapsed >= 2*time.Second {
			t.Fatalf("Kill took %v, want < 2 s", elapsed)
		}
		if !h.client.Exited() {
			t.Fatal("plugin process still running after Kill")
		}
		state := h.cmd.ProcessState
		if state == nil {
			t.Fatal("no process state after Kill")
		}
		if !state.Exited() || state.ExitCode() != 0 {
			t.Fatalf("plugin ended with %v, want exit status 0", state)
		}
	})

	t.Run("stderr is JSON logs Grafana parses", func(t *testing.T) {
		lines := strings.Split(strings.TrimSpace(h.stderr.String()), "\n")
		if len(lines) == 0 || lines[0] == "" {
			t.Fatal("the plugin logged nothing")
		}
		levels := map[string]bool{"trace": true, "debug": true, "info": true, "warn": true, "error": true}
		for _, line := range lines {
			var entry map[string]any
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Errorf("stderr line is not JSON: %q", line)
				continue
			}
			level, _ := entry["@level"].(string)
			if !levels[level] {
				t.Errorf("bad @level in %q", line)
			}
			if msg, _ := entry["@message"].(string); msg == "" {
				t.Errorf("no @message in %q", line)
			}
			ts, _ := entry["@timestamp"].(string)
			// go-plugin's own parser: RFC 3339 with exactly six fractional digits.
			if _, err := time.Parse("2006-01-02T15:04:05.000000Z07:00", ts); err != nil {
				t.Errorf("@timestamp %q does not parse as go-plugin expects: %v", ts, err)
			}
		}
		if !strings.Contains(h.stderr.String(), `"@message":"plugin started"`) {
			t.Errorf("no start-up log entry:\n%s", h.stderr.String())
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Run directly (not by a plugin host), the executable refuses to start, as go-plugin plugins do.
func TestRefusesToRunWithoutMagicCookie(t *testing.T) {
	cmd := exec.Command(pluginExe(t))
	cmd.Env = []string{}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("want exit status 1, got %v", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("printed to stdout: %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "This binary is a plugin") {
		t.Errorf("stderr lacks the explanation: %q", stderr.String())
	}
}
