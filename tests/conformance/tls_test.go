package conformance

// Prometheus' connection settings through the Go host against a real Prometheus served over TLS
// with basic auth (its --web.config.file: tls_server_config + basic_auth_users). Certificates are
// made by openssl and the bcrypt hash by htpasswd (Debian packages openssl and apache2-utils). A
// recording TLS proxy in front of it shows what the backend sends (basic auth, bearer token,
// custom headers) while Prometheus still decides whether it accepts them.

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

const (
	tlsUser     = "vigil"
	tlsPassword = "s3cret pass:word" // a space and a colon: basic auth splits at the first colon only
)

type tlsPrometheus struct {
	url     string // https://127.0.0.1:port
	version string
	caPEM   string
	wrongCA string // a CA that did not sign the server certificate
}

func runTool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// makeCA writes <name>.key and <name>.crt: a self-signed CA.
func makeCA(t *testing.T, dir, name string) {
	runTool(t, dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		"-keyout", name+".key", "-out", name+".crt", "-days", "2", "-subj", "/CN="+name,
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
}

func startTLSPrometheus(t *testing.T) tlsPrometheus {
	t.Helper()
	for _, tool := range []string{"openssl", "htpasswd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install the Debian packages openssl and apache2-utils (scripts/ci.sh does)", tool)
		}
	}
	dir := tempDir(t, "tls-prometheus")
	makeCA(t, dir, "ca")
	makeCA(t, dir, "wrong-ca")
	runTool(t, dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		"-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
	if err := os.WriteFile(filepath.Join(dir, "server.ext"),
		[]byte("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runTool(t, dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
		"-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext")
	// htpasswd -nbB prints "user:$2y$...": Prometheus (Go's bcrypt) reads the $2y$ variant.
	hash := strings.TrimSpace(strings.SplitN(runTool(t, dir, "htpasswd", "-nbB", "-C", "5", tlsUser, tlsPassword), ":", 2)[1])
	web := fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  %s: '%s'\n",
		filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key"), tlsUser, hash)
	if err := os.WriteFile(filepath.Join(dir, "web.yml"), []byte(web), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte("global:\n  scrape_interval: 1m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	bin := os.Getenv("VIGIL_PROMETHEUS_BIN")
	if bin == "" {
		bin = "prometheus"
	}
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr,
		"--web.config.file="+filepath.Join(dir, "web.yml"))
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting prometheus (Debian package): %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	})

	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := os.ReadFile(filepath.Join(dir, "wrong-ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	p := tlsPrometheus{url: "https://" + addr, caPEM: string(caPEM), wrongCA: string(wrong)}
	client := trustingClient(t, p.caPEM)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("GET", p.url+"/-/ready", nil)
		req.SetBasicAuth(tlsUser, tlsPassword)
		res, err := client.Do(req)
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("prometheus exited before it was ready:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("TLS prometheus not ready within 30 s (last: %v)\n%s", err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, _ := exec.Command(bin, "--version").CombinedOutput()
	if f := strings.Fields(string(out)); len(f) >= 3 {
		p.version = f[2]
	}
	return p
}

func trustingClient(t *testing.T, caPEM string) *http.Client {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(caPEM)) {
		t.Fatal("CA PEM does not parse")
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// recordingProxy is a TLS server (httptest's own certificate: the backend reaches it with
// tlsSkipVerify) that keeps each request's headers and forwards the request to Prometheus as is.
type recordingProxy struct {
	url string
	mu  sync.Mutex
	got []http.Header
}

func (r *recordingProxy) headers() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]http.Header(nil), r.got...)
}

func startRecordingProxy(t *testing.T, p tlsPrometheus) *recordingProxy {
	target, _ := url.Parse(p.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = trustingClient(t, p.caPEM).Transport
	rec := &recordingProxy{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec.mu.Lock()
		rec.got = append(rec.got, req.Header.Clone())
		rec.mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	rec.url = srv.URL
	return rec
}

func TestPrometheusOverTLSWithBasicAuth(t *testing.T) {
	p := startTLSPrometheus(t)
	h := startPlugin(t)
	diag := h.dispense(t, "diagnostics").(grpcplugin.DiagnosticsClient)
	store := filepath.Join(tempDir(t, "store-tls"), "models.db")

	// settings builds the data source: jsonData over {prometheusUrl, modelStorePath, timeout},
	// secureJsonData as given (nothing else), basic auth as Grafana sends it (instance fields).
	n := 0
	settings := func(t *testing.T, jsonData map[string]any, secure map[string]string, basicAuth bool) *pluginv2.PluginContext {
		pc := pluginContext(t, map[string]any{"prometheusUrl": p.url, "modelStorePath": store, "timeout": 5}, jsonData)
		ds := pc.DataSourceInstanceSettings
		n++
		ds.Uid = fmt.Sprintf("tls-%d", n) // a fresh instance each time
		ds.DecryptedSecureJsonData = secure
		ds.BasicAuthEnabled = basicAuth
		if basicAuth {
			ds.BasicAuthUser = tlsUser
		}
		return pc
	}
	health := func(t *testing.T, pc *pluginv2.PluginContext) *pluginv2.CheckHealthResponse {
		t.Helper()
		res, err := diag.CheckHealth(longCtx(t), &pluginv2.CheckHealthRequest{PluginContext: pc})
		if err != nil {
			t.Fatalf("CheckHealth: %v\nplugin stderr:\n%s", err, h.stderr.String())
		}
		return res
	}
	withCA := map[string]any{"tlsAuthWithCACert": true}
	password := map[string]string{"basicAuthPassword": tlsPassword}

	t.Run("CA from secureJsonData.tlsCACert and basic auth: OK", func(t *testing.T) {
		res := health(t, settings(t, withCA, map[string]string{"tlsCACert": p.caPEM, "basicAuthPassword": tlsPassword}, true))
		if res.Status != pluginv2.CheckHealthResponse_OK || !strings.Contains(res.Message, "Prometheus "+p.version+" at "+p.url) {
			t.Errorf("%v %q", res.Status, res.Message)
		}
	})

	t.Run("wrong CA: ERROR saying the certificate is not trusted", func(t *testing.T) {
		res := health(t, settings(t, withCA, map[string]string{"tlsCACert": p.wrongCA, "basicAuthPassword": tlsPassword}, true))
		t.Logf("wrong CA: %q", res.Message)
		if res.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(res.Message, "TLS certificate of Prometheus at "+p.url+" is not trusted") {
			t.Errorf("%v %q", res.Status, res.Message)
		}
		// No CA at all (the system roots do not know ours): the same clear message.
		res = health(t, settings(t, nil, password, true))
		if res.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(res.Message, "is not trusted") {
			t.Errorf("system roots: %v %q", res.Status, res.Message)
		}
		// "With CA cert" on but none stored: a settings error, not a TLS one.
		res = health(t, settings(t, withCA, password, true))
		if res.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(res.Message, "no CA certificate is stored") {
			t.Errorf("no stored CA: %v %q", res.Status, res.Message)
		}
	})

	t.Run("tlsSkipVerify: OK without the CA", func(t *testing.T) {
		res := health(t, settings(t, map[string]any{"tlsSkipVerify": true}, password, true))
		if res.Status != pluginv2.CheckHealthResponse_OK {
			t.Errorf("%v %q", res.Status, res.Message)
		}
	})

	t.Run("wrong or missing credentials: ERROR with Prometheus' 401", func(t *testing.T) {
		for name, pc := range map[string]*pluginv2.PluginContext{
			"wrong password": settings(t, withCA, map[string]string{"tlsCACert": p.caPEM, "basicAuthPassword": "nope"}, true),
			"no credentials": settings(t, withCA, map[string]string{"tlsCACert": p.caPEM}, false),
		} {
			res := health(t, pc)
			t.Logf("%s: %q", name, res.Message)
			if res.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(res.Message, "401") ||
				!strings.Contains(res.Message, "check the credentials") {
				t.Errorf("%s: %v %q", name, res.Status, res.Message)
			}
			if strings.Contains(res.Message, "nope") {
				t.Errorf("%s: the password is in the message %q", name, res.Message)
			}
		}
	})

	t.Run("bearer token and custom headers reach Prometheus as sent", func(t *testing.T) {
		proxy := startRecordingProxy(t, p)
		via := map[string]any{"prometheusUrl": proxy.url, "tlsSkipVerify": true}

		// A bearer token: sent as is; this Prometheus only takes basic auth and refuses it.
		bearer := health(t, settings(t, via, map[string]string{"bearerToken": "tok-123"}, false))
		if bearer.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(bearer.Message, "401") {
			t.Errorf("bearer: %v %q", bearer.Status, bearer.Message)
		}
		got := proxy.headers()
		if len(got) == 0 || got[0].Get("Authorization") != "Bearer tok-123" {
			t.Errorf("bearer: the proxy saw %v", got)
		}

		// Custom headers (jsonData.httpHeaderNameN + secureJsonData.httpHeaderValueN): an
		// Authorization header Prometheus accepts, and a tenant header.
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(tlsUser+":"+tlsPassword))
		custom := health(t, settings(t,
			map[string]any{"prometheusUrl": proxy.url, "tlsSkipVerify": true, "httpHeaderName1": "Authorization", "httpHeaderName2": "X-Scope-OrgID"},
			map[string]string{"httpHeaderValue1": basic, "httpHeaderValue2": "tenant-1"}, false))
		if custom.Status != pluginv2.CheckHealthResponse_OK {
			t.Errorf("custom headers: %v %q", custom.Status, custom.Message)
		}
		got = proxy.headers()[len(got):]
		if len(got) == 0 {
			t.Fatal("custom headers: no request reached the proxy")
		}
		for _, hd := range got {
			if hd.Get("Authorization") != basic || hd.Get("X-Scope-Orgid") != "tenant-1" {
				t.Errorf("custom headers: the proxy saw %v", hd)
			}
		}

		// Basic auth from the instance settings: the header Prometheus checks against the bcrypt hash.
		before := len(proxy.headers())
		ok := health(t, settings(t, via, password, true))
		if ok.Status != pluginv2.CheckHealthResponse_OK {
			t.Errorf("basic auth via proxy: %v %q", ok.Status, ok.Message)
		}
		for _, hd := range proxy.headers()[before:] {
			if hd.Get("Authorization") != basic {
				t.Errorf("basic auth: the proxy saw Authorization %q", hd.Get("Authorization"))
			}
		}
	})

	t.Run("a query over TLS with basic auth answers", func(t *testing.T) {
		data := h.dispense(t, "data").(grpcplugin.DataClient)
		now := time.Now()
		pc := settings(t, withCA, map[string]string{"tlsCACert": p.caPEM, "basicAuthPassword": tlsPassword}, true)
		raw := []byte(`{"refId":"A","expr":"vector(1)","model":"zscore","outputs":["value","score"],"options":{"trainingWindow":"1h"}}`)
		res, err := data.QueryData(longCtx(t), &pluginv2.QueryDataRequest{PluginContext: pc, Queries: []*pluginv2.DataQuery{{
			RefId: "A", MaxDataPoints: 100, IntervalMS: 60_000, Json: raw,
			TimeRange: &pluginv2.TimeRange{FromEpochMS: now.Add(-time.Hour).UnixMilli(), ToEpochMS: now.UnixMilli()},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Responses["A"]
		if r.Status != 200 {
			t.Fatalf("status %d, error %q", r.Status, r.Error)
		}
		if _, c := decodeTimeseries(t, r); len(c.Refs) != 2 {
			t.Errorf("%d refs, want value and score of vector(1)", len(c.Refs))
		}
	})
}
