package conformance

// Field-level wire checks between the SDK's generated pluginv2 types and our own .proto text
// (src/backend/protocol/proto.ts), through committed fixtures in testdata/:
//
//   testdata/go/*.binpb    written here from SDK messages with every field set; the Node test
//                          (src/backend/protocol/wire.test.ts) decodes them and checks each field.
//   testdata/node/*.binpb  written by the Node test from our encoder; decoded here with the SDK.
//
// VIGIL_UPDATE_WIRE=1 rewrites the fixtures of the side that runs.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"
)

func fullPluginContext() *pluginv2.PluginContext {
	return &pluginv2.PluginContext{
		OrgId:    42,
		PluginId: "vigil-anomaly-datasource",
		User:     &pluginv2.User{Login: "ed", Name: "Ed Itor", Email: "ed@example.com", Role: "Editor"},
		AppInstanceSettings: &pluginv2.AppInstanceSettings{
			JsonData:                []byte(`{"app":true}`),
			DecryptedSecureJsonData: map[string]string{"appKey": "k"},
			LastUpdatedMS:           1767225600000,
			ApiVersion:              "v0alpha1",
		},
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id:                      9007199254740991, // 2^53-1: the largest id a JS number holds exactly
			Name:                    "Vigil",
			Url:                     "http://prometheus:9090",
			User:                    "dsuser",
			Database:                "db",
			BasicAuthEnabled:        true,
			BasicAuthUser:           "basic",
			JsonData:                []byte(`{"timeout":30}`),
			DecryptedSecureJsonData: map[string]string{"basicAuthPassword": "pw"},
			LastUpdatedMS:           1767225600123,
			Uid:                     "vigil-uid",
			ApiVersion:              "v1",
		},
		GrafanaConfig: map[string]string{"GF_APP_URL": "http://grafana:3000/"},
		PluginVersion: "0.1.0",
		UserAgent:     "Grafana/12.3.0 (linux; amd64)",
		ApiVersion:    "v2",
		Namespace:     "stacks-1",
	}
}

// goFixtures are messages Grafana sends (and the SDK's own responses, to pin their field numbers).
func goFixtures() map[string]proto.Message {
	return map[string]proto.Message{
		"query_data_request": &pluginv2.QueryDataRequest{
			PluginContext: fullPluginContext(),
			Headers:       map[string]string{"FromAlert": "true"},
			Queries: []*pluginv2.DataQuery{
				{
					RefId: "A", MaxDataPoints: 43200, IntervalMS: 1000,
					TimeRange: &pluginv2.TimeRange{FromEpochMS: 1767225600000, ToEpochMS: 1767229200000},
					Json:      []byte(`{"expr":"up"}`), QueryType: "anomaly",
				},
				{RefId: "B", TimeRange: &pluginv2.TimeRange{}},
			},
			Format: pluginv2.DataFrameFormat_JSON,
		},
		"query_data_response": &pluginv2.QueryDataResponse{Responses: map[string]*pluginv2.DataResponse{
			"A": {Frames: [][]byte{[]byte("frame1"), []byte("frame2")}, JsonMeta: []byte(`{"m":1}`), Status: 200},
			"B": {Error: "bad query", Status: 400, ErrorSource: "downstream"},
		}},
		"check_health_request": &pluginv2.CheckHealthRequest{
			PluginContext: fullPluginContext(),
			Headers:       map[string]string{"X-Grafana-Org-Id": "42"},
		},
		"check_health_response": &pluginv2.CheckHealthResponse{
			Status: pluginv2.CheckHealthResponse_ERROR, Message: "down", JsonDetails: []byte(`{"d":1}`),
		},
		"call_resource_request": &pluginv2.CallResourceRequest{
			PluginContext: fullPluginContext(),
			Path:          "models/abc",
			Method:        "POST",
			Url:           "/api/datasources/uid/vigil-uid/resources/models/abc?x=1",
			Headers:       map[string]*pluginv2.StringList{"Accept": {Values: []string{"application/json", "text/plain"}}},
			Body:          []byte(`{"train":true}`),
		},
		"call_resource_response": &pluginv2.CallResourceResponse{
			Code:    201,
			Headers: map[string]*pluginv2.StringList{"Content-Type": {Values: []string{"application/json"}}},
			Body:    []byte(`{"ok":true}`),
		},
		"collect_metrics_request":  &pluginv2.CollectMetricsRequest{PluginContext: fullPluginContext()},
		"collect_metrics_response": &pluginv2.CollectMetricsResponse{Metrics: &pluginv2.CollectMetricsResponse_Payload{Prometheus: []byte("up 1\n")}},
	}
}

// nodeExpected are the responses the Node test encodes (same values as in wire.test.ts).
func nodeExpected() map[string]proto.Message {
	return map[string]proto.Message{
		"query_data_response": &pluginv2.QueryDataResponse{Responses: map[string]*pluginv2.DataResponse{
			"A": {Frames: [][]byte{[]byte("ARROW1-a"), []byte("ARROW1-b")}, JsonMeta: []byte(`{"m":1}`), Status: 200},
			"B": {Error: "parse error: unexpected end of input", Status: 400, ErrorSource: "downstream"},
		}},
		"check_health_response": &pluginv2.CheckHealthResponse{
			Status: pluginv2.CheckHealthResponse_OK, Message: "Prometheus 3.5.0 answers", JsonDetails: []byte(`{"version":"3.5.0"}`),
		},
		"call_resource_response": &pluginv2.CallResourceResponse{
			Code:    404,
			Headers: map[string]*pluginv2.StringList{"Content-Type": {Values: []string{"application/json"}}, "X-Multi": {Values: []string{"a", "b"}}},
			Body:    []byte(`{"message":"no resource at /x"}`),
		},
		"collect_metrics_response": &pluginv2.CollectMetricsResponse{Metrics: &pluginv2.CollectMetricsResponse_Payload{Prometheus: []byte("# TYPE up gauge\nup 1\n")}},
	}
}

func TestWireFixturesFromGo(t *testing.T) {
	update := os.Getenv("VIGIL_UPDATE_WIRE") != ""
	for name, msg := range goFixtures() {
		path := filepath.Join("testdata", "go", name+".binpb")
		if update {
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (VIGIL_UPDATE_WIRE=1 go test -run TestWireFixturesFromGo writes it)", path, err)
		}
		got := msg.ProtoReflect().New().Interface()
		if err := proto.Unmarshal(b, got); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if diff := cmp.Diff(msg, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s is stale (-want +got):\n%s", path, diff)
		}
	}
}

func TestWireFixturesFromNode(t *testing.T) {
	for name, want := range nodeExpected() {
		path := filepath.Join("testdata", "node", name+".binpb")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (VIGIL_UPDATE_WIRE=1 npx jest src/backend/protocol/wire.test.ts writes it)", path, err)
		}
		got := want.ProtoReflect().New().Interface()
		if err := proto.Unmarshal(b, got); err != nil {
			t.Fatalf("%s: SDK cannot decode our encoding: %v", path, err)
		}
		if len(got.ProtoReflect().GetUnknown()) > 0 {
			t.Errorf("%s: fields the SDK does not know (wrong field number?)", path)
		}
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s decodes differently with the SDK (-want +got):\n%s", path, diff)
		}
	}
}
