package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	plugin "github.com/hashicorp/go-plugin"
)

var (
	installOnce sync.Once
	installErr  error
	installed   string // the executable inside the installed copy
)

// installedPlugin copies the packaged executable (and, on Linux, its single executable and bundled
// glibc) from dist/datasource into a temporary plugin directory outside the checkout, as a plugin
// zip unpacks into Grafana's plugins directory: with no PATH in the environment either, nothing of
// the checkout (node_modules, a Node runtime) can be reached. VIGIL_PLUGIN_EXE is used as is.
func installedPlugin(t *testing.T) string {
	t.Helper()
	if exe := os.Getenv("VIGIL_PLUGIN_EXE"); exe != "" {
		return exe
	}
	installOnce.Do(func() {
		name := fmt.Sprintf("gpx_vigil_%s_%s", runtime.GOOS, runtime.GOARCH)
		src := filepath.Join("..", "..", "dist", "datasource")
		if _, err := os.Stat(filepath.Join(src, name)); err != nil {
			installErr = fmt.Errorf("plugin executable %s not found (run `node scripts/build-backend.mjs` or set VIGIL_PLUGIN_EXE): %w", filepath.Join(src, name), err)
			return
		}
		dest := filepath.Join(tempDir(t, "plugins"), "vigil-anomaly-datasource")
		entries, err := os.ReadDir(src)
		if err != nil {
			installErr = err
			return
		}
		for _, e := range entries {
			glibc := e.Name() == fmt.Sprintf("glibc_%s_%s", runtime.GOOS, runtime.GOARCH)
			if !strings.HasPrefix(e.Name(), name) && !glibc {
				continue
			}
			if installErr = copyTree(filepath.Join(src, e.Name()), filepath.Join(dest, e.Name())); installErr != nil {
				return
			}
		}
		installed = filepath.Join(dest, name)
	})
	if installErr != nil {
		t.Fatal(installErr)
	}
	return installed
}

// timeoutScale multiplies the per-call deadlines: VIGIL_TIMEOUT_SCALE (e.g. 6 under qemu emulation,
// scripts/smoke-linux-arm64.sh), else 1.
func timeoutScale() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("VIGIL_TIMEOUT_SCALE")); err == nil && n > 1 {
		return time.Duration(n)
	}
	return 1
}

// copyTree copies a file or a directory of files, keeping the permission bits (the exec bit).
func copyTree(src, dest string) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	if info.IsDir() {
		if err := os.MkdirAll(dest, 0o755); err != nil {
			return err
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := copyTree(filepath.Join(src, e.Name()), filepath.Join(dest, e.Name())); err != nil {
				return err
			}
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// The code Grafana ends up running is a Node single executable application (the official runtime
// with our blob injected), not a script that needs a Node installed.
func TestPackagedExecutableIsASingleExecutable(t *testing.T) {
	if os.Getenv("VIGIL_PLUGIN_EXE") != "" {
		t.Skip("VIGIL_PLUGIN_EXE is a wrapper (qemu, chroot), not the packaged layout")
	}
	exe := installedPlugin(t)
	binary := exe
	if runtime.GOOS == "linux" {
		binary = exe + ".sea" // the launcher execs it
	}
	raw, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	magics := map[string][]byte{"linux": {0x7f, 'E', 'L', 'F'}, "darwin": {0xcf, 0xfa, 0xed, 0xfe}, "windows": {'M', 'Z'}}
	if want := magics[runtime.GOOS]; !bytes.HasPrefix(raw, want) {
		t.Fatalf("%s does not start with the %s executable magic %x", binary, runtime.GOOS, want)
	}
	// postject flips the fuse to :1 when it injects the blob; a plain Node binary has :0.
	if !bytes.Contains(raw, []byte("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1")) {
		t.Fatal("the Node SEA fuse is not set: no blob was injected")
	}
	launcher, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(launcher, []byte("node_modules")) {
		t.Fatal("the executable refers to a Node runtime in node_modules")
	}
}

// The launcher picks one of two ways to run the single executable: directly on the system's glibc,
// or, where musl is the system libc (Alpine), through the glibc loader and libraries the plugin
// bundles. Which one TestPluginAsGrafanaLoadsIt exercises depends on this machine, so both run here
// (scripts/smoke-musl-root.sh runs the whole suite the bundled way in a root without any glibc).
func TestBothLaunchPathsServe(t *testing.T) {
	if runtime.GOOS != "linux" || os.Getenv("VIGIL_PLUGIN_EXE") != "" {
		t.Skip("Linux package layout only")
	}
	exe := installedPlugin(t)
	libs := filepath.Join(filepath.Dir(exe), fmt.Sprintf("glibc_%s_%s", runtime.GOOS, runtime.GOARCH))
	loader := map[string]string{"amd64": "ld-linux-x86-64.so.2", "arm64": "ld-linux-aarch64.so.1"}[runtime.GOARCH]
	pctx := pluginContext(t) // starts the test Prometheus before any deadline below runs
	for name, argv := range map[string][]string{
		"system glibc":         {exe + ".sea"},
		"bundled glibc loader": {filepath.Join(libs, loader), "--library-path", libs, exe + ".sea"},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Env = []string{"GF_VERSION=12.3.0"}
			stderr := &syncBuffer{}
			client := plugin.NewClient(&plugin.ClientConfig{
				HandshakeConfig:  handshake,
				VersionedPlugins: map[int]plugin.PluginSet{2: {"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{}}},
				Cmd:              cmd,
				SkipHostEnv:      true,
				AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
				Stderr:           stderr,
				StartTimeout:     time.Minute,
			})
			defer client.Kill()
			rpc, err := client.Client()
			if err != nil {
				t.Fatalf("handshake: %v\nstderr:\n%s", err, stderr.String())
			}
			raw, err := rpc.Dispense("diagnostics")
			if err != nil {
				t.Fatal(err)
			}
			// The first call opens the model store: allow more than one call's usual deadline.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second*timeoutScale())
			defer cancel()
			res, err := raw.(grpcplugin.DiagnosticsClient).CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: pctx})
			if err != nil {
				t.Fatalf("CheckHealth: %v\nstderr:\n%s", err, stderr.String())
			}
			if res.Status != pluginv2.CheckHealthResponse_OK {
				t.Fatalf("CheckHealth status %v: %s", res.Status, res.Message)
			}
		})
	}
}
