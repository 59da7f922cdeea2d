package dev.margincall.chain.web3j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.head.NewHeadsSource;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eth_subscribe("newHeads")} over an OkHttp WebSocket, reconnecting with exponential backoff
 * and jitter whenever the connection drops (web3j's WebSocket service does not reconnect). Pings
 * detect a connection that died silently.
 */
public final class WsNewHeads implements NewHeadsSource {

    private static final Logger log = LoggerFactory.getLogger(WsNewHeads.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBSCRIBE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}";
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(15);

    private final String url;
    private final String name;
    private final OkHttpClient client;
    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ws-reconnect");
        thread.setDaemon(true);
        return thread;
    });
    private final Counter opened;
    private final Counter dropped;
    private volatile Runnable onNewHead;
    private volatile WebSocket socket;
    private volatile boolean subscribed;
    private volatile boolean closed;
    private volatile int failuresInARow;

    public WsNewHeads(String url, MeterRegistry registry) {
        this.url = url;
        this.name = Web3jEthRpc.redact(url);
        this.client = new OkHttpClient.Builder().pingInterval(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(10)).build();
        this.opened = Counter.builder(MetricNames.WS_CONNECTIONS).tag("endpoint", name).tag("outcome", "subscribed").register(registry);
        this.dropped = Counter.builder(MetricNames.WS_CONNECTIONS).tag("endpoint", name).tag("outcome", "dropped").register(registry);
    }

    @Override
    public void start(Runnable newHeadCallback) {
        this.onNewHead = newHeadCallback;
        connect();
    }

    @Override
    public boolean connected() {
        return subscribed;
    }

    private void connect() {
        if (closed) {
            return;
        }
        socket = client.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                webSocket.send(SUBSCRIBE);
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                handle(text);
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                webSocket.close(1000, null);
                lost("closed by the server (" + code + " " + reason + ")");
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                lost(t.getMessage() == null ? t.toString() : t.getMessage());
            }
        });
    }

    private void handle(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            if (message.path("id").asInt(-1) == 1) {
                if (message.has("error")) {
                    log.warn("{} refused eth_subscribe newHeads: {}; polling over HTTP instead", name, message.path("error"));
                    return;
                }
                subscribed = true;
                failuresInARow = 0;
                opened.increment();
                log.info("subscribed to new heads on {}", name);
                onNewHead.run(); // heads may have passed while we were away
            } else if ("eth_subscription".equals(message.path("method").asText())) {
                onNewHead.run();
            }
        } catch (IOException e) {
            log.debug("unreadable WebSocket message from {}: {}", name, e.getMessage());
        }
    }

    private synchronized void lost(String why) {
        boolean wasSubscribed = subscribed;
        subscribed = false;
        if (closed) {
            return;
        }
        if (wasSubscribed) {
            dropped.increment();
        }
        long base = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failuresInARow, 16));
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        failuresInARow++;
        log.warn("WebSocket {} lost: {}; reconnecting in {} ms (polling over HTTP meanwhile)", name, why, delay);
        reconnects.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        subscribed = false;
        reconnects.shutdownNow();
        WebSocket current = socket;
        if (current != null) {
            current.close(1000, "closing");
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
