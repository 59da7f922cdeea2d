package dev.margincall.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.margincall.core.Hex;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP JSON-RPC proxy on 127.0.0.1 between a client and Anvil that misbehaves on purpose, the way
 * hosted providers do: 429s, 500s, timeouts, truncated JSON, "query returned more than 10000 results",
 * a lagging head, or being down altogether. Counts what it forwards, per method.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Fault { HTTP_429, HTTP_500, HTTP_503, TIMEOUT, TRUNCATED_JSON, RATE_LIMIT_ERROR }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI upstream;
    private final Queue<Fault> scheduled = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger faultsServed = new AtomicInteger();
    private volatile boolean down;
    private volatile long maxLogRange = Long.MAX_VALUE;
    private final AtomicLong headLag = new AtomicLong();
    private volatile Duration timeoutDelay = Duration.ofSeconds(3);
    private final java.util.Set<String> held = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> unsupported = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> refuseAfter = new ConcurrentHashMap<>();
    private volatile String refusal = "";
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);
    private final Map<String, AtomicInteger> holdAfter = new ConcurrentHashMap<>();
    private final AtomicInteger heldCount = new AtomicInteger();
    private volatile boolean dropHeld;
    private volatile List<Fault> rotation = List.of();
    private volatile int every;
    private final AtomicInteger rotated = new AtomicInteger();

    public FaultProxy(String upstreamUrl) throws IOException {
        this.upstream = URI.create(upstreamUrl);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code count} requests get {@code fault}. */
    public FaultProxy failNext(int count, Fault fault) {
        for (int i = 0; i < count; i++) {
            scheduled.add(fault);
        }
        return this;
    }

    /** From now on every {@code n}-th request gets the next of {@code faults}, in turn: an endpoint that keeps misbehaving. */
    public FaultProxy failEvery(int n, Fault... faults) {
        rotation = List.of(faults);
        every = n;
        return this;
    }

    /** Down: every request gets a 503 (connection-level trouble as the client sees it) until {@link #setDown(boolean)} false. */
    public FaultProxy setDown(boolean isDown) {
        this.down = isDown;
        return this;
    }

    /** eth_getLogs over more than {@code blocks} blocks is refused as Infura does. */
    public FaultProxy limitLogRange(long blocks) {
        this.maxLogRange = blocks;
        return this;
    }

    /** Requests calling {@code method} get JSON-RPC -32601 "method not found", as from a node without it (counted as forwarded). */
    public FaultProxy withoutMethod(String method) {
        unsupported.add(method);
        return this;
    }

    /** The request calling {@code method} after {@code skip} more of them gets a JSON-RPC error -32000 with {@code message}, once. */
    public FaultProxy refuseOnce(String method, int skip, String message) {
        refusal = message;
        refuseAfter.put(method, new AtomicInteger(skip));
        return this;
    }

    /** Whether the refusal {@link #refuseOnce} set up for {@code method} was served. */
    public boolean refusedOnce(String method) {
        AtomicInteger countdown = refuseAfter.get(method);
        return countdown != null && countdown.get() < 0;
    }

    /** eth_blockNumber answers {@code blocks} less than the truth: a node that fell behind. */
    public FaultProxy lagHead(long blocks) {
        headLag.set(blocks);
        return this;
    }

    public FaultProxy timeoutDelay(Duration delay) {
        this.timeoutDelay = delay;
        return this;
    }

    /** Requests calling {@code method} (alone or in a batch) wait until {@link #release()} (at most a minute): a slow backfill on demand. */
    public FaultProxy hold(String method) {
        gate = new java.util.concurrent.CountDownLatch(1);
        held.add(method);
        return this;
    }

    public FaultProxy release() {
        held.clear();
        holdAfter.clear();
        gate.countDown();
        return this;
    }

    /**
     * Requests calling {@code method} pass {@code passes} times; every later one waits until {@link #release()}
     * (then goes to the node) or {@link #releaseDropping()} (then never reaches it): a send in flight when the
     * client dies, delivered late or lost.
     */
    public FaultProxy holdAfter(String method, int passes) {
        gate = new java.util.concurrent.CountDownLatch(1);
        dropHeld = false;
        holdAfter.put(method, new AtomicInteger(passes));
        return this;
    }

    /** Lets the held requests go, answering each with a 503 without forwarding it. */
    public FaultProxy releaseDropping() {
        dropHeld = true;
        holdAfter.clear();
        gate.countDown();
        return this;
    }

    /** Requests waiting now (or that waited) because of {@link #holdAfter}. */
    public int heldCount() {
        return heldCount.get();
    }

    public int forwarded(String method) {
        AtomicInteger count = forwarded.get(method);
        return count == null ? 0 : count.get();
    }

    public int received() {
        return received.get();
    }

    public int faultsServed() {
        return faultsServed.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int number = received.incrementAndGet();
            if (every > 0 && number % every == 0) {
                scheduled.add(rotation.get(rotated.getAndIncrement() % rotation.size()));
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (down) {
                faultsServed.incrementAndGet();
                respond(exchange, 503, "{\"error\":\"service unavailable\"}");
                return;
            }
            if (!held.isEmpty() && callsHeldMethod(body)) {
                gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            Fault fault = scheduled.poll();
            if (fault != null) {
                faultsServed.incrementAndGet();
                switch (fault) {
                    case HTTP_429 -> respond(exchange, 429, "Too Many Requests");
                    case HTTP_500 -> respond(exchange, 500, "Internal Server Error");
                    case HTTP_503 -> respond(exchange, 503, "Service Unavailable");
                    case TIMEOUT -> {
                        sleep(timeoutDelay);
                        respond(exchange, 504, "Gateway Timeout");
                    }
                    case RATE_LIMIT_ERROR -> respond(exchange, 200, error(body, -32005, "daily request count exceeded, request rate limited"));
                    case TRUNCATED_JSON -> {
                        String full = forward(body);
                        respond(exchange, 200, full.substring(0, full.length() / 2));
                    }
                    default -> throw new IllegalStateException(fault.toString());
                }
                return;
            }
            JsonNode request = JSON.readTree(body);
            if (!request.isArray()) {
                String method = request.path("method").asText();
                AtomicInteger passes = holdAfter.get(method);
                if (passes != null && passes.getAndDecrement() <= 0) {
                    heldCount.incrementAndGet();
                    gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    if (dropHeld) {
                        faultsServed.incrementAndGet();
                        respond(exchange, 503, "Service Unavailable");
                        return;
                    }
                }
                if (method.equals("eth_getLogs") && tooWide(request.path("params").path(0))) {
                    faultsServed.incrementAndGet();
                    respond(exchange, 200, error(body, -32005, "query returned more than 10000 results"));
                    return;
                }
                forwarded.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
                AtomicInteger countdown = refuseAfter.get(method);
                if (countdown != null && countdown.getAndDecrement() == 0) {
                    faultsServed.incrementAndGet();
                    respond(exchange, 200, error(body, -32000, refusal));
                    return;
                }
                if (unsupported.contains(method)) {
                    respond(exchange, 200, error(body, -32601, "the method " + method + " does not exist/is not available"));
                    return;
                }
                String answer = forward(body);
                if (method.equals("eth_blockNumber") && headLag.get() > 0) {
                    ObjectNode node = (ObjectNode) JSON.readTree(answer);
                    long head = Hex.toLong(node.path("result").asText());
                    node.put("result", Hex.quantity(Math.max(0, head - headLag.get())));
                    answer = node.toString();
                }
                respond(exchange, 200, answer);
                return;
            }
            String answers = handleBatch(request);
            if (answers == null) {
                respond(exchange, 503, "Service Unavailable");
            } else {
                respond(exchange, 200, answers);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (e.g. after its timeout): nothing to answer
        }
    }

    /**
     * A JSON-RPC batch, call by call as the node would take them: {@link #refuseOnce} and {@link #withoutMethod} answer a
     * call of it alone, the others are forwarded; {@link #holdAfter} forwards the calls before the first one it holds and
     * then holds the rest of the batch (a batch partly delivered when the client dies). Null when the held rest was dropped
     * (answered with a 503).
     */
    private String handleBatch(JsonNode request) throws IOException, InterruptedException {
        List<JsonNode> calls = new java.util.ArrayList<>();
        request.forEach(calls::add);
        int heldFrom = calls.size();
        for (int i = 0; i < calls.size() && heldFrom == calls.size(); i++) {
            AtomicInteger passes = holdAfter.get(calls.get(i).path("method").asText());
            if (passes != null && passes.getAndDecrement() <= 0) {
                heldFrom = i;
            }
        }
        com.fasterxml.jackson.databind.node.ArrayNode answers = JSON.createArrayNode();
        answerCalls(calls.subList(0, heldFrom), answers);
        if (heldFrom < calls.size()) {
            heldCount.incrementAndGet();
            gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
            if (dropHeld) {
                faultsServed.incrementAndGet();
                return null;
            }
            answerCalls(calls.subList(heldFrom, calls.size()), answers);
        }
        return answers.toString();
    }

    /** Answers calls of a batch into {@code answers}: refused or unsupported ones here, the others forwarded together. */
    private void answerCalls(List<JsonNode> calls, com.fasterxml.jackson.databind.node.ArrayNode answers) throws IOException, InterruptedException {
        com.fasterxml.jackson.databind.node.ArrayNode forwardNow = JSON.createArrayNode();
        for (JsonNode call : calls) {
            String method = call.path("method").asText();
            forwarded.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            AtomicInteger countdown = refuseAfter.get(method);
            if (countdown != null && countdown.getAndDecrement() == 0) {
                faultsServed.incrementAndGet();
                answers.add(JSON.readTree(error(call.toString().getBytes(StandardCharsets.UTF_8), -32000, refusal)));
            } else if (unsupported.contains(method)) {
                answers.add(JSON.readTree(error(call.toString().getBytes(StandardCharsets.UTF_8), -32601, "the method " + method + " does not exist/is not available")));
            } else {
                forwardNow.add(call);
            }
        }
        if (!forwardNow.isEmpty()) {
            JSON.readTree(forward(forwardNow.toString().getBytes(StandardCharsets.UTF_8))).forEach(answers::add);
        }
    }

    private boolean callsHeldMethod(byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        for (JsonNode call : request.isArray() ? request : JSON.createArrayNode().add(request)) {
            if (held.contains(call.path("method").asText())) {
                return true;
            }
        }
        return false;
    }

    private boolean tooWide(JsonNode filter) {
        if (!filter.has("fromBlock") || !filter.has("toBlock")) {
            return false;
        }
        long from = Hex.toLong(filter.path("fromBlock").asText());
        long to = Hex.toLong(filter.path("toBlock").asText());
        return to - from + 1 > maxLogRange;
    }

    private String forward(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(upstream)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String error(byte[] body, int code, String message) throws IOException {
        JsonNode request = JSON.readTree(body);
        ObjectNode response = JSON.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", request.path("id"));
        response.putObject("error").put("code", code).put("message", message);
        return response.toString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }
}
