package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.app.config.KeeperConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metrics/health endpoint over real HTTP on a real socket. */
class MetricsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry registry = PrometheusRegistries.create();
    private MetricsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    @Test
    void theDefaultHostIsLoopbackOnlyAndOtherInterfacesAreRefused() throws Exception {
        server = MetricsServer.start(KeeperConfig.Metrics.DEFAULT_HOST, 0, registry, new Health());
        InetSocketAddress bound = server.address();
        assertThat(bound.getAddress().isLoopbackAddress()).as("bound to %s", bound).isTrue();
        assertThat(bound.getAddress().isAnyLocalAddress()).isFalse();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), bound.getPort())) {
            assertThat(socket.isConnected()).isTrue();
        }
        // every other address of this machine (eth0 & co.) must not reach it
        List<InetAddress> external = NetworkInterface.networkInterfaces().filter(MetricsServerTest::up)
                .flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).toList();
        for (InetAddress address : external) {
            assertThatThrownBy(() -> new Socket(address, bound.getPort()).close()).as("connect via %s", address)
                    .isInstanceOf(ConnectException.class);
        }
        System.out.printf("metrics server bound to %s; refused on %s%n", bound, external);
    }

    @Test
    void metricsAreServedInThePrometheusTextFormat() throws Exception {
        Counter.builder(MetricNames.TRANSACTIONS).tag("event", "sent").register(registry).increment(3);
        server = MetricsServer.start("127.0.0.1", 0, registry, new Health());
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body()).contains("# TYPE margincall_transactions_total counter", "margincall_transactions_total{event=\"sent\"} 3.0");
    }

    @Test
    void healthIs503WithTheReasonUntilEveryCheckIsUpThen200() throws Exception {
        AtomicBoolean backfilled = new AtomicBoolean();
        Health health = new Health()
                .liveness("loop", () -> Health.Check.up("running"))
                .readiness("backfill", () -> backfilled.get() ? Health.Check.up("done") : Health.Check.down("block 10 of 20"))
                .readiness("broken", () -> {
                    if (!backfilled.get()) {
                        throw new IllegalStateException("no RPC client");
                    }
                    return Health.Check.up("ok");
                });
        server = MetricsServer.start("127.0.0.1", 0, registry, health);

        HttpResponse<String> notReady = get("/health");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = JSON.readTree(notReady.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(body.path("checks").path("loop").path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("backfill").path("detail").asText()).isEqualTo("block 10 of 20");
        assertThat(body.path("checks").path("broken").path("detail").asText()).isEqualTo("check failed: no RPC client");
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).as("alive while not ready").isEqualTo(200);

        backfilled.set(true);
        HttpResponse<String> ready = get("/health");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void onlyKnownPathsAndReadMethods() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, registry, new Health());
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void extraPagesAre503UntilTheyExistThen200() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, registry, new Health());
        assertThat(get("/report").statusCode()).as("nothing served yet").isEqualTo(404);
        java.util.concurrent.atomic.AtomicReference<Pages.Page> page = new java.util.concurrent.atomic.AtomicReference<>();
        server.serve(new Pages() {
            @Override
            public boolean serves(String path) {
                return path.equals("/report");
            }

            @Override
            public java.util.Optional<Page> page(String path) {
                return java.util.Optional.ofNullable(page.get());
            }
        });
        HttpResponse<String> notYet = get("/report");
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.body()).contains("/report is not computed yet");
        page.set(new Pages.Page("text/html; charset=utf-8", "<p>cliff</p>".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        HttpResponse<String> served = get("/report");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(served.body()).isEqualTo("<p>cliff</p>");
        assertThat(get("/report.json").statusCode()).isEqualTo(404);
    }

    @Test
    void aPortInUseIsAnErrorNotASilentFallback() throws Exception {
        server = MetricsServer.start("127.0.0.1", 0, registry, new Health());
        assertThatThrownBy(() -> MetricsServer.start("127.0.0.1", server.address().getPort(), registry, new Health()))
                .isInstanceOf(IOException.class);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(server.url() + path);
    }

    private static boolean up(NetworkInterface nic) {
        try {
            return nic.isUp();
        } catch (java.net.SocketException e) {
            return false;
        }
    }
}
