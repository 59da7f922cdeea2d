package dev.margincall.chain.head;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;

/** A WebSocket proxy on 127.0.0.1 in front of Anvil that can drop every connection on command. */
final class WsFaultProxy implements AutoCloseable {

    private final MockWebServer server = new MockWebServer();
    private final OkHttpClient upstreamClient = new OkHttpClient();
    private final String upstream;
    private final List<WebSocket[]> pairs = new CopyOnWriteArrayList<>();

    WsFaultProxy(String upstreamWsUrl, int connectionsAllowed) throws IOException {
        this.upstream = upstreamWsUrl;
        for (int i = 0; i < connectionsAllowed; i++) {
            server.enqueue(new MockResponse().withWebSocketUpgrade(new Pipe()));
        }
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    String url() {
        return "ws://127.0.0.1:" + server.getPort();
    }

    int connectionsMade() {
        return pairs.size();
    }

    /** Ends every open connection at once, as a provider or a load balancer going away does. */
    void dropAll() {
        for (WebSocket[] pair : pairs) {
            pair[0].close(1001, "going away"); // server side: has no Call to cancel
            pair[1].cancel();
        }
    }

    /** Pipes one client connection to its own connection to Anvil. */
    private final class Pipe extends WebSocketListener {
        private final WebSocket[] pair = new WebSocket[2]; // [client side, upstream side]

        @Override
        public void onOpen(WebSocket client, Response response) {
            pair[0] = client;
            pair[1] = upstreamClient.newWebSocket(new Request.Builder().url(upstream).build(), new WebSocketListener() {
                @Override
                public void onMessage(WebSocket webSocket, String text) {
                    client.send(text);
                }
            });
            pairs.add(pair);
        }

        @Override
        public void onMessage(WebSocket client, String text) {
            pair[1].send(text);
        }
    }

    @Override
    public void close() throws IOException {
        dropAll();
        server.shutdown();
        upstreamClient.dispatcher().executorService().shutdown();
    }
}
