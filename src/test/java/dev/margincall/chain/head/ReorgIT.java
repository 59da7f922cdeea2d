package dev.margincall.chain.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.logs.EventHistory;
import dev.margincall.chain.logs.FileCheckpointStore;
import dev.margincall.chain.logs.LogQuery;
import dev.margincall.chain.logs.LogStream;
import dev.margincall.chain.logs.RecordingSink;
import dev.margincall.chain.web3j.Web3jDevChain;
import dev.margincall.core.BlockRef;
import dev.margincall.devnet.AnvilOptions;
import dev.margincall.devnet.AnvilProcess;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last k blocks replaced by others (Anvil snapshot + revert): rollback first, logs retracted, new ones delivered. */
class ReorgIT {

    @Test
    void gapsAreFilledBlockByBlock() {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            RecordingHeadListener listener = new RecordingHeadListener();
            HeadTracker tracker = new HeadTracker(chain, listener, 20, new SimpleMeterRegistry(), Clock.systemUTC());
            chain.mine(3);
            tracker.sync();
            chain.mine(7);
            tracker.sync();
            assertThat(listener.events).containsExactly("block 3", "block 4", "block 5", "block 6", "block 7", "block 8", "block 9", "block 10");
            // the start publishes what it finds; the next sync announces its newest block before the first of the gap
            assertThat(listener.coming).containsExactly("coming 10 after 1 blocks");
            for (int i = 1; i < listener.blocks.size(); i++) {
                assertThat(listener.blocks.get(i).parentHash()).isEqualTo(listener.blocks.get(i - 1).hash());
            }
        }
    }

    @Test
    void anvilsOwnReorgIsSeenAsARollbackThenTheReplacementBlocks() {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            RecordingHeadListener listener = new RecordingHeadListener();
            HeadTracker tracker = new HeadTracker(chain, listener, 20, new SimpleMeterRegistry(), Clock.systemUTC());
            chain.mine(20);
            tracker.sync();
            String oldTip = chain.block(BlockTag.LATEST).hash();
            listener.events.clear();
            chain.reorg(5); // same height, blocks 16..20 replaced
            assertThat(chain.block(BlockTag.LATEST).hash()).isNotEqualTo(oldTip);
            tracker.sync();
            assertThat(listener.events).containsExactly("rollback to 15", "block 16", "block 17", "block 18", "block 19", "block 20");
            assertThat(listener.coming).as("neither the start nor a reorganization announces its blocks").isEmpty();
            assertThat(listener.removed).extracting(BlockHeader::number).containsExactly(16L, 17L, 18L, 19L, 20L);
        }
    }

    @Test
    void aTenBlockReorgIsRolledBackAndItsLogsRetracted(@TempDir Path dir) {
        try (AnvilProcess anvil = AnvilProcess.start(AnvilOptions.devnet()); Web3jDevChain chain = new Web3jDevChain(anvil.rpcUrl())) {
            EventHistory history = new EventHistory(chain);
            history.grow(30, 2, 0);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RecordingSink sink = new RecordingSink();
            LogQuery query = new LogQuery(history.tokens, List.of(EventHistory.TRANSFER));
            LogStream stream = new LogStream(chain, query, new FileCheckpointStore(dir.resolve("cp.json")), sink,
                    new LogStream.Settings(0, 12, 50, 50, 10_000), registry);
            RecordingHeadListener seen = new RecordingHeadListener();
            HeadTracker tracker = new HeadTracker(chain, new HeadListener() {
                @Override
                public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
                    seen.onRollback(commonAncestor, removed);
                    stream.rollback(commonAncestor);
                }

                @Override
                public void onBlock(BlockHeader header) {
                    seen.onBlock(header);
                    stream.advanceTo(header);
                }
            }, 20, registry, Clock.systemUTC());
            stream.start();
            tracker.sync();

            long fork = chain.blockNumber();
            String snapshot = chain.snapshot();
            history.grow(10, 0, 1_000); // blocks fork+1 .. fork+10, two transfers each
            tracker.sync();
            List<String> oldHashes = LongStream.rangeClosed(fork + 1, fork + 10).mapToObj(n -> chain.block(BlockTag.number(n)).hash()).toList();
            List<RecordingSink.LogId> doomedLogs = RecordingSink.idsOf(chain.logs(new LogFilter(fork + 1, fork + 10, history.tokens, List.of(EventHistory.TRANSFER))));
            assertThat(doomedLogs).hasSize(20);

            assertThat(chain.revert(snapshot)).isTrue();
            history.grow(12, 0, 5_000); // a different fork+1 .. fork+12
            long head = chain.blockNumber();
            assertThat(head).isEqualTo(fork + 12);
            assertThat(chain.block(BlockTag.number(fork + 1)).hash()).isNotEqualTo(oldHashes.get(0));
            seen.events.clear();
            tracker.sync();

            List<String> expectedEvents = new java.util.ArrayList<>(List.of("rollback to " + fork));
            LongStream.rangeClosed(fork + 1, head).forEach(n -> expectedEvents.add("block " + n));
            assertThat(seen.events).containsExactlyElementsOf(expectedEvents);
            assertThat(seen.removed).extracting(BlockHeader::hash).containsExactlyElementsOf(oldHashes);
            assertThat(sink.retracted).containsExactlyInAnyOrderElementsOf(doomedLogs);
            assertThat(sink.live).containsExactlyElementsOf(
                    RecordingSink.idsOf(chain.logs(new LogFilter(0, head, history.tokens, List.of(EventHistory.TRANSFER)))));
            assertThat(registry.find(MetricNames.REORGS).counter().count()).isEqualTo(1);
            assertThat(registry.find(MetricNames.REORG_DEPTH).summary().max()).isEqualTo(10);
        }
    }
}
