package conformance

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

type resourceAnswer struct {
	code int32
	body map[string]any
}

// resourceCaller calls CallResource like Grafana (path below the resource root, the full URL with
// its query string, the user's role in the plugin context) and checks the answer is one JSON object.
func resourceCaller(t *testing.T, h *host, resource grpcplugin.ResourceClient, store map[string]any) func(t *testing.T, method, pathAndQuery, role, body string) resourceAnswer {
	return func(t *testing.T, method, pathAndQuery, role, body string) resourceAnswer {
		t.Helper()
		pc := pluginContext(t, store)
		pc.User.Role = role
		path := pathAndQuery
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		stream, err := resource.CallResource(longCtx(t), &pluginv2.CallResourceRequest{
			PluginContext: pc,
			Path:          path,
			Method:        method,
			Url:           "/api/datasources/uid/vigil-ds/resources/" + pathAndQuery,
			Headers:       map[string]*pluginv2.StringList{"Accept": {Values: []string{"application/json"}}},
			Body:          []byte(body),
		})
		if err != nil {
			t.Fatal(err)
		}
		var a resourceAnswer
		var raw []byte
		for i := 0; ; i++ {
			msg, err := stream.Recv()
			if errors.Is(err, io.EOF) && i > 0 {
				break
			}
			if err != nil {
				t.Fatalf("%s %s: stream ended after %d messages: %v\nplugin stderr:\n%s", method, path, i, err, h.stderr.String())
			}
			if i == 0 {
				a.code = msg.Code
				if ct := msg.Headers["Content-Type"]; ct == nil || len(ct.Values) == 0 || ct.Values[0] != "application/json" {
					t.Errorf("%s %s: Content-Type %v, want application/json", method, path, ct)
				}
			}
			raw = append(raw, msg.Body...)
		}
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %v (%s)", method, path, err, raw)
		}
		return a
	}
}
