using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aegis.Containment.Tests.Infrastructure;

/// <summary>
/// nginx with the ModSecurity module and OWASP CRS from Debian's packages (tests/run-all.sh installs them), run as
/// the current user with its own prefix, configuration, pid and logs in a temporary folder, on a free loopback port.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    public const string SkipVariable = "AEGIS_SKIP_NGINX_TESTS";
    public const string ModSecurityModule = "/usr/lib/nginx/modules/ngx_http_modsecurity_module.so";
    public const string CrsSetup = "/etc/modsecurity/crs/crs-setup.conf";
    public const string CrsRules = "/usr/share/modsecurity-crs/rules";

    private readonly Process process;

    private Nginx(Process process, Uri address, string prefix)
    {
        this.process = process;
        Address = address;
        Prefix = prefix;
    }

    public Uri Address { get; }

    public string Prefix { get; }

    public static string? Binary => new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>What is missing of nginx, its ModSecurity module and the CRS; empty when all are installed.</summary>
    public static IReadOnlyList<string> Missing()
    {
        var missing = new List<string>();
        if (Binary is null)
        {
            missing.Add("nginx");
        }

        if (!File.Exists(ModSecurityModule))
        {
            missing.Add("libnginx-mod-http-modsecurity (" + ModSecurityModule + ")");
        }

        if (!File.Exists(CrsSetup) || !Directory.Exists(CrsRules))
        {
            missing.Add("modsecurity-crs (" + CrsSetup + ", " + CrsRules + ")");
        }

        return missing;
    }

    /// <summary>Fails with the install command when something is missing (the skip is the attribute's, and only on request).</summary>
    public static string RequireBinary()
    {
        var missing = Missing();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "missing: " + string.Join(", ", missing) + ". Install them (tests/run-all.sh does: apt-get install -y --no-install-recommends nginx libnginx-mod-http-modsecurity modsecurity-crs), "
                + "or set " + SkipVariable + "=1 to skip the nginx tests on purpose.");
        }

        return Binary!;
    }

    /// <summary>An nginx.conf for <paramref name="prefix"/>: <paramref name="serverBody"/> goes inside the server block,
    /// before the catch-all location that proxies to the upstream.</summary>
    public static string Config(string prefix, int port, Uri upstream, string serverBody)
    {
        foreach (var folder in new[] { "logs", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(prefix, folder));
        }

        return $$"""
            load_module {{ModSecurityModule}};
            daemon off;
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log notice;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/tmp/body;
                proxy_temp_path {{prefix}}/tmp/proxy;
                fastcgi_temp_path {{prefix}}/tmp/fastcgi;
                uwsgi_temp_path {{prefix}}/tmp/uwsgi;
                scgi_temp_path {{prefix}}/tmp/scgi;
                upstream aegis_app { server 127.0.0.1:{{upstream.Port}}; }
                server {
                    listen 127.0.0.1:{{port}};
            {{serverBody}}
                    location / { proxy_pass http://aegis_app; }
                }
            }
            """;
    }

    /// <summary><c>nginx -t</c> on the configuration: its exit code and output.</summary>
    public static async Task<(int Exit, string Output)> TestAsync(string prefix, string config)
    {
        var path = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(path, config);
        var start = Start(prefix, path, "-t");
        var output = await start.StandardError.ReadToEndAsync() + await start.StandardOutput.ReadToEndAsync();
        await start.WaitForExitAsync();
        return (start.ExitCode, output);
    }

    public static async Task<Nginx> StartAsync(string prefix, string config, int port)
    {
        var path = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(path, config);
        var process = Start(prefix, path);
        var address = new Uri("http://127.0.0.1:" + port + "/");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("nginx exited with " + process.ExitCode + ": " + await process.StandardError.ReadToEndAsync() + Log(prefix));
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new Nginx(process, address, prefix);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string Log(string prefix)
    {
        var path = Path.Combine(prefix, "logs", "error.log");
        return File.Exists(path) ? "\n" + File.ReadAllText(path) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static Process Start(string prefix, string config, params string[] extra)
    {
        var info = new ProcessStartInfo(RequireBinary())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", prefix + "/", "-c", config, "-e", Path.Combine(prefix, "logs", "error.log") }.Concat(extra))
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}

/// <summary>An nginx test: runs, and fails when nginx is missing, unless nginx is missing and AEGIS_SKIP_NGINX_TESTS=1
/// (then skipped with that reason, visibly). In CI they run.</summary>
public sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Nginx.SkipVariable) == "1" && Nginx.Missing().Count > 0)
        {
            Skip = Nginx.SkipVariable + "=1 and " + string.Join(", ", Nginx.Missing()) + " not installed: the nginx + ModSecurity containment tests are switched off.";
        }
    }
}
