package dev.margincall.chain.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.FaultProxy;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.MeteredEthRpc;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.RpcPolicy;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.chain.web3j.Web3jEthRpc;
import dev.margincall.devnet.LocalChain;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Backfill over 5,000+ blocks through a provider that refuses wide ranges and fails now and then. */
class LogStreamIT {

    @RegisterExtension
    static final LocalChain LOCAL = new LocalChain();
    private static AnvilProcess anvil;
    private static Web3jDevChain dev;
    private static EventHistory history;
    private static long head;

    private FaultProxy proxy;
    private SimpleMeterRegistry registry;
    private EthRpc rpc;

    @BeforeAll
    static void buildHistory() {
        anvil = LOCAL.anvil();
        dev = LOCAL.chain();
        history = new EventHistory(dev);
        history.grow(100, 53);
        head = dev.blockNumber();
    }

    @BeforeEach
    void connect() throws Exception {
        proxy = new FaultProxy(anvil.rpcUrl()).limitLogRange(150);
        registry = new SimpleMeterRegistry();
        rpc = new ResilientEthRpc(List.of(new MeteredEthRpc(new Web3jEthRpc(proxy.url()), registry)),
                RpcPolicy.defaults().withBackoff(Duration.ofMillis(2), Duration.ofMillis(20)), registry);
    }

    @AfterEach
    void disconnect() {
        rpc.close();
        proxy.close();
    }

    private static List<RecordingSink.LogId> expected(long to) {
        return dev.logs(new LogFilter(0, to, history.tokens, List.of(EventHistory.TRANSFER))).stream().map(RecordingSink.LogId::of).toList();
    }

    private LogStream stream(FileCheckpointStore store, RecordingSink sink, long range) {
        return new LogStream(rpc, new LogQuery(history.tokens, List.of(EventHistory.TRANSFER)), store, sink,
                new LogStream.Settings(0, 5, range, range, 10_000), registry);
    }

    @Test
    void everyLogExactlyOnceInOrderDespiteRangeLimitsAndFaults(@TempDir Path dir) {
        assertThat(head).isGreaterThanOrEqualTo(5_000);
        proxy.failNext(2, FaultProxy.Fault.HTTP_429).failNext(1, FaultProxy.Fault.TRUNCATED_JSON);
        RecordingSink sink = new RecordingSink();
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("logs.checkpoint.json"));
        LogStream stream = stream(store, sink, 400);
        stream.start();
        stream.advanceTo(rpc.block(BlockTag.LATEST));

        List<RecordingSink.LogId> expected = expected(head);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(200);
        assertThat(sink.live).containsExactlyElementsOf(expected);
        assertThat(registry.find(MetricNames.LOG_RANGE_SPLITS).counter().count()).as("ranges split after refusals").isPositive();
        assertThat(proxy.forwarded("eth_getLogs")).as("many chunks").isGreaterThan(5_000 / 150);
        assertThat(stream.cursor()).get().extracting(b -> b.number()).isEqualTo(head);
        // the catch-up's throughput meters (what `bench` reports) count exactly this backfill: blocks 0..head, every log
        assertThat(registry.get(MetricNames.BACKFILL_BLOCKS).counter().count()).isEqualTo(head + 1);
        assertThat(registry.get(MetricNames.BACKFILL_LOGS).counter().count()).isEqualTo(expected.size());
        assertThat(registry.get(MetricNames.BACKFILL_DURATION).timer().count()).isEqualTo(1);
        stream.advanceTo(rpc.block(BlockTag.LATEST)); // nothing new: no catch-up recorded
        assertThat(registry.get(MetricNames.BACKFILL_DURATION).timer().count()).isEqualTo(1);

        Checkpoint saved = store.load().orElseThrow();
        assertThat(saved.cursor().hash()).isEqualTo(dev.block(BlockTag.number(head)).hash());
        assertThat(saved.finalized().number()).isEqualTo(head - 5);
        assertThat(saved.unconfirmed()).extracting(b -> b.block().number()).containsExactly(head - 4, head - 3, head - 2, head - 1, head);
    }

    @Test
    void killDashNineMidBackfillThenResumeFromTheCheckpointFile(@TempDir Path dir) throws Exception {
        Path checkpointFile = dir.resolve("logs.checkpoint.json");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BackfillHolder.class.getName(), anvil.rpcUrl(), checkpointFile.toString()));
        history.tokens.forEach(t -> command.add(t.hex()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        FileCheckpointStore store = new FileCheckpointStore(checkpointFile);
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                    java.nio.file.Files.exists(checkpointFile) && store.load().map(c -> c.cursor().number() > 1_500).orElse(false));
        } finally {
            child.destroyForcibly(); // SIGKILL, wherever it is: possibly mid-write of the next checkpoint
            child.waitFor();
        }
        Checkpoint left = store.load().orElseThrow();
        assertThat(left.cursor().number()).as("killed mid-backfill").isBetween(1_500L, head - 1);

        RecordingSink resumed = new RecordingSink();
        LogStream stream = stream(store, resumed, 400);
        stream.start();
        assertThat(resumed.live).containsExactlyElementsOf(expected(left.cursor().number()));
        stream.advanceTo(rpc.block(BlockTag.LATEST));
        assertThat(resumed.live).containsExactlyElementsOf(expected(head));
    }

    @Test
    void aCrashBetweenDeliveryAndCheckpointResumesWithoutGapOrDuplicate(@TempDir Path dir) {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("logs.checkpoint.json"));
        RecordingSink crashing = new RecordingSink();
        crashing.crashAfterDeliveries = 12;
        LogStream first = stream(store, crashing, 300);
        first.start();
        assertThatThrownBy(() -> first.advanceTo(rpc.block(BlockTag.LATEST))).hasMessageContaining("simulated crash");
        long resumedAfter = store.load().orElseThrow().cursor().number();
        assertThat(resumedAfter).isLessThan(head);

        RecordingSink restarted = new RecordingSink();
        LogStream second = stream(store, restarted, 300);
        second.start();
        assertThat(restarted.live).as("state restored from the checkpoint").containsExactlyElementsOf(expected(resumedAfter));
        second.advanceTo(rpc.block(BlockTag.LATEST));
        assertThat(restarted.live).containsExactlyElementsOf(expected(head));
    }
}
