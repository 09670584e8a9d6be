package conformance

// CallResource routes of the packaged backend as Grafana calls them (path below the resource root,
// the full URL with its query string, the user's role in the plugin context): the /prometheus/*
// autocompletion proxy against the real Prometheus, and /models over models a panel query trained.

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func TestCallResourceRoutes(t *testing.T) {
	prometheus(t)
	h := startPlugin(t)
	store := map[string]any{"modelStorePath": filepath.Join(tempDir(t, "store-resources"), "models.db")}
	resource := h.dispense(t, "resource").(grpcplugin.ResourceClient)
	dataClient := h.dispense(t, "data").(grpcplugin.DataClient)

	call := resourceCaller(t, h, resource, store)

	t.Run("prometheus labels and label values", func(t *testing.T) {
		q := url.Values{"match[]": {`vigil_load{instance="a"}`}, "start": {"1704067200"}, "end": {"1704326400"}}
		a := call(t, "GET", "prometheus/labels?"+q.Encode(), "Viewer", "")
		if a.code != 200 || a.body["status"] != "success" {
			t.Fatalf("GET /prometheus/labels: %d %v", a.code, a.body)
		}
		got, _ := json.Marshal(a.body["data"])
		if string(got) != `["__name__","instance","job"]` {
			t.Errorf("labels %s, want [__name__ instance job]", got)
		}
		v := call(t, "GET", "prometheus/label/instance/values?match[]=vigil_load", "Viewer", "")
		got, _ = json.Marshal(v.body["data"])
		if v.code != 200 || string(got) != `["a","b"]` {
			t.Errorf("label values: %d %s, want [a b]", v.code, got)
		}
		bad := call(t, "GET", "prometheus/series?"+url.Values{"match[]": {"vigil_load{"}}.Encode(), "Viewer", "")
		if bad.code != 400 || bad.body["errorType"] != "bad_data" || bad.body["error"] == "" {
			t.Errorf("bad selector: %d %v, want 400 bad_data with Prometheus' message", bad.code, bad.body)
		}
	})

	t.Run("models trained by a panel: list, inspect, role check, pin, delete", func(t *testing.T) {
		pc := pluginContext(t, store)
		res, err := dataClient.QueryData(longCtx(t), &pluginv2.QueryDataRequest{
			PluginContext: pc,
			Queries:       []*pluginv2.DataQuery{fixtureQuery(t, "A", anomalyQuery("A", "vigil_load", "score"))},
		})
		if err != nil || res.Responses["A"].Status != 200 {
			t.Fatalf("training query: %v %v", err, res)
		}

		list := call(t, "GET", "models?limit=10", "Viewer", "")
		items, _ := list.body["items"].([]any)
		if list.code != 200 || list.body["total"] != float64(2) || len(items) != 2 {
			t.Fatalf("GET /models: %d %v, want the 2 trained series", list.code, list.body)
		}
		key, _ := items[0].(map[string]any)["key"].(string)
		if !strings.HasPrefix(key, "vigil-ds/") {
			t.Fatalf("key %q is not in data source vigil-ds", key)
		}
		enc := url.PathEscape(key)
		enc = strings.ReplaceAll(enc, "/", "%2F")

		one := call(t, "GET", "models/"+enc, "Viewer", "")
		history, _ := one.body["history"].([]any)
		if one.code != 200 || one.body["activeVersion"] != float64(1) || len(history) != 1 {
			t.Fatalf("GET /models/<key>: %d %v", one.code, one.body)
		}

		if a := call(t, "POST", "models/"+enc+"/pin", "Viewer", `{"version":1}`); a.code != 403 {
			t.Errorf("pin as Viewer: %d %v, want 403", a.code, a.body)
		}
		if a := call(t, "POST", "models/"+enc+"/pin", "Editor", `{"version":`); a.code != 400 {
			t.Errorf("pin with malformed JSON: %d %v, want 400", a.code, a.body)
		}
		if a := call(t, "POST", "models/"+enc+"/pin", "Editor", `{"version":1}`); a.code != 200 || a.body["pinnedVersion"] != float64(1) {
			t.Errorf("pin as Editor: %d %v, want 200 pinned 1", a.code, a.body)
		}
		if a := call(t, "POST", "models/"+enc+"/rollback", "Editor", ""); a.code != 409 {
			t.Errorf("rollback with one version: %d %v, want 409", a.code, a.body)
		}
		if a := call(t, "GET", "models/"+enc+"/unpin", "Editor", ""); a.code != 405 {
			t.Errorf("GET on unpin: %d %v, want 405", a.code, a.body)
		}
		if a := call(t, "DELETE", "models/"+enc, "Admin", ""); a.code != 200 || a.body["versionsRemoved"] != float64(1) {
			t.Errorf("delete as Admin: %d %v", a.code, a.body)
		}
		if a := call(t, "GET", "models/"+enc, "Viewer", ""); a.code != 404 {
			t.Errorf("deleted key: %d %v, want 404", a.code, a.body)
		}
		if a := call(t, "GET", "nowhere", "Viewer", ""); a.code != 404 || a.body["error"] == nil {
			t.Errorf("unknown path: %d %v, want 404 with an error", a.code, a.body)
		}
	})
}
