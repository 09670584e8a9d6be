package conformance

// QueryData and CheckHealth of the packaged backend against a real Prometheus, through the same
// go-plugin host: frames decoded with data.UnmarshalArrowFrames (Grafana's decoder) and read with
// the data plane's timeseries reader (what alerting and server-side expressions use).

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func anomalyQuery(refID, expr string, outputs ...string) []byte {
	if len(outputs) == 0 {
		outputs = []string{"value", "expected", "band", "score"}
	}
	raw, _ := json.Marshal(map[string]any{
		"refId":   refID,
		"expr":    expr,
		"model":   "seasonal",
		"outputs": outputs,
		"options": map[string]any{"trainingWindow": "2d", "seasonality": "daily"},
	})
	return raw
}

func fixtureQuery(t *testing.T, refID string, model []byte) *pluginv2.DataQuery {
	p := prometheus(t)
	return &pluginv2.DataQuery{
		RefId:         refID,
		MaxDataPoints: 1000,
		IntervalMS:    60_000,
		TimeRange:     &pluginv2.TimeRange{FromEpochMS: p.From, ToEpochMS: p.To},
		Json:          model,
	}
}

func longCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// decodeTimeseries decodes a response's frames as Grafana does and reads them as a data plane
// timeseries collection, failing on anything the reader would warn about or ignore.
func decodeTimeseries(t *testing.T, r *pluginv2.DataResponse) (data.Frames, timeseries.Collection) {
	t.Helper()
	frames, err := data.UnmarshalArrowFrames(r.Frames)
	if err != nil {
		t.Fatalf("data.UnmarshalArrowFrames: %v", err)
	}
	typ, err := reader.CanReadBasedOnMeta(frames)
	if err != nil || typ != data.FrameTypeTimeSeriesMulti {
		t.Fatalf("reader.CanReadBasedOnMeta = %q, %v", typ, err)
	}
	cr, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cr.GetCollection(true)
	if err != nil {
		t.Fatalf("GetCollection(true): %v", err)
	}
	if c.Warning != nil {
		t.Errorf("collection warning: %v", c.Warning)
	}
	if len(c.RemainderIndices) != 0 {
		t.Errorf("fields the reader ignored: %+v", c.RemainderIndices)
	}
	return frames, c
}

func noticeTexts(frames data.Frames) string {
	var out []string
	for _, f := range frames {
		if f.Meta != nil {
			for _, n := range f.Meta.Notices {
				out = append(out, fmt.Sprintf("[%s] %s", n.Severity, n.Text))
			}
		}
	}
	return strings.Join(out, "\n")
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

func TestQueryDataAgainstPrometheus(t *testing.T) {
	p := prometheus(t)
	h := startPlugin(t)
	// A store of its own: the panel subtest trains into an empty one.
	store := map[string]any{"modelStorePath": filepath.Join(tempDir(t, "store-query"), "models.db")}
	pluginContext := func(t *testing.T, extra ...map[string]any) *pluginv2.PluginContext {
		return pluginContext(t, append([]map[string]any{store}, extra...)...)
	}
	dataClient := h.dispense(t, "data").(grpcplugin.DataClient)
	query := func(headers map[string]string, pc *pluginv2.PluginContext, qs ...*pluginv2.DataQuery) *pluginv2.QueryDataResponse {
		t.Helper()
		res, err := dataClient.QueryData(longCtx(t), &pluginv2.QueryDataRequest{PluginContext: pc, Headers: headers, Queries: qs})
		if err != nil {
			t.Fatalf("QueryData: %v\nplugin stderr:\n%s", err, h.stderr.String())
		}
		return res
	}

	t.Run("panel: value, expected, band and score per series", func(t *testing.T) {
		r := query(nil, pluginContext(t), fixtureQuery(t, "A", anomalyQuery("A", "vigil_load"))).Responses["A"]
		if r.Status != 200 || r.Error != "" {
			t.Fatalf("status %d, error %q", r.Status, r.Error)
		}
		frames, c := decodeTimeseries(t, r)
		if c.NoData() || len(c.Refs) != 10 || c.RefID != "A" {
			t.Fatalf("collection: NoData %v, %d refs, refId %q; want 2 series x 5 outputs of A", c.NoData(), len(c.Refs), c.RefID)
		}
		seen := map[string]bool{}
		for _, ref := range c.Refs {
			name, labels := ref.GetMetricName(), ref.GetLabels()
			seen[name+"/"+labels["instance"]] = true
			if labels["job"] != "vigil" || labels["__name__"] != "vigil_load" {
				t.Errorf("%s: labels %v lack the input series' labels", name, labels)
			}
			if n, err := ref.Len(); err != nil || n != 721 {
				t.Errorf("%s %v: %d points (%v), want 721 (12 h at 60 s)", name, labels, n, err)
			}
		}
		for _, out := range []string{"value", "expected", "lower", "upper", "score"} {
			for _, inst := range []string{"a", "b"} {
				if !seen[out+"/"+inst] {
					t.Errorf("no %s frame for instance %s", out, inst)
				}
			}
		}
		if !strings.Contains(noticeTexts(frames), "trained a model now for 2 of 2 series") {
			t.Errorf("notices: %s", noticeTexts(frames))
		}
		// The spike in instance b scores above 1.
		found := false
		for _, ref := range c.Refs {
			if ref.GetMetricName() != "score" || ref.GetLabels()["instance"] != "b" {
				continue
			}
			n, _ := ref.Len()
			for i := 0; i < n; i++ {
				ts, v, err := ref.NullableFloat64Point(i)
				if err == nil && ts.UnixMilli() == p.SpikeAt {
					found = true
					if v == nil || *v <= 1 {
						t.Errorf("score at the spike = %v, want > 1", v)
					}
				}
			}
		}
		if !found {
			t.Error("the spike's timestamp is not in b's score frame")
		}
	})

	t.Run("alert: score frames only, from the stored models", func(t *testing.T) {
		r := query(map[string]string{"FromAlert": "true"}, pluginContext(t), fixtureQuery(t, "A", anomalyQuery("A", "vigil_load"))).Responses["A"]
		if r.Status != 200 {
			t.Fatalf("status %d, error %q", r.Status, r.Error)
		}
		frames, c := decodeTimeseries(t, r)
		if len(c.Refs) != 2 {
			t.Fatalf("%d refs, want 2 score series", len(c.Refs))
		}
		for _, ref := range c.Refs {
			if ref.GetMetricName() != "score" {
				t.Errorf("alert returned a %q series", ref.GetMetricName())
			}
		}
		if txt := noticeTexts(frames); txt != "" {
			t.Errorf("unexpected notices with stored models: %s", txt)
		}
	})

	t.Run("alert without a stored model: cold-start, said in a notice", func(t *testing.T) {
		r := query(map[string]string{"fromalert": "True"}, pluginContext(t), fixtureQuery(t, "A", anomalyQuery("A", "vigil_load + 1"))).Responses["A"]
		if r.Status != 200 {
			t.Fatalf("status %d, error %q", r.Status, r.Error)
		}
		frames, c := decodeTimeseries(t, r)
		if len(c.Refs) != 2 || c.Refs[0].GetMetricName() != "score" {
			t.Fatalf("want 2 score series, got %d refs", len(c.Refs))
		}
		if txt := noticeTexts(frames); !strings.Contains(txt, "[warning] cold-start model") {
			t.Errorf("notices lack the cold-start warning: %q", txt)
		}
	})

	t.Run("empty result: a data plane no-data frame", func(t *testing.T) {
		r := query(nil, pluginContext(t), fixtureQuery(t, "A", anomalyQuery("A", "vigil_absent"))).Responses["A"]
		if r.Status != 200 {
			t.Fatalf("status %d, error %q", r.Status, r.Error)
		}
		_, c := decodeTimeseries(t, r)
		if !c.NoData() {
			t.Errorf("want no data, got %d refs", len(c.Refs))
		}
	})

	t.Run("invalid PromQL: 400, downstream, Prometheus' message", func(t *testing.T) {
		r := query(nil, pluginContext(t), fixtureQuery(t, "A", anomalyQuery("A", "sum(vigil_load"))).Responses["A"]
		if r.Status != 400 || r.ErrorSource != "downstream" {
			t.Errorf("status %d, errorSource %q; want 400 downstream", r.Status, r.ErrorSource)
		}
		if !strings.Contains(r.Error, "parse error") || !strings.Contains(r.Error, "Prometheus rejected the query") {
			t.Errorf("error %q lacks Prometheus' parse error", r.Error)
		}
	})

	t.Run("malformed query JSON: 400", func(t *testing.T) {
		res := query(nil, pluginContext(t),
			fixtureQuery(t, "A", []byte(`{"expr": "up", `)),
			fixtureQuery(t, "B", []byte(`{"expr": "up", "options": {"sensitivity": "high"}}`)))
		for _, refID := range []string{"A", "B"} {
			r := res.Responses[refID]
			if r == nil || r.Status != 400 || r.Error == "" {
				t.Errorf("%s: %+v, want 400 with an error", refID, r)
			}
		}
		if !strings.Contains(res.Responses["A"].Error, "not valid JSON") {
			t.Errorf("A: %q", res.Responses["A"].Error)
		}
		if !strings.Contains(res.Responses["B"].Error, "options.sensitivity") {
			t.Errorf("B: %q", res.Responses["B"].Error)
		}
	})

	t.Run("Prometheus down: a clear error, no crash", func(t *testing.T) {
		down := freeAddr(t)
		r := query(nil, pluginContext(t, map[string]any{"prometheusUrl": down}), fixtureQuery(t, "A", anomalyQuery("A", "vigil_load"))).Responses["A"]
		if r.Status != 502 || r.ErrorSource != "downstream" {
			t.Errorf("status %d, errorSource %q; want 502 downstream", r.Status, r.ErrorSource)
		}
		if !strings.Contains(r.Error, "Prometheus at "+down+" is not reachable") {
			t.Errorf("error %q", r.Error)
		}
		// Still serving.
		again := query(nil, pluginContext(t), fixtureQuery(t, "A", anomalyQuery("A", "vigil_load", "score"))).Responses["A"]
		if again.Status != 200 {
			t.Errorf("after the failure: status %d, error %q", again.Status, again.Error)
		}
	})

	t.Run("CheckHealth OK and ERROR", func(t *testing.T) {
		diag := h.dispense(t, "diagnostics").(grpcplugin.DiagnosticsClient)
		ok, err := diag.CheckHealth(longCtx(t), &pluginv2.CheckHealthRequest{PluginContext: pluginContext(t)})
		if err != nil {
			t.Fatal(err)
		}
		if ok.Status != pluginv2.CheckHealthResponse_OK || !strings.Contains(ok.Message, "Prometheus "+p.Version) {
			t.Errorf("healthy: %v %q", ok.Status, ok.Message)
		}
		down := freeAddr(t)
		bad, err := diag.CheckHealth(longCtx(t), &pluginv2.CheckHealthRequest{
			PluginContext: pluginContext(t, map[string]any{"prometheusUrl": down}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if bad.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(bad.Message, "not reachable") {
			t.Errorf("Prometheus down: %v %q", bad.Status, bad.Message)
		}
		store, err := diag.CheckHealth(longCtx(t), &pluginv2.CheckHealthRequest{
			PluginContext: pluginContext(t, map[string]any{"modelStorePath": "/dev/null/vigil/models.db"}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if store.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(store.Message, "model store") {
			t.Errorf("store not writable: %v %q", store.Status, store.Message)
		}
	})
}
