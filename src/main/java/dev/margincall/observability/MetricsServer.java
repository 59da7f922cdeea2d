package dev.margincall.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoint (JDK HttpServer: no web framework for three read-only pages):
 * {@code /metrics} in the Prometheus text format, {@code /health} and {@code /health/ready} (readiness,
 * 200 or 503 with a JSON body saying which check is down and why), {@code /health/live} (liveness).
 * Bound to the configured interface only; the keeper's config defaults it to 127.0.0.1.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Prometheus's classic text format: every Prometheus version scrapes it. */
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final Health health;
    private volatile Pages pages = Pages.NONE;

    private MetricsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry, Health health) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.health = health;
    }

    /**
     * Listens on {@code host:port} ({@code port} 0: any free port, see {@link #address()}).
     *
     * @throws IOException when the address cannot be bound (in use, not an address of this machine)
     */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, Health health) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        // Two threads: a scrape and a health probe at the same moment never wait for each other; nothing here is slow.
        ExecutorService executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("metrics-http-", 0).daemon(true).factory());
        server.setExecutor(executor);
        MetricsServer metrics = new MetricsServer(server, executor, registry, health);
        server.createContext("/", metrics::handle);
        server.start();
        log.atInfo().addKeyValue("event", "metrics_listening").addKeyValue("address", metrics.url())
                .log("metrics on {}/metrics, health on {}/health", metrics.url(), metrics.url());
        return metrics;
    }

    /** Also serves {@code pages} (set once what they show exists: the server starts before the markets do). */
    public void serve(Pages more) {
        this.pages = more;
    }

    /** The address actually bound (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://host:port}, for logs and tests. */
    public String url() {
        InetSocketAddress address = address();
        String host = address.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(16_384);
                    registry.scrape(body, TEXT_FORMAT);
                    respond(exchange, 200, TEXT_FORMAT, body.toByteArray());
                }
                case "/health", "/health/ready" -> health(exchange, health.ready());
                case "/health/live" -> health(exchange, health.live());
                default -> {
                    String path = exchange.getRequestURI().getPath();
                    Pages served = pages;
                    if (served.serves(path)) {
                        Optional<Pages.Page> page = served.page(path);
                        if (page.isPresent()) {
                            respond(exchange, 200, page.get().contentType(), page.get().body());
                        } else {
                            respond(exchange, 503, "text/plain; charset=utf-8", served.notYet(path).getBytes(StandardCharsets.UTF_8));
                        }
                    } else {
                        respond(exchange, 404, "text/plain; charset=utf-8",
                                "not found: /metrics, /health, /health/ready, /health/live\n".getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (RuntimeException e) {
            // Never let a handler exception drop the connection silently: the operator sees a 500 and the log says why.
            log.warn("metrics endpoint: {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
            if (exchange.getResponseCode() < 0) {
                respond(exchange, 500, "text/plain; charset=utf-8", "internal error\n".getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            exchange.close();
        }
    }

    private static void health(HttpExchange exchange, Health.Report report) throws IOException {
        respond(exchange, report.up() ? 200 : 503, "application/json", json(report));
    }

    /** {@code {"status":"UP"|"DOWN","checks":{"name":{"status":...,"detail":...},...}}}. */
    static byte[] json(Health.Report report) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", report.up() ? "UP" : "DOWN");
        ObjectNode checks = root.putObject("checks");
        for (Map.Entry<String, Health.Check> check : report.checks().entrySet()) {
            checks.putObject(check.getKey()).put("status", check.getValue().up() ? "UP" : "DOWN").put("detail", check.getValue().detail());
        }
        return JSON.writeValueAsBytes(root);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
