package conformance

// Trainings, backtests and backtest queries of the packaged backend as Grafana calls them: a panel
// query stores models, POST /models/<key>/train starts a job that is polled through /jobs/<id> until
// it saved a new version; POST /backtest and a backtest QueryData replay the fixture and find the
// spike, their frames decoded with Grafana's decoder and read with the data plane reader.

import (
	"encoding/json"
	"fmt"
	"net/url"
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

func backtestQueryModel(refID string, extra map[string]any) map[string]any {
	q := map[string]any{
		"refId":      refID,
		"queryType":  "backtest",
		"expr":       "vigil_load",
		"model":      "seasonal",
		"outputs":    []string{"value", "score"},
		"options":    map[string]any{"trainingWindow": "2d", "seasonality": "daily"},
		"thresholds": []map[string]any{{"severity": "warning", "score": 1}, {"severity": "critical", "score": 3}},
		"for":        "0s",
		"refitEvery": "6h",
		"smoothing":  "0s",
	}
	for k, v := range extra {
		q[k] = v
	}
	return q
}

func TestTrainingAndBacktest(t *testing.T) {
	p := prometheus(t)
	h := startPlugin(t)
	store := map[string]any{"modelStorePath": filepath.Join(tempDir(t, "store-training"), "models.db")}
	resource := h.dispense(t, "resource").(grpcplugin.ResourceClient)
	dataClient := h.dispense(t, "data").(grpcplugin.DataClient)
	call := resourceCaller(t, h, resource, store)

	t.Run("train: 403 for Viewer, 202 job for Editor, polled until a new version is saved", func(t *testing.T) {
		res, err := dataClient.QueryData(longCtx(t), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t, store),
			Queries:       []*pluginv2.DataQuery{fixtureQuery(t, "A", anomalyQuery("A", "vigil_load", "score"))},
		})
		if err != nil || res.Responses["A"].Status != 200 {
			t.Fatalf("training query: %v %v", err, res)
		}
		list := call(t, "GET", "models?limit=10", "Viewer", "")
		items, _ := list.body["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("GET /models: %d %v, want the 2 series the panel trained", list.code, list.body)
		}
		key, _ := items[0].(map[string]any)["key"].(string)
		enc := strings.ReplaceAll(url.PathEscape(key), "/", "%2F")

		if a := call(t, "POST", "models/"+enc+"/train", "Viewer", "{}"); a.code != 403 {
			t.Errorf("train as Viewer: %d %v, want 403", a.code, a.body)
		}
		if a := call(t, "POST", "models/"+enc+"/train", "Editor", `{"trainingWindow": "soon"}`); a.code != 400 {
			t.Errorf("train with a bad window: %d %v, want 400", a.code, a.body)
		}
		// The fixture lies in 2024: train on the two days that end where the panel's range ends.
		body := fmt.Sprintf(`{"trainingWindow": "2d", "untilMs": %d}`, p.To)
		start := call(t, "POST", "models/"+enc+"/train", "Editor", body)
		job, _ := start.body["job"].(map[string]any)
		id, _ := job["id"].(string)
		if start.code != 202 || id == "" || job["key"] != key || job["kind"] != "train" {
			t.Fatalf("train as Editor: %d %v, want 202 with a job for the key", start.code, start.body)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			a := call(t, "GET", "jobs/"+url.PathEscape(id), "Viewer", "")
			job, _ = a.body["job"].(map[string]any)
			if a.code != 200 || job == nil {
				t.Fatalf("GET /jobs/<id>: %d %v", a.code, a.body)
			}
			if progress, _ := job["progress"].(float64); progress < 0 || progress > 1 {
				t.Errorf("progress %v outside 0..1", job["progress"])
			}
			if job["state"] == "done" || job["state"] == "failed" || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if job["state"] != "done" || job["version"] != float64(2) || job["progress"] != float64(1) {
			t.Fatalf("job %v, want done with version 2", job)
		}
		jobs := call(t, "GET", "jobs", "Viewer", "")
		if listed, _ := jobs.body["items"].([]any); jobs.code != 200 || len(listed) != 1 {
			t.Errorf("GET /jobs: %d %v, want the one job", jobs.code, jobs.body)
		}

		m := call(t, "GET", "models/"+enc, "Viewer", "")
		history, _ := m.body["history"].([]any)
		if m.code != 200 || m.body["latestVersion"] != float64(2) || len(history) != 2 {
			t.Fatalf("GET /models/<key> after training: %d %v", m.code, m.body)
		}
		training, _ := history[0].(map[string]any)["training"].(map[string]any)
		if training["toMs"] != float64(p.To) || training["stepMs"] != float64(60_000) || training["points"] != float64(2*24*60) {
			t.Errorf("version 2 trained on %v, want 2 days at 60 s ending at %d", training, p.To)
		}
	})

	t.Run("POST /backtest: the spike fires the critical threshold", func(t *testing.T) {
		q := backtestQueryModel("A", map[string]any{"step": "1m"})
		delete(q, "refId")
		raw, _ := json.Marshal(map[string]any{"query": q, "fromMs": p.From, "toMs": p.To})
		a := call(t, "POST", "backtest", "Viewer", string(raw))
		if a.code != 200 {
			t.Fatalf("POST /backtest: %d %v", a.code, a.body)
		}
		series, _ := a.body["series"].([]any)
		if len(series) != 2 {
			t.Fatalf("%d series, want 2", len(series))
		}
		for _, s := range series {
			s := s.(map[string]any)
			ts, _ := s["t"].([]any)
			score, _ := s["score"].([]any)
			if len(ts) != 721 || len(score) != 721 || score[0] == nil {
				t.Errorf("%v: %d times, %d scores (first %v); want 721, warm from the start", s["name"], len(ts), len(score), score[0])
			}
		}
		found := false
		alerts, _ := a.body["alerts"].([]any)
		for _, x := range alerts {
			x := x.(map[string]any)
			if x["severity"] == "critical" && x["fromMs"] == float64(p.SpikeAt) && strings.Contains(x["series"].(string), `instance="b"`) {
				found = true
			}
		}
		if !found {
			t.Errorf("no critical alert at the spike (%d) on instance b: %v", p.SpikeAt, alerts)
		}
		summary, _ := a.body["summary"].([]any)
		if len(summary) != 2 || summary[1].(map[string]any)["alerts"].(float64) < 1 {
			t.Errorf("summary %v, want two thresholds with the critical one firing", summary)
		}
		tooLong, _ := json.Marshal(map[string]any{"query": q, "fromMs": p.From - 100*86_400_000, "toMs": p.To})
		if a := call(t, "POST", "backtest", "Viewer", string(tooLong)); a.code != 400 || !strings.Contains(fmt.Sprint(a.body["message"]), "the limit is") {
			t.Errorf("a 100-day backtest: %d %v, want 400 naming the limit", a.code, a.body)
		}
	})

	t.Run("backtest QueryData: timeseries-multi frames and an annotation frame of alerts", func(t *testing.T) {
		raw, _ := json.Marshal(backtestQueryModel("A", nil))
		res, err := dataClient.QueryData(longCtx(t), &pluginv2.QueryDataRequest{
			PluginContext: pluginContext(t, store),
			Queries:       []*pluginv2.DataQuery{fixtureQuery(t, "A", raw)},
		})
		if err != nil {
			t.Fatalf("QueryData: %v\nplugin stderr:\n%s", err, h.stderr.String())
		}
		r := res.Responses["A"]
		if r.Status != 200 || r.Error != "" {
			t.Fatalf("status %d, error %q", r.Status, r.Error)
		}
		frames, err := data.UnmarshalArrowFrames(r.Frames)
		if err != nil {
			t.Fatalf("data.UnmarshalArrowFrames: %v", err)
		}
		var series data.Frames
		var annotations *data.Frame
		for _, f := range frames {
			if f.Meta != nil && f.Meta.DataTopic == data.DataTopicAnnotations {
				annotations = f
			} else {
				series = append(series, f)
			}
		}
		if typ, err := reader.CanReadBasedOnMeta(series); err != nil || typ != data.FrameTypeTimeSeriesMulti {
			t.Fatalf("reader.CanReadBasedOnMeta = %q, %v", typ, err)
		}
		cr, err := timeseries.CollectionReaderFromFrames(series)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cr.GetCollection(true)
		if err != nil || c.Warning != nil || len(c.RemainderIndices) != 0 {
			t.Fatalf("GetCollection: %v, warning %v, ignored %v", err, c.Warning, c.RemainderIndices)
		}
		if len(c.Refs) != 4 {
			t.Errorf("%d series, want 2 series x (value, score)", len(c.Refs))
		}
		if !strings.Contains(noticeTexts(series), "backtest: warning (score > 1)") {
			t.Errorf("notices lack the backtest summary: %s", noticeTexts(series))
		}
		if annotations == nil {
			t.Fatal("no annotation frame of the replayed alerts")
		}
		var names []string
		for _, f := range annotations.Fields {
			names = append(names, f.Name)
		}
		if strings.Join(names, ",") != "time,timeEnd,severity,series,peakScore,text" {
			t.Fatalf("annotation fields %v", names)
		}
		if annotations.Fields[0].Type() != data.FieldTypeTime || annotations.Fields[1].Type() != data.FieldTypeTime {
			t.Errorf("time fields are %v and %v, want time.Time", annotations.Fields[0].Type(), annotations.Fields[1].Type())
		}
		found := false
		for i := 0; i < annotations.Rows(); i++ {
			at := annotations.Fields[0].At(i).(time.Time)
			end := annotations.Fields[1].At(i).(time.Time)
			if end.Before(at) {
				t.Errorf("row %d ends (%v) before it starts (%v)", i, end, at)
			}
			if at.UnixMilli() == p.SpikeAt && annotations.Fields[2].At(i) == "critical" {
				found = true
			}
		}
		if !found {
			t.Errorf("no critical annotation at the spike among %d rows", annotations.Rows())
		}
	})
}
