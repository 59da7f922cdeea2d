package dev.margincall.chain.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.chain.web3j.WsNewHeads;
import dev.margincall.devnet.LocalChain;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** New heads by WebSocket subscription; polling over HTTP while the WebSocket is down; reconnection. */
class HeadFollowerIT {

    @RegisterExtension
    static final LocalChain LOCAL = new LocalChain();
    private static AnvilProcess anvil;
    private static Web3jDevChain chain;

    @BeforeAll
    static void useChain() {
        anvil = LOCAL.anvil();
        chain = LOCAL.chain();
    }

    @Test
    void newHeadsArriveByWebSocketWithoutWaitingForThePollInterval() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecordingHeadListener listener = new RecordingHeadListener();
        WsNewHeads ws = new WsNewHeads(anvil.wsUrl(), registry);
        HeadTracker tracker = new HeadTracker(chain, listener, 20, registry, Clock.systemUTC());
        try (HeadFollower follower = new HeadFollower(tracker, Optional.of(ws), Duration.ofMinutes(1), Duration.ofMinutes(1))) {
            follower.start();
            await().atMost(Duration.ofSeconds(10)).until(ws::connected);
            long start = chain.blockNumber();
            chain.mine();
            chain.mine();
            chain.mine();
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.lastBlock() == start + 3);
            assertThat(registry.find(MetricNames.WS_CONNECTIONS).tag("outcome", "subscribed").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void aDroppedWebSocketFallsBackToPollingThenReconnectsWithoutGapsOrRepeats() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecordingHeadListener listener = new RecordingHeadListener();
        try (WsFaultProxy proxy = new WsFaultProxy(anvil.wsUrl(), 5)) {
            WsNewHeads ws = new WsNewHeads(proxy.url(), registry);
            HeadTracker tracker = new HeadTracker(chain, listener, 20, registry, Clock.systemUTC());
            try (HeadFollower follower = new HeadFollower(tracker, Optional.of(ws), Duration.ofMillis(200), Duration.ofMinutes(1))) {
                follower.start();
                await().atMost(Duration.ofSeconds(10)).until(ws::connected);
                long first = chain.blockNumber();
                chain.mine();
                await().atMost(Duration.ofSeconds(5)).until(() -> listener.lastBlock() == first + 1);

                proxy.dropAll();
                await().atMost(Duration.ofSeconds(5)).until(() -> !ws.connected() || proxy.connectionsMade() > 1);
                chain.mine();
                chain.mine();
                await().atMost(Duration.ofSeconds(5)).until(() -> listener.lastBlock() == first + 3);

                await().atMost(Duration.ofSeconds(10)).until(() -> ws.connected() && proxy.connectionsMade() == 2);
                chain.mine();
                await().atMost(Duration.ofSeconds(5)).until(() -> listener.lastBlock() == first + 4);
                assertThat(registry.find(MetricNames.WS_CONNECTIONS).tag("outcome", "dropped").counter().count()).isEqualTo(1);
                assertThat(registry.find(MetricNames.WS_CONNECTIONS).tag("outcome", "subscribed").counter().count()).isEqualTo(2);

                List<Long> numbers = listener.blocks.stream().map(b -> b.number()).toList();
                assertThat(numbers).containsExactlyElementsOf(LongStream.rangeClosed(numbers.get(0), first + 4).boxed().toList());
            }
        }
    }
}
