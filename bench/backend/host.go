package main

// The plugin started as Grafana starts it: hashicorp go-plugin with Grafana's handshake, gRPC, the
// SDK's grpcplugin clients, no host environment (see tests/conformance/plugin_test.go).

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
)

var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  2,
	MagicCookieKey:   "grafana_plugin_type",
	MagicCookieValue: "datasource",
}

type pluginHost struct {
	client *plugin.Client
	cmd    *exec.Cmd
	data   grpcplugin.DataClient
}

func startPlugin(exe string, env []string, stderr *os.File) (*pluginHost, error) {
	cmd := exec.Command(exe)
	cmd.Env = append([]string{"GF_VERSION=12.3.0", "GF_EDITION=Open Source", "GF_PLUGIN_APP_CLIENT_ID=vigil"}, env...)
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: handshake,
		VersionedPlugins: map[int]plugin.PluginSet{
			2: {"data": &grpcplugin.DataGRPCPlugin{}},
		},
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "grafana", Level: hclog.Warn, Output: stderr}),
		Stderr:           stderr,
		StartTimeout:     time.Minute,
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("handshake: %v", err)
	}
	raw, err := rpc.Dispense("data")
	if err != nil {
		client.Kill()
		return nil, err
	}
	return &pluginHost{client: client, cmd: cmd, data: raw.(grpcplugin.DataClient)}, nil
}

func (h *pluginHost) pid() int { return h.cmd.Process.Pid }

func pluginContext(promURL, storePath string) *pluginv2.PluginContext {
	jsonData, _ := json.Marshal(map[string]any{"timeout": 300, "prometheusUrl": promURL, "modelStorePath": storePath})
	return &pluginv2.PluginContext{
		OrgId:    1,
		PluginId: "vigil-anomaly-datasource",
		User:     &pluginv2.User{Login: "admin", Role: "Admin"},
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id: 7, Uid: "vigil-bench", Name: "Vigil", JsonData: jsonData, LastUpdatedMS: 1,
		},
	}
}

// rss reads VmRSS and VmHWM (peak) of a process, in bytes.
func rss(pid int) (cur, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1, -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			cur = kb * 1024
		case "VmHWM:":
			peak = kb * 1024
		}
	}
	return cur, peak
}
