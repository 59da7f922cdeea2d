package dev.margincall.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.devnet.Watchdog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Prometheus (the Debian package's binary, found on the PATH) on 127.0.0.1 with a temporary
 * config and storage, scraping one target every second. A shell watchdog between us and Prometheus
 * kills it when this JVM disappears (as AnvilProcess does for Anvil), so not even a SIGKILLed test run
 * leaves it behind; {@link #close()} stops it in the normal case.
 */
public final class PrometheusProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private final Process process;
    private final Path dir;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts Prometheus scraping {@code target} (host:port) every second; fails with what to do when the binary is missing. */
    public static PrometheusProcess start(String target) throws IOException, InterruptedException {
        String binary = locate();
        Path dir = Files.createTempDirectory("prometheus-it");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: margin-call
                    static_configs:
                      - targets: ["%s"]
                """.formatted(target));
        int port = freePort();
        List<String> command = Watchdog.command("prometheus-watchdog", List.of(binary, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(process, dir, port);
        try {
            prometheus.awaitReady();
        } catch (RuntimeException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    private static String locate() {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(directory, "prometheus");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("the prometheus binary is not on the PATH: install it (Debian/Ubuntu: `apt-get install -y prometheus`; "
                + ".ci/run does this) — this test runs a real Prometheus and is not skipped without one");
    }

    private void awaitReady() {
        try {
            Awaitility.await("prometheus ready").atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": " + log());
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200;
                } catch (IOException notYet) {
                    return false; // not listening yet
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("prometheus not ready after " + STARTUP_TIMEOUT + ": " + log(), e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query through /api/v1/query; the whole answer ({@code status}, {@code data.result}, or {@code error}). */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        URI uri = URI.create(url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** Health of the scrape target as Prometheus sees it: "up", "down" or "unknown". */
    public String targetHealth() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/targets")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode active = JSON.readTree(response.body()).path("data").path("activeTargets");
        return active.isEmpty() ? "unknown" : active.get(0).path("health").asText() + " " + active.get(0).path("lastError").asText();
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        Watchdog.stop(process, Duration.ofSeconds(10));
        http.close();
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
